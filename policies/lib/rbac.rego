# METADATA
# title: Kubernetes RBAC matching
# description: |
#   Helpers that read Role and ClusterRole rule entries the way the API
#   server's RBAC authorizer does (k8s.io/component-helpers/auth/rbac/validation
#   and pkg/apis/rbac/v1 helpers): a verb or API group matches when the entry
#   lists it or "*"; a resource matches when the entry lists "*", the exact
#   name, "name/sub" for that subresource, or "*/sub" for that subresource of
#   any resource. "pods/*" is not a wildcard: it matches nothing. The
#   resourceNames "*" is a literal name.
package kvet.lib.rbac

# admin_equivalent(rule) holds for an entry that grants everything: "*"
# apiGroups, resources and verbs, or "*" nonResourceURLs with "*" verbs.
admin_equivalent(rule) if {
	"*" in rule.apiGroups
	"*" in rule.resources
	"*" in rule.verbs
}

admin_equivalent(rule) if {
	"*" in rule.nonResourceURLs
	"*" in rule.verbs
}

# entries[i] is the i-th rule entry of the Role or ClusterRole in input,
# unless it is admin-equivalent: rbac-admin-equivalent then reports the entry
# and no other per-entry rule does.
entries[i] := rule if {
	some i, rule in input.rules
	is_object(rule)
	not admin_equivalent(rule)
}

# group_matches(rule, groups) holds when the entry's apiGroups contain "*"
# or one of groups.
group_matches(rule, groups) if {
	some g in rule.apiGroups
	g == "*"
}

group_matches(rule, groups) if {
	some g in rule.apiGroups
	g in groups
}

# resource_matches(pattern, resource) is Kubernetes' ResourceMatches for one
# element of resources and a requested resource ("pods" or "pods/exec").
resource_matches(pattern, _) if pattern == "*"

resource_matches(pattern, resource) if pattern == resource

resource_matches(pattern, resource) if {
	startswith(pattern, "*/")
	parts := split(resource, "/")
	count(parts) == 2
	pattern == concat("/", ["*", parts[1]])
}

# names(pattern, target) holds when the resources element pattern grants
# target other than through "*": the exact name, or "*/sub". A target
# "name/*" stands for every subresource of name (userextras/<key>).
names(pattern, target) if {
	pattern != "*"
	not endswith(target, "/*")
	resource_matches(pattern, target)
}

names(pattern, target) if {
	endswith(target, "/*")
	parts := split(pattern, "/")
	count(parts) == 2
	parts[0] in {trim_suffix(target, "/*"), "*"}
	not parts[1] in {"", "*"}
}

# valid_pattern(p) holds for the resource patterns Kubernetes can match:
# "*", "name", "name/sub" and "*/sub", with lower-case names (resources are
# lower-case plurals such as "deployments"; a kind such as "Deployment"
# matches nothing).
valid_pattern("*")

valid_pattern(p) if {
	is_string(p)
	not contains(p, "*")
	lower(p) == p
	parts := split(p, "/")
	count(parts) <= 2
	every part in parts {
		part != ""
	}
}

valid_pattern(p) if {
	is_string(p)
	startswith(p, "*/")
	sub := substring(p, 2, -1)
	sub != ""
	lower(sub) == sub
	not contains(sub, "*")
	not contains(sub, "/")
}

