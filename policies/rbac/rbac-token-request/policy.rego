# METADATA
# title: RBAC rule allows minting service account tokens
# description: >-
#   create on serviceaccounts/token (the TokenRequest API) mints a token for
#   any service account in scope, with its permissions, for as long as the
#   requested expiry.
# custom:
#   id: rbac-token-request
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Let pods get their own tokens through projected service account token
#     volumes. If a component must request tokens, restrict it to named
#     service accounts with resourceNames.
package kvet.rules.rbac["rbac-token-request"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-token-request"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: the subject can mint tokens for %s",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j]), reach(rule)],
	)
}

reach(rule) := sprintf("the service accounts [%s] and act with their permissions; let pods get their own tokens through projected volumes instead", [rbac.quoted(rule.resourceNames)]) if {
	count(rule.resourceNames) > 0
} else := "any service account in scope and act with its permissions; restrict it to named service accounts (resourceNames)"
