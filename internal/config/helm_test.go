package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseHelm(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"charts/app/Chart.yaml", "charts/app/ci/prod.yaml", "values/common.yaml"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("name: app\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := `helm:
  release-name: prod
  namespace: jobs
  timeout: 2m
  max-memory: 512MiB
  charts:
    charts/app:
      values: [values/common.yaml, charts/app/ci/prod.yaml]
      set: ["image.tag=1.2.3", "a={b,c}"]
      namespace: batch
`
	c, err := Parse(filepath.Join(dir, ".kvet.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Helm{ReleaseName: "prod", Namespace: "jobs", Timeout: 2 * time.Minute, MaxMemory: 512 << 20, Charts: []HelmChart{{
		Dir:       filepath.Join(dir, "charts/app"),
		Values:    []string{filepath.Join(dir, "values/common.yaml"), filepath.Join(dir, "charts/app/ci/prod.yaml")},
		Set:       []string{"image.tag=1.2.3", "a={b,c}"},
		Namespace: "batch",
	}}}
	if !reflect.DeepEqual(c.Helm, want) {
		t.Errorf("Helm = %+v, want %+v", c.Helm, want)
	}
	if got := c.HelmChart(filepath.Join(dir, "charts", "app")); got == nil || got.Namespace != "batch" {
		t.Errorf("HelmChart(charts/app) = %+v", got)
	}
	if got := c.HelmChart(filepath.Join(dir, "charts")); got != nil {
		t.Errorf("HelmChart(charts) = %+v, want nil", got)
	}
}

func TestParseHelmErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "app"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "app", "Chart.yaml"), []byte("name: app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("a: 1\n---\nb: [x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, src string
		want      []string
	}{
		{"not a mapping", "helm: [a]\n",
			[]string{`.kvet.yaml:1:7: error: helm: want a mapping with release-name, namespace, timeout, max-memory, charts, got a list`}},
		{"unknown key", "helm:\n  values: [a.yaml]\n",
			[]string{`.kvet.yaml:2:3: error: unknown key "values" in helm (want release-name, namespace, timeout, max-memory, charts)`}},
		{"not a chart", "helm:\n  charts:\n    nochart: {}\n",
			[]string{`.kvet.yaml:3:5: error: helm.charts: nochart is not a chart (no Chart.yaml in it)`}},
		{"chart settings", "helm:\n  charts:\n    app:\n      values: [missing.yaml]\n      set: [novalue]\n      sets: []\n",
			[]string{
				`.kvet.yaml:4:16: error: helm.charts.app.values: no values file missing.yaml`,
				`.kvet.yaml:5:13: error: helm.charts.app.set: "novalue" is not KEY=VALUE`,
				`.kvet.yaml:6:7: error: unknown key "sets" in helm.charts.app (want values, set, release-name, namespace)`,
			}},
		{"values file does not parse", "helm:\n  charts:\n    app:\n      values: [broken.yaml]\n",
			[]string{`.kvet.yaml:4:16: error: helm.charts.app.values: broken.yaml:3:1: invalid YAML: did not find expected ',' or ']'`}},
		{"limits", "helm:\n  timeout: 0s\n  max-memory: lots\n",
			[]string{
				`.kvet.yaml:2:12: error: helm.timeout: want a positive duration such as 10s or 1m, got "0s"`,
				`.kvet.yaml:3:15: error: helm.max-memory: invalid size "lots" (want a number of bytes, optionally with a unit: 512KiB, 64MiB, 1GiB)`,
			}},
		{"release name not a string", "helm:\n  release-name: 3\n",
			[]string{`.kvet.yaml:2:17: error: helm.release-name: want a string, got the integer 3`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(filepath.Join(dir, ".kvet.yaml"), []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(strings.ReplaceAll(err.Error(), filepath.Join(dir, ".kvet.yaml"), ".kvet.yaml"), "\n")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseKustomize(t *testing.T) {
	dir := t.TempDir()
	c, err := Parse(filepath.Join(dir, ".kvet.yaml"), []byte("kustomize:\n  timeout: 90s\n"))
	if err != nil || c.KustomizeTimeout != 90*time.Second {
		t.Fatalf("KustomizeTimeout = %v, %v; want 1m30s", c.KustomizeTimeout, err)
	}
	tests := []struct{ src, want string }{
		{"kustomize: 3\n", `.kvet.yaml:1:12: error: kustomize: want a mapping with timeout, got the integer 3`},
		{"kustomize:\n  timeout: soon\n", `.kvet.yaml:2:12: error: kustomize.timeout: want a positive duration such as 10s or 1m, got "soon"`},
		{"kustomize:\n  timeouts: 1s\n", `.kvet.yaml:2:3: error: unknown key "timeouts" in kustomize (want timeout)`},
	}
	for _, tt := range tests {
		_, err := Parse(filepath.Join(dir, ".kvet.yaml"), []byte(tt.src))
		if err == nil || strings.ReplaceAll(err.Error(), filepath.Join(dir, ".kvet.yaml"), ".kvet.yaml") != tt.want {
			t.Errorf("%q: err = %v, want %s", tt.src, err, tt.want)
		}
	}
}
