# METADATA
# title: RBAC rule allows changing admission webhooks
# description: >-
#   Write access (create, update, patch, delete, deletecollection) to
#   validatingwebhookconfigurations or mutatingwebhookconfigurations lets
#   the subject disable policy enforcement, or register a mutating webhook
#   that rewrites every pod the cluster creates and receives every object
#   sent to the API server, secrets included. Both are cluster-scoped: a
#   Role cannot grant them and is not reported.
# custom:
#   id: rbac-webhook-config
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Install webhooks from a deployment pipeline with cluster-admin rights.
#     A controller that manages its own webhook (e.g. to rotate its CA)
#     should get update/patch on its configuration by name (resourceNames).
package kvet.rules.rbac["rbac-webhook-config"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-webhook-config"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: the subject can disable admission policies or intercept and rewrite every object sent to the API server; restrict it to its own webhook (resourceNames)",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j])],
	)
}
