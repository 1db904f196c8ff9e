package report_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/report"
)

// IsReport tells the reports kvet writes in its JSON formats, empty ones
// included, from the other files a linted directory holds.
func TestIsReport(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	full, empty := fixtureReport(t), fixtureReport(t)
	empty.Diagnostics = nil
	for _, r := range []*report.Report{full, empty} {
		for _, f := range []report.Formatter{report.JSON{}, report.SARIF{}, report.GitLab{}} {
			if p := write("r.json", render(t, f, r)); !report.IsReport(p) {
				t.Errorf("%T report of %d findings is not a report", f, len(r.Diagnostics))
			}
		}
	}
	for name, data := range map[string]string{
		"pod.yaml":        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
		"pod.json":        `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}`,
		"list.json":       `[{"apiVersion": "v1", "kind": "Pod"}]`,
		"Chart.yaml":      "apiVersion: v2\nname: c\nversion: 0.1.0\n",
		"baseline.json":   `{"version": 1, "findings": []}`,
		"other-tool.json": `{"version": 1, "tool": {"name": "other"}}`,
		"truncated.json":  `{"version": 1, "tool": {`,
		"empty.json":      "",
	} {
		if report.IsReport(write(name, []byte(data))) {
			t.Errorf("%s %q is a report", name, data)
		}
	}
	if report.IsReport(filepath.Join(dir, "missing.json")) || report.IsReport(dir) {
		t.Error("a missing file or a directory is a report")
	}
}
