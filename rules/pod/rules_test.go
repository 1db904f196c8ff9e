package pod_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/pod"
)

// TestRules runs each rule alone on testdata/<rule-id>.
func TestRules(t *testing.T) {
	analyzertest.RunEach(t, "testdata", pod.ResourceRequestExceedsLimit(), pod.ImageTagMutable())
}
