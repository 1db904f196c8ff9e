package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/ruledoc"
	"github.com/kvet-dev/kvet/policies"
	"github.com/kvet-dev/kvet/rules"
)

// ruleSource says where the rules of an invocation come from besides
// kvet's built-in rules.
type ruleSource struct {
	// policies are directories of the user's Rego policies (--policy, or
	// policies: in .kvet.yaml, resolved against the file's directory).
	policies []string
	// noBuiltinPolicies leaves kvet's built-in Rego policies out
	// (--no-builtin-policies).
	noBuiltinPolicies bool
}

// catalog returns every rule kvet knows for this invocation, enabled or
// not, in display order: the built-in rules (Go, then Rego), the user's
// policies, then the rules of the suppression step. `kvet rules`,
// `kvet explain`, the generated docs/rules.md, configuration checks and
// lint all take their rules from here. Built-in rules link to their
// section of docs/rules.md.
func (a *app) catalog(ctx context.Context, src ruleSource) ([]*analyzer.Rule, error) {
	all, _, err := a.catalogWithPolicies(ctx, src)
	return all, err
}

// catalogWithPolicies is catalog, with the engine that runs its Rego rules.
// Policies are parsed here (syntax errors and bad METADATA fail with
// file:line:col) but compiled only when needed (see ruleSet).
func (a *app) catalogWithPolicies(_ context.Context, src ruleSource) ([]*analyzer.Rule, *policies.Engine, error) {
	native := rules.All()
	suppression := analyzer.SuppressionRules()
	var reserved []string
	for _, r := range slices.Concat(native, suppression) {
		reserved = append(reserved, r.ID)
	}
	engine, err := policies.New(policies.Options{Dirs: src.policies, NoBuiltin: src.noBuiltinPolicies, ReservedIDs: reserved})
	if err != nil {
		return nil, nil, fmt.Errorf("loading policies:\n%w", err)
	}
	builtin := policies.BuiltinIDs()
	for _, r := range slices.Concat(native, engine.Rules(), suppression) {
		if r.URL == "" && (r.Source != "rego" || slices.Contains(builtin, r.ID)) {
			r.URL = ruledoc.URL(r.ID)
		}
	}
	return slices.Concat(native, engine.Rules(), suppression), engine, nil
}

// ruleSet returns the rules a lint run uses, the catalog they were chosen
// from, and the engine options (parameters, severity overrides) that go
// with them. Precedence: flags, then the configuration file cfg (nil when
// there is none), then each rule's default.
func (a *app) ruleSet(ctx context.Context, f lintFlags, cfg *config.Config) (enabled, catalog []*analyzer.Rule, opts analyzer.Options, err error) {
	src := ruleSource{policies: f.policies, noBuiltinPolicies: f.noBuiltinPolicies}
	if cfg != nil && len(f.policies) == 0 {
		src.policies = cfg.PolicyDirs()
	}
	catalog, engine, err := a.catalogWithPolicies(ctx, src)
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
	if err := preparePolicies(engine, opts, len(src.policies) > 0); err != nil {
		return nil, nil, analyzer.Options{}, err
	}
	return enabled, catalog, opts, nil
}
