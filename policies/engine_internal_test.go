package policies

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// The aggregation module evaluates each entry for its kinds only, and
// applies conftest's exceptions ("" exempts the plain deny).
func TestAggregation(t *testing.T) {
	e, err := New(Options{Dirs: []string{"testdata/conftest/policy"}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	e.entries[0].policy.rule.Kinds = []string{"Deployment", "StatefulSet"}
	got := aggregation(e.entries[:2], nil)
	want := `package kvet.engine

out contains [0, x] if {
	input.kind == "Deployment"
	not exempt[0]
	x := data.main.deny
}

out contains [0, x] if {
	input.kind == "StatefulSet"
	not exempt[0]
	x := data.main.deny
}

exempt[0] if {
	some names in data.main.exception
	"" in names
}

out contains [1, x] if {
	not exempt[1]
	x := data.main.deny_latest_tag
}

exempt[1] if {
	some names in data.main.exception
	"latest_tag" in names
}
`
	if got != want {
		t.Errorf("aggregation:\n%s\nwant\n%s", got, want)
	}
	// A disabled entry is left out.
	got = aggregation(e.entries[:2], map[int]bool{0: true})
	_, rest, _ := strings.Cut(want, "\n\nout contains [1, x]")
	want = "package kvet.engine\n\nout contains [1, x]" + rest
	if got != want {
		t.Errorf("aggregation with entry 0 disabled:\n%s\nwant\n%s", got, want)
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
