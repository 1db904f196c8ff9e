package kvet.rules.rbac["rbac-wildcard-api-groups"]

import data.kvet.lib.fixtures

test_star_group_points_at_the_element if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": ["apps", "*"], "resources": ["deployments"], "verbs": ["get"]}])
	fixtures.paths(r) == {["rules", 0, "apiGroups", 1]}
}

test_named_groups_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": ["", "apps"], "resources": ["*"], "verbs": ["*"]}])
}

test_admin_equivalent_entry_is_left_to_rbac_admin_equivalent if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}
