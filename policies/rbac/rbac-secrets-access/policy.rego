# METADATA
# title: RBAC rule reads secrets
# description: >-
#   get, list or watch on secrets (or "*" verbs) lets the subject read
#   secret values: list and watch return every secret in scope with its
#   data, not just names, so a "list secrets" grant in a ClusterRole reads
#   every token, password and TLS key of the cluster. Service account tokens
#   in those secrets then give the subject the permissions of other
#   workloads.
# custom:
#   id: rbac-secrets-access
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Mount the secrets a workload needs as volumes or environment variables
#     instead of reading them through the API. If API access is required,
#     grant get on named secrets (resourceNames) in a namespaced Role, never
#     list or watch.
#   doc: |
#     Narrower (still reported, as reading secrets through the API is; the
#     message names the secrets):
#
#         kind: Role
#         rules:
#         - apiGroups: [""]
#           resources: ["secrets"]
#           resourceNames: ["app-config"]
#           verbs: ["get"]
package kvet.rules.rbac["rbac-secrets-access"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-secrets-access"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: the subject can read secret values%s",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j]), reach(rule)],
	)
}

reach(rule) := sprintf(" (limited to resourceNames [%s]); mount the secrets it needs instead", [rbac.quoted(rule.resourceNames)]) if {
	count(rule.resourceNames) > 0
} else := ", and list/watch return every secret in scope; mount the secrets it needs instead, or grant get on named secrets (resourceNames)"
