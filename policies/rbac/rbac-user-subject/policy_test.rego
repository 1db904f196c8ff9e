package kvet.rules.rbac["rbac-user-subject"]

import data.kvet.lib.fixtures

test_individual_users if {
	r := warn with input as fixtures.binding("RoleBinding", [
		{"kind": "User", "name": "alice@example.com"},
		{"kind": "User", "name": "system:kube-scheduler"},
		{"kind": "Group", "name": "devs"},
	], "Role", "r")
	fixtures.paths(r) == {["subjects", 0, "name"]}
}
