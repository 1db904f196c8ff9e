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
