package cli

import (
	"context"
	"fmt"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
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
// not, in display order (see linter.Catalog).
func (a *app) catalog(_ context.Context, src ruleSource) ([]*analyzer.Rule, error) {
	all, _, err := linter.Catalog(linter.Source{Policies: src.policies, NoBuiltinPolicies: src.noBuiltinPolicies})
	return all, err
}

// ruleSet returns the linter of a lint run: the rules it uses, the catalog
// they were chosen from, and their options. Precedence: flags, then the
// configuration file cfg (nil when there is none), then each rule's
// default.
func (a *app) ruleSet(_ context.Context, f lintFlags, cfg *config.Config) (*linter.Linter, error) {
	if f.policyTimeout < 0 {
		return nil, fmt.Errorf("--policy-timeout: want a positive duration such as 10s, got %s", f.policyTimeout)
	}
	s := linter.Settings{
		Source:      linter.Source{Policies: f.policies, NoBuiltinPolicies: f.noBuiltinPolicies, PolicyTimeout: f.policyTimeout},
		Overrides:   config.Overrides{Enable: f.enable, Disable: f.disable},
		KubeVersion: f.kube,
	}
	if f.requireReasonSet {
		s.RequireReason = &f.requireReason
	}
	return linter.New(cfg, s)
}
