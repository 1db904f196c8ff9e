package kvet.rules.rbac["rbac-wildcard-resources"]

import data.kvet.lib.fixtures

test_star_resource_names_the_implied_access if {
	r := warn with input as fixtures.role("ClusterRole", [{"apiGroups": [""], "resources": ["configmaps", "*"], "verbs": ["get", "list"]}])
	fixtures.paths(r) == {["rules", 0, "resources", 1]}
	some f in r
	contains(f.msg, "read every secret in scope")
	contains(f.msg, "exec into and attach to pods")
	contains(f.msg, "nodes/proxy")
}

test_role_does_not_imply_cluster_scoped_access if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}])
	some f in r
	not contains(f.msg, "nodes/proxy")
	contains(f.msg, "read every secret in scope")
}

test_harmless_star_has_no_implied_access if {
	r := warn with input as fixtures.role("ClusterRole", [{"apiGroups": ["batch"], "resources": ["*"], "verbs": ["get"]}])
	some f in r
	not contains(f.msg, "which lets it")
}

test_named_resources_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/*", "*/scale"], "verbs": ["*"]}])
}

test_admin_equivalent_entry_is_left_to_rbac_admin_equivalent if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}
