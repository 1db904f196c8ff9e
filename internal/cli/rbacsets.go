package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/rbac"
)

// addRBACInputFlags adds the flags with which kvet access and kvet can-i
// read manifests as kvet lint does: configuration, rendering, bounds and
// -q.
func addRBACInputFlags(cmd *cobra.Command, f *lintFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "read the configuration from `FILE` (default: .kvet.yaml or .kvet.yml in the working directory or a parent, up to the repository root)")
	fl.BoolVar(&f.noRender, "no-render", false, "read the files of Kustomize overlays and Helm charts as they are, without rendering them")
	fl.StringVar(&f.kubeVersion, "kube-version", "", "the Kubernetes release the manifests target, as `1.MINOR`, for rendering Helm charts (default: kube-version: of .kvet.yaml, else "+analyzer.NewestKubeVersion.String()+")")
	addHelmFlags(cmd, &f.helm)
	fl.StringVar(&f.maxFileSizeFlag, "max-file-size", "", "do not read files larger than `SIZE` (bytes, or with a unit: 512KiB, 64MiB, 1GiB; default 64MiB)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "leave out the warnings on stderr about input kvet could not read whole and RBAC problems")
}

// rbacRun is what readRBAC read: the RBAC model of each set, the loaded
// set and the engine's result, and the linter (its enabled rules and
// severities rate risks).
type rbacRun struct {
	sets []rbacSet
	set  *analyzer.Set
	res  *analyzer.Result
	lt   *linter.Linter
}

// readRBAC reads paths for kvet access and kvet can-i as kvet lint reads
// them (configuration, rendering, bounds) and builds the RBAC model of
// each set, printing the render stage's notes on stderr (warn prints the
// rest). It returns an error for an invalid configuration or flags; the
// caller checks the context for an interruption.
func (a *app) readRBAC(cmd *cobra.Command, f *lintFlags, paths []string) (*rbacRun, error) {
	cfg, _, err := a.configure(cmd, f, paths)
	if err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	lt, err := a.ruleSet(ctx, *f, cfg, paths)
	if err != nil {
		return nil, err
	}
	a.limitMemory(paths, lt.Renderer(), "")
	run := &rbacRun{lt: lt}
	run.sets, run.set, run.res = loadRBAC(ctx, lt, f.loader(a.stdin, lt), paths)
	for _, n := range run.set.Notes {
		fmt.Fprintf(a.stderr, "kvet: note: %s\n", n)
	}
	return run, nil
}

// warn prints, unless quiet, the input the run could not read whole, the
// models' problems and the paths without Kubernetes objects.
func (a *app) warn(run *rbacRun, quiet bool, paths []string) {
	if quiet {
		return
	}
	a.warnRBAC(run.sets, run.set.Files, run.res.Diagnostics)
	a.noObjectsNote(run.lt, pathsWithoutObjects(paths, "", run.set, run.res.Diagnostics), "")
}

// rbacSet is the RBAC model of one set of documents of a run: the
// documents read as they are, or those of one rendered root (a Kustomize
// overlay, a Helm chart), which kvet analyses as a set of its own.
type rbacSet struct {
	// Root is the rendered root's directory and RootKind its kind
	// ("overlay", "chart"); both are empty for the documents read as they
	// are.
	Root, RootKind string
	Model          *rbac.Model
}

// loadRBAC reads paths exactly as kvet lint does (configuration and its
// exclusions, discovery, the render stage, bounds) and builds the RBAC
// model of each set, through the engine's set-rule path: the documents'
// facts are taken while they are loaded and their trees released. The set
// of the documents read as they are comes first, when it has documents or
// nothing was rendered. It returns the loaded set (its documents and
// errors) and the diagnostics of the input that kvet could not read
// whole (yaml-syntax, invalid-value, render-failed, ...: the engine rules
// the linter enables).
func loadRBAC(ctx context.Context, lt *linter.Linter, loader *analyzer.Loader, paths []string) ([]rbacSet, *analyzer.Set, *analyzer.Result) {
	var sets []rbacSet
	collect := &analyzer.Rule{
		ID:     "kvet-rbac-model",
		Title:  "builds the RBAC model of a set",
		Kinds:  rbac.Kinds(),
		Facts:  []*analyzer.Fact{rbac.Fact()},
		Source: "go",
		RunSet: func(p *analyzer.SetPass) {
			s := rbacSet{Model: rbac.Build(p.Docs)}
			if len(p.Docs) > 0 && p.Docs[0].Rendering != nil {
				s.Root, s.RootKind = p.Docs[0].Rendering.Root, p.Docs[0].Rendering.Kind
			}
			sets = append(sets, s)
		},
	}
	rules := []*analyzer.Rule{collect}
	for _, r := range lt.Enabled {
		if r.Source == "engine" && r.Run == nil && r.RunSet == nil {
			rules = append(rules, r) // the loader's own diagnostics
		}
	}
	set, res := lt.LintWith(ctx, loader, paths, rules)
	if len(sets) > 1 && sets[0].Root == "" && len(sets[0].Model.Roles)+len(sets[0].Model.Bindings)+
		len(sets[0].Model.ServiceAccounts)+len(sets[0].Model.Workloads) == 0 {
		sets = sets[1:] // everything was rendered
	}
	return sets, set, res
}

// warnRBAC prints on stderr, as warnings, what the RBAC models of a run
// leave out or resolve by choice: the input kvet could not read whole
// (diags) and each model's problems (duplicate objects, roleRefs to
// missing roles, ...), each with file:line (and the column in bytes, as
// kvet lint's text output gives it; files are the run's).
func (a *app) warnRBAC(sets []rbacSet, files []*analyzer.File, diags []analyzer.Diagnostic) {
	byPath := make(map[string]*analyzer.File, len(files))
	for _, f := range files {
		byPath[f.Path] = f
	}
	for _, d := range diags {
		col := d.Range.Start.Column
		if f := byPath[d.File]; f != nil {
			col = f.ByteColumn(d.Range.Start)
		}
		fmt.Fprintf(a.stderr, "kvet: warning: %s:%d:%d: %s (%s)\n", d.File, d.Range.Start.Line, col, d.Message, d.RuleID)
	}
	for _, s := range sets {
		for _, p := range s.Model.Problems {
			in := ""
			if s.Root != "" {
				in = fmt.Sprintf(" (in %s %s)", s.RootKind, s.Root)
			}
			fmt.Fprintf(a.stderr, "kvet: warning: %s%s\n", p, in)
		}
	}
}
