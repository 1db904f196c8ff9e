package rbac_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/rbac"
)

// TestRuleMatching checks each way a rule entry matches a request, as
// Kubernetes' RuleAllows does, and which elements the grant points at.
func TestRuleMatching(t *testing.T) {
	res := func(verb, group, resource, sub, name string) rbac.Request {
		return rbac.Request{Verb: verb, APIGroup: group, Resource: resource, Subresource: sub, Name: name, Namespace: "team"}
	}
	url := func(verb, path string) rbac.Request { return rbac.Request{Verb: verb, Path: path} }
	m := func(verb, group, resource, name, url int) rbac.Match {
		return rbac.Match{Verb: verb, APIGroup: group, Resource: resource, ResourceName: name, NonResourceURL: url}
	}
	tests := []struct {
		name  string
		rule  string
		req   rbac.Request
		want  bool
		match rbac.Match
	}{
		{"exact verb, group, resource", `{apiGroups: [""], resources: [pods], verbs: [get]}`, res("get", "", "pods", "", ""), true, m(0, 0, 0, -1, -1)},
		{"other verb", `{apiGroups: [""], resources: [pods], verbs: [get, list]}`, res("delete", "", "pods", "", ""), false, rbac.Match{}},
		{"verb *", `{apiGroups: [""], resources: [pods], verbs: [list, "*"]}`, res("delete", "", "pods", "", ""), true, m(1, 0, 0, -1, -1)},
		{"verbs are case-sensitive", `{apiGroups: [""], resources: [pods], verbs: [GET]}`, res("get", "", "pods", "", ""), false, rbac.Match{}},
		{"core group is not apps", `{apiGroups: [""], resources: [deployments], verbs: [get]}`, res("get", "apps", "deployments", "", ""), false, rbac.Match{}},
		{"group *", `{apiGroups: [batch, "*"], resources: [deployments], verbs: [get]}`, res("get", "apps", "deployments", "", ""), true, m(0, 1, 0, -1, -1)},
		{"second group", `{apiGroups: [batch, apps], resources: [deployments], verbs: [get]}`, res("get", "apps", "deployments", "", ""), true, m(0, 1, 0, -1, -1)},
		{"resource *", `{apiGroups: [""], resources: [configmaps, "*"], verbs: [get]}`, res("get", "", "secrets", "", ""), true, m(0, 0, 1, -1, -1)},
		{"resource * covers subresources", `{apiGroups: [""], resources: ["*"], verbs: [create]}`, res("create", "", "pods", "exec", ""), true, m(0, 0, 0, -1, -1)},
		{"resource does not cover its subresources", `{apiGroups: [""], resources: [pods], verbs: [create]}`, res("create", "", "pods", "exec", ""), false, rbac.Match{}},
		{"name/sub", `{apiGroups: [""], resources: [pods, pods/exec], verbs: [create]}`, res("create", "", "pods", "exec", ""), true, m(0, 0, 1, -1, -1)},
		{"name/sub is not the resource", `{apiGroups: [""], resources: [pods/exec], verbs: [get]}`, res("get", "", "pods", "", ""), false, rbac.Match{}},
		{"*/sub", `{apiGroups: [""], resources: ["*/scale"], verbs: [update]}`, res("update", "", "replicationcontrollers", "scale", ""), true, m(0, 0, 0, -1, -1)},
		{"*/sub needs a subresource", `{apiGroups: [""], resources: ["*/scale"], verbs: [update]}`, res("update", "", "scale", "", ""), false, rbac.Match{}},
		{"*/sub of another subresource", `{apiGroups: [""], resources: ["*/scale"], verbs: [update]}`, res("update", "", "pods", "status", ""), false, rbac.Match{}},
		{"pods/* matches nothing", `{apiGroups: [""], resources: ["pods/*"], verbs: [create]}`, res("create", "", "pods", "exec", ""), false, rbac.Match{}},
		{"pods/* is a literal subresource *", `{apiGroups: [""], resources: ["pods/*"], verbs: [create]}`, res("create", "", "pods", "*", ""), true, m(0, 0, 0, -1, -1)},
		{"*s matches nothing", `{apiGroups: [""], resources: ["*s"], verbs: [get]}`, res("get", "", "pods", "", ""), false, rbac.Match{}},
		{"resource names restrict", `{apiGroups: [""], resources: [secrets], resourceNames: [a, b], verbs: [get]}`, res("get", "", "secrets", "", "b"), true, m(0, 0, 0, 1, -1)},
		{"resource names: other name", `{apiGroups: [""], resources: [secrets], resourceNames: [a], verbs: [get]}`, res("get", "", "secrets", "", "c"), false, rbac.Match{}},
		{"resource names: no name (list)", `{apiGroups: [""], resources: [secrets], resourceNames: [a], verbs: [list]}`, res("list", "", "secrets", "", ""), false, rbac.Match{}},
		{"resource name * is literal", `{apiGroups: [""], resources: [secrets], resourceNames: ["*"], verbs: [get]}`, res("get", "", "secrets", "", "a"), false, rbac.Match{}},
		{"non-resource URL exact", `{nonResourceURLs: [/healthz], verbs: [get]}`, url("get", "/healthz"), true, m(0, -1, -1, -1, 0)},
		{"non-resource URL *", `{nonResourceURLs: [/x, "*"], verbs: [get]}`, url("get", "/metrics"), true, m(0, -1, -1, -1, 1)},
		{"non-resource URL trailing *", `{nonResourceURLs: ["/logs/*"], verbs: [get]}`, url("get", "/logs/kubelet.log"), true, m(0, -1, -1, -1, 0)},
		{"non-resource URL trailing * is a prefix", `{nonResourceURLs: ["/healthz*"], verbs: [get]}`, url("get", "/healthzXYZ"), true, m(0, -1, -1, -1, 0)},
		{"non-resource URL other", `{nonResourceURLs: ["/logs/*"], verbs: [get]}`, url("get", "/metrics"), false, rbac.Match{}},
		{"non-resource URL wrong verb", `{nonResourceURLs: ["*"], verbs: [get]}`, url("post", "/api"), false, rbac.Match{}},
		{"resource rule, non-resource request", `{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}`, url("get", "/healthz"), false, rbac.Match{}},
		{"non-resource rule, resource request", `{nonResourceURLs: ["*"], verbs: ["*"]}`, res("get", "", "pods", "", ""), false, rbac.Match{}},
		{"no groups", `{resources: [pods], verbs: [get]}`, res("get", "", "pods", "", ""), false, rbac.Match{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			model := build(t, "rbac.yaml", yamlDocs(
				role("ClusterRole", "", "r", "- "+tt.rule+"\n"),
				binding("ClusterRoleBinding", "", "b", "- kind: User\n  name: u\n", "ClusterRole", "r"),
			))
			ok, grants := model.Allows(rbac.Impersonate("u", nil), tt.req)
			if ok != tt.want || ok != (len(grants) > 0) {
				t.Fatalf("Allows = %v with %d grants, want %v", ok, len(grants), tt.want)
			}
			if ok && grants[0].Match != tt.match {
				t.Errorf("match = %+v, want %+v", grants[0].Match, tt.match)
			}
		})
	}
}

