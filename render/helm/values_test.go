package helm

import (
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// TestCheckValues: a values file that does not parse is told at the
// place of its first syntax error, in any of its documents.
func TestCheckValues(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.yaml"), filepath.Join(dir, "bad.yaml")
	analyzertest.WriteFile(t, good, "a: 1\n---\nb: [x]\n")
	analyzertest.WriteFile(t, bad, "a: 1\n---\nb: [x\n")
	if err := CheckValues(good, good); err != nil {
		t.Errorf("CheckValues(good) = %v", err)
	}
	if err, want := CheckValues(bad, "bad.yaml"), "bad.yaml"+":3:1: invalid YAML: did not find expected ',' or ']'"; err == nil || err.Error() != want {
		t.Errorf("CheckValues(bad) = %v, want %s", err, want)
	}
}