# accesses lists the sensitive permissions kvet rates, with the rule that
# reports them when an entry names the resource, the API groups and
# resources that grant them, and the verbs (empty: any verb). cluster marks
# cluster-scoped resources, which a namespaced Role cannot grant.
accesses := [
	{
		"rule": "rbac-secrets-access", "what": "read every secret in scope",
		"groups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"],
	},
	{
		"rule": "rbac-escalation-verbs", "what": "escalate or bind roles beyond its own permissions",
		"groups": ["rbac.authorization.k8s.io"], "resources": ["roles", "clusterroles"], "verbs": ["escalate", "bind"],
	},
	{
		"rule": "rbac-escalation-verbs", "what": "impersonate users, groups and service accounts",
		"groups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"],
	},
	{
		"rule": "rbac-escalation-verbs", "what": "impersonate UIDs and user extras",
		"groups": ["authentication.k8s.io"], "resources": ["uids", "userextras/*"], "verbs": ["impersonate"],
	},
	{
		"rule": "rbac-pod-exec", "what": "exec into and attach to pods",
		"groups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["create", "get"],
	},
	{
		"rule": "rbac-pod-exec", "what": "port-forward to pods",
		"groups": [""], "resources": ["pods/portforward"], "verbs": ["create"],
	},
	{
		"rule": "rbac-pod-exec", "what": "add debug containers to running pods",
		"groups": [""], "resources": ["pods/ephemeralcontainers"], "verbs": ["update", "patch"],
	},
	{
		"rule": "rbac-workload-create", "what": "create pods that run as any service account",
		"groups": [""], "resources": ["pods", "replicationcontrollers"], "verbs": ["create"],
	},
	{
		"rule": "rbac-workload-create", "what": "create pods that run as any service account",
		"groups": ["apps"], "resources": ["deployments", "daemonsets", "statefulsets", "replicasets"], "verbs": ["create"],
	},
	{
		"rule": "rbac-workload-create", "what": "create pods that run as any service account",
		"groups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["create"],
	},
	{
		"rule": "rbac-nodes-proxy", "what": "reach the kubelet API through nodes/proxy", "cluster": true,
		"groups": [""], "resources": ["nodes/proxy"], "verbs": [],
	},
	{
		"rule": "rbac-token-request", "what": "mint tokens for service accounts",
		"groups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"],
	},
	{
		"rule": "rbac-webhook-config", "what": "change admission webhooks", "cluster": true,
		"groups": ["admissionregistration.k8s.io"],
		"resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
		"verbs": ["create", "update", "patch", "delete", "deletecollection"],
	},
	{
		"rule": "rbac-persistent-volume-create", "what": "create persistent volumes (hostPath escapes the node)", "cluster": true,
		"groups": [""], "resources": ["persistentvolumes"], "verbs": ["create"],
	},
	{
		"rule": "rbac-namespace-modify", "what": "relabel namespaces (Pod Security level, NetworkPolicy selectors)",
		"groups": [""], "resources": ["namespaces"], "verbs": ["patch", "update"],
	},
]

# verb_grants(verb, access) holds when the verbs element verb grants access.
verb_grants("*", _)

verb_grants(verb, access) if verb in access.verbs

verb_grants(verb, access) if {
	count(access.verbs) == 0
	is_string(verb)
}

# granted(rule, pattern, id) is the set of verbs of the entry that, through
# its resources element pattern (other than "*"), grant an access of rule id.
granted(rule, pattern, id) := {verb |
	some access in accesses
	access.rule == id
	group_matches(rule, access.groups)
	some target in access.resources
	names(pattern, target)
	some verb in rule.verbs
	verb_grants(verb, access)
}

# granted_by_verb(rule, verb, id) is the set of accesses (their "what") of
# rule id that the verbs element verb grants on a resource the entry names.
granted_by_verb(rule, verb, id) := {access.what |
	some access in accesses
	access.rule == id
	verb_grants(verb, access)
	group_matches(rule, access.groups)
	some pattern in rule.resources
	some target in access.resources
	names(pattern, target)
}

# implied(rule) is the sensitive access a "*" resource of the entry grants,
# given its verbs and API groups, in the order of accesses.
implied(rule) := [what |
	some i, access in accesses
	implies(rule, access)
	what := access.what
	not implied_before(rule, i, what)
]

implies(rule, access) if {
	not cluster_only_in_role(access)
	group_matches(rule, access.groups)
	some verb in rule.verbs
	verb_grants(verb, access)
}

implied_before(rule, i, what) if {
	some j, other in accesses
	j < i
	other.what == what
	implies(rule, other)
}

cluster_only_in_role(access) if {
	input.kind == "Role"
	access.cluster
}

# list renders a list of strings for a message: ["a", "b"] -> "a, b".
list(xs) := concat(", ", [sprintf("%v", [x]) | some x in xs])

# quoted renders strings quoted for a message: ["a", "b"] -> "\"a\", \"b\"".
quoted(xs) := concat(", ", [sprintf("%q", [x]) | some x in xs])

# scope(rule) describes what an entry applies to, for messages.
scope(rule) := sprintf("resources [%s] in apiGroups [%s]", [quoted(rule.resources), quoted(rule.apiGroups)]) if {
	is_array(rule.resources)
	is_array(rule.apiGroups)
} else := sprintf("resources [%s]", [quoted(rule.resources)]) if {
	is_array(rule.resources)
} else := sprintf("nonResourceURLs [%s]", [quoted(rule.nonResourceURLs)]) if {
	is_array(rule.nonResourceURLs)
} else := "nothing"
