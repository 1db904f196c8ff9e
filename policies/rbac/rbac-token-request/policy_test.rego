package kvet.rules.rbac["rbac-token-request"]

import data.kvet.lib.fixtures

test_create_token if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["serviceaccounts", "serviceaccounts/token"], "verbs": ["get", "create"]}])
	fixtures.paths(r) == {["rules", 0, "resources", 1]}
}

test_get_token_and_create_serviceaccounts_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [
		{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create"]},
	])
}
