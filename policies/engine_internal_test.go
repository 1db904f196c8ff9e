package policies

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/analyzer"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Policies are compiled only when a document of a kind they declare is
// linted, and then once for the whole run.
func TestCompileOnlyWhenNeeded(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	job := write(t, "job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n")
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{job}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 || e.prog != nil {
		t.Fatalf("compiled for a Job (errors %v)", res.Errors)
	}
	role := write(t, "role.yaml", strings.Repeat("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [\"*\"]\n  verbs: [\"get\"]\n", 50))
	_, res = analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{role, job}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 || e.prog == nil || len(res.Diagnostics) != 50 {
		t.Fatalf("errors %v, %d diagnostics", res.Errors, len(res.Diagnostics))
	}
}

// The query of a kind evaluates the entries that apply to it, one per
// line; an entry with an exception (conftest's: "" exempts the plain deny)
// or that may be undefined is wrapped in an array comprehension.
func TestQueryOfKind(t *testing.T) {
	e, err := New(Options{Dirs: []string{"testdata/conftest/policy"}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	e.entries[0].policy.rule.Kinds = []string{"Deployment", "StatefulSet"}
	e.entries[1].policy.rule.Kinds = []string{"Service"}
	if err := e.Compile(); err != nil {
		t.Fatal(err)
	}
	q, err := e.prog.queryFor("Deployment")
	if err != nil {
		t.Fatal(err)
	}
	// Entries in package order (main's, from both its files, then
	// legacy's); deny_latest_tag, for Services only, left out.
	var want []string
	for _, name := range []string{"deny", "warn", "violation"} {
		want = append(want, fmt.Sprintf(`__kvet%d__ = [x | x := data.main.%s; not "" in {n | some names in data.main.exception; some n in names}]`, len(want), name))
	}
	want = append(want, "__kvet3__ = data.legacy.deny")
	if got := strings.Join(strings.Split(q.text, "\n")[:len(want)], "\n"); got != strings.Join(want, "\n") {
		t.Errorf("query:\n%s\nwant it to start with\n%s", q.text, strings.Join(want, "\n"))
	}
	if len(q.entries) != len(e.entries)-1 || q.entries[0] != e.entries[0] {
		t.Errorf("query entries %v", q.entries)
	}
}

// Policy IDs derived from package and rule names are kebab-case.
func TestDerivedID(t *testing.T) {
	tests := []struct{ pkg, rule, want string }{
		{"package main", "deny", "main-deny"},
		{"package main", "deny_run_as_root", "main-deny-run-as-root"},
		{"package kubernetes.admission", "warn_Latest__Tag", "kubernetes-admission-warn-latest-tag"},
		{`package policies["no-root"]`, "violation", "policies-no-root-violation"},
		{"package k8s_1", "deny", "k8s-1-deny"},
	}
	for _, tt := range tests {
		m, err := parseModule("x.rego", []byte(tt.pkg+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := derivedID(m.Package.Path, tt.rule); got != tt.want {
			t.Errorf("derivedID(%s, %s) = %s, want %s", tt.pkg, tt.rule, got, tt.want)
		}
	}
}

// The functions kvet keeps results of for a whole run are those that read
// no input (directly or through the rules they use) and do more than build
// a value from their arguments; those that only build a value (no body)
// are not cached at all.
func TestPureFunctions(t *testing.T) {
	e, err := New(Options{Dirs: []string{"testdata/memo"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		t.Fatal(err)
	}
	kind := func(path string) callKind {
		ref := ast.MustParseRef(path)
		return e.prog.memo.kindOf(ast.Ref{ast.NewTerm(ref), ast.StringTerm("x")})
	}
	for path, want := range map[string]callKind{
		"data.kvet.lib.rbac.entry_results":   pureCall,
		"data.kvet.lib.rbac.subject_results": pureCall,
		"data.kvet.lib.rbac.scope":           pureCall,
		"data.memo.doubled":                  pureCall,
		"data.memo.suffixed":                 pureCall, // but not under `with` (memoCache)
		"data.memo.prefixed":                 otherCall,
		"data.kvet.lib.result.at":            trivialCall,
		"data.kvet.lib.result.with_severity": trivialCall,
	} {
		if got := kind(path); got != want {
			t.Errorf("%s: kind %d, want %d", path, got, want)
		}
	}
	// Each built-in policy that reports on rule entries or subjects builds
	// its findings with a function of the entry or subject (finding), which
	// reads no input, so that documents sharing one share its findings.
	policies, err := filepath.Glob("rbac/*/policy.rego")
	if err != nil || len(policies) == 0 {
		t.Fatalf("policies %v, %v", policies, err)
	}
	for _, p := range policies {
		id := filepath.Base(filepath.Dir(p))
		want := pureCall
		if id == "rbac-admin-equivalent" || id == "rbac-cluster-admin-binding" {
			want = otherCall // per document: their messages name the object or its kind
		}
		if got := kind(`data.kvet.rules.rbac["` + id + `"].finding`); got != want {
			t.Errorf("%s's finding: kind %d, want %d", id, got, want)
		}
	}
	if got := e.prog.memo.kindOf(ast.Ref{ast.NewTerm(ast.MustParseRef("data.memo.doubled")), ast.VarTerm("x")}); got != otherCall {
		t.Errorf("a pure function's call with a variable argument: kind %d, want %d (otherCall)", got, otherCall)
	}
	// Documents that share a rule entry share its evaluation.
	role := write(t, "roles.yaml", strings.Repeat("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  verbs: [\"get\"]\n", 3))
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{role}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 || len(res.Diagnostics) != 3+3*3 { // rbac-secrets-access and the memo policies
		t.Fatalf("errors %v, %d diagnostics", res.Errors, len(res.Diagnostics))
	}
	for _, fn := range []string{"data.kvet.lib.rbac.entry_results", `data.kvet.rules.rbac["rbac-secrets-access"].finding`} {
		hits := 0
		for _, list := range e.prog.memo.results {
			for _, r := range list {
				if ref, ok := r.call[0].Value.(ast.Ref); ok && ref.String() == fn {
					hits++
				}
			}
		}
		if hits != 1 {
			t.Errorf("%s kept %d times, want once for the three Roles' one entry", fn, hits)
		}
	}
}
