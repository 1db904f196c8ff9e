# METADATA
# title: RBAC rule applies to every API group ("*")
# description: >-
#   A "*" in apiGroups applies the entry to every API group, including
#   custom resources installed later whose resource names happen to match
#   (a CRD can define its own "secrets" or "jobs"). Roles written for one
#   group rarely mean that.
# custom:
#   id: rbac-wildcard-api-groups
#   severity: info
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Name the API groups of the resources: "" for the core group (pods,
#     secrets, configmaps), "apps" for deployments, "batch" for jobs and
#     cronjobs.
#   doc: |
#     Good:
#
#         rules:
#         - apiGroups: ["batch"]
#           resources: ["jobs", "cronjobs"]
#           verbs: ["get", "list", "watch"]
package kvet.rules.rbac["rbac-wildcard-api-groups"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-wildcard-api-groups"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [g]) := result.at(["rules", i, "apiGroups", g], msg) if {
	msg := sprintf(
		"rules[%d] applies to every API group (\"*\"), including custom resources installed later; name the groups of %s",
		[i, rbac.scope(rule)],
	)
}
