package bench

import (
	"context"
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
				diags := analyzer.Suppress(set, res.Diagnostics, analyzer.SuppressConfig{Rules: all, Known: all})
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
