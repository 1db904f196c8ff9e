package kvet.rules.rbac["rbac-pod-exec"]

import data.kvet.lib.fixtures

test_exec_attach_portforward_debug if {
	r := warn with input as fixtures.role("Role", [
		{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["pods/attach", "pods/portforward"], "verbs": ["get", "create"]},
		{"apiGroups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["patch"]},
		{"apiGroups": [""], "resources": ["*/exec"], "verbs": ["*"]},
	])
	fixtures.paths(r) == {
		["rules", 0, "resources", 1],
		["rules", 1, "resources", 0], ["rules", 1, "resources", 1],
		["rules", 2, "resources", 0],
		["rules", 3, "resources", 0],
	}
}

test_verbs_that_do_not_grant_it_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [
		{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["pods/ephemeralcontainers", "pods/log"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create"]},
		{"apiGroups": ["apps"], "resources": ["pods/exec"], "verbs": ["create"]},
	])
}
