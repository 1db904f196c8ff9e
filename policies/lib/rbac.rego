# METADATA
# title: Kubernetes RBAC matching
# description: |
#   Helpers that read Role and ClusterRole rule entries the way the API
#   server's RBAC authorizer does (VerbMatches, APIGroupMatches and
#   ResourceMatches of k8s.io/kubernetes pkg/apis/rbac/v1): a verb or API
#   group matches when the entry lists it or "*"; a resource matches when
#   the entry lists "*", the exact name, "name/sub" for that subresource, or
#   "*/sub" for that subresource of any resource. "pods/*" is not a
#   wildcard: it matches nothing. The resourceNames "*" is a literal name.
package kvet.lib.rbac

import data.kvet.lib.result

# admin_equivalent(rule) holds for an entry that grants everything on
# objects: "*" apiGroups and resources with "*" verbs or every standard verb
# (get, list, watch, create, update, patch, delete). nonResourceURLs never make
# an entry admin-equivalent: they authorize paths such as /healthz, never
# objects.
admin_equivalent(rule) if {
	"*" in rule.apiGroups
	"*" in rule.resources
	every_verb(rule)
}

# every_verb(rule) holds when the entry's verbs are "*" or include every
# standard verb.
every_verb(rule) if "*" in rule.verbs

every_verb(rule) if {
	not "*" in rule.verbs
	every verb in standard_verbs {
		verb in rule.verbs
	}
}

# standard_verbs are the verbs of the resource API (deletecollection aside).
standard_verbs := ["get", "list", "watch", "create", "update", "patch", "delete"]

