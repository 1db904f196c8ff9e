//go:build unix

package helm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
)

// TestHostileChartFiles: the chart files kvet reads itself (templates,
// Chart.yaml) and the values files it passes on go through the loader's
// bounded read. A template that is a named pipe or over --max-file-size,
// or a values file that is a named pipe, gives render-failed at the
// chart, without hanging and without running kvet-helm.
func TestHostileChartFiles(t *testing.T) {
	t.Chdir(t.TempDir())
	chart := "apiVersion: v2\nname: %s\nversion: 1.0.0\n"
	sa := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n"
	analyzertest.WriteFile(t, "fifo/Chart.yaml", strings.Replace(chart, "%s", "fifo", 1))
	analyzertest.WriteFile(t, "big/Chart.yaml", strings.Replace(chart, "%s", "big", 1))
	analyzertest.WriteFile(t, "big/templates/big.yaml", sa+strings.Repeat("# padding\n", 1000))
	analyzertest.WriteFile(t, "values/Chart.yaml", strings.Replace(chart, "%s", "values", 1))
	analyzertest.WriteFile(t, "values/templates/sa.yaml", sa)
	for _, p := range []string{"fifo/templates/pipe.yaml", "values/pipe-values.yaml"} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	settings := helm.Settings{Chart: func(dir string) *helm.ChartSettings {
		if dir == "values" {
			return &helm.ChartSettings{Values: []string{"values/pipe-values.yaml"}}
		}
		return nil
	}}
	ran := false
	never := func(context.Context, []helm.Request) ([]helm.Output, error) {
		ran = true
		return nil, nil
	}
	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(helm.New(settings, never))
	loader.MaxFileSize = 4096
	_, res := analyzertest.LintWithin(t, loader, []string{"."}, time.Minute)
	if ran {
		t.Error("kvet-helm was run on a chart with a file kvet could not read")
	}
	want := map[string]string{
		"big/Chart.yaml":    "templates/big.yaml: file is 9.8 KiB, over the 4 KiB limit",
		"fifo/Chart.yaml":   "templates/pipe.yaml: not a regular file (a named pipe)",
		"values/Chart.yaml": "values file values/pipe-values.yaml: not a regular file (a named pipe)",
	}
	for _, d := range res.Diagnostics {
		w, ok := want[d.File]
		if !ok || d.RuleID != analyzer.IDRenderFailed || !strings.Contains(d.Message, w) {
			t.Errorf("%s:%d: %s (%s); want render-failed containing %q", d.File, d.Range.Start.Line, d.Message, d.RuleID, w)
		}
		delete(want, d.File)
	}
	for f, w := range want {
		t.Errorf("%s: no render-failed containing %q", f, w)
	}
}
