package policies_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/policies"
)

// The built-in policies together: interplay (admin-equivalent subsumes,
// "*" resources reported once, pods/* matches nothing), List-wrapped
// objects, block and flow lists, JSON; a rule entry the API server rejects
// draws its invalid-value alone.
func TestBuiltinTogether(t *testing.T) {
	diags := analyzertest.Run(t, policies.Builtin(), "testdata/builtin")
	// Exact positions and severities where they matter: the element in a
	// flow list, the entry of a flow mapping, Role vs ClusterRole,
	// RoleBinding vs ClusterRoleBinding.
	want := []string{
		"testdata/builtin/interplay.yaml:8:3 error rbac-admin-equivalent",
		"testdata/builtin/interplay.yaml:23:15-23:18 warning rbac-wildcard-resources",
		"testdata/builtin/interplay.yaml:35:15-35:23 info rbac-resource-matches-nothing",
		"testdata/builtin/interplay.yaml:56:5-56:9 error rbac-escalation-verbs",
		"testdata/builtin/interplay.yaml:57:5-57:8 warning rbac-wildcard-verbs",
		"testdata/builtin/list.yaml:11:5 warning rbac-admin-equivalent",
		"testdata/builtin/list.yaml:18:11 error rbac-admin-equivalent",
		"testdata/builtin/list.yaml:25:11-25:13 error rbac-subject-namespace-missing",
		"testdata/builtin/list.yaml:29:11-29:24 error rbac-cluster-admin-binding",
		"testdata/builtin/list.yaml:42:11-42:24 warning rbac-cluster-admin-binding",
		"testdata/builtin/rejected.yaml:12:3 error invalid-value",
		"testdata/builtin/rejected.yaml:15:3 error invalid-value",
		"testdata/builtin/rejected.yaml:29:3 error invalid-value",
		"testdata/builtin/rejected.yaml:36:3 error invalid-value",
		"testdata/builtin/role.json:8:29-8:40 warning rbac-pod-exec",
		"testdata/builtin/role.json:9:24-9:27 warning rbac-wildcard-verbs",
	}
	var got []string
	for _, d := range diags {
		// Ranges of tokens are exact; an entry's range runs to the end
		// of its line, so only its start is checked.
		got = append(got, fmt.Sprintf("%s:%d:%d-%d:%d %s %s", d.File, d.Range.Start.Line, d.Range.Start.Column,
			d.Range.End.Line, d.Range.End.Column, d.Severity, d.RuleID),
			fmt.Sprintf("%s:%d:%d %s %s", d.File, d.Range.Start.Line, d.Range.Start.Column, d.Severity, d.RuleID))
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing %s in\n%s", w, strings.Join(got, "\n"))
		}
	}
}

// The built-in rules have complete metadata, pass Validate, and come in
// the order of BuiltinIDs, which lists every embedded policy.
func TestBuiltinCatalog(t *testing.T) {
	rules := policies.Builtin()
	if err := analyzer.Validate(rules); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
		if r.Source != "rego" || len(r.Kinds) == 0 || r.Run == nil {
			t.Errorf("%s: source %q, kinds %v", r.ID, r.Source, r.Kinds)
		}
		if strings.HasPrefix(r.Title, "policy ") || strings.HasPrefix(r.Rationale, "User policy") || r.Remediation == "Follow the policy's message." {
			t.Errorf("%s: metadata is incomplete (title %q)", r.ID, r.Title)
		}
	}
	if !slices.Equal(ids, policies.BuiltinIDs()) {
		t.Errorf("built-in rules = %v\nwant %v", ids, policies.BuiltinIDs())
	}
	dirs, err := filepath.Glob("rbac/*/policy.rego")
	if err != nil || len(dirs) != len(ids) {
		t.Errorf("%d policy files for %d rules (%v)", len(dirs), len(ids), err)
	}
}

// The catalog (../shared/docs/rules.md, when present) defines every
// per-document RBAC rule with its severity: kvet has each of them, as a Rego
// rule, with that severity.
func TestBuiltinMatchCatalog(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "docs", "rules.md"))
	if err != nil {
		t.Skipf("catalog not available: %v", err)
	}
	text := string(data)
	start := strings.Index(text, "## RBAC, one document at a time")
	end := strings.Index(text, "## RBAC across documents")
	if start < 0 || end < start {
		t.Fatal("catalog section not found")
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|.*\\| (error|warning|info) \\|$")
	byID := map[string]*analyzer.Rule{}
	for _, r := range policies.Builtin() {
		byID[r.ID] = r
	}
	n := 0
	for _, m := range row.FindAllStringSubmatch(text[start:end], -1) {
		n++
		r := byID[m[1]]
		if r == nil {
			t.Errorf("catalog rule %s is missing", m[1])
			continue
		}
		if r.Severity.String() != m[2] {
			t.Errorf("%s: severity %s, catalog says %s", m[1], r.Severity, m[2])
		}
		delete(byID, m[1])
	}
	if n != len(policies.BuiltinIDs()) || len(byID) > 0 {
		t.Errorf("catalog has %d rules; not in the catalog: %v", n, byID)
	}
}