# entries[i] is the i-th rule entry of the Role or ClusterRole in input,
# unless it is admin-equivalent: rbac-admin-equivalent then reports the entry
# and no other per-entry rule does.
entries := {i: rule |
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

# verb_matches(rule, verb) holds when the entry's verbs contain "*" or verb.
verb_matches(rule, verb) if {
	some v in rule.verbs
	v in {"*", verb}
}

# grants(rule, group, resource, verb) holds when the entry allows a request
# for verb on resource ("pods" or "pods/exec") in API group group, as the
# API server's authorizer decides (resourceNames aside).
grants(rule, group, resource, verb) if {
	group_matches(rule, [group])
	verb_matches(rule, verb)
	some pattern in rule.resources
	resource_matches(pattern, resource)
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
# lower-case plurals such as "deployments", of letters, digits and "-": a
# kind such as "Deployment" or a resource with its group such as
# "deployments.apps" matches nothing). A subresource may hold dots (the
# extra keys of "userextras/scopes.example.com").
valid_pattern(p) if {
	is_string(p)
	regex.match(`^(\*|[a-z0-9-]+(/[^*/A-Z\s]+)?|\*/[^*/A-Z\s]+)$`, p)
}

# sensitive maps each resource kvet rates to the accesses an entry that
# names it may grant: the rule that reports them, what they let the subject
# do (a key of descriptions), the API groups that serve the resource and the
# verbs that grant the access, both as sets that include "*" so that one
# lookup matches an entry's element (any marks an access that every verb
# grants; cluster one that only cluster-scoped requests make, which a
# namespaced Role cannot grant: see role_excludes). It is a literal:
# policies are evaluated once per document, and a literal costs nothing to
# look up. The user extras (userextras/<key>) are extras, not a key of
# sensitive: the element "userextras/*" is no wildcard and matches nothing.
sensitive := {
	"secrets": [{"rule": "rbac-secrets-access", "what": "secrets", "groups": {"", "*"}, "verbs": {"get", "list", "watch", "*"}}],
	"roles": [{"rule": "rbac-escalation-verbs", "what": "escalate", "groups": {"rbac.authorization.k8s.io", "*"}, "verbs": {"escalate", "bind", "*"}}],
	"clusterroles": [{"rule": "rbac-escalation-verbs", "what": "escalate", "groups": {"rbac.authorization.k8s.io", "*"}, "verbs": {"escalate", "bind", "*"}}],
	"users": [{"rule": "rbac-escalation-verbs", "what": "impersonate-users", "cluster": true, "groups": {"", "*"}, "verbs": {"impersonate", "*"}}],
	"groups": [{"rule": "rbac-escalation-verbs", "what": "impersonate-groups", "cluster": true, "groups": {"", "*"}, "verbs": {"impersonate", "*"}}],
	"serviceaccounts": [{"rule": "rbac-escalation-verbs", "what": "impersonate-serviceaccounts", "groups": {"", "*"}, "verbs": {"impersonate", "*"}}],
	"uids": [{"rule": "rbac-escalation-verbs", "what": "impersonate-uids", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"pods/exec": [{"rule": "rbac-pod-exec", "what": "exec", "groups": {"", "*"}, "verbs": {"create", "get", "*"}}],
	"pods/attach": [{"rule": "rbac-pod-exec", "what": "exec", "groups": {"", "*"}, "verbs": {"create", "get", "*"}}],
	"pods/portforward": [{"rule": "rbac-pod-exec", "what": "portforward", "groups": {"", "*"}, "verbs": {"create", "*"}}],
	"pods/ephemeralcontainers": [{"rule": "rbac-pod-exec", "what": "debug", "groups": {"", "*"}, "verbs": {"update", "patch", "*"}}],
	"pods": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"", "*"}, "verbs": {"create", "*"}}],
	"replicationcontrollers": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"", "*"}, "verbs": {"create", "*"}}],
	"deployments": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"apps", "*"}, "verbs": {"create", "*"}}],
	"daemonsets": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"apps", "*"}, "verbs": {"create", "*"}}],
	"statefulsets": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"apps", "*"}, "verbs": {"create", "*"}}],
	"replicasets": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"apps", "*"}, "verbs": {"create", "*"}}],
	"jobs": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"batch", "*"}, "verbs": {"create", "*"}}],
	"cronjobs": [{"rule": "rbac-workload-create", "what": "workloads", "groups": {"batch", "*"}, "verbs": {"create", "*"}}],
	"nodes/proxy": [{"rule": "rbac-nodes-proxy", "what": "nodes-proxy", "groups": {"", "*"}, "verbs": {"*"}, "any": true, "cluster": true}],
	"serviceaccounts/token": [{"rule": "rbac-token-request", "what": "token", "groups": {"", "*"}, "verbs": {"create", "*"}}],
	"validatingwebhookconfigurations": [{
		"rule": "rbac-webhook-config", "what": "webhooks", "cluster": true, "groups": {"admissionregistration.k8s.io", "*"},
		"verbs": {"create", "update", "patch", "delete", "deletecollection", "*"},
	}],
	"mutatingwebhookconfigurations": [{
		"rule": "rbac-webhook-config", "what": "webhooks", "cluster": true, "groups": {"admissionregistration.k8s.io", "*"},
		"verbs": {"create", "update", "patch", "delete", "deletecollection", "*"},
	}],
	"persistentvolumes": [{"rule": "rbac-persistent-volume-create", "what": "persistent-volumes", "cluster": true, "groups": {"", "*"}, "verbs": {"create", "*"}}],
	"namespaces": [{"rule": "rbac-namespace-modify", "what": "namespaces", "groups": {"", "*"}, "verbs": {"patch", "update", "*"}}],
	# "*/sub" names the subresource of every resource, user extras included.
	"*/exec": [{"rule": "rbac-pod-exec", "what": "exec", "groups": {"", "*"}, "verbs": {"create", "get", "*"}}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"*/attach": [{"rule": "rbac-pod-exec", "what": "exec", "groups": {"", "*"}, "verbs": {"create", "get", "*"}}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"*/portforward": [{"rule": "rbac-pod-exec", "what": "portforward", "groups": {"", "*"}, "verbs": {"create", "*"}}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"*/ephemeralcontainers": [{"rule": "rbac-pod-exec", "what": "debug", "groups": {"", "*"}, "verbs": {"update", "patch", "*"}}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"*/proxy": [{"rule": "rbac-nodes-proxy", "what": "nodes-proxy", "groups": {"", "*"}, "verbs": {"*"}, "any": true, "cluster": true}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
	"*/token": [{"rule": "rbac-token-request", "what": "token", "groups": {"", "*"}, "verbs": {"create", "*"}}, {"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}],
}

# implications are the accesses a "*" resource grants, by what, in the
# order messages list them, with the union of their API groups; cluster
# marks cluster-scoped resources, which a namespaced Role cannot grant;
# unnamed accesses that only creating objects grants, which resourceNames
# cannot. Users and groups are impersonated through the core group "",
# UIDs and user extras through authentication.k8s.io: each identity is an
# access of its own, so that messages name those an entry grants.
implications := [
	{"what": "secrets", "groups": {"", "*"}, "verbs": {"get", "list", "watch", "*"}},
	{"what": "exec", "groups": {"", "*"}, "verbs": {"create", "get", "*"}},
	{"what": "portforward", "groups": {"", "*"}, "verbs": {"create", "*"}},
	{"what": "debug", "groups": {"", "*"}, "verbs": {"update", "patch", "*"}},
	{"what": "workloads", "groups": {"", "apps", "batch", "*"}, "verbs": {"create", "*"}, "unnamed": true},
	{"what": "escalate", "groups": {"rbac.authorization.k8s.io", "*"}, "verbs": {"escalate", "bind", "*"}},
	{"what": "impersonate-users", "groups": {"", "*"}, "verbs": {"impersonate", "*"}, "cluster": true},
	{"what": "impersonate-groups", "groups": {"", "*"}, "verbs": {"impersonate", "*"}, "cluster": true},
	{"what": "impersonate-uids", "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}, "cluster": true},
	{"what": "impersonate-extras", "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}, "cluster": true},
	{"what": "impersonate-serviceaccounts", "groups": {"", "*"}, "verbs": {"impersonate", "*"}},
	{"what": "nodes-proxy", "groups": {"", "*"}, "verbs": {"*"}, "any": true, "cluster": true},
	{"what": "token", "groups": {"", "*"}, "verbs": {"create", "*"}},
	{"what": "webhooks", "groups": {"admissionregistration.k8s.io", "*"}, "verbs": {"create", "update", "patch", "delete", "deletecollection", "*"}, "cluster": true},
	{"what": "persistent-volumes", "groups": {"", "*"}, "verbs": {"create", "*"}, "cluster": true, "unnamed": true},
	{"what": "namespaces", "groups": {"", "*"}, "verbs": {"patch", "update", "*"}},
]

# extras are the accesses of every subresource of userextras (the
# impersonated extra's key).
extras := [{"rule": "rbac-escalation-verbs", "what": "impersonate-extras", "cluster": true, "groups": {"authentication.k8s.io", "*"}, "verbs": {"impersonate", "*"}}]

# descriptions say what an access lets the subject do; see description for
# the one with a %s (where it applies), and impersonation for impersonating
# the identities. Impersonating users, groups, UIDs or user extras is a
# request outside any namespace: only a ClusterRole grants it;
# impersonating a ServiceAccount is made in its namespace.
descriptions := {
	"secrets": "read every secret in scope",
	"exec": "exec into and attach to pods",
	"portforward": "port-forward to pods",
	"debug": "add debug containers to running pods",
	"workloads": "create pods that run as any service account",
	"escalate": "escalate or bind roles beyond its own permissions",
	"impersonate-serviceaccounts": "impersonate service accounts (act with the permissions of any ServiceAccount %s)",
	"nodes-proxy": "reach the kubelet API through nodes/proxy",
	"token": "mint tokens for service accounts",
	"webhooks": "change admission webhooks",
	"persistent-volumes": "create persistent volumes (hostPath escapes the node)",
	"namespaces": "relabel namespaces (Pod Security level, NetworkPolicy selectors)",
}

# description(what, kind, namespace) is descriptions[what] for an entry of
# a role of a kind ("Role" or "ClusterRole") in namespace (a Role's), with
# where the access applies filled in: the Role's namespace, or any
# namespace for a ClusterRole.
description(what, kind, namespace) := sprintf(descriptions[what], [where(kind, namespace)]) if {
	contains(descriptions[what], "%s")
} else := descriptions[what]

where("ClusterRole", _) := "in any namespace"

where("Role", namespace) := sprintf("in namespace %s", [result.quote(namespace)]) if {
	is_string(namespace)
	namespace != ""
} else := "in its namespace"

# identities name the identities that the impersonate accesses other than
# impersonating ServiceAccounts let the subject choose, by what.
identities := {"impersonate-users": "users", "impersonate-groups": "groups", "impersonate-uids": "UIDs", "impersonate-extras": "user extras"}

# described(whats, kind, namespace) is what the accesses whats (keys of
# descriptions or of identities, a set or an array) let the subject do, as
# description says, in the order of implications: impersonating
# identities is one item, which names those of whats (see impersonation).
described(whats, kind, namespace) := [d |
	some imp in implications
	imp.what in whats
	d := described_item(imp.what, whats, kind, namespace)
]

described_item(what, whats, kind, namespace) := impersonation(whats) if {
	identities[what]
	what == [imp.what | some imp in implications; identities[imp.what]; imp.what in whats][0]
} else := description(what, kind, namespace) if {
	not identities[what]
}

# impersonation(whats) says what impersonating the identities of whats
# lets the subject do, naming them: "impersonate users and groups (...)".
impersonation(whats) := sprintf("impersonate %s (%s)", [
	words([identities[imp.what] | some imp in implications; identities[imp.what]; imp.what in whats]),
	impersonating(whats),
])

# impersonating(whats) says whom impersonating the identities of whats
# lets the subject act as. The API server's impersonation filter honours
# impersonated groups, UIDs and user extras only in a request that also
# impersonates a user (or a ServiceAccount, by its user name), and gives an
# impersonated user no group of its own but system:authenticated: users and
# groups together act as anyone, users alone as any user by name, and
# groups, UIDs or user extras without users as no one.
impersonating(whats) := "act as anyone, e.g. system:masters" if {
	"impersonate-users" in whats
	"impersonate-groups" in whats
} else := "act as any user, e.g. one bound to cluster-admin" if {
	"impersonate-users" in whats
} else := "only alongside impersonating a user or ServiceAccount, as the API server requires"

# words renders a list as "a", "a and b", "a, b and c".
words(xs) := xs[0] if {
	count(xs) == 1
} else := concat(" and ", [concat(", ", array.slice(xs, 0, count(xs) - 1)), xs[count(xs) - 1]])

# named(pattern) is the list of the accesses of the resources that the
# resources element pattern names (see names). sensitive has the "*/sub"
# patterns of its subresources too, so most patterns are one lookup; any
# other "name/sub" or "*/sub" can still name a user extra (userextras/<key>).
named(pattern) := sensitive[pattern]

named(pattern) := extras if {
	contains(pattern, "/")
	not sensitive[pattern]
	regex.match(`^(userextras|\*)/[^*/A-Z]+$`, pattern)
}

# entry_grants(kind, rule) is the set of [rule ID, resources index, verbs,
# what] of the entry rule of a kind ("Role" or "ClusterRole"): for each
# resources element (other than "*") that names a sensitive resource in an
# API group the entry covers, the rule that reports it, the verbs of the
# entry that grant the access (a set) and what it lets the subject do (a
# key of descriptions). A Role's entries grant no cluster-scoped access. It
# reads no input, so kvet computes it once per distinct kind and entry in a
# run.
entry_grants(kind, rule) := {[access.rule, j, verbs, access.what] |
	some j, pattern in rule.resources
	is_string(pattern)
	some access in named(pattern)
	not role_excludes(kind, access)
	some group in rule.apiGroups
	access.groups[group]
	verbs := granting_verbs(rule, access, pattern)
	count(verbs) > 0
}

# granting_verbs(rule, access, pattern) is the set of the entry's verbs that
# grant access through its resources element pattern: those access lists,
# or every (string) verb for an access that any verb grants. With
# resourceNames, create and deletecollection of objects (not of a
# subresource) grant nothing, as no request of them has a name.
granting_verbs(rule, access, pattern) := {verb | some verb in rule.verbs; is_string(verb)} if {
	access.any
} else := {verb | some verb in rule.verbs; access.verbs[verb]} if {
	count(object.get(rule, "resourceNames", [])) == 0
} else := {verb | some verb in rule.verbs; access.verbs[verb]} if {
	contains(pattern, "/")
} else := {verb | some verb in rule.verbs; access.verbs[verb]; named_verb(verb, access.verbs)}

# named_verb(verb, verbs) holds when verb, one of an access's verbs, can
# be requested of a named object: not create or deletecollection, and "*"
# only if the access has such a verb.
named_verb(verb, _) if not verb in {"create", "deletecollection", "*"}

named_verb("*", verbs) if {
	some v in verbs
	not v in {"create", "deletecollection", "*"}
}

# implied(kind, namespace, rule) is what a "*" resource of an entry of a
# kind ("Role" or "ClusterRole") in namespace lets the subject do, given its
# verbs and API groups, in the order of implications; cluster-scoped
# resources are left out of a Role's.
implied(kind, namespace, rule) := described(
	{imp.what |
		some imp in implications
		not role_excludes(kind, imp)
		not names_exclude(rule, imp)
		implies(rule, imp)
	},
	kind, namespace,
)

# names_exclude(rule, imp) holds for an implication that only creating
# objects grants (unnamed) in an entry restricted by resourceNames: a
# create request has no name.
names_exclude(rule, imp) if {
	imp.unnamed
	count(rule.resourceNames) > 0
}

# role_excludes(kind, access) holds for an access (of implications or
# sensitive) to cluster-scoped resources in a Role: a RoleBinding applies
# only to requests in its namespace, so a Role cannot grant it.
role_excludes("Role", access) if access.cluster

# implies(rule, imp) holds when the entry grants the implication imp: one
# of its API groups and one of its verbs. It stops at the first match
# (rather than counting granting_verbs): it runs for every implication of
# every "*" resource.
implies(rule, imp) if {
	some group in rule.apiGroups
	imp.groups[group]
	some verb in rule.verbs
	imp.verbs[verb]
}

implies(rule, imp) if {
	imp.any
	some group in rule.apiGroups
	imp.groups[group]
	some verb in rule.verbs
	is_string(verb)
}

# quoted renders strings quoted for a message: ["a", "b"] -> "\"a\", \"b\"".
quoted(xs) := concat(", ", [result.quote(x) | some x in xs])

# scope(rule) describes what an entry applies to, for messages.
scope(rule) := sprintf("resources [%s] in apiGroups [%s]", [quoted(rule.resources), quoted(rule.apiGroups)]) if {
	is_array(rule.resources)
	is_array(rule.apiGroups)
} else := sprintf("resources [%s]", [quoted(rule.resources)]) if {
	is_array(rule.resources)
} else := sprintf("nonResourceURLs [%s]", [quoted(rule.nonResourceURLs)]) if {
	is_array(rule.nonResourceURLs)
} else := "nothing"
