package kvet.rules.rbac["rbac-wildcard-resources"]

import data.kvet.lib.fixtures

test_star_resource_names_the_implied_access if {
	r := warn with input as fixtures.role("ClusterRole", [{"apiGroups": [""], "resources": ["configmaps", "*"], "verbs": ["get", "list"]}])
	fixtures.paths(r) == {["rules", 0, "resources", 1]}
	some f in r
	contains(f.msg, "read every secret in scope")
	contains(f.msg, "exec into and attach to pods")
	contains(f.msg, "nodes/proxy")
}

test_role_does_not_imply_cluster_scoped_access if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["*"], "verbs": ["get"]}])
	some f in r
	not contains(f.msg, "nodes/proxy")
	contains(f.msg, "read every secret in scope")
}

test_harmless_star_has_no_implied_access if {
	r := warn with input as fixtures.role("ClusterRole", [{"apiGroups": ["batch"], "resources": ["*"], "verbs": ["get"]}])
	some f in r
	not contains(f.msg, "which lets it")
}

test_named_resources_are_clean if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["pods", "pods/*", "*/scale"], "verbs": ["*"]}])
}

test_admin_equivalent_entry_is_left_to_rbac_admin_equivalent if {
	count(warn) == 0 with input as fixtures.role("Role", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}

# A "*" resource lets a Role's subject impersonate the ServiceAccounts of
# its namespace, and nothing else: users, groups, UIDs and user extras are
# impersonated outside any namespace.
test_role_star_impersonates_service_accounts_of_its_namespace if {
	r := warn with input as fixtures.role("Role", [{"apiGroups": [""], "resources": ["*"], "verbs": ["impersonate"]}])
	{f.msg | some f in r} == {concat("", [
		"rules[0] grants [\"impersonate\"] on every resource (\"*\") of apiGroups [\"\"], which lets it impersonate service accounts ",
		"(act with the permissions of any ServiceAccount in namespace \"ns\"); list the resources the subject needs",
	])}
	r2 := warn with input as fixtures.role("ClusterRole", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["impersonate"]}])
	{f.msg | some f in r2} == {concat("", [
		"rules[0] grants [\"impersonate\"] on every resource (\"*\") of apiGroups [\"*\"], which lets it impersonate users, groups, UIDs and user extras ",
		"(act as anyone, e.g. system:masters), impersonate service accounts (act with the permissions of any ServiceAccount in any namespace), ",
		"reach the kubelet API through nodes/proxy; list the resources the subject needs",
	])}
}
