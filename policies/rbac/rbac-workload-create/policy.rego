# METADATA
# title: RBAC rule allows creating pods or workloads
# description: >-
#   create on pods or on any workload kind (deployments, daemonsets,
#   statefulsets, replicasets, replicationcontrollers, jobs, cronjobs) lets
#   the subject run a pod as any service account of the namespace, mount its
#   secrets and use its permissions: RBAC does not check which service
#   account a new pod uses. Tools that match only "pods" miss cronjobs and
#   jobs.
# custom:
#   id: rbac-workload-create
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Grant create on workloads only to deployment pipelines and controllers,
#     in a namespaced Role, and keep privileged service accounts out of that
#     namespace. Enforce which service accounts and images pods may use with
#     admission policies.
#   doc: |
#     Flagged:
#
#         rules:
#         - apiGroups: ["batch"]
#           resources: ["cronjobs"]
#           verbs: ["create"]
package kvet.rules.rbac["rbac-workload-create"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-workload-create"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: the subject can start pods that run as any service account of the namespace and use its secrets and permissions; limit workload creation to deployment pipelines",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j])],
	)
}
