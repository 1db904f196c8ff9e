package kvet.rules.rbac["rbac-wildcard-verbs"]

import data.kvet.lib.fixtures

test_star_verb_points_at_the_element if {
	r := warn with input as fixtures.role("Role", [
		{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get"]},
		{"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "*"]},
	])
	fixtures.paths(r) == {["rules", 1, "verbs", 1]}
	some f in r
	contains(f.msg, "rules[1] grants every verb")
}

test_non_resource_urls if {
	r := warn with input as fixtures.role("ClusterRole", [{"nonResourceURLs": ["/metrics"], "verbs": ["*"]}])
	fixtures.paths(r) == {["rules", 0, "verbs", 0]}
}

test_non_resource_url_wildcard_is_not_admin_equivalent if {
	r := warn with input as fixtures.role("ClusterRole", [{"nonResourceURLs": ["*"], "verbs": ["*"]}])
	fixtures.paths(r) == {["rules", 0, "verbs", 0]}
}

test_explicit_verbs_are_clean if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}])
}

test_admin_equivalent_entry_is_left_to_rbac_admin_equivalent if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}