// Roles whose aliases expand to a million nodes each are refused by the
// loader, once each at their first alias as yaml-syntax: the policies never
// see them (building their Rego input took 73-94 s for a hundred), and no
// rbac-* rule reports an error about them.
func TestAliasBombRoles(t *testing.T) {
	var b strings.Builder
	for r := range 100 {
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r%d}\nrules:\n- apiGroups: [\"\"]\n  resources: &r0 [a, b, c, d, e, f, g, h, i, j]\n  verbs: &v1 [*r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0]\n  x2: &v2 [*v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1]\n  x3: &v3 [*v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2]\n  x4: &v4 [*v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3]\n  x5: [*v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4]\n", r)
	}
	path := filepath.Join(t.TempDir(), "roles.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	set, res := analyzer.Lint(t.Context(), analyzer.NewLoader(nil), []string{path}, slices.Concat(policies.Builtin(), analyzer.EngineRules()), analyzer.Options{})
	if len(res.Errors) > 0 || len(set.Docs) != 0 {
		t.Errorf("errors %v, %d documents", res.Errors, len(set.Docs))
	}
	lines := map[int]bool{}
	for _, d := range res.Diagnostics {
		if d.RuleID != analyzer.IDYAMLSyntax || d.Range.Start.Column != 15 {
			t.Errorf("diagnostic %s at %d:%d: %s", d.RuleID, d.Range.Start.Line, d.Range.Start.Column, d.Message)
		}
		lines[d.Range.Start.Line] = true
	}
	if len(res.Diagnostics) != 100 || len(lines) != 100 || !lines[8] || !lines[8+99*12] {
		t.Errorf("%d diagnostics on %d lines, want one on line 8 of each of the 100 Roles", len(res.Diagnostics), len(lines))
	}
}

// A value of 2 MB in a Role or a binding is quoted in the built-in
// policies' messages as in the Go rules' (analyzer.Quote): its first 200
// characters and how long it is; a user policy's message is cut at
// analyzer.MaxMessage characters.
func TestHugeValuesInMessages(t *testing.T) {
	big := strings.Repeat("x", 2<<20)
	src := fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: %[1]s, namespace: a}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
- {apiGroups: [""], resources: [secrets, Secrets%[1]s], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: a}
subjects:
- {kind: User, name: %[1]s}
- {kind: ServiceAccount, name: default, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %[1]s}
`, big)
	dir := t.TempDir()
	path := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	policyDir := filepath.Join(dir, "policy")
	if err := os.Mkdir(policyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(policyDir, "echo.rego"), []byte("package echo\n\nwarn contains input.metadata.name\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := userEngine(t, policies.Options{Dirs: []string{policyDir}})
	_, res := analyzer.Lint(t.Context(), analyzer.NewLoader(nil), []string{path}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	const cut = `"… (2097152 characters)`
	quoted := `"` + strings.Repeat("x", analyzer.MaxQuoted) + cut
	want := map[string]string{ // rule → a capped value its message quotes
		"rbac-admin-equivalent":         "Role " + big[:analyzer.MaxQuoted] + "… (2097152 characters) is admin-equivalent",
		"rbac-resource-matches-nothing": `resource "Secrets` + strings.Repeat("x", analyzer.MaxQuoted-7) + `"… (2097159 characters) never matches`,
		"rbac-user-subject":             "User " + quoted + " is bound directly",
		"rbac-default-sa-subject":       "of namespace " + quoted + " runs every pod",
		"echo-warn":                     strings.Repeat("x", analyzer.MaxMessage) + "… (2097152 characters)",
	}
	for _, d := range res.Diagnostics {
		if len(d.Message) > 3*analyzer.MaxMessage {
			t.Errorf("%s: message of %d bytes", d.RuleID, len(d.Message))
		}
		if w, ok := want[d.RuleID]; ok {
			if !strings.Contains(d.Message, w) {
				t.Errorf("%s: message %.400q…, want it to contain %.300q…", d.RuleID, d.Message, w)
			}
			delete(want, d.RuleID)
		}
	}
	for id := range want {
		t.Errorf("no %s finding", id)
	}
}
