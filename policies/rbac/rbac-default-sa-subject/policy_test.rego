package kvet.rules.rbac["rbac-default-sa-subject"]

import data.kvet.lib.fixtures

test_default_service_account if {
	r := warn with input as fixtures.binding("RoleBinding", [
		{"kind": "ServiceAccount", "name": "runner", "namespace": "ns"},
		{"kind": "ServiceAccount", "name": "default", "namespace": "ns"},
		{"kind": "User", "name": "default"},
	], "Role", "r")
	fixtures.paths(r) == {["subjects", 1, "name"]}
}
