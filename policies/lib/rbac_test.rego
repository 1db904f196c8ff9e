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
	every p in ["*", "pods", "pods/log", "*/scale", "custom-resources2", "userextras/scopes.example.com"] {
		valid_pattern(p)
	}
	every p in ["pods/*", "*s", "*/*", "", "a/b/c", "Pods", "Deployment", "*/Scale", "/log", "pods/", "customresources.example.com", " pods", "pods/ log"] {
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

test_grants_as_the_api_server_decides if {
	grants({"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get"]}, "", "pods/log", "get")
	grants({"apiGroups": ["*"], "resources": ["*/exec"], "verbs": ["*"]}, "", "pods/exec", "create")
	not grants({"apiGroups": [""], "resources": ["pods/*"], "verbs": ["get"]}, "", "pods/log", "get")
	not grants({"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get"]}, "", "pods", "get")
	not grants({"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}, "", "pods", "get")
}

test_admin_equivalent if {
	admin_equivalent({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})
	admin_equivalent({"apiGroups": ["*"], "resources": ["*"], "verbs": ["delete", "patch", "update", "create", "watch", "list", "get"]})
	not admin_equivalent({"nonResourceURLs": ["*"], "verbs": ["*"]})
	not admin_equivalent({"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "create", "update", "patch"]})
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

test_entry_grants_need_group_and_verb if {
	rules := [
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]},
		{"apiGroups": ["*"], "resources": ["configmaps", "secrets"], "verbs": ["*"]},
		{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]},
		{"apiGroups": ["", "rbac.authorization.k8s.io"], "resources": ["clusterroles", "serviceaccounts"], "verbs": ["bind", "impersonate", "get"]},
	]
	{[i, g] | some i, rule in rules; some g in entry_grants("ClusterRole", rule)} == {
		[0, ["rbac-secrets-access", 0, {"get"}, "secrets"]],
		[1, ["rbac-secrets-access", 1, {"*"}, "secrets"]],
		[5, ["rbac-escalation-verbs", 0, {"bind"}, "escalate"]],
		[5, ["rbac-escalation-verbs", 1, {"impersonate"}, "impersonate-serviceaccounts"]],
	}
}

# The lookups behind named agree with the matching semantics of names.
test_named_agrees_with_names if {
	every pattern in ["secrets", "pods/exec", "*/exec", "*/proxy", "*/scopes", "userextras/scopes", "userextras", "userextras/*", "pods", "pods/*", "*/*", "nodes/proxy", "deployments", "configmaps"] {
		{[a.rule, a.what] | some a in object.get({p: named(p) | p := pattern}, pattern, [])} == {[a.rule, a.what] |
			some resource, list in object.union(sensitive, {"userextras/*": extras})
			names(pattern, resource)
			some a in list
		}
	}
}

# implications summarize sensitive: the same verbs, the union of the API
# groups, for every what; and every what is described.
test_implications_agree_with_sensitive if {
	{imp.what | some imp in implications} == {a.what | some list in sensitive; some a in list}
	every imp in implications {
		{g | some list in sensitive; some a in list; a.what == imp.what; some g in a.groups} == {g | some g in imp.groups}
		every list in sensitive {
			every a in list {
				same_verbs_if_same_what(a, imp)
			}
		}
		object.union(descriptions, identities)[imp.what]
	}
}

same_verbs_if_same_what(a, imp) if a.what != imp.what

same_verbs_if_same_what(a, imp) if a.verbs == imp.verbs

test_implied_in_order_without_cluster_scoped_for_roles if {
	rule := {"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}
	implied("ClusterRole", null, rule) == ["read every secret in scope", "exec into and attach to pods", "reach the kubelet API through nodes/proxy"]
	implied("ClusterRole", null, {"apiGroups": ["*"], "resources": ["*"], "verbs": ["create"]}) == [
		"exec into and attach to pods", "port-forward to pods", "create pods that run as any service account",
		"reach the kubelet API through nodes/proxy", "mint tokens for service accounts", "change admission webhooks", "create persistent volumes (hostPath escapes the node)",
	]
	implied("Role", "ns", rule) == ["read every secret in scope", "exec into and attach to pods"]
	implied("ClusterRole", null, {"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]}) == []
}

# Impersonating users and groups is a request of the core group "",
# impersonating UIDs and user extras one of authentication.k8s.io: a "*"
# resource implies those of the entry's groups, named in one item.
test_implied_impersonation_names_the_identities_of_the_groups if {
	implied("ClusterRole", null, {"apiGroups": [""], "resources": ["*"], "verbs": ["impersonate"]}) == [
		"impersonate users and groups (act as anyone, e.g. system:masters)",
		"impersonate service accounts (act with the permissions of any ServiceAccount in any namespace)",
		"reach the kubelet API through nodes/proxy",
	]
	implied("ClusterRole", null, {"apiGroups": ["authentication.k8s.io"], "resources": ["*"], "verbs": ["impersonate"]}) == [
		"impersonate UIDs and user extras (only alongside impersonating a user or ServiceAccount, as the API server requires)",
	]
	implied("ClusterRole", null, {"apiGroups": ["*"], "resources": ["*"], "verbs": ["impersonate"]})[0] == "impersonate users, groups, UIDs and user extras (act as anyone, e.g. system:masters)"
	implied("Role", "ns", {"apiGroups": ["*"], "resources": ["*"], "verbs": ["impersonate"]}) == [
		"impersonate service accounts (act with the permissions of any ServiceAccount in namespace \"ns\")",
	]
}

# Users and groups together act as anyone; users alone as any user by
# name; groups, UIDs and user extras without users as no one.
test_impersonation_says_whom_the_identities_act_as if {
	impersonation({"impersonate-groups", "impersonate-users"}) == "impersonate users and groups (act as anyone, e.g. system:masters)"
	impersonation(["impersonate-users", "impersonate-uids"]) == "impersonate users and UIDs (act as any user, e.g. one bound to cluster-admin)"
	impersonation({"impersonate-groups"}) == "impersonate groups (only alongside impersonating a user or ServiceAccount, as the API server requires)"
	impersonation({"impersonate-extras", "impersonate-uids", "escalate"}) == "impersonate UIDs and user extras (only alongside impersonating a user or ServiceAccount, as the API server requires)"
}

test_words if {
	words(["a"]) == "a"
	words(["a", "b"]) == "a and b"
	words(["a", "b", "c"]) == "a, b and c"
}

# Impersonating service accounts applies in the Role's namespace, or in any
# for a ClusterRole.
test_description_says_where_service_accounts_are_impersonated if {
	description("impersonate-serviceaccounts", "Role", "ci") == "impersonate service accounts (act with the permissions of any ServiceAccount in namespace \"ci\")"
	description("impersonate-serviceaccounts", "Role", null) == "impersonate service accounts (act with the permissions of any ServiceAccount in its namespace)"
	description("impersonate-serviceaccounts", "ClusterRole", "ci") == "impersonate service accounts (act with the permissions of any ServiceAccount in any namespace)"
	description("secrets", "Role", "ci") == "read every secret in scope"
}
