package kvet.rules.rbac["rbac-subject-namespace-missing"]

import data.kvet.lib.fixtures

test_service_account_without_namespace if {
	r := deny with input as fixtures.binding("ClusterRoleBinding", [
		{"kind": "ServiceAccount", "name": "a"},
		{"kind": "ServiceAccount", "name": "b", "namespace": ""},
		{"kind": "ServiceAccount", "name": "c", "namespace": "ops"},
		{"kind": "Group", "name": "g"},
	], "ClusterRole", "view")
	fixtures.paths(r) == {["subjects", 0, "name"], ["subjects", 1, "name"]}
}

test_role_binding_defaults_the_namespace if {
	count(deny) == 0 with input as fixtures.binding("RoleBinding", [{"kind": "ServiceAccount", "name": "a"}], "Role", "r")
}
