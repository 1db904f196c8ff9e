package kvet.rules.rbac["rbac-workload-create"]

import data.kvet.lib.fixtures

test_pods_and_every_workload_kind if {
	r := warn with input as fixtures.role("Role", [
		{"apiGroups": [""], "resources": ["pods", "configmaps", "replicationcontrollers"], "verbs": ["create"]},
		{"apiGroups": ["apps"], "resources": ["deployments", "daemonsets", "statefulsets", "replicasets"], "verbs": ["*"]},
		{"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["create", "get"]},
	])
	fixtures.paths(r) == {
		["rules", 0, "resources", 0], ["rules", 0, "resources", 2],
		["rules", 1, "resources", 0], ["rules", 1, "resources", 1], ["rules", 1, "resources", 2], ["rules", 1, "resources", 3],
		["rules", 2, "resources", 0], ["rules", 2, "resources", 1],
	}
}

test_other_verbs_and_wrong_groups_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [
		{"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["get", "update", "delete"]},
		{"apiGroups": ["apps"], "resources": ["jobs"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["deployments"], "verbs": ["create"]},
	])
}
