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

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(k, input.subjects[k], object.get(input, ["roleRef", "name"], ""), detail) if {
	some k, details in rbac.subjects_found["rbac-broad-group-subject"]
	some detail in details
}

# finding is the result of one detail of subjects[k], subject, of a binding
# to role. It reads no input, so kvet computes it once per distinct argument
# in a run.
finding(k, subject, role, ["everyone", who]) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"Group %s is %s: they all get the role %s; bind the ServiceAccounts or Groups that need it by name",
		[result.quote(subject.name), who, result.quote(role)],
	)
}

finding(k, _, _, ["masters"]) := result.at(["subjects", k, "name"], msg) if {
	msg := "Group \"system:masters\" bypasses RBAC entirely, so binding a role to it does nothing but mislead reviewers; remove the subject"
}
