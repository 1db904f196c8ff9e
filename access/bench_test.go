package access_test

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/corpusgen"
	"github.com/kvet-dev/kvet/internal/cputime"
	"github.com/kvet-dev/kvet/rbac"
)

// benchModel lints a generated corpus of n RBAC documents (Roles,
// ClusterRoles, RoleBindings, ClusterRoleBindings) and n workloads and
// ServiceAccounts as kvet access reads them (the engine's set-rule path:
// facts taken, trees released) and returns its RBAC model.
func benchModel(b *testing.B, n int) (*rbac.Model, []*analyzer.Document) {
	b.Helper()
	dir := b.TempDir()
	const perFile = 10
	if _, err := corpusgen.Generate(dir+"/rbac", corpusgen.Options{Files: n / perFile, DocsPerFile: perFile, Seed: 1, Kinds: corpusgen.RBACKinds()}); err != nil {
		b.Fatal(err)
	}
	if _, err := corpusgen.Generate(dir+"/workloads", corpusgen.Options{Files: n / perFile, DocsPerFile: perFile, Seed: 2,
		Kinds: []string{"Job", "CronJob", "Deployment", "ServiceAccount"}}); err != nil {
		b.Fatal(err)
	}
	var m *rbac.Model
	var docs []*analyzer.Document
	collect := &analyzer.Rule{ID: "collect", Kinds: rbac.Kinds(), Facts: []*analyzer.Fact{rbac.Fact()},
		RunSet: func(p *analyzer.SetPass) { m, docs = rbac.Build(p.Docs), p.Docs }}
	set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{collect}, analyzer.Options{})
	if len(set.Errors)+len(res.Errors) > 0 || m == nil {
		b.Fatalf("linting the corpus: %v %v", set.Errors, res.Errors)
	}
	return m, docs
}

// BenchmarkReport measures the access report of n RBAC documents plus n
// workloads: building it from the RBAC model (every subject's
// permissions, their risks and grant chains located to file:line), and
// writing it in each format. The baseline, measured in the same run, is
// building the RBAC model of the same documents (N/model). Each reports
// its CPU time (user and system, GC included) per document, cpu-ns/doc,
// which the load of a shared machine distorts far less than ns/op; it
// should stay flat from 1k to 50k (linear in the set):
//
//	go test ./access -run '^$' -bench Report -benchtime 3x
//	go test ./access -run '^$' -bench 'Report/10000/' -benchtime 3x   # one size
func BenchmarkReport(b *testing.B) {
	for _, n := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchReport(b, n) })
	}
}

func benchReport(b *testing.B, n int) {
	m, docs := benchModel(b, n)
	in := []access.Input{{Model: m}}
	b.Run("model", func(b *testing.B) {
		start := cputime.Used()
		for b.Loop() {
			rbac.Build(docs)
		}
		perDoc(b, start, n)
	})
	b.Run("build", func(b *testing.B) {
		var r *access.Report
		start := cputime.Used()
		for b.Loop() {
			var err error
			if r, err = access.Build(b.Context(), in, nil); err != nil {
				b.Fatal(err)
			}
		}
		perms := 0
		for _, s := range r.Sets[0].Subjects {
			perms += len(s.Permissions)
		}
		perDoc(b, start, n)
		b.ReportMetric(float64(perms), "permissions")
	})
	r, err := access.Build(b.Context(), in, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range access.Formats() {
		b.Run(format, func(b *testing.B) {
			start := cputime.Used()
			for b.Loop() {
				if err := access.Write(io.Discard, format, r); err != nil {
					b.Fatal(err)
				}
			}
			perDoc(b, start, n)
		})
	}
}

// perDoc reports the CPU time per document since start, and the wall time
// per document, of a set of n RBAC documents and n workloads.
func perDoc(b *testing.B, start time.Duration, n int) {
	docs := float64(b.N) * float64(2*n)
	b.ReportMetric(float64((cputime.Used()-start).Nanoseconds())/docs, "cpu-ns/doc")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/docs, "ns/doc")
}
