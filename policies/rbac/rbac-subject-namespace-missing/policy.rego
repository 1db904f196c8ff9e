# METADATA
# title: ServiceAccount subject without namespace in a ClusterRoleBinding
# description: >-
#   A ServiceAccount subject is identified by namespace and name. In a
#   RoleBinding a missing namespace defaults to the binding's own; a
#   ClusterRoleBinding has no namespace, and the API server rejects the
#   subject.
# custom:
#   id: rbac-subject-namespace-missing
#   severity: error
#   kinds: [ClusterRoleBinding]
#   remediation: Add the namespace of the ServiceAccount to the subject.
#   doc: |
#     Good:
#
#         subjects:
#         - kind: ServiceAccount
#           name: backup
#           namespace: ops
package kvet.rules.rbac["rbac-subject-namespace-missing"]

import data.kvet.lib.rbac
import data.kvet.lib.result

deny contains finding(k, input.subjects[k]) if {
	some k, _ in rbac.subjects_found["rbac-subject-namespace-missing"]
}

# finding is the result of subjects[k], subject. It reads no input, so kvet
# computes it once per distinct argument in a run.
finding(k, subject) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"ServiceAccount subject %s has no namespace: a ClusterRoleBinding has none to default to, so the API server rejects it; add namespace",
		[result.quote(object.get(subject, "name", ""))],
	)
}
