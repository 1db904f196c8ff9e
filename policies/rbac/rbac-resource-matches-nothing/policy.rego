# METADATA
# title: RBAC rule that does not do what it says
# description: >-
#   Kubernetes matches a resource only when the entry lists "*", the exact
#   lower-case plural ("pods"), "name/sub" ("pods/log") or "*/sub" ("*/scale").
#   Anything else never matches: "pods/*" is not a wildcard, "*s" is not a
#   pattern, and neither a kind ("Deployment") nor a resource with its group
#   ("deployments.apps") is a resource. Verbs are compared exactly, and
#   Kubernetes' own are lower case ("GET" and "" match nothing; an API
#   server's own verbs, such as "readArtifact", are left alone); the core API group is
#   "" ("core" matches nothing). resourceNames
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

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-resource-matches-nothing"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, ["resources", j]) := result.at(["rules", i, "resources", j], msg) if {
	pattern := rule.resources[j]
	msg := sprintf(
		"rules[%d] resource %s never matches: Kubernetes matches only \"*\", a lower-case plural such as \"pods\", \"name/sub\" and \"*/sub\"%s",
		[i, result.quote(pattern), hint(pattern)],
	)
}

finding(i, rule, ["verbs", k, why]) := result.at(["rules", i, "verbs", k], msg) if {
	verb := rule.verbs[k]
	msg := sprintf(
		"rules[%d] restricts %s with resourceNames, which does not work: %s; move %s to an entry without resourceNames",
		[i, result.quote(verb), why, result.quote(verb)],
	)
}

finding(i, _, ["resourceNames", n]) := result.at(["rules", i, "resourceNames", n], msg) if {
	msg := sprintf(
		"rules[%d] resourceNames \"*\" is a literal name, not a wildcard: no object is named \"*\"; list the object names, or drop resourceNames",
		[i],
	)
}

finding(i, rule, ["verbs", k]) := result.at(["rules", i, "verbs", k], msg) if {
	rule.verbs[k] == ""
	msg := sprintf("rules[%d] verb \"\" never matches: no request has an empty verb; remove it", [i])
}

finding(i, rule, ["verbs", k]) := result.at(["rules", i, "verbs", k], msg) if {
	verb := rule.verbs[k]
	verb != ""
	msg := sprintf(
		"rules[%d] verb %s never matches: the API server compares verbs exactly, and requests' verbs are lower case; write %s",
		[i, result.quote(verb), result.quote(lower(trim_space(verb)))],
	)
}

finding(i, _, ["apiGroups", g]) := result.at(["rules", i, "apiGroups", g], msg) if {
	msg := sprintf(
		"rules[%d] API group \"core\" never matches: no group has that name, and the core group (pods, secrets, configmaps ...) is \"\"; write \"\"",
		[i],
	)
}

hint(pattern) := sprintf("; %s is not a wildcard, list the subresources (e.g. %s)", [result.quote(pattern), result.quote(example_subresource(trim_suffix(pattern, "/*")))]) if {
	is_string(pattern)
	endswith(pattern, "/*")
	pattern != "*/*"
} else := sprintf("; resources are lower-case plurals, e.g. %s", [result.quote(lower(pattern))]) if {
	is_string(pattern)
	lower(pattern) != pattern
} else := sprintf("; a resource is named without its API group: write %s, with %s in apiGroups", [result.quote(substring(res, 0, dot)), result.quote(substring(res, dot + 1, -1))]) if {
	is_string(pattern)
	res := split(pattern, "/")[0]
	dot := indexof(res, ".")
	dot > 0
} else := sprintf("; resource names have no spaces: %s", [result.quote(replace(pattern, " ", ""))]) if {
	is_string(pattern)
	contains(pattern, " ")
} else := ""

# example_subresource(resource) names a subresource the resource has (one
# of the built-in resources), or the shape of one.
example_subresource(resource) := concat("/", [resource, sub]) if {
	sub := {
		"pods": "log", "deployments": "scale", "statefulsets": "scale", "replicasets": "scale",
		"replicationcontrollers": "scale", "namespaces": "status", "nodes": "proxy", "services": "proxy",
		"serviceaccounts": "token", "jobs": "status", "cronjobs": "status", "daemonsets": "status",
		"persistentvolumeclaims": "status", "persistentvolumes": "status",
		"horizontalpodautoscalers": "status", "certificatesigningrequests": "approval",
	}[resource]
} else := concat("/", [resource, "<subresource>"])
