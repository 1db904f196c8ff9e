package kvet.rules.rbac["rbac-admin-equivalent"]

import data.kvet.lib.fixtures

all := {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}

test_cluster_role_is_an_error_at_the_entry if {
	r := deny with input as fixtures.role("ClusterRole", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, all])
	r == {{"msg": r[_].msg, "path": ["rules", 1], "severity": "error"}}
}

test_role_is_a_warning if {
	r := deny with input as fixtures.role("Role", [all])
	{f.severity | some f in r} == {"warning"}
}

test_every_standard_verb_is_admin if {
	r := deny with input as fixtures.role("ClusterRole", [{
		"apiGroups": ["*"], "resources": ["*"],
		"verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
	}])
	fixtures.paths(r) == {["rules", 0]}
	some f in r
	contains(f.msg, "every standard verb")
}

test_non_resource_urls_are_not_admin if {
	count(deny) == 0 with input as fixtures.role("ClusterRole", [{"nonResourceURLs": ["*"], "verbs": ["*"]}])
}

test_partial_wildcards_are_not_admin if {
	count(deny) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "create", "update", "patch"]},
		{"apiGroups": [""], "resources": ["*"], "verbs": ["*"]},
		{"apiGroups": ["*"], "resources": ["pods"], "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]},
		{"nonResourceURLs": ["/healthz", "*"], "verbs": ["get"]},
	])
}
