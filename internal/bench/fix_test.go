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

// BenchmarkApplyFixesScale shows that applying the fixes of a file is
// linear in their number: one file of N Jobs whose restartPolicy kvet fix
// sets to Never (N fixes plus the others the Jobs have), N from 2,000 to
// 32,000. ns/unit (per Job) stays flat; it grew with N while each fix was
// checked against every edit accepted before it (kvet fix of 16,000 such
// Jobs took 13.9 s, 9.3 s of it there). Run with
//
//	go test ./internal/bench -run '^$' -bench ApplyFixesScale -benchtime 1x
func BenchmarkApplyFixesScale(b *testing.B) {
	const job = "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j%d\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n" +
		"      containers:\n      - name: c\n        image: busybox:1.36\n"
	for _, n := range []int{2000, 8000, 32000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var text strings.Builder
			for i := range n {
				fmt.Fprintf(&text, job, i)
			}
			path := filepath.Join(b.TempDir(), "jobs.yaml")
			if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
				b.Fatal(err)
			}
			set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{path}, rules.All(), analyzer.Options{})
			var fixes []*analyzer.SuggestedFix
			for i := range res.Diagnostics {
				if res.Diagnostics[i].Fix != nil {
					fixes = append(fixes, res.Diagnostics[i].Fix)
				}
			}
			if len(fixes) < n {
				b.Fatalf("%d fixes for %d Jobs", len(fixes), n)
			}
			content := set.Files[0].Content
			b.ResetTimer()
			for b.Loop() {
				out, _ := analyzer.ApplyFixes(content, fixes)
				if strings.Count(string(out), "restartPolicy: Never") != n {
					b.Fatal("not every restartPolicy fixed")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
		})
	}
}
