package policies_test

// Benchmarks of the Rego path over a generated corpus of 10,000 RBAC
// documents (Role, ClusterRole, RoleBinding, ClusterRoleBinding in 1,000
// files), single core and all cores, and of loading the policies:
//
//	go test ./policies -run '^$' -bench . -benchtime 5x -cpu 1,$(nproc)

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/corpusgen"
	"github.com/kvet-dev/kvet/internal/cputime"
	"github.com/kvet-dev/kvet/policies"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusDocs int
	corpusErr  error
)

// TestMain removes the benchmark corpus, which is shared by the benchmarks
// of one run.
func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

// rbacCorpus writes the corpus once per test binary.
func rbacCorpus(b *testing.B) (string, int) {
	b.Helper()
	corpusOnce.Do(func() {
		corpusDir, corpusErr = os.MkdirTemp("", "kvet-rbac-corpus-")
		if corpusErr == nil {
			corpusDocs, corpusErr = corpusgen.Generate(corpusDir, corpusgen.Options{Files: 1000, DocsPerFile: 10, Seed: 7, Kinds: corpusgen.RBACKinds()})
		}
	})
	if corpusErr != nil {
		b.Fatal(corpusErr)
	}
	return corpusDir, corpusDocs
}

func compiledBuiltin(b *testing.B) []*analyzer.Rule {
	b.Helper()
	e, err := policies.New(policies.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		b.Fatal(err)
	}
	return e.Rules()
}

// BenchmarkRegoEvaluate measures the evaluation of the built-in policies
// alone: documents loaded beforehand, a compiled engine per iteration
// (compilation not timed), every document evaluated once.
func BenchmarkRegoEvaluate(b *testing.B) {
	dir, n := rbacCorpus(b)
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{dir})
	if len(set.Docs) != n {
		b.Fatalf("loaded %d documents, want %d", len(set.Docs), n)
	}
	findings := 0
	var wall, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		rules := compiledBuiltin(b)
		b.StartTimer()
		start, startCPU := time.Now(), cputime.Used()
		res := analyzer.Run(context.Background(), set, rules, analyzer.Options{})
		wall, cpu = wall+time.Since(start), cpu+cputime.Used()-startCPU
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
		findings = len(res.Diagnostics)
	}
	report(b, n, wall, cpu)
	b.ReportMetric(float64(findings), "findings")
}

// report adds documents per second of wall time and per CPU second (the
// latter is not distorted by other processes on the machine).
func report(b *testing.B, docs int, wall, cpu time.Duration) {
	b.ReportMetric(float64(docs)*float64(b.N)/wall.Seconds(), "docs/s")
	if cpu > 0 {
		b.ReportMetric(float64(docs)*float64(b.N)/cpu.Seconds(), "docs/cpu-s")
	}
}

// BenchmarkRegoLint measures a whole lint run of the corpus with the
// built-in policies: reading, parsing, decoding, compiling and evaluating.
func BenchmarkRegoLint(b *testing.B) {
	dir, n := rbacCorpus(b)
	var wall, cpu time.Duration
	for b.Loop() {
		start, startCPU := time.Now(), cputime.Used()
		rules := policies.Builtin()
		_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, rules, analyzer.Options{})
		wall, cpu = wall+time.Since(start), cpu+cputime.Used()-startCPU
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
	}
	report(b, n, wall, cpu)
}

// BenchmarkLoadMetadata is what every `kvet lint` pays for the built-in
// policies: parsing them with their METADATA into rules.
func BenchmarkLoadMetadata(b *testing.B) {
	for b.Loop() {
		if _, err := policies.New(policies.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile is what a run pays once when a document needs the
// policies: compiling them and preparing the query (after parsing).
func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e, err := policies.New(policies.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := e.Compile(); err != nil {
			b.Fatal(err)
		}
	}
}
