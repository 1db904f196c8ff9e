package helm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

func TestStream(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"deploy/web/Chart.yaml": "apiVersion: v2\nname: web # the chart\nversion: 1.0.0\n",
		"deploy/web/templates/sa.yaml": `{{- if .Values.sa }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .Release.Name }}
{{- end }}
`,
	}
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, name), content)
	}
	t.Chdir(dir)
	out := `---
# Source: web/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: rel
---
# Source: other/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
`
	// Before any "# Source:" comment, an object has no template.
	out = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n" + out
	if !HasSourceComments([]byte(out)) || HasSourceComments([]byte("a: 1\n#  Source: x\n")) {
		t.Error("HasSourceComments")
	}
	f := &analyzer.File{Path: analyzer.StdinName, Content: []byte(out)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	var opened []string
	s := NewStream(f, func(p string) (*analyzer.File, error) {
		opened = append(opened, p)
		data, err := os.ReadFile(p)
		return &analyzer.File{Path: p, Content: data}, err
	})
	if s.Source(docs[0]) != nil {
		t.Error("the Namespace before any # Source: comment got a template")
	}
	docs = docs[1:]
	src := s.Source(docs[0])
	if src == nil || src.File().Path != "deploy/web/templates/sa.yaml" {
		t.Fatalf("Source(ServiceAccount) = %v", src)
	}
	if r, q := src.Locate(docs[0], analyzer.NewPath("metadata", "name"), false); r.Start.Line != 5 || r.Start.Column != 9 || q != AtKey {
		t.Errorf("metadata.name at %v (%s), want 5:9", r.Start, q)
	}
	if s.Source(docs[1]) != nil {
		t.Error("an object whose template is not under the working directory got one")
	}
	if len(opened) != 1 || len(s.Files()) != 1 {
		t.Errorf("opened %v, files %d", opened, len(s.Files()))
	}
}

// TestChartNameLast: of a name: written twice in Chart.yaml, Helm reads
// the last, and so does the index of charts by name.
func TestChartNameLast(t *testing.T) {
	p := filepath.Join(t.TempDir(), ChartFile)
	analyzertest.WriteFile(t, p, "apiVersion: v2\nname: draft\nversion: 1.0.0\nname: 'web' # renamed\n")
	if got := chartName(p); got != "web" {
		t.Errorf("chartName = %q, want web", got)
	}
}

// TestStreamAliases: helm template names an aliased subchart's templates
// by the alias ("p/charts/worker/templates/job.yaml"); they are mapped to
// the subchart's directory through the dependencies of Chart.yaml, or of
// requirements.yaml for an apiVersion v1 chart.
func TestStreamAliases(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"p/Chart.yaml":                         "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n  - name: sub\n    alias: worker\n    version: 0.1.0\n",
		"p/charts/sub/Chart.yaml":              "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
		"p/charts/sub/templates/job.yaml":      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-job\n",
		"old/Chart.yaml":                       "apiVersion: v1\nname: old\nversion: 1.0.0\n",
		"old/requirements.yaml":                "dependencies:\n- name: lib\n  alias: helper\n  version: 0.1.0\n",
		"old/charts/lib-dir/Chart.yaml":        "apiVersion: v1\nname: lib\nversion: 0.1.0\n",
		"old/charts/lib-dir/templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
	}
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, name), content)
	}
	t.Chdir(dir)
	out := `---
# Source: p/charts/worker/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: rel-job
---
# Source: old/charts/helper/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
---
# Source: p/charts/nobody/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: none
`
	f := &analyzer.File{Path: analyzer.StdinName, Content: []byte(out)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	s := NewStream(f, func(p string) (*analyzer.File, error) {
		data, err := os.ReadFile(p)
		return &analyzer.File{Path: p, Content: data}, err
	})
	for i, want := range []string{"p/charts/sub/templates/job.yaml", "old/charts/lib-dir/templates/cm.yaml"} {
		src := s.Source(docs[i])
		if src == nil || src.File().Path != want {
			t.Fatalf("Source(%s) = %v, want %s", docs[i].Name, src, want)
		}
		if r, _ := src.Locate(docs[i], analyzer.NewPath("metadata", "name"), false); r.Start.Line != 4 || r.Start.Column != 9 {
			t.Errorf("%s: metadata.name at %v, want 4:9", want, r.Start)
		}
	}
	if s.Source(docs[2]) != nil {
		t.Error("a subchart that no dependency names got a template")
	}
}
