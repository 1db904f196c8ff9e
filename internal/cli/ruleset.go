package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/report"
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
	// config is the --config flag of the commands that read the
	// configuration file's policies: (rules, explain, policy test).
	config string
}

// addConfigFlag registers --config on a command that reads the policies
// of the configuration file; replacedBy names what replaces them
// (--policy, or the command's DIR arguments).
func addConfigFlag(cmd *cobra.Command, path *string, replacedBy string) {
	cmd.Flags().StringVar(path, "config", "", "read the policies: of the configuration `FILE` (default: .kvet.yaml or .kvet.yml in the working directory or a parent, up to the repository root); "+replacedBy+" replaces them")
}

// configured returns src with the policies of the configuration file when
// no --policy was given, as kvet lint uses them.
func (a *app) configured(src ruleSource) (ruleSource, error) {
	if len(src.policies) > 0 {
		return src, nil
	}
	cfg, err := a.loadConfigFor(context.Background(), src.config, "", 0)
	if err != nil {
		return src, err
	}
	if cfg != nil {
		src.policies = cfg.PolicyDirs()
	}
	return src, nil
}

// catalog returns every rule kvet knows for this invocation, enabled or
// not, in display order (see linter.Catalog).
func (a *app) catalog(_ context.Context, src ruleSource) ([]*analyzer.Rule, error) {
	all, _, err := linter.Catalog(linter.Source{Policies: src.policies, NoBuiltinPolicies: src.noBuiltinPolicies})
	return all, err
}

// ruleSet returns the linter of a lint run over paths: the rules it uses,
// the catalog they were chosen from, their options, and how it renders.
// Precedence: flags, then the configuration file cfg (nil when there is
// none), then each rule's default.
func (a *app) ruleSet(_ context.Context, f lintFlags, cfg *config.Config, paths []string) (*linter.Linter, error) {
	if f.policyTimeout < 0 || f.policyTimeoutSet && f.policyTimeout == 0 {
		return nil, usageError{fmt.Errorf("--policy-timeout: want a positive duration such as 10s, got %s", f.policyTimeout)}
	}
	values, err := checkHelmFlags(f.helm, paths)
	if err != nil {
		return nil, err
	}
	s := linter.Settings{
		Source:      linter.Source{Policies: f.policies, NoBuiltinPolicies: f.noBuiltinPolicies, PolicyTimeout: f.policyTimeout, MaxFileSize: f.maxFileSize},
		Overrides:   config.Overrides{Enable: f.enable, Disable: f.disable},
		KubeVersion: f.kube,
		Render:      linter.RenderSettings{HelmValues: values, HelmSet: f.helm.set},
		Partial:     f.partial,
	}
	if f.requireReasonSet {
		s.RequireReason = &f.requireReason
	}
	s.Own = ownFiles(f)
	if f.noRenderSet {
		s.Render.NoRender = &f.noRender
	}
	lt, err := linter.New(cfg, s)
	var fe *config.FlagError
	if errors.As(err, &fe) {
		return nil, usageError{err}
	}
	return lt, err
}

// ownFiles are kvet's own files named on the command line, which kvet
// leaves out of the linted files: the baselines, so that a baseline kept
// in the linted directory is not a linted file (whose --write-baseline
// kvet would refuse, as it refuses to write any input): --baseline's,
// which must be a baseline to be read, and --write-baseline's when the
// file already is a kvet baseline (a manifest named there stays an input,
// and is not overwritten); and the report of a previous run at --output
// (report.IsReport), so that a CI job's report in the linted directory
// (docs/ci/gitlab-ci.yml) is not read by the next run (see inputsOf).
func ownFiles(f lintFlags) []string {
	var own []string
	if f.baseline != "" {
		own = append(own, f.baseline)
	}
	if f.writeBaseline != "" && config.IsBaseline(f.writeBaseline) {
		own = append(own, f.writeBaseline)
	}
	if f.output != "" && f.output != "-" && report.IsReport(f.output) {
		own = append(own, f.output)
	}
	return own
}
