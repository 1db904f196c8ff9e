# METADATA
# title: RBAC rule grants every verb ("*")
# description: >-
#   A "*" in verbs grants every verb on the entry's resources: besides
#   reading and writing, that includes delete and deletecollection, the
#   escalate, bind and impersonate verbs where they apply, and any verb a
#   later Kubernetes version adds. Wildcards make a role's real power hard to
#   review and grow silently.
# custom:
#   id: rbac-wildcard-verbs
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     List the verbs the subject needs, for example [get, list, watch] for a
#     reader or [get, list, watch, create, update, patch] for a controller
#     that never deletes.
#   doc: |
#     Bad:
#
#         rules:
#         - apiGroups: ["batch"]
#           resources: ["jobs"]
#           verbs: ["*"]
#
#     Good:
#
#         rules:
#         - apiGroups: ["batch"]
#           resources: ["jobs"]
#           verbs: ["get", "list", "watch", "create"]
package kvet.rules.rbac["rbac-wildcard-verbs"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-wildcard-verbs"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [k]) := result.at(["rules", i, "verbs", k], msg) if {
	msg := sprintf(
		"rules[%d] grants every verb (\"*\") on %s, including delete and any verb added later; list only the verbs the subject needs",
		[i, rbac.scope(rule)],
	)
}
