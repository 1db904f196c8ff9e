package pod_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/pod"
)

// TestRules runs each rule alone on testdata/<rule-id>.
func TestRules(t *testing.T) {
	for _, r := range []*analyzer.Rule{pod.ResourceRequestExceedsLimit(), pod.ImageTagMutable()} {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", r.ID)
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("rule %s has no fixtures: %v", r.ID, err)
			}
			analyzertest.Run(t, []*analyzer.Rule{r}, dir)
		})
	}
}
