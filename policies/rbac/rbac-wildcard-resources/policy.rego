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

warn contains finding(i, input.rules[i], input.kind, object.get(input, ["metadata", "namespace"], null), detail) if {
	some i, details in rbac.found["rbac-wildcard-resources"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]) of a kind of
# Role in namespace. It reads no input, so kvet computes it once per distinct argument in
# a run.
finding(i, rule, kind, namespace, [j]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on every resource (\"*\") of apiGroups [%s]%s; list the resources the subject needs",
		[i, rbac.quoted(rule.verbs), rbac.quoted(rule.apiGroups), implied(rbac.implied(kind, namespace, rule))],
	)
}

implied(whats) := sprintf(", which lets it %s", [concat(", ", whats)]) if {
	count(whats) > 0
} else := ""
