package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

// BenchmarkLongLineScale shows that linting is linear in the length of a
// line: a JSON List of N Jobs written on one line (as `jq -c` and many
// generators write it), N from 1,000 to 16,000, as it is ("list") and
// followed by as many blanks on its line ("blanks"). ns/unit (per Job)
// stays flat; it grew with N while converting a position on the line
// decoded it from its start (4,000 Jobs took 20 s instead of 0.4 s,
// 20,000 Jobs 430 s), and while the width of a range to the end of the
// line trimmed its trailing blanks for each finding. Run with
//
//	go test ./internal/bench -run '^$' -bench LongLineScale -benchtime 1x
func BenchmarkLongLineScale(b *testing.B) {
	for _, shape := range []string{"list", "blanks"} {
		for _, n := range []int{1000, 4000, 16000} {
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				data := oneLineList(b, n)
				if shape == "blanks" {
					data = append(data, bytes.Repeat([]byte{' '}, len(data))...)
				}
				benchLongLine(b, data, n)
			})
		}
	}
}

// benchLongLine lints a file of data, n documents, as a benchmark.
func benchLongLine(b *testing.B, data []byte, n int) {
	path := filepath.Join(b.TempDir(), "list.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	all := rules.All()
	b.ResetTimer()
	for b.Loop() {
		set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{path}, all, analyzer.Options{})
		if len(set.Docs) != n || len(res.Diagnostics) == 0 {
			b.Fatalf("%d documents, %d findings", len(set.Docs), len(res.Diagnostics))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
}

// oneLineList returns a JSON List of n Jobs on one line; every tenth
// Job's annotation is not ASCII, so that columns are not bytes.
func oneLineList(tb testing.TB, n int) []byte {
	items := make([]any, n)
	for i := range items {
		note := "plain"
		if i%10 == 0 {
			note = "café ☕"
		}
		items[i] = map[string]any{
			"apiVersion": "batch/v1", "kind": "Job",
			"metadata": map[string]any{"name": fmt.Sprintf("j%d", i), "annotations": map[string]string{"note": note}},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"restartPolicy": "Never",
				"containers":    []any{map[string]any{"name": "c", "image": "busybox:1.36"}},
			}}},
		}
	}
	data, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
