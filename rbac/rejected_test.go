package rbac_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/rbac"
)

// TestRejectedObjectsGrantNothing checks that a role or binding that the
// API server's validation rejects grants nothing, through any of its
// rules or subjects (kubectl apply fails for it), and that the model says
// why, at the field at fault; the accepted variants next to them grant.
func TestRejectedObjectsGrantNothing(t *testing.T) {
	pods := "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n"
	user := "- kind: User\n  name: u\n"
	getPods := rbac.Request{Verb: "get", Resource: "pods", Namespace: "ns"}
	tests := []struct {
		name    string
		set     string
		req     rbac.Request
		want    bool
		problem string // the model's problem about the object ("" for none)
	}{
		{"Role with a non-resource URL rule", yamlDocs(
			role("Role", "ns", "r", "- nonResourceURLs: [/healthz]\n  verbs: [get]\n"+pods),
			binding("RoleBinding", "ns", "b", user, "Role", "r"),
		), getPods, false, "rbac.yaml:7: Role ns/r is not applied: the API server rejects it (rules[0].nonResourceURLs: a Role's rules cannot apply to non-resource URLs, which are not namespaced (grant them in a ClusterRole)), so it grants nothing"},
		{"rule of both resources and non-resource URLs", yamlDocs(
			role("ClusterRole", "", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n  nonResourceURLs: [/metrics]\n  verbs: [get]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), rbac.Request{Verb: "get", Path: "/metrics"}, false, "rbac.yaml:8: ClusterRole r is not applied: the API server rejects it (rules[0].nonResourceURLs: a rule cannot apply to both resources (apiGroups, resources, resourceNames) and non-resource URLs (write two rules)), so it grants nothing"},
		{"... nor its resources", yamlDocs(
			role("ClusterRole", "", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n  nonResourceURLs: [/metrics]\n  verbs: [get]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:8: ClusterRole r is not applied: the API server rejects it (rules[0].nonResourceURLs: a rule cannot apply to both resources (apiGroups, resources, resourceNames) and non-resource URLs (write two rules)), so it grants nothing"},
		{"non-resource rule without verbs, next to a valid rule", yamlDocs(
			role("ClusterRole", "", "r", pods+"- nonResourceURLs: [/metrics]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:9: ClusterRole r is not applied: the API server rejects it (rules[1].verbs: a rule must list at least one verb), so it grants nothing"},
		{"resource rule without apiGroups", yamlDocs(
			role("ClusterRole", "", "r", pods+"- resources: [secrets]\n  verbs: [get]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:9: ClusterRole r is not applied: the API server rejects it (rules[1].apiGroups: a resource rule must list at least one API group (\"\" is the core group)), so it grants nothing"},
		{"resource rule with empty resources", yamlDocs(
			role("ClusterRole", "", "r", pods+"- apiGroups: [\"\"]\n  resources: []\n  verbs: [get]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:10: ClusterRole r is not applied: the API server rejects it (rules[1].resources: a resource rule must list at least one resource), so it grants nothing"},
		{"resourceNames on several resources is accepted", yamlDocs(
			role("ClusterRole", "", "r", "- apiGroups: [\"\"]\n  resources: [pods, secrets]\n  resourceNames: [x]\n  verbs: [get]\n"),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), rbac.Request{Verb: "get", Resource: "pods", Name: "x", Namespace: "ns"}, true, ""},
		{"roleRef of another apiGroup", strings.Replace(binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "view"),
			"apiGroup: rbac.authorization.k8s.io", "apiGroup: rbac.authorization.k8s.io/v1", 1),
			getPods, false, "rbac.yaml:9: ClusterRoleBinding b is not applied: the API server rejects it (roleRef.apiGroup: invalid value \"rbac.authorization.k8s.io/v1\": must be rbac.authorization.k8s.io (or left out)), so it grants nothing"},
		{"roleRef without apiGroup is accepted (defaulted)", strings.Replace(binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "view"),
			"  apiGroup: rbac.authorization.k8s.io\n", "", 1), getPods, true, ""},
		{"subject without name", binding("ClusterRoleBinding", "", "b", "- kind: Group\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:6: ClusterRoleBinding b is not applied: the API server rejects it (subjects[0].name: a subject's name is required), so it grants nothing"},
		{"subject without kind", binding("RoleBinding", "ns", "b", "- name: x\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:7: RoleBinding ns/b is not applied: the API server rejects it (subjects[0].kind: a subject's kind is required: one of ServiceAccount, User, Group), so it grants nothing"},
		{"subject of an unknown kind", binding("RoleBinding", "ns", "b", "- kind: Robot\n  name: x\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:7: RoleBinding ns/b is not applied: the API server rejects it (subjects[0].kind: invalid value \"Robot\": must be one of ServiceAccount, User, Group), so it grants nothing"},
		{"Group subject of another apiGroup", binding("ClusterRoleBinding", "", "b", "- kind: Group\n  name: g\n  apiGroup: v1\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:8: ClusterRoleBinding b is not applied: the API server rejects it (subjects[0].apiGroup: invalid value \"v1\": a Group subject's apiGroup must be rbac.authorization.k8s.io (or left out)), so it grants nothing"},
		{"User subject with apiGroup \"\" is accepted (defaulted)", binding("ClusterRoleBinding", "", "b", "- kind: User\n  name: u\n  apiGroup: \"\"\n", "ClusterRole", "view"),
			getPods, true, ""},
		{"ServiceAccount subject with an apiGroup", binding("RoleBinding", "ns", "b", "- kind: ServiceAccount\n  name: sa\n  apiGroup: rbac.authorization.k8s.io\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:9: RoleBinding ns/b is not applied: the API server rejects it (subjects[0].apiGroup: invalid value \"rbac.authorization.k8s.io\": a ServiceAccount subject's apiGroup must be \"\" (or left out)), so it grants nothing"},
		{"ServiceAccount subject of an invalid name", binding("RoleBinding", "ns", "b", "- kind: ServiceAccount\n  name: My_App\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:8: RoleBinding ns/b is not applied: the API server rejects it (subjects[0].name: invalid ServiceAccount name \"My_App\": it must consist of lower case letters, digits, '-' and '.', and start and end with a letter or digit), so it grants nothing"},
		{"ServiceAccount subject without namespace in a ClusterRoleBinding", binding("ClusterRoleBinding", "", "b", "- kind: ServiceAccount\n  name: sa\n"+user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:6: ClusterRoleBinding b is not applied: the API server rejects it (subjects[0].namespace: a ServiceAccount subject of a ClusterRoleBinding needs a namespace), so it grants nothing"},
		{"... in a RoleBinding is accepted", binding("RoleBinding", "ns", "b", "- kind: ServiceAccount\n  name: app.v2\n"+user, "ClusterRole", "view"),
			getPods, true, ""},
		{"aggregationRule with an invalid selector: not even its own rules", yamlDocs(
			clusterRole("r", "", "[{matchLabels: {env: prod}}, {matchExpressions: [{key: env, operator: Equals, values: [prod]}]}]", pods),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:6: ClusterRole r is not applied: the API server rejects it (aggregationRule.clusterRoleSelectors[1].matchExpressions[0].operator: invalid value \"Equals\": must be one of In, NotIn, Exists, DoesNotExist), so it grants nothing"},
		{"aggregationRule with In without values", yamlDocs(
			clusterRole("r", "", "[{matchExpressions: [{key: env, operator: In, values: []}]}]", pods),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:6: ClusterRole r is not applied: the API server rejects it (aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: operator In needs at least one value), so it grants nothing"},
		{"aggregationRule with an invalid label key", yamlDocs(
			clusterRole("r", "", "[{matchLabels: {\"a/b/c\": x}}]", pods),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:6: ClusterRole r is not applied: the API server rejects it (aggregationRule.clusterRoleSelectors[0].matchLabels[\"a/b/c\"]: invalid label key \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')), so it grants nothing"},
		{"aggregationRule without selectors", yamlDocs(
			clusterRole("r", "", "[]", pods),
			binding("ClusterRoleBinding", "", "b", user, "ClusterRole", "r"),
		), getPods, false, "rbac.yaml:6: ClusterRole r is not applied: the API server rejects it (aggregationRule.clusterRoleSelectors: an aggregationRule must list at least one ClusterRole selector (or be left out)), so it grants nothing"},
		{"Role named with a slash", yamlDocs(
			role("Role", "ns", "team/reader", pods),
			binding("RoleBinding", "ns", "b", user, "Role", "team/reader"),
		), getPods, false, "rbac.yaml:4: Role ns/team/reader is not applied: the API server rejects it (metadata.name: invalid name \"team/reader\": it may not contain '/' (the name of an RBAC object is a segment of its URL path)), so it grants nothing"},
		{"... and a binding to it", yamlDocs(
			role("Role", "ns", "team/reader", pods),
			binding("RoleBinding", "ns", "b", user, "Role", "team/reader"),
		), getPods, false, "rbac.yaml:22: RoleBinding ns/b is not applied: the API server rejects it (roleRef.name: invalid role name \"team/reader\": it may not contain '/' (no role can have such a name)), so it grants nothing"},
		{"binding named ..", binding("RoleBinding", "ns", "..", user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:4: RoleBinding ns/.. is not applied: the API server rejects it (metadata.name: invalid name \"..\": it may not be '..' (the name of an RBAC object is a segment of its URL path)), so it grants nothing"},
		{"ClusterRoleBinding named with a percent sign", binding("ClusterRoleBinding", "", "100%", user, "ClusterRole", "view"),
			getPods, false, "rbac.yaml:4: ClusterRoleBinding 100% is not applied: the API server rejects it (metadata.name: invalid name \"100%\": it may not contain '%' (the name of an RBAC object is a segment of its URL path)), so it grants nothing"},
		{"names with colons, dots and capitals are accepted", yamlDocs(
			clusterRole("system:Reader.v2", "", "[{matchLabels: {example.com/aggregate: \"true\"}}]", ""),
			clusterRole("pods", "{example.com/aggregate: \"true\"}", "", pods),
			binding("ClusterRoleBinding", "", "system:Binding.v2", user, "ClusterRole", "system:Reader.v2"),
		), getPods, true, ""},
		{"a rejected redefinition leaves the first in effect", yamlDocs(
			role("Role", "ns", "r", pods),
			role("Role", "ns", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n"),
			binding("RoleBinding", "ns", "b", user, "Role", "r"),
		), getPods, true, "rbac.yaml:17: Role ns/r is not applied: the API server rejects it (rules[0].verbs: a rule must list at least one verb), so it grants nothing"},
		{"a binding to a rejected Role", yamlDocs(
			role("Role", "ns", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n"),
			binding("RoleBinding", "ns", "b", user, "Role", "r"),
		), getPods, false, "rbac.yaml:21: RoleBinding ns/b refers to Role ns/r, which the API server rejects (rbac.yaml:7): it grants nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, "rbac.yaml", tt.set)
			if ok, grants := m.Allows(rbac.Impersonate("u", nil), tt.req); ok != tt.want {
				t.Errorf("Allows = %v (%d grants), want %v", ok, len(grants), tt.want)
			}
			got := problems(m)
			switch {
			case tt.problem == "" && len(got) > 0:
				t.Errorf("problems:\n%s\nwant none", strings.Join(got, "\n"))
			case tt.problem != "" && !slices.Contains(got, tt.problem):
				t.Errorf("problems:\n%s\nwant one\n%s", strings.Join(got, "\n"), tt.problem)
			}
		})
	}
}
