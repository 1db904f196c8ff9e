# METADATA
# title: binding grants permissions to anonymous users
# description: >-
#   The User system:anonymous and the Group system:unauthenticated are every
#   request without credentials. A binding to them gives its role to anyone
#   who can reach the API server.
# custom:
#   id: rbac-anonymous-subject
#   severity: error
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: >-
#     Remove the subject. Components that must call the API need a
#     ServiceAccount or a client certificate; health checks use /healthz,
#     /livez and /readyz, which system:public-info-viewer already covers.
package kvet.rules.rbac["rbac-anonymous-subject"]

import data.kvet.lib.rbac
import data.kvet.lib.result

deny contains finding(k, input.subjects[k], object.get(input, ["roleRef", "name"], "")) if {
	some k, _ in rbac.subjects_found["rbac-anonymous-subject"]
}

# finding is the result of subjects[k], subject, of a binding to role. It
# reads no input, so kvet computes it once per distinct argument in a run.
finding(k, subject, role) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"%s %s is every unauthenticated request: anyone who can reach the API server gets the role %s; remove the subject",
		[subject.kind, result.quote(subject.name), result.quote(role)],
	)
}
