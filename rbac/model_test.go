package rbac_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/rbac"
)

const workloadsYAML = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: exporter
  namespace: billing
automountServiceAccountToken: false
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: export
  namespace: billing
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: exporter
          restartPolicy: Never
          containers: [{name: c, image: "x:1"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: legacy
  namespace: billing
spec:
  serviceAccount: old-name
  automountServiceAccountToken: true
  containers: [{name: c, image: "x:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: "x:1"}]
      volumes:
      - name: token
        projected:
          sources:
          - serviceAccountToken: {path: token}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: plain
  namespace: billing
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: "x:1"}]
`

func TestWorkloads(t *testing.T) {
	m := build(t, "w.yaml", workloadsYAML)
	var got []string
	for _, w := range m.Workloads {
		got = append(got, fmt.Sprintf("%s as %s (explicit %v) at %s, token %v", w, w.Account, w.Explicit, rbac.Where(w.Doc, w.AccountPath()), m.TokenMounted(w)))
	}
	want := []string{
		"CronJob billing/export as exporter (explicit true) at w.yaml:19, token false", // the ServiceAccount says no
		"Pod billing/legacy as old-name (explicit true) at w.yaml:29, token true",      // the pod says yes
		"Deployment default/web as default (explicit false) at w.yaml:41, token true",  // a projected token
		"Job billing/plain as default (explicit false) at w.yaml:56, token true",       // the default
	}
	if !slices.Equal(got, want) {
		t.Errorf("workloads:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if u := m.Workloads[0].User(); u.Name != "system:serviceaccount:billing:exporter" {
		t.Errorf("User() = %+v", u)
	}
	if ws := m.WorkloadsOf("billing", "exporter"); len(ws) != 1 || ws[0].Name != "export" {
		t.Errorf("WorkloadsOf = %v", ws)
	}
}

// TestBadInput checks that duplicates, bindings without subjects, bindings
// the API server rejects (a subject without kind or of an unknown kind, a
// roleRef of an invalid kind or without name) and roleRefs that resolve to
// nothing are problems, that a rejected binding grants nothing, to any of
// its subjects, and that the rest of the set is still analysed.
func TestBadInput(t *testing.T) {
	m := build(t,
		"a.yaml", yamlDocs(
			role("Role", "team", "reader", "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n"),
			binding("RoleBinding", "team", "readers", "- name: jane\n- kind: User\n  name: joe\n- kind: user\n  name: jim\n", "Role", "reader"),
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: nobody\n  namespace: team\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n",
			binding("ClusterRoleBinding", "", "bad-kind", "- kind: User\n  name: joe\n", "Role", "reader"),
			binding("ClusterRoleBinding", "", "typo", "- kind: User\n  name: joe\n", "clusterrole", "view"),
			binding("ClusterRoleBinding", "", "missing", "- kind: User\n  name: joe\n", "ClusterRole", "vieww"),
			binding("ClusterRoleBinding", "", "cloud", "- kind: User\n  name: joe\n", "ClusterRole", "system:cloud-provider"),
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: unnamed\nsubjects: [{kind: User, name: joe}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole}\n",
			binding("RoleBinding", "team", "joe-reads", "- kind: User\n  name: joe\n", "Role", "reader"),
		),
		"b.yaml", role("Role", "team", "reader", "- apiGroups: [\"\"]\n  resources: [pods, secrets]\n  verbs: [get]\n"),
	)
	want := []string{
		"a.yaml:17: RoleBinding team/readers is not applied: the API server rejects it (subjects[0].kind: a subject's kind is required: one of ServiceAccount, User, Group), so it grants nothing",
		"a.yaml:27: RoleBinding team/nobody has no subjects: it grants nothing",
		"a.yaml:43: ClusterRoleBinding bad-kind is not applied: the API server rejects it (roleRef.kind: a ClusterRoleBinding can only bind a ClusterRole, not a Role), so it grants nothing",
		"a.yaml:55: ClusterRoleBinding typo is not applied: the API server rejects it (roleRef.kind: invalid value \"clusterrole\": must be Role or ClusterRole), so it grants nothing",
		"a.yaml:68: ClusterRoleBinding missing refers to ClusterRole vieww, which is neither in the set nor built into Kubernetes: it grants nothing",
		"a.yaml:87: ClusterRoleBinding unnamed is not applied: the API server rejects it (roleRef.name: the name of the role to bind is required), so it grants nothing",
		"b.yaml:4: Role team/reader is defined twice, here and at a.yaml:4; kvet uses this later definition, as kubectl apply -f would",
	}
	if got := problems(m); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The later Role is in effect: joe reads secrets through it, by the
	// one binding of his that the API server accepts.
	ok, grants := m.Allows(rbac.Impersonate("joe", nil), rbac.Request{Verb: "get", Resource: "secrets", Namespace: "team"})
	if !ok || len(grants) != 1 || grants[0].Binding.Name != "joe-reads" || grants[0].Rule.Role.Doc.File.Path != "b.yaml" {
		t.Fatalf("joe: %v %+v", ok, grants)
	}
	var rejected []string
	for _, b := range m.RejectedBindings {
		rejected = append(rejected, b.Name)
	}
	if want := []string{"readers", "bad-kind", "typo", "unnamed"}; !slices.Equal(rejected, want) {
		t.Errorf("rejected bindings %q, want %q", rejected, want)
	}
	if others := m.Others(grants[0].Rule.Role.Doc); len(others) != 1 || others[0].File.Path != "a.yaml" {
		t.Errorf("Others = %v", others)
	}
	if n := len(m.Roles); n != 1 {
		t.Errorf("%d roles in effect, want 1", n)
	}
	for _, name := range []string{"jane", "jim"} {
		if ok, _ := m.Allows(rbac.Impersonate(name, nil), rbac.Request{Verb: "get", Resource: "pods", Namespace: "team"}); ok {
			t.Errorf("a subject without kind or of kind user applied to %s", name)
		}
	}
}

func TestSubjectsAndPermissions(t *testing.T) {
	m := build(t, "rbac.yaml", rbacYAML, "w.yaml", workloadsYAML)
	var got []string
	for _, s := range m.Subjects() {
		got = append(got, s.String())
	}
	want := []string{
		"User jane", "Group auditors", "Group nobody", "Group system:authenticated", "Group system:serviceaccounts",
		"Group system:serviceaccounts:ci", "Group system:unauthenticated",
		"ServiceAccount billing/default", "ServiceAccount billing/exporter", "ServiceAccount billing/old-name",
		"ServiceAccount default/default", "ServiceAccount ops/bot", "ServiceAccount team/runner",
	}
	if !slices.Equal(got, want) {
		t.Errorf("subjects:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var perms []string
	for _, g := range m.Permissions(rbac.Subject{Kind: "ServiceAccount", Namespace: "ops", Name: "bot"}.User()) {
		perms = append(perms, fmt.Sprintf("%q %s %v", g.Namespace(), g.Chain(), g.Rule.Resources))
	}
	// Its own ClusterRoleBinding, then view in prod for every ServiceAccount,
	// one permission per rule of the built-in role view aggregates.
	view := `"prod" RoleBinding prod/all-sa-view → ClusterRole view → ClusterRole system:aggregate-to-view (built-in) `
	if len(perms) < 10 || perms[0] != `"" ClusterRoleBinding everyone-secrets → ClusterRole secret-reader (rbac.yaml:16) [secrets]` ||
		!strings.HasPrefix(perms[1], view+"[configmaps endpoints persistentvolumeclaims") ||
		slices.ContainsFunc(perms[1:], func(p string) bool { return !strings.HasPrefix(p, view) }) {
		t.Errorf("permissions of ops/bot:\n%s", strings.Join(perms, "\n"))
	}
	// A group's permissions are its own bindings' only.
	if ps := m.Permissions(rbac.Subject{Kind: "Group", Name: "auditors"}.User()); len(ps) != 1 || ps[0].Binding.Name != "everyone-secrets" {
		t.Errorf("permissions of group auditors: %v", ps)
	}
}

// TestUnnamespacedFolders checks that objects without metadata.namespace
// are keyed by folder: the same name in two folders is two objects, in one
// folder a duplicate (as explicitly namespaced objects are in any two
// folders), references resolve within the folder (and between it and
// namespace default), and a workload is bound only by its folder's
// RoleBindings of ServiceAccounts without namespace.
func TestUnnamespacedFolders(t *testing.T) {
	secrets := "- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n"
	pods := "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n"
	sa := "- kind: ServiceAccount\n  name: runner\n"
	job := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: build\nspec:\n  template:\n    spec:\n      serviceAccountName: runner\n      containers: [{name: c, image: c}]\n"
	m := build(t,
		"a/rbac.yaml", yamlDocs(role("Role", "", "runner", secrets), binding("RoleBinding", "", "runner", sa, "Role", "runner"), job),
		"b/rbac.yaml", yamlDocs(role("Role", "", "runner", pods), binding("RoleBinding", "", "runner", sa, "Role", "runner"), job),
		"b/more.yaml", role("Role", "", "runner", pods),
		"c/rbac.yaml", yamlDocs(role("Role", "team", "reader", pods), binding("RoleBinding", "default", "explicit", sa, "Role", "local")),
		"c/local.yaml", role("Role", "", "local", pods),
		"d/rbac.yaml", yamlDocs(role("Role", "team", "reader", pods), binding("RoleBinding", "", "implicit", sa, "Role", "shared")),
		"e/shared.yaml", role("Role", "default", "shared", pods),
	)
	want := []string{
		"b/more.yaml:4: Role default/runner is defined twice, here and at b/rbac.yaml:4; kvet uses this later definition, as kubectl apply -f would",
		"d/rbac.yaml:4: Role team/reader is defined twice, here and at c/rbac.yaml:4; kvet uses this later definition, as kubectl apply -f would",
	}
	if got := problems(m); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(m.Workloads); n != 2 {
		t.Fatalf("%d workloads, want the Job of a and that of b", n)
	}
	for _, b := range m.Bindings {
		r := m.RoleOf(b)
		if r == nil {
			t.Errorf("%s (%s) binds nothing", b, b.Doc.File.Path)
			continue
		}
		// a and b bind their own folder's runner; c's binding in default
		// binds c's Role without namespace, d's the Role of namespace default.
		wantFile := map[string]string{"a": "a/rbac.yaml", "b": "b/more.yaml", "c": "c/local.yaml", "d": "e/shared.yaml"}[rbac.FolderName(b.Doc)]
		if r.Doc.File.Path != wantFile {
			t.Errorf("%s (%s) binds %s of %s, want that of %s", b, b.Doc.File.Path, r, r.Doc.File.Path, wantFile)
		}
	}
	get := rbac.Request{Verb: "get", Resource: "secrets", Namespace: "default"}
	for _, w := range m.Workloads {
		ok, grants := m.Allows(w.User(), get)
		if wantOK := w.Doc.File.Path == "a/rbac.yaml"; ok != wantOK || ok && grants[0].Binding.Doc.File.Path != "a/rbac.yaml" {
			t.Errorf("Job of %s may get secrets: %v %v, want %v through a's binding", w.Doc.File.Path, ok, grants, wantOK)
		}
	}
	// The user name alone (kvet can-i --as) is bound in every folder.
	if ok, grants := m.Allows(rbac.ServiceAccountUser("default", "runner"), get); !ok || len(grants) != 1 {
		t.Errorf("system:serviceaccount:default:runner may get secrets: %v %v, want yes through a's binding", ok, grants)
	}
}

// A set without roles makes the built-in ClusterRoles on first use, with
// the same aggregated rules as a set with roles: admin aggregates edit and
// view's aggregate-to-* roles either way.
func TestBuiltinRolesWithoutSetRoles(t *testing.T) {
	empty := rbac.Build(nil)
	withRole := build(t, "r.yaml", role("Role", "team", "reader", "- {apiGroups: [\"\"], resources: [pods], verbs: [get]}\n"))
	if len(withRole.Roles) != 1 {
		t.Fatalf("%d roles in the set, want 1", len(withRole.Roles))
	}
	// Each rule in effect as the role, entry and aggregation steps it
	// comes from (the two models' roles are different values).
	sources := func(m *rbac.Model, name string) []string {
		var out []string
		for _, src := range m.Effective(m.ClusterRole(name)) {
			s := fmt.Sprintf("%s rules[%d]", src.Rule.Role, src.Rule.Index)
			for _, step := range src.Via {
				s += fmt.Sprintf(" <- %s selector %d selects %s", step.Role, step.Selector, step.Selected)
			}
			out = append(out, s)
		}
		return out
	}
	for _, name := range []string{"admin", "edit", "view", "cluster-admin"} {
		got, want := sources(empty, name), sources(withRole, name)
		if len(got) <= 1 && name != "cluster-admin" || !slices.Equal(got, want) {
			t.Errorf("%s: rules in effect without set roles:\n%s\nwith:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// A binding defined twice with another roleRef: the API server refuses to
// change a binding's roleRef, so kubectl apply -f leaves the first in
// effect; one with the same roleRef replaces it, as other objects do.
func TestDuplicateBindingRoleRef(t *testing.T) {
	m := build(t,
		"a.yaml", yamlDocs(
			binding("RoleBinding", "team", "b", "- kind: User\n  name: u1\n", "ClusterRole", "admin"),
			binding("RoleBinding", "team", "same", "- kind: User\n  name: u2\n", "ClusterRole", "view"),
		),
		"b.yaml", yamlDocs(
			binding("RoleBinding", "team", "b", "- kind: User\n  name: u1\n", "ClusterRole", "view"),
			binding("RoleBinding", "team", "same", "- kind: User\n  name: u3\n", "ClusterRole", "view"),
		),
	)
	got := problems(m)
	if len(got) != 2 || !strings.Contains(got[0], "RoleBinding team/b is defined twice, here and at a.yaml:4, with another roleRef; the API server refuses") ||
		!strings.Contains(got[1], "RoleBinding team/same is defined twice, here and at a.yaml") || !strings.Contains(got[1], "kvet uses this later definition") {
		t.Errorf("problems:\n%s", strings.Join(got, "\n"))
	}
	// admin is in effect for u1: it may read secrets.
	if ok, _ := m.Allows(rbac.Impersonate("u1", nil), rbac.Request{Verb: "get", Resource: "secrets", Namespace: "team"}); !ok {
		t.Error("u1 cannot get secrets: the second binding's roleRef was used")
	}
	// The second "same" replaced the first: u3, not u2.
	if ok, _ := m.Allows(rbac.Impersonate("u2", nil), rbac.Request{Verb: "get", Resource: "pods", Namespace: "team"}); ok {
		t.Error("u2 still bound")
	}
	if ok, _ := m.Allows(rbac.Impersonate("u3", nil), rbac.Request{Verb: "get", Resource: "pods", Namespace: "team"}); !ok {
		t.Error("u3 not bound")
	}
}
