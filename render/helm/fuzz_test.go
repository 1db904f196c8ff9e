package helm_test

import (
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
)

// FuzzChart lints a chart whose values.yaml and one template are any
// input, rendered with Helm's packages in the test binary as kvet-helm
// renders them: the chart renders or fails with render-failed, never with
// a run error or a panic, and every finding is at a line of its file.
func FuzzChart(f *testing.F) {
	f.Add([]byte("image: nginx:1.25\nreplicas: 2\n"),
		[]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: {{ .Values.image | quote }}\n"))
	f.Add([]byte("sub: str\nglobal: [1]\n"),
		[]byte("{{- range .Values.list }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ . }}\n{{- end }}\n"))
	f.Add([]byte("x: {a: 1}\n"), []byte("{{ toYaml .Values.x | nindent 2 }}\n{{ required \"y\" .Values.y }}\n{{ fail \"no\" }}\n"))
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		f.Fatal(err)
	}
	stage := render.New(helm.New(helm.Settings{}, inProcess))
	f.Fuzz(func(t *testing.T, values, template []byte) {
		dir := t.TempDir()
		analyzertest.WriteFile(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
		analyzertest.WriteFile(t, filepath.Join(dir, "values.yaml"), string(values))
		analyzertest.WriteFile(t, filepath.Join(dir, "templates", "t.yaml"), string(template))
		l := analyzer.NewLoader(nil)
		l.Renderer = stage
		set, res := lt.Lint(t.Context(), l, []string{dir})
		for _, err := range append(set.Errors, res.Errors...) {
			t.Errorf("run error: %v", err)
		}
		analyzertest.CheckPositions(t, set, lt.Suppress(set, res.Diagnostics))
	})
}
