# METADATA
# title: RBAC rule that does not do what it says
# description: >-
#   Kubernetes matches a resource only when the entry lists "*", the exact
#   lower-case plural ("pods"), "name/sub" ("pods/log") or "*/sub" ("*/scale").
#   Anything else never matches: "pods/*" is not a wildcard, "*s" is not a
#   pattern, and a kind ("Deployment") is not a resource. resourceNames
#   cannot restrict the create of a new object (its name is not known when
#   the request is authorized) or deletecollection, and restricts list and
#   watch only for clients that send a metadata.name field selector (kubectl
#   and informers do not); resourceNames ["*"] is a literal name, not a
#   wildcard. Such entries grant less than their author meant.
# custom:
#   id: rbac-resource-matches-nothing
#   severity: info
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Write resources as lower-case plurals, with subresources spelled out
#     ("pods/log", "pods/exec") or as "*/sub". Put create, list, watch and
#     deletecollection in a separate entry without resourceNames, and list
#     real object names in resourceNames.
#   doc: |
#     Bad:
#
#         rules:
#         - apiGroups: [""]
#           resources: ["pods/*"]
#           verbs: ["get"]
#
#     Good:
#
#         rules:
#         - apiGroups: [""]
#           resources: ["pods/log", "pods/status"]
#           verbs: ["get"]
package kvet.rules.rbac["rbac-resource-matches-nothing"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains result.at(["rules", i, "resources", j], msg) if {
	some i, rule in rbac.entries
	some j, pattern in rule.resources
	not rbac.valid_pattern(pattern)
	msg := sprintf(
		"rules[%d] resource %s never matches: Kubernetes matches only \"*\", a lower-case plural such as \"pods\", \"name/sub\" and \"*/sub\"%s",
		[i, json.marshal(pattern), hint(pattern)],
	)
}

warn contains result.at(["rules", i, "verbs", k], msg) if {
	some i, rule in rbac.entries
	count(rule.resourceNames) > 0
	some k, verb in rule.verbs
	why := unrestrictable(rule, verb)
	msg := sprintf(
		"rules[%d] restricts %q with resourceNames, which does not work: %s; move %q to an entry without resourceNames",
		[i, verb, why, verb],
	)
}

# unrestrictable(rule, verb) explains why resourceNames cannot restrict verb
# on the entry's resources. create on a subresource (pods/exec,
# serviceaccounts/token) names an existing object and can be restricted.
unrestrictable(rule, "create") := "the name of a new object is not known when create is authorized, so no create is allowed" if {
	some r in rule.resources
	is_string(r)
	not contains(r, "/")
}

unrestrictable(_, "deletecollection") := "deletecollection addresses no single object, so it is never allowed"

unrestrictable(_, verb) := sprintf("%s is allowed only with a metadata.name field selector, which kubectl and informers do not send", [verb]) if {
	verb in {"list", "watch"}
}

warn contains result.at(["rules", i, "resourceNames", n], msg) if {
	some i, rule in rbac.entries
	some n, name in rule.resourceNames
	name == "*"
	msg := sprintf(
		"rules[%d] resourceNames \"*\" is a literal name, not a wildcard: no object is named \"*\"; list the object names, or drop resourceNames",
		[i],
	)
}

hint(pattern) := sprintf("; \"%s/*\" is not a wildcard, list the subresources (e.g. \"%s/log\")", [trim_suffix(pattern, "/*"), trim_suffix(pattern, "/*")]) if {
	is_string(pattern)
	endswith(pattern, "/*")
	pattern != "*/*"
} else := sprintf("; resources are lower-case plurals, e.g. %q", [lower(pattern)]) if {
	is_string(pattern)
	lower(pattern) != pattern
} else := ""
