package serviceaccount_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/serviceaccount"
)

func TestTokenAutomount(t *testing.T) {
	analyzertest.Run(t, []*analyzer.Rule{serviceaccount.TokenAutomount()}, "testdata")
}