// rbacYAML is a set with every kind of subject and binding. The tests name
// its lines: 8 and 17 are the resources of pod-reader's and secret-reader's
// rules, 75 the roleRef name of other-ns-role.
var rbacYAML = yamlDocs(
	role("Role", "team", "pod-reader", "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get, list]\n"),
	role("ClusterRole", "", "secret-reader", "- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n"),
	binding("RoleBinding", "team", "team-pods", "- kind: ServiceAccount\n  name: runner\n- kind: User\n  name: jane\n", "Role", "pod-reader"),
	binding("RoleBinding", "team", "team-secrets", "- kind: Group\n  name: system:serviceaccounts:ci\n", "ClusterRole", "secret-reader"),
	binding("ClusterRoleBinding", "", "everyone-secrets",
		"- kind: Group\n  name: nobody\n- kind: User\n  name: system:serviceaccount:ops:bot\n- kind: Group\n  name: auditors\n", "ClusterRole", "secret-reader"),
	binding("RoleBinding", "prod", "other-ns-role", "- kind: Group\n  name: system:authenticated\n", "Role", "pod-reader"),
	binding("RoleBinding", "prod", "all-sa-view", "- kind: Group\n  name: system:serviceaccounts\n", "ClusterRole", "view"),
	binding("RoleBinding", "public", "anonymous-pods", "- kind: Group\n  name: system:unauthenticated\n", "ClusterRole", "view"),
	binding("ClusterRoleBinding", "", "sa-without-namespace", "- kind: ServiceAccount\n  name: nobody\n- kind: User\n  name: carol\n", "ClusterRole", "secret-reader"),
)

