# METADATA
# title: binding grants the cluster-admin ClusterRole
# description: >-
#   cluster-admin allows every action on every resource. Bound by a
#   ClusterRoleBinding it gives its subjects the whole cluster (error); bound
#   by a RoleBinding it gives them everything in the namespace, secrets and
#   RBAC included (warning). Workloads and people rarely need either.
# custom:
#   id: rbac-cluster-admin-binding
#   severity: error
#   kinds: [RoleBinding, ClusterRoleBinding]
#   remediation: >-
#     Bind a role with only the permissions the subjects need: the built-in
#     view or edit ClusterRoles in a RoleBinding, or a dedicated Role. Keep
#     cluster-admin for break-glass access.
#   doc: |
#     Bad:
#
#         kind: ClusterRoleBinding
#         roleRef:
#           apiGroup: rbac.authorization.k8s.io
#           kind: ClusterRole
#           name: cluster-admin
package kvet.rules.rbac["rbac-cluster-admin-binding"]

import data.kvet.lib.result

severity := {"ClusterRoleBinding": "error", "RoleBinding": "warning"}

scope := {"ClusterRoleBinding": "every resource of the cluster", "RoleBinding": "every resource of the namespace"}

deny contains result.with_severity(["roleRef", "name"], msg, severity[input.kind]) if {
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
	msg := sprintf(
		"%s binds cluster-admin: its subjects get every action on %s, secrets and RBAC included; bind a role with only the permissions they need (view, edit or a dedicated Role)",
		[input.kind, scope[input.kind]],
	)
}
