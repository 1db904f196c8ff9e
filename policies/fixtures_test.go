package policies_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/policies"
)

// Each built-in policy's fixtures (rbac/<id>/testdata) run with that policy
// alone: every finding is expected by a `# want` comment on its line.
func TestPolicyFixtures(t *testing.T) {
	for _, r := range policies.Builtin() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("rbac", r.ID, "testdata")
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("policy %s has no fixtures: %v", r.ID, err)
			}
			diags := analyzertest.Run(t, []*analyzer.Rule{r}, dir)
			if len(diags) == 0 {
				t.Errorf("fixtures of %s produce no finding", r.ID)
			}
		})
	}
}