// TestSubjectsAndBindings checks who a binding applies to and where.
func TestSubjectsAndBindings(t *testing.T) {
	model := build(t, "rbac.yaml", rbacYAML)
	getPods := func(ns string) rbac.Request {
		return rbac.Request{Verb: "get", Resource: "pods", Namespace: ns}
	}
	getSecret := func(ns string) rbac.Request {
		return rbac.Request{Verb: "get", Resource: "secrets", Namespace: ns}
	}
	tests := []struct {
		name  string
		user  rbac.User
		req   rbac.Request
		want  bool
		grant string // the first grant's binding, subject index and rule location
	}{
		{"ServiceAccount subject defaults to the RoleBinding's namespace", rbac.ServiceAccountUser("team", "runner"), getPods("team"), true, "RoleBinding team/team-pods subjects[0] rbac.yaml:8"},
		{"same name in another namespace", rbac.ServiceAccountUser("other", "runner"), getPods("team"), false, ""},
		{"RoleBinding applies only in its namespace", rbac.Impersonate("jane", nil), getPods("prod2"), false, ""},
		{"User subject", rbac.Impersonate("jane", nil), getPods("team"), true, "RoleBinding team/team-pods subjects[1] rbac.yaml:8"},
		{"RoleBinding does not grant cluster-wide", rbac.Impersonate("jane", nil), getPods(""), false, ""},
		{"RoleBinding to a ClusterRole is scoped to its namespace", rbac.ServiceAccountUser("ci", "builder"), getSecret("team"), true, "RoleBinding team/team-secrets subjects[0] rbac.yaml:17"},
		{"... not beyond", rbac.ServiceAccountUser("ci", "builder"), getSecret("prod"), false, ""},
		{"group system:serviceaccounts:NS is only that namespace's", rbac.ServiceAccountUser("cd", "builder"), getSecret("team"), false, ""},
		{"ServiceAccount without namespace in a ClusterRoleBinding matches nobody", rbac.ServiceAccountUser("default", "nobody"), getSecret("x"), false, ""},
		{"... and the API server rejects the binding: its other subjects get nothing", rbac.Impersonate("carol", nil), getSecret("x"), false, ""},
		{"User system:serviceaccount:NS:NAME is the ServiceAccount", rbac.ServiceAccountUser("ops", "bot"), getSecret("any"), true, "ClusterRoleBinding everyone-secrets subjects[1] rbac.yaml:17"},
		{"ClusterRoleBinding applies cluster-wide", rbac.Impersonate("x", []string{"auditors"}), getSecret(""), true, "ClusterRoleBinding everyone-secrets subjects[2] rbac.yaml:17"},
		{"RoleBinding to a Role of another namespace grants nothing", rbac.Impersonate("anyone", nil), getPods("prod"), false, ""},
		{"group system:serviceaccounts", rbac.ServiceAccountUser("web", "frontend"), getPods("prod"), true, "RoleBinding prod/all-sa-view subjects[0] built-in"},
		{"a user is not in system:serviceaccounts", rbac.Impersonate("jane", nil), getPods("prod"), false, ""},
		{"system:anonymous is in system:unauthenticated", rbac.Impersonate("system:anonymous", nil), getPods("public"), true, "RoleBinding public/anonymous-pods subjects[0] built-in"},
		{"an authenticated user is not", rbac.Impersonate("jane", nil), getPods("public"), false, ""},
		{"--as-group system:unauthenticated", rbac.Impersonate("jane", []string{"system:unauthenticated"}), getPods("public"), true, "RoleBinding public/anonymous-pods subjects[0] built-in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, grants := model.Allows(tt.user, tt.req)
			if ok != tt.want {
				t.Fatalf("Allows(%v, %+v) = %v, want %v", tt.user, tt.req, ok, tt.want)
			}
			if !ok {
				return
			}
			g := grants[0]
			got := fmt.Sprintf("%s subjects[%d] %s", g.Binding, g.Subject, rbac.Where(g.Rule.Role.Doc, g.RulePath()))
			if got != tt.grant {
				t.Errorf("grant %q, want %q", got, tt.grant)
			}
		})
	}
	if got, want := problems(model), []string{
		"rbac.yaml:108: ClusterRoleBinding sa-without-namespace is not applied: the API server rejects it (subjects[0].namespace: a ServiceAccount subject of a ClusterRoleBinding needs a namespace), so it grants nothing",
		"rbac.yaml:75: RoleBinding prod/other-ns-role refers to Role pod-reader, which the set does not define in namespace prod: it grants nothing",
	}; !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestImpersonate(t *testing.T) {
	tests := []struct {
		name   string
		groups []string
		want   rbac.User
	}{
		{"jane", nil, rbac.User{Name: "jane", Groups: []string{"system:authenticated"}}},
		{"jane", []string{"dev"}, rbac.User{Name: "jane", Groups: []string{"dev", "system:authenticated"}}},
		{"jane", []string{"system:unauthenticated"}, rbac.User{Name: "jane", Groups: []string{"system:unauthenticated"}}},
		{"system:anonymous", nil, rbac.User{Name: "system:anonymous", Groups: []string{"system:unauthenticated"}}},
		{"system:serviceaccount:ci:bot", nil, rbac.User{Name: "system:serviceaccount:ci:bot",
			Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"}}},
		{"system:serviceaccount:ci:bot", []string{"x"}, rbac.User{Name: "system:serviceaccount:ci:bot", Groups: []string{"x", "system:authenticated"}}},
	}
	for _, tt := range tests {
		got := rbac.Impersonate(tt.name, tt.groups)
		if got.Name != tt.want.Name || !slices.Equal(got.Groups, tt.want.Groups) {
			t.Errorf("Impersonate(%q, %q) = %+v, want %+v", tt.name, tt.groups, got, tt.want)
		}
	}
	if got := rbac.ServiceAccountUser("ci", "bot"); !slices.Equal(got.Groups, rbac.Impersonate("system:serviceaccount:ci:bot", nil).Groups) {
		t.Errorf("ServiceAccountUser groups %v differ from impersonating it", got.Groups)
	}
}
