package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
)

// Every built-in policy of a Role or a binding but rbac-cluster-admin-binding
// begins with found[its ID] or subjects_found[its ID]: that is its guard.
func TestBuiltinGuards(t *testing.T) {
	e := builtinEngine(t)
	for kind, base := range map[string]string{
		"Role": "data.kvet.lib.rbac.found", "ClusterRole": "data.kvet.lib.rbac.found",
		"RoleBinding": "data.kvet.lib.rbac.subjects_found", "ClusterRoleBinding": "data.kvet.lib.rbac.subjects_found",
	} {
		pl, err := e.prog.planFor(kind)
		if err != nil {
			t.Fatal(err)
		}
		if pl.first == nil {
			t.Fatalf("%s: no guard", kind)
		}
		if pl.all.body != nil {
			t.Errorf("%s: the query of every entry is compiled before a document needs it", kind)
		}
		lines := strings.Split(pl.first.text, "\n")
		for i, en := range pl.all.entries {
			id := en.policy.rule.ID
			switch key := pl.key[i]; {
			case id == "rbac-cluster-admin-binding":
				if key != nil {
					t.Errorf("%s: %s guarded by %v", kind, id, key)
				}
				if got := lines[pl.line[i]]; !strings.HasSuffix(got, " = "+en.ref()) {
					t.Errorf("%s: %s read from line %q", kind, id, got)
				}
			case key == nil || key.String() != fmt.Sprintf("%q", id) || !strings.HasSuffix(lines[pl.line[i]], " = "+base):
				t.Errorf("%s: %s has guard %v on line %q, want %q on a line reading %s", kind, id, key, lines[pl.line[i]], id, base)
			}
		}
	}
}

// guardPolicies are user policies: a.deny, b.deny and d.deny are guarded
// by data.lib.facts, the others are not, each for the reason in its
// comment.
var guardPolicies = map[string]string{
	"lib.rego": `package lib

facts := object.union({"a": [input.metadata.name]}, {"b": ["x" | input.kind == "Secret"]}) if input.kind != "Bad"

partial contains "a" if input.kind == "ConfigMap"

conflict := 1 if input.kind == "Bad"

conflict := 2 if input.kind == "Bad"

conflict2 := 1 if input.kind == "Bad2"

conflict2 := 2 if input.kind == "Bad2"
`,
	"a.rego": `package a

deny contains sprintf("a saw %s", [x]) if {
	some x in data.lib.facts.a
}
`,
	"b.rego": `package b

deny contains "b fires" if {
	data.lib.facts.b[_]
}
`,
	// Two rules, both guarded by facts.d (never defined).
	"d.rego": `package d

deny contains "d1" if {
	data.lib.facts.d
}

deny contains "d2" if {
	x := data.lib.facts.d[_]
	x > 1
}
`,
	// The guard is not the first expression.
	"e.rego": `package e

deny contains "e" if {
	input.kind == "ConfigMap"
	data.lib.facts.a
}
`,
	// Negated.
	"f.rego": `package f

deny contains "f" if {
	not data.lib.facts.z
}
`,
	// A partial set is not a complete value.
	"g.rego": `package g

deny contains "g" if {
	data.lib.partial.a
}
`,
	// A complete rule with an else.
	"h.rego": `package h

deny := "h" if {
	data.lib.facts.a
} else := "h2"
`,
	// One of two rules is not guarded.
	"i.rego": `package i

deny contains "i1" if {
	data.lib.facts.a
}

deny contains "i2" if {
	input.kind == "ConfigMap"
}
`,
	// A function argument, guarded by facts.a.
	"j.rego": `package j

deny contains msg if {
	msg := concat(",", data.lib.facts.a)
}
`,
	// Raises a conflict on a document of kind Bad.
	"k.rego": `package k

deny contains "k" if {
	data.lib.conflict == 1
}
`,
	// The left side, evaluated first, raises a conflict on a document
	// of kind Bad2, where facts has no key l: not a guard.
	"l.rego": `package l

deny contains "l" if {
	data.lib.conflict2 == data.lib.facts.l
}
`,
}

// slowGuardPolicies guard two policies by a value that takes far longer
// than a test's time limit: the first guarded policy is blamed, as it is
// when every entry is evaluated together.
var slowGuardPolicies = map[string]string{
	"lib.rego": `package lib

slow := object.union({"a": 1}, {}) if {
	count([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i * j < 0]) == 0
}
`,
	"a.rego": "package a\n\ndeny contains \"a\" if data.lib.slow.a\n",
	"b.rego": "package b\n\ndeny contains \"b\" if data.lib.slow.b\n",
	// Evaluated before a and b, and as slow: blamed first.
	"0.rego": "package zero\n\ndeny contains \"z\" if {\n\tcount([1 | some i in numbers.range(1, 3000); some j in numbers.range(1, 3000); i * j < 0]) == 0\n}\n",
}

// builtinEngine returns an engine of the built-in policies, compiled.
func builtinEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		t.Fatal(err)
	}
	return e
}

func guardEngine(t *testing.T, timeout time.Duration) *Engine {
	t.Helper()
	return policyEngine(t, guardPolicies, timeout)
}

