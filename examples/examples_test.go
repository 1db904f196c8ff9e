// Package examples_test checks that the bundled examples say what kvet
// reports on them: every `# want` comment of examples/bad is reported on its
// line by the default rule set (Go rules and built-in Rego policies), and
// examples/good lints clean.
package examples_test

import (
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/policies"
	"github.com/kvet-dev/kvet/rules"
)

func defaultRules() []*analyzer.Rule {
	var out []*analyzer.Rule
	for _, r := range slices.Concat(rules.All(), policies.Builtin()) {
		// analyzertest adds the engine rules itself.
		if !r.DisabledByDefault && r.Source != "engine" {
			out = append(out, r)
		}
	}
	return out
}

func TestBadExamples(t *testing.T) {
	analyzertest.Run(t, defaultRules(), "bad")
}

func TestGoodExamplesAreClean(t *testing.T) {
	analyzertest.Run(t, defaultRules(), "good")
}

// The seed's access model (lesson 3): what kvet lint reports on it is what
// the seed's best practices warn about, each on its line (the `# want`
// comments of rbac-teams/), and the cross-document rules find the chains
// whole (no reference to a missing role or ServiceAccount).
func TestRBACTeamsExample(t *testing.T) {
	analyzertest.Run(t, defaultRules(), "rbac-teams")
}
