package kvet.rules.rbac["rbac-nodes-proxy"]

import data.kvet.lib.fixtures

test_any_verb_even_get if {
	r := deny with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["nodes", "nodes/proxy"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["*/proxy"], "verbs": ["list"]},
		{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["bind"]},
	])
	fixtures.paths(r) == {["rules", 0, "resources", 1], ["rules", 1, "resources", 0], ["rules", 2, "resources", 0]}
}

test_metrics_and_other_groups_are_clean if {
	count(deny) == 0 with input as fixtures.role("ClusterRole", [
		{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/stats", "nodes"], "verbs": ["get"]},
		{"apiGroups": ["metrics.k8s.io"], "resources": ["nodes/proxy"], "verbs": ["get"]},
	])
}
