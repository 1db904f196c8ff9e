package linter

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/internal/config"
)

// A chart's settings are the configuration's values and sets followed by the
// command line's, in new slices: charts are rendered in parallel, so
// appending into the configuration's own slices (when they have room) would
// make every chart write the same memory.
func TestChartSettingsDoNotShareTheConfiguration(t *testing.T) {
	dir := t.TempDir()
	values, set := make([]string, 1, 4), make([]string, 1, 4)
	values[0], set[0] = filepath.Join(dir, "values.yaml"), "a=1"
	cfg := &config.Config{Helm: &config.Helm{Charts: []config.HelmChart{{Dir: dir, Values: values, Set: set}}}}
	var l Linter
	l.render(cfg, RenderSettings{HelmValues: []string{"/cli/values.yaml"}, HelmSet: []string{"b=2"}})
	cs := l.helm.Chart(filepath.ToSlash(dir))
	if cs == nil {
		t.Fatal("no settings for the configured chart")
	}
	if want := []string{values[0], "/cli/values.yaml"}; !slices.Equal(cs.Values, want) {
		t.Errorf("values %q, want %q", cs.Values, want)
	}
	if want := []string{"a=1", "b=2"}; !slices.Equal(cs.Set, want) {
		t.Errorf("set %q, want %q", cs.Set, want)
	}
	if values[:2][1] != "" || set[:2][1] != "" {
		t.Errorf("the configuration's slices were written beyond their length: %q, %q", values[:2], set[:2])
	}
}
