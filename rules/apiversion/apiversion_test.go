package apiversion_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/apiversion"
)

func TestDeprecatedAPIVersion(t *testing.T) {
	analyzertest.Run(t, []*analyzer.Rule{apiversion.DeprecatedAPIVersion()}, "testdata")
}
