# METADATA
# title: RBAC rule allows creating persistent volumes
# description: >-
#   create on persistentvolumes lets the subject define a hostPath (or
#   other node-local) volume and claim it from a pod: the pod then reads and
#   writes the node's file system, escaping the container. persistentvolumes
#   are cluster-scoped: a Role cannot grant them and is not reported.
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

warn contains finding(i, input.rules[i], detail) if {
	some i, details in rbac.found["rbac-persistent-volume-create"]
	some detail in details
}

# finding is the result of one detail of entry rule (rules[i]). It reads no
# input, so kvet computes it once per distinct argument in a run.
finding(i, rule, [j, verbs, _]) := result.at(["rules", i, "resources", j], msg) if {
	msg := sprintf(
		"rules[%d] grants [%s] on %s: a hostPath PersistentVolume gives pods the node's file system; let a StorageClass provision volumes from claims instead",
		[i, rbac.quoted(verbs), result.quote(rule.resources[j])],
	)
}
