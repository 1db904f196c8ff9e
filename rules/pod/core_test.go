package pod_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/pod"
)

func TestCoreRules(t *testing.T) {
	analyzertest.Run(t, []*analyzer.Rule{
		pod.ResourceLimitsMissing(), pod.ResourceRequestsMissing(), pod.DefaultServiceAccount(),
	}, "testdata/core")
}
