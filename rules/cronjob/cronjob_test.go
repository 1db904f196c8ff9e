package cronjob_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/cronjob"
)

func TestRules(t *testing.T) {
	analyzertest.Run(t, []*analyzer.Rule{cronjob.ConcurrencyAllow(), cronjob.StartingDeadlineMissing()}, "testdata")
}
