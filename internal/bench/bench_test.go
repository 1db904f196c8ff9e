// Package bench holds kvet's end-to-end benchmarks over a generated corpus
// of 10,000 documents in 1,000 files. BenchmarkYAMLParse is the baseline:
// a single-threaded go.yaml.in/yaml/v3 node parse of the same files.
//
//	go test ./internal/bench -run '^$' -bench . -benchtime 5x
package bench

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/corpusgen"
	"github.com/kvet-dev/kvet/policies"
	"github.com/kvet-dev/kvet/rules"
)

// corpus generates the benchmark corpus once per benchmark and returns its
// directory and the number of documents.
func corpus(b *testing.B) (string, int) {
	b.Helper()
	dir := b.TempDir()
	n, err := corpusgen.Generate(dir, corpusgen.Options{Files: 1000, DocsPerFile: 10, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return dir, n
}

func files(b *testing.B, dir string) [][]byte {
	var out [][]byte
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out = append(out, data)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func BenchmarkYAMLParse(b *testing.B) {
	dir, n := corpus(b)
	data := files(b, dir)
	b.ResetTimer()
	for b.Loop() {
		for _, f := range data {
			dec := yaml.NewDecoder(bytes.NewReader(f))
			for {
				var node yaml.Node
				if err := dec.Decode(&node); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkLoad(b *testing.B) {
	dir, n := corpus(b)
	b.ResetTimer()
	for b.Loop() {
		set := analyzer.NewLoader(nil).Load(context.Background(), []string{dir})
		if len(set.Docs) != n {
			b.Fatalf("loaded %d documents, want %d", len(set.Docs), n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkLint runs the native Go rules; BenchmarkLintAll adds the
// built-in Rego policies (compiled once per run, as the CLI does).
func BenchmarkLint(b *testing.B) { benchLint(b, rules.All) }

func BenchmarkLintAll(b *testing.B) {
	benchLint(b, func() []*analyzer.Rule { return slices.Concat(rules.All(), policies.Builtin()) })
}

func benchLint(b *testing.B, ruleSet func() []*analyzer.Rule) {
	dir, n := corpus(b)
	b.ResetTimer()
	var live uint64
	for b.Loop() {
		all := ruleSet()
		set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, all, analyzer.Options{})
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		runtime.KeepAlive(set)
		runtime.KeepAlive(res)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(live)/(1<<20), "live-MiB")
}
