# METADATA
# title: RBAC rule grants everything (admin-equivalent)
# description: >-
#   An entry with "*" apiGroups and resources and with "*" verbs, or with
#   every standard verb (get, list, watch, create, update, patch, delete),
#   grants every permission a workload or a human uses: the role is
#   cluster-admin in disguise (within its namespace for a Role). Its subjects
#   can read every secret, exec into every pod, create workloads as any
#   service account and grant themselves more. It is an error in a
#   ClusterRole and a warning in a Role. nonResourceURLs never make an entry
#   admin-equivalent: they authorize paths such as /healthz and /metrics,
#   never objects. When this rule fires on an entry, kvet reports no other
#   per-entry rule for it.
# custom:
#   id: rbac-admin-equivalent
#   severity: error
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Replace the entry with the API groups, resources and verbs the subject
#     needs. If it really needs everything, bind the built-in cluster-admin
#     (or admin, for one namespace) ClusterRole so that the grant is
#     explicit and easy to audit.
#   doc: |
#     Bad:
#
#         kind: ClusterRole
#         rules:
#         - apiGroups: ["*"]
#           resources: ["*"]
#           verbs: ["*"]
package kvet.rules.rbac["rbac-admin-equivalent"]

import data.kvet.lib.rbac
import data.kvet.lib.result

severity := {"ClusterRole": "error", "Role": "warning"}

deny contains result.with_severity(["rules", i], msg, severity[input.kind]) if {
	some i, _ in rbac.found["rbac-admin-equivalent"]
	msg := sprintf(
		"rules[%d] grants %s on every resource of every API group: %s %s is admin-equivalent; grant only what its subjects need, or bind the built-in cluster-admin/admin role explicitly",
		[i, verbs(input.rules[i]), input.kind, result.shorten(object.get(input, ["metadata", "name"], ""))],
	)
}

verbs(rule) := "every verb" if "*" in rule.verbs
else := "every standard verb (get, list, watch, create, update, patch, delete)"
