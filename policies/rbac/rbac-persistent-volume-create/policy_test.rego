package kvet.rules.rbac["rbac-persistent-volume-create"]

import data.kvet.lib.fixtures

test_create_persistent_volumes if {
	r := warn with input as fixtures.role("ClusterRole", [{"apiGroups": [""], "resources": ["persistentvolumeclaims", "persistentvolumes"], "verbs": ["create"]}])
	fixtures.paths(r) == {["rules", 0, "resources", 1]}
}

test_claims_and_reads_are_clean if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "delete"]},
	])
}
