package kvet.rules.rbac["rbac-resource-matches-nothing"]

import data.kvet.lib.fixtures

test_patterns_that_never_match if {
	r := warn with input as fixtures.role("Role", [{
		"apiGroups": ["", "apps"],
		"resources": ["pods", "pods/*", "*s", "Deployment", "*/scale", "pods/log"],
		"verbs": ["get"],
	}])
	fixtures.paths(r) == {["rules", 0, "resources", 1], ["rules", 0, "resources", 2], ["rules", 0, "resources", 3]}
}

test_resource_names_cannot_restrict_these_verbs if {
	r := warn with input as fixtures.role("Role", [{
		"apiGroups": [""],
		"resources": ["configmaps"],
		"resourceNames": ["app"],
		"verbs": ["get", "create", "list", "watch", "deletecollection", "update"],
	}])
	fixtures.paths(r) == {["rules", 0, "verbs", 1], ["rules", 0, "verbs", 2], ["rules", 0, "verbs", 3], ["rules", 0, "verbs", 4]}
}

test_create_on_a_named_subresource_is_restricted if {
	count(warn) == 0 with input as fixtures.role("Role", [{
		"apiGroups": [""],
		"resources": ["pods/exec", "serviceaccounts/token"],
		"resourceNames": ["debug"],
		"verbs": ["create", "get"],
	}])
}

test_star_resource_name_is_literal if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app", "*"], "verbs": ["get"]}])
	fixtures.paths(r) == {["rules", 0, "resourceNames", 1]}
}
