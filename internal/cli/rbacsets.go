package cli

import (
	"context"
	"fmt"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/rbac"
)

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
// missing roles, ...), each with file:line.
func (a *app) warnRBAC(sets []rbacSet, diags []analyzer.Diagnostic) {
	for _, d := range diags {
		fmt.Fprintf(a.stderr, "kvet: warning: %s:%d:%d: %s (%s)\n", d.File, d.Range.Start.Line, d.Range.Start.Column, d.Message, d.RuleID)
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
