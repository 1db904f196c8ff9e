package cli

import (
	"context"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

// ruleSet returns the rules a lint run uses, and the engine options
// (parameters, severity overrides) that go with them.
func (a *app) ruleSet(_ context.Context, _ lintFlags) ([]*analyzer.Rule, analyzer.Options, error) {
	var enabled []*analyzer.Rule
	for _, r := range rules.All() {
		if !r.DisabledByDefault {
			enabled = append(enabled, r)
		}
	}
	return enabled, analyzer.Options{}, nil
}
