package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

// BenchmarkSuppress measures the suppression step alone
// (analyzer.Suppress after a Lint of the corpus), to compare with
// BenchmarkLint: on the plain corpus (no kvet:ignore comment: the step only
// reads the annotations kept by the loader) and on the corpus with comments
// in every file (a kvet:ignore-file header and a kvet:ignore on the first
// image), whose block scalars Parse marked while the node trees existed, so
// the step re-parses nothing.
func BenchmarkSuppress(b *testing.B) {
	for _, withComments := range []bool{false, true} {
		name := "plain"
		if withComments {
			name = "comments"
		}
		b.Run(name, func(b *testing.B) {
			dir, n := corpus(b)
			if withComments {
				addComments(b, dir)
			}
			all := append(rules.All(), analyzer.SuppressionRules()...)
			set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, all, analyzer.Options{})
			b.ResetTimer()
			suppressed := 0
			for b.Loop() {
				b.StopTimer()
				in := lintResult(res.Diagnostics)
				b.StartTimer()
				diags := analyzer.Suppress(set, in, analyzer.SuppressConfig{Rules: all, Known: all})
				suppressed = 0
				for i := range diags {
					if diags[i].Suppressed() {
						suppressed++
					}
				}
			}
			if withComments == (suppressed == 0) {
				b.Fatalf("%d findings suppressed", suppressed)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric(float64(len(res.Diagnostics)), "diags")
			b.ReportMetric(float64(suppressed), "suppressed")
		})
	}
}

// lintResult returns a copy of Lint's diagnostics ds, with the room Lint
// leaves after them: Suppress marks its input and merges into that room,
// so each call needs a fresh one.
func lintResult(ds []analyzer.Diagnostic) []analyzer.Diagnostic {
	out := make([]analyzer.Diagnostic, len(ds), cap(ds))
	copy(out, ds)
	return out
}

func addComments(b *testing.B, dir string) {
	b.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := "# kvet:ignore-file default-service-account -- benchmark\n" + string(data)
		if i := strings.Index(s, "image: "); i >= 0 {
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				s = s[:i+j] + "  # kvet:ignore image-tag-mutable,resource-limits-missing" + s[i+j:]
			}
		}
		return os.WriteFile(p, []byte(s), 0o644)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSuppressScale shows that the suppression step is linear in the
// size of a file: one file of N Jobs, each with a kvet:ignore-document
// comment ("document"), one file with N consecutive own-line kvet:ignore
// comments before a single Job ("comments"), and one kvet:ignore comment
// naming N rules ("names"), for N from 5,000 to 50,000. ns/unit (per
// document, comment or name) stays flat when the step is linear; it grew
// with N when each directive scanned every document or every following
// comment, or each name's column was counted from the line's start. Run
// with
//
//	go test ./internal/bench -run '^$' -bench SuppressScale -benchtime 1x
func BenchmarkSuppressScale(b *testing.B) {
	for _, shape := range []string{"document", "comments", "names"} {
		for _, n := range []int{5000, 10000, 20000, 50000} {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "many.yaml")
				if err := os.WriteFile(path, suppressionFile(shape, n), 0o644); err != nil {
					b.Fatal(err)
				}
				all := append(rules.All(), analyzer.SuppressionRules()...)
				set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{path}, all, analyzer.Options{})
				if len(set.Errors) > 0 || len(res.Errors) > 0 {
					b.Fatal(set.Errors, res.Errors)
				}
				b.ResetTimer()
				var diags []analyzer.Diagnostic
				for b.Loop() {
					b.StopTimer()
					in := lintResult(res.Diagnostics)
					b.StartTimer()
					diags = analyzer.Suppress(set, in, analyzer.SuppressConfig{Rules: all, Known: all})
				}
				suppressed := 0
				for i := range diags {
					if diags[i].Suppressed() {
						suppressed++
					}
				}
				if suppressed == 0 {
					b.Fatal("nothing suppressed")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
			})
		}
	}
}

// suppressionFile returns a manifest with n suppressions of the shape.
func suppressionFile(shape string, n int) []byte {
	const job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j%d\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n" +
		"      containers:\n      - name: c\n        image: c:1\n"
	var b strings.Builder
	switch shape {
	case "document":
		for i := range n {
			fmt.Fprintf(&b, "---\n# kvet:ignore-document job-ttl-missing -- generated\n"+job, i)
		}
	case "names": // one comment before spec: that names n rules
		head, spec, _ := strings.Cut(fmt.Sprintf(job, 0), "spec:\n")
		b.WriteString(head + "# kvet:ignore job-ttl-missing")
		for i := range n - 1 {
			fmt.Fprintf(&b, ",rule-%d", i)
		}
		b.WriteString(" -- generated\nspec:\n" + spec)
	default: // the comments before spec:, where job-ttl-missing points
		head, spec, _ := strings.Cut(fmt.Sprintf(job, 0), "spec:\n")
		b.WriteString(head)
		for range n {
			b.WriteString("# kvet:ignore job-ttl-missing -- generated\n")
		}
		b.WriteString("spec:\n" + spec)
	}
	return []byte(b.String())
}