func policyEngine(t *testing.T, files map[string]string, timeout time.Duration) *Engine {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := New(Options{Dirs: []string{dir}, NoBuiltin: true, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		t.Fatal(err)
	}
	return e
}

// Guards are found in the compiled rules of any policy: a first expression
// that reads a complete rule's value at a constant key, in every rule of
// the entry.
func TestUserGuards(t *testing.T) {
	e := guardEngine(t, 0)
	pl, err := e.prog.planFor("ConfigMap")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, en := range pl.all.entries {
		if k := pl.key[i]; k != nil {
			got = append(got, fmt.Sprintf("%s: %s", en, k))
		}
	}
	want := []string{`a.deny: "a"`, `b.deny: "b"`, `d.deny: "d"`, `j.deny: "a"`}
	if !slices.Equal(got, want) {
		t.Errorf("guards %q, want %q", got, want)
	}
	if first := strings.Split(pl.first.text, "\n"); first[0] != "__kvet0__ = data.lib.facts" {
		t.Errorf("first query %q", first)
	}
}

// Evaluating with guards gives the findings and errors of evaluating every
// entry: on the fixtures of the built-in policies and on documents that
// make the user's guarded policies fire, not fire, or fail.
func TestGuardsKeepResults(t *testing.T) {
	builtin, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := filepath.Glob("rbac/*/testdata/*.yaml")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("fixtures %v, %v", fixtures, err)
	}
	user := guardEngine(t, 0)
	userDocs := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\napiVersion: v1\nkind: Bad\nmetadata:\n  name: bad\n---\napiVersion: v1\nkind: Bad2\nmetadata:\n  name: bad2\n"
	for _, tc := range []struct {
		e     *Engine
		files []*analyzer.File
	}{
		{builtin, readFiles(t, fixtures)},
		{user, []*analyzer.File{{Path: "user.yaml", Content: []byte(userDocs)}}},
		{policyEngine(t, slowGuardPolicies, 100*time.Millisecond), []*analyzer.File{{Path: "slow.yaml", Content: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")}}},
	} {
		if err := tc.e.Compile(); err != nil {
			t.Fatal(err)
		}
		n, findings, errs := 0, 0, 0
		for _, f := range tc.files {
			docs, _ := analyzer.NewLoader(nil).Parse(f)
			for _, doc := range docs {
				if doc.Kind == "" {
					continue
				}
				var guarded, all docResult
				tc.e.evaluate(context.Background(), doc, &guarded)
				evaluateAll(tc.e, doc, &all)
				if g, a := describe(&guarded), describe(&all); g != a {
					t.Errorf("%s, %s %s: with guards\n%s\nwithout\n%s", f.Path, doc.Kind, doc.Name, g, a)
				}
				for _, fs := range all.findings {
					findings += len(fs)
				}
				n, errs = n+1, errs+len(all.errs)
			}
		}
		if n == 0 || findings == 0 && errs == 0 {
			t.Fatalf("%d documents evaluated, %d findings, %d errors", n, findings, errs)
		}
		t.Logf("%d documents, %d findings, %d errors", n, findings, errs)
	}
}

func readFiles(t *testing.T, paths []string) []*analyzer.File {
	t.Helper()
	var files []*analyzer.File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, &analyzer.File{Path: p, Content: b})
	}
	return files
}

// evaluateAll is evaluate without guards: every entry of the kind in one
// query, then each alone on an error.
func evaluateAll(e *Engine, doc *analyzer.Document, res *docResult) {
	pl, err := e.prog.planFor(doc.Kind)
	if err != nil {
		res.err = err
		return
	}
	saved := *pl
	defer func() { *pl = saved }()
	pl.first = nil
	e.evaluate(context.Background(), doc, res)
}

// describe renders a result for comparison.
func describe(res *docResult) string {
	var lines []string
	for p, fs := range res.findings {
		for _, f := range fs {
			lines = append(lines, fmt.Sprintf("%d %s %v %s", p, f.Severity, f.Path, f.Message))
		}
	}
	for p, err := range res.errs {
		lines = append(lines, fmt.Sprintf("%d error %v", p, err))
	}
	if res.err != nil {
		lines = append(lines, fmt.Sprintf("document error %v", res.err))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// entryRef gives the ref that parsing the entry's name gives, without
// parsing it for the entries of the built-in policies: on the built-in
// policies, the guard fixtures and the conftest and kvet-style examples.
func TestEntryRef(t *testing.T) {
	engines := map[string]*Engine{"builtin": builtinEngine(t), "guards": guardEngine(t, 0)}
	for _, dir := range []string{"testdata/conftest", "testdata/kvetstyle"} {
		e, err := New(Options{Dirs: []string{dir}, NoBuiltin: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Compile(); err != nil {
			t.Fatal(err)
		}
		engines[dir] = e
	}
	for name, e := range engines {
		if len(e.entries) == 0 {
			t.Fatalf("%s: no entries", name)
		}
		for _, en := range e.entries {
			got, want := e.prog.entryRef(en), e.prog.parseEntryRef(en)
			if want == nil || !got.Equal(want) {
				t.Errorf("%s: %s: ref %v, parsed %v", name, en, got, want)
			}
			if m := e.prog.compiler.Modules[en.policy.file]; m == nil || m.Package.Path.String() != en.policy.pkg {
				t.Errorf("%s: %s: its file %s is not a module of its package: the ref was parsed", name, en, en.policy.file)
			}
		}
	}
}
