# METADATA
# title: binding names an individual user
# description: >-
#   A User subject ties permissions to one person's identity. When people
#   change teams or leave, bindings to users are forgotten; groups from the
#   identity provider are reviewed and revoked in one place. System users
#   (system:*) are not reported.
# custom:
#   id: rbac-user-subject
#   severity: info
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: >-
#     Bind a Group that the identity provider manages (for example a team
#     group claim of your OIDC provider) and put the user in it.
package kvet.rules.rbac["rbac-user-subject"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains finding(k, input.subjects[k]) if {
	some k, _ in rbac.subjects_found["rbac-user-subject"]
}

# finding is the result of subjects[k], subject. It reads no input, so kvet
# computes it once per distinct argument in a run.
finding(k, subject) := result.at(["subjects", k, "name"], msg) if {
	msg := sprintf(
		"User %s is bound directly: permissions of individuals are forgotten when they change teams; bind a Group managed by your identity provider instead",
		[result.quote(subject.name)],
	)
}
