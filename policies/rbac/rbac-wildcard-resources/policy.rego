# METADATA
# title: RBAC rule grants every resource ("*")
# description: >-
#   A "*" in resources grants the entry's verbs on every resource of its API
#   groups, present and future, subresources included: in the core group
#   that means secrets, pods/exec and serviceaccounts/token as well as
#   configmaps. kvet reports a "*" resource once, here, and names the
#   sensitive access it implies; the rules about specific resources (secrets,
#   exec, workload creation...) fire only where an entry names the resource.
# custom:
#   id: rbac-wildcard-resources
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     List the resources the subject works with, e.g. ["configmaps",
#     "services"]; grant subresources such as pods/log explicitly.
#   doc: |
#     Bad:
#
#         rules:
#         - apiGroups: [""]
#           resources: ["*"]
#           verbs: ["get", "list"]
#
#     Good:
#
#         rules:
#         - apiGroups: [""]
#           resources: ["configmaps", "pods", "pods/log"]
#           verbs: ["get", "list"]
package kvet.rules.rbac["rbac-wildcard-resources"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains result.at(["rules", i, "resources", j], msg) if {
	some i, details in rbac.found["rbac-wildcard-resources"]
	some [j] in details
	rule := input.rules[i]
	msg := sprintf(
		"rules[%d] grants [%s] on every resource (\"*\") of apiGroups [%s]%s; list the resources the subject needs",
		[i, rbac.quoted(rule.verbs), rbac.quoted(rule.apiGroups), implied(rbac.implied(input.kind, rule))],
	)
}

implied(whats) := sprintf(", which lets it %s", [concat(", ", whats)]) if {
	count(whats) > 0
} else := ""
