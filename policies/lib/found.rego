# What kvet's built-in RBAC policies report.
#
# The built-in per-entry and per-subject policies read what they report
# from here: found[rule ID] for the rule entries of a Role or ClusterRole,
# subjects_found[rule ID] for the subjects of a binding. Each entry (and
# each subject) is judged by a function of it alone (entry_results,
# subject_results), which reads no input: kvet evaluates it once per
# distinct entry (or subject) in a run and the policies of every document share the
# result, so that a document costs one lookup per policy plus the
# messages of its findings.
package kvet.lib.rbac

import data.kvet.lib.result

# found[id] maps the index of each entry of the Role or ClusterRole in input
# that policy id reports to the set of its details (see entry_results). A
# ClusterRole with an aggregationRule has none: the aggregation controller
# replaces its rules with those of the ClusterRoles it selects. An entry
# that the API server rejects is null in input (invalid-value reports it):
# it grants nothing, and has none.
found := {} if {
	is_object(input.aggregationRule)
} else := object.union_n([entry_found(i, input.kind, rule) | some i, rule in input.rules])

# entry_found(i, kind, rule) is found for the entry rule at index i alone,
# of a kind of role. Like entry_results, it reads no input: kvet builds it
# once per distinct entry, index and kind in a run, and a document only
# merges those of its entries.
entry_found(i, kind, rule) := {id: {i: ds} | some id, ds in entry_results(kind, rule)}

# entry_results(kind, rule) is what the per-entry policies report about one
# rule entry of a Role or ClusterRole (kind): for each rule ID, the set of
# its details (arrays that locate the findings in the entry; see
# entry_pairs).
entry_results(kind, rule) := {id: {d | some [id2, d] in pairs; id2 == id} | some [id, _] in pairs} if {
	pairs := entry_pairs(kind, rule)
}

# entry_pairs(kind, rule) is what the per-entry policies report about one
# rule entry, as [rule ID, details] pairs: an admin-equivalent entry is
# reported by rbac-admin-equivalent alone; any other entry by the wildcard,
# resource and sensitive-access policies.
entry_pairs(kind, rule) := {["rbac-admin-equivalent", []]} if {
	admin_equivalent(rule)
} else := (((wildcards(rule) | matches_nothing(rule)) | sensitive_results(kind, rule)) | escalations(kind, rule)) if {
	is_object(rule)
} else := set()

# wildcards(rule): "*" in verbs ([k]), resources ([j]) and apiGroups ([g]).
wildcards(rule) := {r |
	some k, verb in rule.verbs
	verb == "*"
	r := ["rbac-wildcard-verbs", [k]]
} | {r |
	some j, pattern in rule.resources
	pattern == "*"
	r := ["rbac-wildcard-resources", [j]]
} | {r |
	some g, group in rule.apiGroups
	group == "*"
	r := ["rbac-wildcard-api-groups", [g]]
}

# matches_nothing(rule): resource patterns Kubernetes never matches
# (["resources", j]), verbs that resourceNames cannot restrict
# (["verbs", k, why]), verbs that are not lower case (["verbs", k]: the
# authorizer compares verbs exactly, and requests' are lower case), the API
# group "core" (["apiGroups", g]: the core group is "") and the literal
# resourceNames "*" (["resourceNames", n]).
matches_nothing(rule) := {r |
	some j, pattern in rule.resources
	not valid_pattern(pattern)
	r := ["rbac-resource-matches-nothing", ["resources", j]]
} | {r |
	some k, verb in rule.verbs
	miswritten_verb(verb)
	r := ["rbac-resource-matches-nothing", ["verbs", k]]
} | {r |
	some g, group in rule.apiGroups
	group == "core"
	r := ["rbac-resource-matches-nothing", ["apiGroups", g]]
} | {r |
	count(rule.resourceNames) > 0
	some k, verb in rule.verbs
	why := unrestrictable(rule, verb)
	r := ["rbac-resource-matches-nothing", ["verbs", k, why]]
} | {r |
	some n, name in rule.resourceNames
	name == "*"
	r := ["rbac-resource-matches-nothing", ["resourceNames", n]]
}

# miswritten_verb(verb) holds for a verb that no request has: empty, or a
# verb of Kubernetes' own written in another case or with blanks ("GET",
# " get"). An API server's own verbs may be in any case ("readArtifact"),
# and are matched as written.
miswritten_verb("")

miswritten_verb(verb) if {
	is_string(verb)
	verb != ""
	v := lower(trim_space(verb))
	v != verb
	v in kubernetes_verbs
}

# kubernetes_verbs are the verbs of Kubernetes' API server and its RBAC.
kubernetes_verbs := {
	"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
	"escalate", "bind", "impersonate", "use", "approve", "sign", "attest",
}

