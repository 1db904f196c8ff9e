package kvet.rules.rbac["rbac-escalation-verbs"]

import data.kvet.lib.fixtures

test_escalate_and_bind_point_at_the_verbs if {
	r := deny with input as fixtures.role("ClusterRole", [{
		"apiGroups": ["rbac.authorization.k8s.io"],
		"resources": ["roles", "clusterroles"],
		"verbs": ["get", "bind", "escalate"],
	}])
	fixtures.paths(r) == {["rules", 0, "verbs", 1], ["rules", 0, "verbs", 2]}
}

test_impersonate_and_star_verb if {
	r := deny with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
		{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes", "uids"], "verbs": ["impersonate"]},
		{"apiGroups": ["*"], "resources": ["groups"], "verbs": ["*"]},
	])
	fixtures.paths(r) == {["rules", 0, "verbs", 0], ["rules", 1, "verbs", 0], ["rules", 2, "verbs", 0]}
}

test_wrong_group_wrong_resource_and_star_resource_are_clean if {
	count(deny) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["roles"], "verbs": ["bind"]},
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "verbs": ["create", "bind"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["impersonate"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["bind"]},
	])
}

# Impersonating service accounts acts as those of the Role's namespace (a
# Role cannot grant impersonating users, groups, UIDs or user extras), and
# resourceNames restrict which identities, not roles.
test_role_impersonating_service_accounts_is_limited_to_its_namespace if {
	r := deny with input as fixtures.role("Role", [
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
		{"apiGroups": [""], "resources": ["users", "serviceaccounts"], "verbs": ["*"]},
	])
	msg := concat("", [
		"grants \"impersonate\" on resources [\"serviceaccounts\"] in apiGroups [\"\"]: the subject can impersonate service accounts ",
		"(act with the permissions of any ServiceAccount in namespace \"ns\"), a path to whatever those ServiceAccounts are granted; ",
		"remove the verb or restrict it with resourceNames to the identities that must be impersonated",
	])
	r == {
		{"path": ["rules", 0, "verbs", 0], "msg": concat("", ["rules[0] ", msg])},
		{"path": ["rules", 1, "verbs", 0], "msg": replace(concat("", ["rules[1] ", msg]), "\"impersonate\" on resources [\"serviceaccounts\"]", "\"*\" on resources [\"users\", \"serviceaccounts\"]")},
	}
}

test_cluster_role_impersonation_says_what_each_resource_grants if {
	r := deny with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
		{"apiGroups": [""], "resources": ["users", "serviceaccounts"], "verbs": ["impersonate"]},
		{"apiGroups": [""], "resources": ["users"], "resourceNames": ["alice"], "verbs": ["impersonate"]},
		{"apiGroups": ["", "rbac.authorization.k8s.io"], "resources": ["clusterroles", "groups"], "verbs": ["*"]},
	])
	{f.path: f.msg | some f in r} == {
		["rules", 0, "verbs", 0]: concat("", [
			"rules[0] grants \"impersonate\" on resources [\"serviceaccounts\"] in apiGroups [\"\"]: the subject can impersonate service accounts ",
			"(act with the permissions of any ServiceAccount in any namespace), a path to whatever those ServiceAccounts are granted; ",
			"remove the verb or restrict it with resourceNames to the identities that must be impersonated",
		]),
		["rules", 1, "verbs", 0]: concat("", [
			"rules[1] grants \"impersonate\" on resources [\"users\", \"serviceaccounts\"] in apiGroups [\"\"]: the subject can ",
			"impersonate users (act as any user, e.g. one bound to cluster-admin) and impersonate service accounts ",
			"(act with the permissions of any ServiceAccount in any namespace), a path to cluster-admin; ",
			"remove the verb or restrict it with resourceNames to the identities that must be impersonated",
		]),
		["rules", 2, "verbs", 0]: concat("", [
			"rules[2] grants \"impersonate\" on resources [\"users\"] in apiGroups [\"\"]: the subject can ",
			"impersonate users (limited to resourceNames [\"alice\"]), ",
			"a path to whatever they are granted; make sure none of them leads to cluster-admin",
		]),
		["rules", 3, "verbs", 0]: concat("", [
			"rules[3] grants \"*\" on resources [\"clusterroles\", \"groups\"] in apiGroups [\"\", \"rbac.authorization.k8s.io\"]: the subject can ",
			"escalate or bind roles beyond its own permissions and ",
			"impersonate groups (only alongside impersonating a user or ServiceAccount, as the API server requires), a path to cluster-admin; ",
			"remove the verb or restrict it with resourceNames to named roles and to the identities that must be impersonated",
		]),
	}
}

test_bind_keeps_the_advice_for_roles if {
	r := deny with input as fixtures.role("ClusterRole", [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["bind"]}])
	some f in r
	endswith(f.msg, "the subject can escalate or bind roles beyond its own permissions, a path to cluster-admin; remove the verb or restrict it to named roles (resourceNames)")
}
