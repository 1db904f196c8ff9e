package kvet.rules.rbac["rbac-webhook-config"]

import data.kvet.lib.fixtures

test_write_verbs if {
	r := warn with input as fixtures.role("ClusterRole", [{
		"apiGroups": ["admissionregistration.k8s.io"],
		"resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
		"verbs": ["get", "patch"],
	}])
	fixtures.paths(r) == {["rules", 0, "resources", 0], ["rules", 0, "resources", 1]}
}

test_read_only_is_clean if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [{
		"apiGroups": ["admissionregistration.k8s.io"],
		"resources": ["mutatingwebhookconfigurations"],
		"verbs": ["get", "list", "watch"],
	}])
}