# unrestrictable(rule, verb) says why resourceNames cannot restrict verb in
# the entry, where it cannot.
unrestrictable(rule, "create") := "the name of a new object is not known when create is authorized, so no create is allowed" if {
	some r in rule.resources
	is_string(r)
	not contains(r, "/")
	r != "*" # also every subresource, whose create has a name
}

unrestrictable(_, "deletecollection") := "deletecollection addresses no single object, so it is never allowed"

unrestrictable(_, verb) := sprintf("%s is allowed only with a metadata.name field selector, which kubectl and informers do not send", [verb]) if {
	verb in {"list", "watch"}
}

# sensitive_results(kind, rule): the sensitive accesses of entry_grants but
# escalation, [j, verbs, what] for the resources element j.
sensitive_results(kind, rule) := {[id, [j, verbs, what]] |
	some [id, j, verbs, what] in entry_grants(kind, rule)
	id != "rbac-escalation-verbs"
}

# escalations(kind, rule): rbac-escalation-verbs reports each verb that grants an
# escalation at the verb, [k, verb, whats] with whats the keys of
# descriptions of what it lets the subject do.
escalations(kind, rule) := {["rbac-escalation-verbs", [k, verb, whats]] |
	grants := {[verbs, what] | some ["rbac-escalation-verbs", _, verbs, what] in entry_grants(kind, rule)}
	some [verbs, _] in grants
	some verb in verbs
	some k, element in rule.verbs
	element == verb
	whats := {what | some [vs, what] in grants; verb in vs}
}

# subjects_found[id] maps the index of each subject of the binding in input
# that policy id reports to the set of its details (see subject_results).
subjects_found := object.union_n([subject_found(k, input.kind, subject) | some k, subject in input.subjects])

# subject_found(k, kind, subject) is subjects_found for the subject at index
# k alone, in a binding of a kind; kvet builds it once per distinct subject,
# index and kind in a run.
subject_found(k, kind, subject) := {id: {k: ds} | some id, ds in subject_results(kind, subject)}

# subject_results(kind, subject) is what the per-subject policies report
# about one subject of a binding of a kind (RoleBinding or
# ClusterRoleBinding): for each rule ID, the set of its details.
subject_results(kind, subject) := {id: {d | some [id2, d] in pairs; id2 == id} | some [id, _] in pairs} if {
	pairs := subject_pairs(kind, subject)
}

# subject_pairs(kind, subject) is what the per-subject policies report
# about one subject, as [rule ID, details] pairs.
subject_pairs(kind, subject) := {r |
	subject.name == anonymous_subjects[subject.kind]
	r := ["rbac-anonymous-subject", []]
} | {r |
	subject.kind == "Group"
	who := everyone(subject.name)
	r := ["rbac-broad-group-subject", ["everyone", who]]
} | {r |
	subject.kind == "Group"
	subject.name == "system:masters"
	r := ["rbac-broad-group-subject", ["masters"]]
} | {r |
	subject.kind == "ServiceAccount"
	subject.name == "default"
	r := ["rbac-default-sa-subject", []]
} | {r |
	# The authorizer knows a ServiceAccount by its user name.
	subject.kind == "User"
	is_string(subject.name)
	startswith(subject.name, "system:serviceaccount:")
	parts := split(subject.name, ":")
	count(parts) == 4
	parts[3] == "default"
	parts[2] != ""
	r := ["rbac-default-sa-subject", ["user", parts[2]]]
} | {r |
	kind == "ClusterRoleBinding"
	subject.kind == "ServiceAccount"
	not has_namespace(subject)
	r := ["rbac-subject-namespace-missing", []]
} | {r |
	subject.kind == "User"
	is_string(subject.name)
	not startswith(subject.name, "system:")
	r := ["rbac-user-subject", []]
}

# anonymous_subjects are the subjects that stand for every unauthenticated
# request, by kind.
anonymous_subjects := {"User": "system:anonymous", "Group": "system:unauthenticated"}

# everyone(name) describes the Groups that hold every user or every service
# account.
everyone("system:authenticated") := "every authenticated user and service account"

everyone("system:serviceaccounts") := "every service account of the cluster"

everyone(name) := sprintf("every service account of namespace %s", [result.quote(namespace)]) if {
	startswith(name, sa_prefix)
	namespace := substring(name, count(sa_prefix), -1)
	namespace != "" # no namespace: the group of nobody
}

sa_prefix := "system:serviceaccounts:"

# has_namespace(subject) holds when the subject names its namespace.
has_namespace(subject) if {
	is_string(subject.namespace)
	subject.namespace != ""
}
