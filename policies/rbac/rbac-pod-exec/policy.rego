# METADATA
# title: RBAC rule allows exec, attach, port-forward or debug containers in pods
# description: >-
#   create or get on pods/exec or pods/attach runs commands in, or attaches
#   to, any pod in scope; create on pods/portforward reaches any pod's
#   ports; update or patch on pods/ephemeralcontainers adds a debug
#   container (what kubectl debug uses). All of them give the subject the
#   pod's files, environment, mounted secrets and service account token,
#   bypassing what the workload exposes.
# custom:
#   id: rbac-pod-exec
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Keep exec, attach, port-forward and debug containers for humans in a
#     namespaced Role bound to an on-call group, not for workloads. Grant
#     pods/log for reading logs.
#   doc: |
#     Good (logs only):
#
#         rules:
#         - apiGroups: [""]
#           resources: ["pods", "pods/log"]
#           verbs: ["get", "list"]
package kvet.rules.rbac["rbac-pod-exec"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-pod-exec"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, what]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: the subject can %s and so reach their files, secrets and service account tokens; keep this for humans in a namespaced Role",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j]), rbac.descriptions[what]],
	)
}
