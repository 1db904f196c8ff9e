# METADATA
# title: binding grants permissions to a default ServiceAccount
# description: >-
#   Every pod that does not name a service account runs as its namespace's
#   default ServiceAccount. Permissions bound to default therefore go to
#   every such pod, present and future, not just the workload that needed
#   them.
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

warn contains result.at(["subjects", k, "name"], msg) if {
	some k, _ in rbac.subjects_found["rbac-default-sa-subject"]
	msg := sprintf(
		"ServiceAccount \"default\"%s runs every pod that names no service account: they all get the role %s; create a ServiceAccount for the workload and bind that",
		[namespace(input.subjects[k]), result.quote(object.get(input, ["roleRef", "name"], ""))],
	)
}

namespace(subject) := sprintf(" of namespace %s", [result.quote(subject.namespace)]) if {
	is_string(subject.namespace)
	subject.namespace != ""
} else := ""
