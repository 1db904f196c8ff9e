package rules_test

import (
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules"
)

// TestSetRuleScenarios lints each multi-file scenario of
// testdata/set-rules (txtar archives) with kvet's cross-document rules and
// checks its `# want` and `# related` comments.
func TestSetRuleScenarios(t *testing.T) {
	var set []*analyzer.Rule
	for _, r := range rules.All() {
		if r.RunSet != nil {
			set = append(set, r)
		}
	}
	if len(set) < 7 {
		t.Fatalf("%d set rules", len(set))
	}
	analyzertest.RunArchives(t, filepath.Join("..", "testdata", "set-rules"), set, analyzertest.WithSuppressions())
}
