# METADATA
# title: RBAC rule grants nodes/proxy
# description: >-
#   Any verb on nodes/proxy, even get, reaches the kubelet API of every
#   node: the subject can run commands in any pod on the node (the kubelet's
#   /exec and /run endpoints accept GET over websockets), read logs and
#   metrics, and it bypasses the API server's audit log and admission
#   control. nodes are cluster-scoped: a Role (whose RoleBindings apply
#   only in their namespace) cannot grant it and is not reported.
# custom:
#   id: rbac-nodes-proxy
#   severity: error
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Remove nodes/proxy. Monitoring agents should read metrics from
#     nodes/metrics or nodes/stats, or from the metrics API.
#   doc: |
#     Good (metrics only):
#
#         rules:
#         - apiGroups: [""]
#           resources: ["nodes/metrics", "nodes/stats"]
#           verbs: ["get"]
package kvet.rules.rbac["rbac-nodes-proxy"]

import data.kvet.lib.rbac
import data.kvet.lib.result

deny contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-nodes-proxy"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: even get reaches the kubelet API of every node (exec into any pod, bypassing audit and admission); read nodes/metrics or nodes/stats instead",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j])],
	)
}
