package kvet.lib.rbac

test_resource_matches_kubernetes_semantics if {
	resource_matches("*", "pods")
	resource_matches("*", "pods/exec")
	resource_matches("pods", "pods")
	resource_matches("pods/exec", "pods/exec")
	resource_matches("*/exec", "pods/exec")
	resource_matches("*/scale", "deployments/scale")
}

test_resource_matches_nothing_else if {
	not resource_matches("pods", "pods/exec")
	not resource_matches("pods/*", "pods/exec")
	not resource_matches("pods/*", "pods")
	not resource_matches("*/exec", "pods")
	not resource_matches("*s", "pods")
	not resource_matches("pods/exec", "pods")
}

test_names_excludes_the_wildcard if {
	names("secrets", "secrets")
	names("*/exec", "pods/exec")
	not names("*", "secrets")
	names("userextras/scopes", "userextras/*")
	names("*/scopes", "userextras/*")
	not names("userextras/*", "userextras/*")
	not names("userextras", "userextras/*")
}

test_valid_pattern if {
	every p in ["*", "pods", "pods/log", "*/scale", "customresources.example.com"] {
		valid_pattern(p)
	}
	every p in ["pods/*", "*s", "*/*", "", "a/b/c", "Pods", "Deployment", "*/Scale", "/log", "pods/"] {
		not valid_pattern(p)
	}
}

test_group_matches if {
	group_matches({"apiGroups": [""]}, [""])
	group_matches({"apiGroups": ["*"]}, ["apps"])
	group_matches({"apiGroups": ["apps", "batch"]}, ["batch"])
	not group_matches({"apiGroups": ["apps"]}, [""])
	not group_matches({}, [""])
}

test_admin_equivalent if {
	admin_equivalent({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})
	admin_equivalent({"nonResourceURLs": ["*"], "verbs": ["*"]})
	not admin_equivalent({"apiGroups": [""], "resources": ["*"], "verbs": ["*"]})
	not admin_equivalent({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]})
	not admin_equivalent({"nonResourceURLs": ["/healthz"], "verbs": ["*"]})
}

test_entries_skip_admin_equivalent_and_non_objects if {
	e := entries with input as {"kind": "Role", "rules": [
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
		"not an entry",
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
	]}
	object.keys(e) == {2}
}

test_granted_needs_group_and_verb if {
	granted({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]}, "secrets", "rbac-secrets-access") == {"get"}
	granted({"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]}, "secrets", "rbac-secrets-access") == {"*"}
	count(granted({"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}, "secrets", "rbac-secrets-access")) == 0
	count(granted({"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}, "secrets", "rbac-secrets-access")) == 0
	count(granted({"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}, "*", "rbac-secrets-access")) == 0
}

test_implied_in_order_without_cluster_scoped_for_roles if {
	rule := {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}
	implied(rule) == ["read every secret in scope", "exec into and attach to pods", "reach the kubelet API through nodes/proxy"] with input as {"kind": "ClusterRole"}
	implied(rule) == ["read every secret in scope", "exec into and attach to pods"] with input as {"kind": "Role"}
	implied({"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}) == [] with input as {"kind": "ClusterRole"}
}
