// Package linter sets up lint runs the way `kvet lint` does: the rule
// catalog (Go rules, Rego policies, suppression rules), the rules a
// configuration file and the command line select, their parameters and
// severities, exclusions, and suppressions. The command line and the
// language server both go through it, so they report the same findings.
package linter

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/ruledoc"
	"github.com/kvet-dev/kvet/policies"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/rules"
)

// Source says where the rules come from besides kvet's built-in rules.
type Source struct {
	// Policies are directories (or files) of the user's Rego policies.
	Policies []string
	// NoBuiltinPolicies leaves kvet's built-in Rego policies out.
	NoBuiltinPolicies bool
	// PolicyTimeout bounds the evaluation of the policies on one document
	// (policies.DefaultTimeout when zero).
	PolicyTimeout time.Duration
	// MaxFileSize bounds the size of each policy file (0: the default).
	MaxFileSize int64
}

// Catalog returns every rule kvet knows for src, enabled or not, in
// display order: the built-in rules (Go, then Rego), the user's policies,
// then the rules of the suppression step; and the engine that runs its
// Rego rules. `kvet rules`, `kvet explain`, the generated docs/rules.md,
// configuration checks and lint all take their rules from here. Built-in
// rules link to their section of docs/rules.md. Policies are parsed here
// (syntax errors and bad METADATA fail with file:line:col) but compiled
// only when needed (see New).
func Catalog(src Source) ([]*analyzer.Rule, *policies.Engine, error) {
	native := rules.All()
	suppression := analyzer.SuppressionRules()
	var reserved []string
	for _, r := range slices.Concat(native, suppression) {
		reserved = append(reserved, r.ID)
	}
	engine, err := policies.New(policies.Options{Dirs: src.Policies, NoBuiltin: src.NoBuiltinPolicies, Timeout: src.PolicyTimeout, ReservedIDs: reserved, MaxFileSize: src.MaxFileSize})
	if err != nil {
		return nil, nil, err // one policies.Error a line, with no heading: the lines editors read
	}
	builtin := policies.BuiltinIDs()
	for _, r := range slices.Concat(native, engine.Rules(), suppression) {
		if r.URL == "" && (r.Source != "rego" || slices.Contains(builtin, r.ID)) {
			r.URL = ruledoc.URL(r.ID)
		}
	}
	return slices.Concat(native, engine.Rules(), suppression), engine, nil
}

// Settings are the command line's settings of a run; they take precedence
// over the configuration file.
type Settings struct {
	// Policies replace the configuration file's policies when set
	// (--policy); NoBuiltinPolicies is --no-builtin-policies;
	// PolicyTimeout (--policy-timeout), when set, overrides the file's.
	Source
	// Overrides turn rules on or off (--enable, --disable,
	// --require-reason).
	config.Overrides
	// KubeVersion is the target Kubernetes release (--kube-version); zero
	// leaves it to the configuration file, else the newest release kvet
	// knows.
	KubeVersion analyzer.KubeVersion
	// Render are the render stage's settings (--no-render, --helm-values,
	// --helm-set).
	Render RenderSettings
	// Own are kvet's own files named on the command line: baselines
	// (--baseline, and --write-baseline when the file is a baseline
	// already) and a report a previous run wrote at --output. Like the
	// configuration and its baseline, they are never linted.
	Own []string
	// Partial says that the paths are some of the manifests that go
	// together (--partial: the files a pre-commit hook passes).
	Partial bool
}

// Linter is a rule set ready to run: the rules of a configuration with
// their options, and the catalog they were chosen from. It can be used for
// any number of runs, concurrently; the language server keeps one per
// configuration file.
type Linter struct {
	// Config is the configuration file, or nil when there is none.
	Config *config.Config
	// Enabled are the rules that run.
	Enabled []*analyzer.Rule
	// Catalog is every rule known, enabled or not.
	Catalog []*analyzer.Rule
	// Options are the rules' parameters and severity overrides, and the
	// target Kubernetes release (always set: Settings.KubeVersion, else
	// the configuration's kube-version, else analyzer.NewestKubeVersion).
	// Renderers read it too (Helm's .Capabilities.KubeVersion).
	Options analyzer.Options
	// Render says whether runs render Kustomize overlays and Helm charts
	// (RenderSettings.NoRender, else the configuration's render:, else
	// true); Renderer returns the stage.
	Render bool

	helm helm.Settings // how charts are rendered
	// kustomizeTimeout bounds each kustomize build (0: the default);
	// kustomizeBuilds are the builds of the linter's runs still running.
	kustomizeTimeout time.Duration
	kustomizeBuilds  render.Running
	// own are the configuration file and its baselines, absolute with
	// their directories' links resolved (realpath.Resolver.Path), and
	// ownNames their base names, which a file must have to be one.
	own, ownNames map[string]bool
	// leftOut are the rules kvet has that this linter leaves out: a
	// suppression naming one is not a suppression of an unknown rule.
	leftOut []*analyzer.Rule
	// partial is Settings.Partial.
	partial bool
}

