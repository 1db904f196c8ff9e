# METADATA
# title: RBAC rule allows privilege escalation (escalate, bind, impersonate)
# description: >-
#   The API server stops a subject from granting permissions it does not
#   hold, unless it has escalate on roles/clusterroles (edit a role to add
#   any permission), bind on them (bind any role, cluster-admin included) or
#   impersonate on users, groups, service accounts, UIDs or user extras (act
#   as anyone, e.g. system:masters). Each of these is a path to
#   cluster-admin. A "*" verb grants them too. An entry restricted by
#   resourceNames is still reported, naming them: it leads to whatever they
#   grant. Impersonating users, groups,
#   UIDs or user extras is a request outside any namespace, which a Role
#   cannot grant; impersonating service accounts is one it can.
# custom:
#   id: rbac-escalation-verbs
#   severity: error
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Remove escalate, bind and impersonate (and "*" verbs on these
#     resources). A controller that must bind roles should get bind on the
#     specific roles it binds (resourceNames); reserve impersonation for
#     break-glass administrators.
#   doc: |
#     Bad:
#
#         rules:
#         - apiGroups: ["rbac.authorization.k8s.io"]
#           resources: ["clusterroles"]
#           verbs: ["bind", "escalate"]
package kvet.rules.rbac["rbac-escalation-verbs"]

import data.kvet.lib.rbac
import data.kvet.lib.result

deny contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-escalation-verbs"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [k, verb, whats]) := result.at(["rules", i, "verbs", k], msg) if {
	msg := sprintf(
		"rules[%d] grants %s on %s: the subject can %s%s",
		[i, result.quote(verb), rbac.scope(rule), concat(" and ", {rbac.descriptions[w] | some w in whats}), reach(rule)],
	)
}

reach(rule) := sprintf(" (limited to resourceNames [%s]), a path to whatever they grant; make sure none of them leads to cluster-admin", [rbac.quoted(rule.resourceNames)]) if {
	count(rule.resourceNames) > 0
} else := ", a path to cluster-admin; remove the verb or restrict it to named roles (resourceNames)"
