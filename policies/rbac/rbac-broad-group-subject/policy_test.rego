package kvet.rules.rbac["rbac-broad-group-subject"]

import data.kvet.lib.fixtures

test_groups_of_everyone_and_masters if {
	r := warn with input as fixtures.binding("ClusterRoleBinding", [
		{"kind": "Group", "name": "system:authenticated"},
		{"kind": "Group", "name": "system:serviceaccounts"},
		{"kind": "Group", "name": "system:serviceaccounts:batch"},
		{"kind": "Group", "name": "system:masters"},
		{"kind": "Group", "name": "platform-team"},
	], "ClusterRole", "view")
	fixtures.paths(r) == {["subjects", 0, "name"], ["subjects", 1, "name"], ["subjects", 2, "name"], ["subjects", 3, "name"]}
	some f in r
	f.path == ["subjects", 2, "name"]
	contains(f.msg, "namespace \"batch\"")
}

test_users_named_like_groups_are_clean if {
	count(warn) == 0 with input as fixtures.binding("RoleBinding", [{"kind": "User", "name": "system:authenticated"}], "Role", "r")
}