// New returns the linter of cfg (nil when there is no configuration file)
// with the command line's settings s. Precedence: s, then cfg, then each
// rule's default. The user's Rego policies are compiled now, so that type
// errors and sandbox violations are reported before anything is linted;
// kvet's built-in policies alone are compiled only when a document needs
// them.
func New(cfg *config.Config, s Settings) (*Linter, error) {
	src := s.Source
	if cfg != nil && len(src.Policies) == 0 {
		if err := cfg.CheckPolicyDirs(); err != nil {
			return nil, err
		}
		src.Policies = cfg.PolicyDirs()
	}
	if cfg != nil && src.PolicyTimeout == 0 {
		src.PolicyTimeout = cfg.PolicyTimeout
	}
	catalog, engine, err := Catalog(src)
	if err != nil {
		return nil, err
	}
	over := s.Overrides
	if src.NoBuiltinPolicies {
		over.LeftOut = map[string]string{}
		for _, id := range policies.BuiltinIDs() {
			over.LeftOut[id] = "a built-in policy, left out by --no-builtin-policies"
		}
	}
	enabled, opts, err := config.Select(catalog, cfg, over)
	if err != nil {
		return nil, err
	}
	opts.KubeVersion = s.KubeVersion
	if opts.KubeVersion.IsZero() && cfg != nil {
		opts.KubeVersion = cfg.KubeVersion
	}
	opts.KubeVersion = opts.KubeVersion.OrNewest()
	if err := engine.SetParams(opts.Params); err != nil {
		return nil, err
	}
	if len(src.Policies) > 0 {
		if err := engine.Compile(); err != nil {
			return nil, err
		}
	}
	l := &Linter{Config: cfg, Enabled: enabled, Catalog: catalog, Options: opts, partial: s.Partial}
	l.render(cfg, s.Render)
	for id := range over.LeftOut {
		l.leftOut = append(l.leftOut, &analyzer.Rule{ID: id})
	}
	l.own, l.ownNames = map[string]bool{}, map[string]bool{}
	own := s.Own
	if cfg != nil {
		own = append(slices.Clip(own), filepath.Join(cfg.Dir, filepath.Base(cfg.Path)))
		if cfg.Baseline != "" {
			own = append(own, cfg.Resolve(cfg.Baseline))
		}
	}
	var paths realpath.Resolver
	for _, p := range own {
		l.own[paths.Path(p)] = true
		l.ownNames[filepath.Base(p)] = true
	}
	return l, nil
}

// Skipped reports whether the file at path is left out of runs: excluded
// by the configuration (whether found in a directory or named explicitly,
// as pre-commit hooks do), or one of kvet's own files, the configuration
// file, the baselines and reports (Settings.Own, and the configuration's
// baseline),
// however they are named (through symbolic links).
func (l *Linter) Skipped(path string) bool {
	return l.skipped(nil, path)
}

// skipped is Skipped, with the directories of one run resolved by paths.
func (l *Linter) skipped(paths *realpath.Resolver, path string) bool {
	if l.Config != nil && l.Config.Excluded(paths, path) {
		return true
	}
	// One of kvet's files named through a link to its directory (or by
	// its real path from a directory reached through one) is one too.
	return l.ownNames[filepath.Base(path)] && l.own[paths.Path(path)]
}

// Lint discovers paths, leaves out the skipped files, and lints the rest
// with the loader (see analyzer.Lint).
func (l *Linter) Lint(ctx context.Context, loader *analyzer.Loader, paths []string) (*analyzer.Set, *analyzer.Result) {
	return l.LintWith(ctx, loader, paths, l.Enabled)
}

// LintWith is Lint running other rules than the linter's: commands that
// read a set for another purpose than its findings (kvet access) discover,
// exclude and render it exactly as kvet lint does, with the linter's
// options.
func (l *Linter) LintWith(ctx context.Context, loader *analyzer.Loader, paths []string, rules []*analyzer.Rule) (*analyzer.Set, *analyzer.Result) {
	if l.Config != nil || len(l.own) > 0 {
		stdinPath := loader.StdinPath
		paths := new(realpath.Resolver)
		loader = loader.WithSkip(func(name string) bool {
			if name == "-" && stdinPath != "" {
				// Standard input read as a file (--stdin-filename) is
				// skipped as that file would be.
				name = stdinPath
			}
			return l.skipped(paths, name)
		})
	}
	return analyzer.Lint(ctx, loader, paths, rules, l.Options)
}

// Suppress applies the kvet:ignore comments and kvet.dev/ignore
// annotations of set to diags, the diagnostics of a run on it (marking
// them in place), and adds the findings of the suppression rules (see
// analyzer.Suppress).
func (l *Linter) Suppress(set *analyzer.Set, diags []analyzer.Diagnostic) []analyzer.Diagnostic {
	return analyzer.Suppress(set, diags, analyzer.SuppressConfig{Rules: l.Judged(), Known: slices.Concat(l.Catalog, l.leftOut), Severity: l.Options.Severity})
}

// Judged returns the enabled rules whose silence on the linted files means
// that they found nothing there, so that a suppression or a baseline entry
// of theirs that matches nothing is unused: every enabled rule, except
// the cross-document rules in a partial run (Settings.Partial), which saw
// only some of the manifests their findings depend on.
func (l *Linter) Judged() []*analyzer.Rule {
	if !l.partial {
		return l.Enabled
	}
	return slices.DeleteFunc(slices.Clone(l.Enabled), func(r *analyzer.Rule) bool { return r.RunSet != nil })
}

// Loader returns a loader of standard input stdin (see analyzer.NewLoader)
// set up for the linter's runs: its render stage, and a partial run's
// files marked Partial.
func (l *Linter) Loader(stdin io.Reader) *analyzer.Loader {
	loader := analyzer.NewLoader(stdin)
	if st := l.Renderer(); st != nil {
		loader.Renderer = st
	}
	if l.partial {
		loader.Partial = "--partial"
	}
	return loader
}
