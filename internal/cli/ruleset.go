package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/ruledoc"
	"github.com/kvet-dev/kvet/rules"
)

// ruleSource says where the rules of an invocation come from besides
// kvet's built-in rules.
type ruleSource struct {
	// policies are directories of the user's Rego policies (--policy, or
	// policies: in .kvet.yaml, resolved against the file's directory).
	policies []string
}

// catalog returns every rule kvet knows for this invocation, enabled or
// not, in display order: the built-in rules (Go, then Rego), the user's
// policies, then the rules of the suppression step. `kvet rules`,
// `kvet explain`, the generated docs/rules.md, configuration checks and
// lint all take their rules from here. Built-in rules link to their
// section of docs/rules.md.
func (a *app) catalog(_ context.Context, src ruleSource) ([]*analyzer.Rule, error) {
	all := rules.All()
	all = append(all, analyzer.SuppressionRules()...)
	for _, r := range all {
		if r.URL == "" {
			r.URL = ruledoc.URL(r.ID)
		}
	}
	if len(src.policies) > 0 {
		return nil, fmt.Errorf("policy directories %s: this build cannot load Rego policies", strings.Join(src.policies, ", "))
	}
	return all, nil
}

// ruleSet returns the rules a lint run uses, the catalog they were chosen
// from, and the engine options (parameters, severity overrides) that go
// with them. Precedence: flags, then the configuration file cfg (nil when
// there is none), then each rule's default.
func (a *app) ruleSet(ctx context.Context, f lintFlags, cfg *config.Config) (enabled, catalog []*analyzer.Rule, opts analyzer.Options, err error) {
	var src ruleSource
	if cfg != nil {
		src.policies = cfg.PolicyDirs()
	}
	catalog, err = a.catalog(ctx, src)
	if err != nil {
		return nil, nil, analyzer.Options{}, err
	}
	over := config.Overrides{Enable: f.enable, Disable: f.disable}
	if f.requireReasonSet {
		over.RequireReason = &f.requireReason
	}
	enabled, opts, err = config.Select(catalog, cfg, over)
	if err != nil {
		return nil, nil, analyzer.Options{}, err
	}
	return enabled, catalog, opts, nil
}
