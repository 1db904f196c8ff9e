# METADATA
# title: binding grants permissions to a built-in group of everyone
# description: >-
#   system:authenticated is every authenticated user and service account,
#   system:serviceaccounts every service account of the cluster, and
#   system:serviceaccounts:<namespace> every pod of a namespace: a binding to
#   them hands its role to far more subjects than intended. Binding
#   system:masters does nothing useful: its members bypass RBAC altogether,
#   so the binding only misleads reviewers.
# custom:
#   id: rbac-broad-group-subject
#   severity: warning
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: >-
#     Bind the ServiceAccounts or Groups that need the role by name. Remove
#     bindings to system:masters.
package kvet.rules.rbac["rbac-broad-group-subject"]

import data.kvet.lib.result

warn contains result.at(["subjects", k, "name"], msg) if {
	some k, subject in input.subjects
	subject.kind == "Group"
	who := everyone(subject.name)
	msg := sprintf(
		"Group %q is %s: they all get the role %q; bind the ServiceAccounts or Groups that need it by name",
		[subject.name, who, object.get(input, ["roleRef", "name"], "")],
	)
}

warn contains result.at(["subjects", k, "name"], msg) if {
	some k, subject in input.subjects
	subject.kind == "Group"
	subject.name == "system:masters"
	msg := "Group \"system:masters\" bypasses RBAC entirely, so binding a role to it does nothing but mislead reviewers; remove the subject"
}

everyone("system:authenticated") := "every authenticated user and service account"

everyone("system:serviceaccounts") := "every service account of the cluster"

everyone(name) := sprintf("every service account of namespace %q", [substring(name, count(prefix), -1)]) if {
	startswith(name, prefix)
}

prefix := "system:serviceaccounts:"
