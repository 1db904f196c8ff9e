# METADATA
# title: RBAC rule allows creating persistent volumes
# description: >-
#   create on persistentvolumes lets the subject define a hostPath (or
#   other node-local) volume and claim it from a pod: the pod then reads and
#   writes the node's file system, escaping the container.
# custom:
#   id: rbac-persistent-volume-create
#   severity: warning
#   kinds: [Role, ClusterRole]
#   remediation: >-
#     Let users create PersistentVolumeClaims and have a StorageClass
#     provision volumes; keep persistentvolumes create for administrators and
#     storage provisioners.
package kvet.rules.rbac["rbac-persistent-volume-create"]

import data.kvet.lib.rbac
import data.kvet.lib.result

warn contains result.at(["rules", i, "resources", j], msg) if {
	some i, details in rbac.found["rbac-persistent-volume-create"]
	some [j, verbs, _] in details
	pattern := input.rules[i].resources[j]
	msg := sprintf(
		"rules[%d] grants [%s] on %s: a hostPath PersistentVolume gives pods the node's file system; let a StorageClass provision volumes from claims instead",
		[i, rbac.quoted(verbs), result.quote(pattern)],
	)
}
