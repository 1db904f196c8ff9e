package kvet.rules.rbac["rbac-cluster-admin-binding"]

import data.kvet.lib.fixtures

sa := [{"kind": "ServiceAccount", "name": "ci", "namespace": "ns"}]

test_cluster_role_binding_is_an_error_at_role_ref_name if {
	r := deny with input as fixtures.binding("ClusterRoleBinding", sa, "ClusterRole", "cluster-admin")
	{[f.path, f.severity] | some f in r} == {[["roleRef", "name"], "error"]}
}

test_role_binding_is_a_warning if {
	r := deny with input as fixtures.binding("RoleBinding", sa, "ClusterRole", "cluster-admin")
	{f.severity | some f in r} == {"warning"}
}

test_other_roles_and_a_role_named_cluster_admin_are_clean if {
	count(deny) == 0 with input as fixtures.binding("ClusterRoleBinding", sa, "ClusterRole", "view")
	count(deny) == 0 with input as fixtures.binding("RoleBinding", sa, "Role", "cluster-admin")
}
