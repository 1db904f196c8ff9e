package render_test

import (
	"context"
	"path"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// Roots are the kustomization directories that no other one among the
// linted files includes; a cycle of inclusions is rendered (and fails)
// rather than skipped (its first directory: kustomize reports the cycle);
// kustomization files are markers.
func TestRoots(t *testing.T) {
	t.Chdir(t.TempDir())
	files := map[string]string{
		"base/kustomization.yaml":        "resources: [a.yaml]\n",
		"base/a.yaml":                    "",
		"components/x/kustomization.yml": "kind: Component\n",
		"overlays/a/kustomization.yaml":  "resources: [../../base]\ncomponents: [../../components/x]\n",
		"overlays/b/Kustomization":       "resources:\n- ../../base\n- https://example.com/remote.yaml\n",
		"cycle/one/kustomization.yaml":   "resources: [../two]\n",
		"cycle/two/kustomization.yaml":   "resources: [../one]\n",
		"plain/job.yaml":                 "",
	}
	var names []string
	for name, content := range files {
		analyzertest.WriteFile(t, name, content)
		names = append(names, name)
	}
	slices.Sort(names)
	s := render.New(kustomize.New())
	found, markers := s.Roots(context.Background(), analyzer.NewLoader(nil), names)
	var roots []string
	for _, r := range found {
		roots = append(roots, r.Dir)
		if len(r.Files) != 1 || path.Dir(r.Files[0]) != r.Dir {
			t.Errorf("root %s: markers %v", r.Dir, r.Files)
		}
	}
	if want := []string{"cycle/one", "overlays/a", "overlays/b"}; !slices.Equal(roots, want) {
		t.Errorf("roots = %v, want %v", roots, want)
	}
	for _, m := range markers {
		if b := path.Base(m); b != "kustomization.yaml" && b != "kustomization.yml" && b != "Kustomization" {
			t.Errorf("marker %s", m)
		}
	}
	if len(markers) != 6 {
		t.Errorf("markers = %v, want the 6 kustomization files", markers)
	}
}
