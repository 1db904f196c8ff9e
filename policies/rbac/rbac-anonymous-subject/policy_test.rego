package kvet.rules.rbac["rbac-anonymous-subject"]

import data.kvet.lib.fixtures

test_anonymous_user_and_unauthenticated_group if {
	r := deny with input as fixtures.binding("ClusterRoleBinding", [
		{"kind": "ServiceAccount", "name": "ci", "namespace": "ns"},
		{"kind": "User", "name": "system:anonymous"},
		{"kind": "Group", "name": "system:unauthenticated"},
	], "ClusterRole", "view")
	fixtures.paths(r) == {["subjects", 1, "name"], ["subjects", 2, "name"]}
}

test_kind_must_match if {
	count(deny) == 0 with input as fixtures.binding("RoleBinding", [
		{"kind": "Group", "name": "system:anonymous"},
		{"kind": "User", "name": "system:unauthenticated"},
	], "Role", "r")
}
