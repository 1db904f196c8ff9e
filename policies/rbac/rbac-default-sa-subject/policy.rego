# METADATA
# title: binding grants permissions to a default ServiceAccount
# description: >-
#   Every pod that does not name a service account runs as its namespace's
#   default ServiceAccount. Permissions bound to default therefore go to
#   every such pod, present and future, not just the workload that needed
#   them. A User subject named system:serviceaccount:<namespace>:default
#   is the same account, by the user name the authorizer matches.
# custom:
#   id: rbac-default-sa-subject
#   severity: warning
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: >-
#     Create a ServiceAccount for the workload, set serviceAccountName in its
#     pod template, and bind the role to that ServiceAccount.
package kvet.rules.rbac["rbac-default-sa-subject"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(k, input.subjects[k], object.get(input, ["roleRef", "name"], ""), detail) if {
	some k, details in rbac.subjects_found["rbac-default-sa-subject"]
	some detail in details
}

# finding is the result of one detail of subjects[k], subject, of a binding
# to role. It reads no input, so kvet computes it once per distinct argument
# in a run.
finding(k, subject, role, []) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"ServiceAccount \"default\"%s runs every pod that names no service account: they all get the role %s; create a ServiceAccount for the workload and bind that",
		[namespace(subject), result.quote(role)],
	)
}

finding(k, subject, role, ["user", ns]) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"User %s is the ServiceAccount \"default\" of namespace %s, which runs every pod that names no service account: they all get the role %s; create a ServiceAccount for the workload and bind that",
		[result.quote(subject.name), result.quote(ns), result.quote(role)],
	)
}

namespace(subject) := sprintf(" of namespace %s", [result.quote(subject.namespace)]) if {
	is_string(subject.namespace)
	subject.namespace != ""
} else := ""
