# METADATA
# title: RBAC rule allows modifying namespaces
# description: >-
#   patch or update on namespaces lets the subject change namespace labels,
#   which set the Pod Security Admission level
#   (pod-security.kubernetes.io/enforce) and select the namespace in
#   NetworkPolicies: relabelling a namespace can allow privileged pods or
#   open network paths.
# custom:
#   id: rbac-namespace-modify
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Manage namespaces from a deployment pipeline; grant get, list and
#     watch on namespaces to components that only need to read them.
package kvet.rules.rbac["rbac-namespace-modify"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-namespace-modify"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: namespace labels set the Pod Security level and NetworkPolicy selectors, so relabelling can allow privileged pods; grant only get, list and watch",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j])],
	)
}
