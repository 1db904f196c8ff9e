package kvet.rules.rbac["rbac-namespace-modify"]

import data.kvet.lib.fixtures

test_patch_and_update_namespaces if {
	r := warn with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["patch"]},
		{"apiGroups": ["*"], "resources": ["namespaces"], "verbs": ["update"]},
	])
	fixtures.paths(r) == {["rules", 0, "resources", 0], ["rules", 1, "resources", 0]}
}

test_create_and_read_are_clean if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "create"]},
		{"apiGroups": [""], "resources": ["namespaces/status"], "verbs": ["patch"]},
	])
}
