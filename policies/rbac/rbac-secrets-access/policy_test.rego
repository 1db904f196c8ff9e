package kvet.rules.rbac["rbac-secrets-access"]

import data.kvet.lib.fixtures

test_read_verbs_on_secrets if {
	r := warn with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["list"]},
		{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]},
	])
	fixtures.paths(r) == {["rules", 0, "resources", 1], ["rules", 1, "resources", 0]}
}

test_named_secret_get_says_so if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app"], "verbs": ["get"]}])
	some f in r
	contains(f.msg, "limited to resourceNames")
}

test_write_only_other_group_and_star_resource_are_clean if {
	count(warn) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "delete"]},
		{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets/status"], "verbs": ["get"]},
	])
}
