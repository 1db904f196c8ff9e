package linter_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/linter"
)

// FuzzLint lints each input as standard input with every rule kvet has on
// by default, the Go rules, the built-in Rego policies and the set rules:
// no input may make a rule, a policy or a set rule fail (a panic is a run
// error), and every finding and each of its related places must point at
// a line of its file. Seeds are the bundled examples. Run it with
// go test ./internal/linter -run '^$' -fuzz FuzzLint -fuzztime 60s.
func FuzzLint(f *testing.F) {
	analyzertest.AddSeeds(f, "../../examples/*/*.yaml")
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, res := lt.Lint(t.Context(), analyzer.NewLoader(bytes.NewReader(data)), []string{"-"})
		for _, err := range append(set.Errors, res.Errors...) {
			t.Errorf("run error: %v", err)
		}
		analyzertest.CheckPositions(t, set, lt.Suppress(set, res.Diagnostics))
	})
}

// FuzzRender lints a kustomization whose resource and patch are any
// input: kustomize's failures (and panics) are render-failed findings, and
// what renders is reported at lines of the source files.
func FuzzRender(f *testing.F) {
	f.Add([]byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x:1\n"),
		[]byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  backoffLimit: 1\n"))
	// Kustomize panics on this one (a subject that is a string).
	f.Add([]byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- alice\n"+
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules: []\n"),
		[]byte{})
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, resource, patch []byte) {
		dir := t.TempDir()
		analyzertest.WriteFile(t, filepath.Join(dir, "kustomization.yaml"), "namePrefix: dev-\nresources:\n- res.yaml\npatches:\n- path: patch.yaml\n")
		analyzertest.WriteFile(t, filepath.Join(dir, "res.yaml"), string(resource))
		analyzertest.WriteFile(t, filepath.Join(dir, "patch.yaml"), string(patch))
		l := analyzer.NewLoader(nil)
		l.Renderer = lt.Renderer()
		set, res := lt.Lint(t.Context(), l, []string{dir})
		for _, err := range append(set.Errors, res.Errors...) {
			t.Errorf("run error: %v", err)
		}
		analyzertest.CheckPositions(t, set, lt.Suppress(set, res.Diagnostics))
	})
}

// FuzzFix applies every fix kvet offers on any input, as kvet fix does,
// and lints the result again: a fix must not break the YAML, lose or
// rename an object, or leave the finding it fixes in place.
func FuzzFix(f *testing.F) {
	analyzertest.AddSeeds(f, "../../examples/*/*.yaml")
	analyzertest.AddSeeds(f, "../../rules/*/testdata/*/*.yaml")
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		f.Fatal(err)
	}
	lint := func(t *testing.T, data []byte) (*analyzer.Set, []analyzer.Diagnostic) {
		set, res := lt.Lint(t.Context(), analyzer.NewLoader(bytes.NewReader(data)), []string{"-"})
		for _, err := range append(set.Errors, res.Errors...) {
			t.Fatalf("run error: %v", err)
		}
		return set, lt.Suppress(set, res.Diagnostics)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, diags := lint(t, data)
		var fixes []*analyzer.SuggestedFix
		var fixed []analyzer.Diagnostic
		for _, d := range diags {
			if d.Fix != nil && !d.Suppressed() {
				fixes = append(fixes, d.Fix)
				fixed = append(fixed, d)
			}
		}
		if len(fixes) == 0 {
			return
		}
		if len(set.Files) != 1 {
			t.Fatalf("%d files for one input with fixes", len(set.Files))
		}
		out, applied := analyzer.ApplyFixes(set.Files[0].Content, fixes)
		set2, diags2 := lint(t, out)
		// A misspelt key's fix renames it, which may give a document its
		// kind or name (tAdAtA → metadata); other fixes keep every object.
		renamed := false
		for i, d := range fixed {
			renamed = renamed || applied[i] && d.RuleID == analyzer.IDUnknownField
		}
		if got, want := objects(set2), objects(set); len(got) != len(want) || !renamed && !slices.Equal(got, want) {
			t.Fatalf("the fixes changed the objects from %q to %q; fixed text:\n%s", want, got, out)
		}
		if got, want := count(diags2, analyzer.IDYAMLSyntax), count(diags, analyzer.IDYAMLSyntax); got > want {
			t.Fatalf("the fixes added a yaml-syntax error (%d against %d); fixed text:\n%s", got, want, out)
		}
		// A finding names its object, not its document: two documents of
		// one object (same kind, namespace and name) are told apart by
		// nothing else, so only findings of objects written once, before
		// and after the fixes (a rename may name one of two nameless
		// objects), are checked.
		written := map[analyzer.ObjectRef]int{}
		for _, s := range []*analyzer.Set{set, set2} {
			n := map[analyzer.ObjectRef]int{}
			for _, doc := range s.Docs {
				n[doc.Ref()]++
				written[doc.Ref()] = max(written[doc.Ref()], n[doc.Ref()])
			}
		}
		for i, d := range fixed {
			if !applied[i] || written[d.Object] > 1 {
				continue
			}
			for _, d2 := range diags2 {
				if d2.RuleID == d.RuleID && d2.Object == d.Object && d2.Path.String() == d.Path.String() && !d2.Suppressed() {
					t.Errorf("%s at %s (%s) is still reported after its fix %q:\n%s", d.RuleID, d.Path, d2.Message, d.Fix.Message, out)
				}
			}
		}
	})
}

// objects lists the kind, namespace and name of each document of set, in
// order.
func objects(set *analyzer.Set) []string {
	var list []string
	for _, d := range set.Docs {
		list = append(list, d.Kind+" "+d.Namespace+"/"+d.Name)
	}
	return list
}

// count is the number of diagnostics of rule id in diags.
func count(diags []analyzer.Diagnostic, id string) int {
	n := 0
	for _, d := range diags {
		if d.RuleID == id {
			n++
		}
	}
	return n
}
