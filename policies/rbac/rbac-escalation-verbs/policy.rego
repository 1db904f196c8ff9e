# METADATA
# title: RBAC rule allows privilege escalation (escalate, bind, impersonate)
# description: >-
#   The API server stops a subject from granting permissions it does not
#   hold, unless it has escalate on roles/clusterroles (edit a role to add
#   any permission), bind on them (bind any role, cluster-admin included) or
#   impersonate on users (act as any user; with groups too, as anyone, e.g.
#   system:masters). Each of these is a path to cluster-admin. Impersonate
#   on service accounts lets the subject act with the permissions of any
#   ServiceAccount in scope (of the Role's namespace; of every namespace for
#   a ClusterRole), a path to whatever they are granted. A "*" verb grants
#   them too. The API server honours impersonated groups, UIDs and user
#   extras only alongside an impersonated user or ServiceAccount: an entry
#   that grants them without users is still reported, as a path to
#   cluster-admin together with such a grant. An entry restricted by
#   resourceNames is still reported, naming them: it leads to whatever they
#   grant or are granted. Impersonating users, groups, UIDs or user extras
#   is a request outside any namespace, which a Role cannot grant;
#   impersonating service accounts is one it can.
# custom:
#   id: rbac-escalation-verbs
#   severity: error
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Remove escalate, bind and impersonate (and "*" verbs on these
#     resources). A controller that must bind roles should get bind on the
#     specific roles it binds (resourceNames); one that must impersonate
#     should get impersonate on the specific users, groups or
#     ServiceAccounts it acts as (resourceNames); reserve broader
#     impersonation for break-glass administrators.
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

deny contains finding(i, input.rules[i], input.kind, object.get(input, ["metadata", "namespace"], null), detail) if {
	some i, details in rbac.found["rbac-escalation-verbs"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]) of a role of
# a kind in namespace. It reads no input, so kvet computes it once per
# distinct argument in a run.
finding(i, rule, kind, namespace, [k, verb, whats]) := result.at(["rules", i, "verbs", k], msg) if {
	msg := sprintf(
		"rules[%d] grants %s on %s: the subject can %s",
		[i, result.quote(verb), rbac.scope(rule), reach(rule, kind, namespace, sort(whats))],
	)
}

# reach(rule, kind, namespace, whats) says what the entry lets the subject
# do (whats, keys of rbac.descriptions or rbac.identities) and where that
# leads. Restricted by resourceNames, it acts on those roles or as those
# identities only: not as anyone, nor as any ServiceAccount, so the
# descriptions stop before their parenthesis.
reach(rule, kind, namespace, whats) := sprintf("%s (limited to resourceNames [%s]), a path to whatever they %s; make sure none of them leads to cluster-admin", [
	concat(" and ", [split(d, " (")[0] | some d in rbac.described(whats, kind, namespace)]),
	rbac.quoted(rule.resourceNames),
	granted(whats),
]) if {
	count(rule.resourceNames) > 0
} else := sprintf("%s, a path to %s; %s", [
	concat(" and ", rbac.described(whats, kind, namespace)),
	leads_to(whats),
	remedy(whats),
])

# granted says what the named roles or identities lead to.
granted(whats) := "grant or are granted" if {
	"escalate" in whats
	impersonates(whats)
} else := "grant" if {
	"escalate" in whats
} else := "are granted"

# leads_to(whats): escalating, binding, impersonating users, and
# impersonating groups with ServiceAccounts (system:masters) lead to
# cluster-admin; impersonating ServiceAccounts to what they hold.
# Impersonating groups, UIDs or user extras without a user or
# ServiceAccount is no request the API server accepts: it leads somewhere
# only with a grant to impersonate those too.
leads_to(whats) := "cluster-admin" if {
	some w in whats
	w in {"escalate", "impersonate-users"}
} else := "cluster-admin" if {
	"impersonate-groups" in whats
	"impersonate-serviceaccounts" in whats
} else := "whatever those ServiceAccounts are granted" if {
	"impersonate-serviceaccounts" in whats
} else := "cluster-admin only together with a grant to impersonate users or ServiceAccounts"

# remedy(whats) matches the verb: resourceNames restrict escalate and bind
# to named roles, impersonate to named users, groups or ServiceAccounts.
remedy(whats) := "remove the verb or restrict it to named roles (resourceNames)" if {
	not impersonates(whats)
} else := "remove the verb or restrict it with resourceNames to the identities that must be impersonated" if {
	not "escalate" in whats
} else := "remove the verb or restrict it with resourceNames to named roles and to the identities that must be impersonated"

impersonates(whats) if {
	some w in whats
	startswith(w, "impersonate")
}
