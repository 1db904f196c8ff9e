package analyzer

import (
	"reflect"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// kindInfo says how to decode one kind.
type kindInfo struct {
	newObject func() any
	// versions served by current Kubernetes, decoded strictly.
	versions []string
}

// knownKinds maps "group/Kind" to its decoding. Objects of an older or
// unknown version of a known group/kind are decoded into the current type
// without unknown-field checks, so the rules still see them.
func knownKinds() map[string]kindInfo {
	return map[string]kindInfo{
		"/Pod":                                         {func() any { return new(corev1.Pod) }, []string{"v1"}},
		"/ReplicationController":                       {func() any { return new(corev1.ReplicationController) }, []string{"v1"}},
		"/ServiceAccount":                              {func() any { return new(corev1.ServiceAccount) }, []string{"v1"}},
		"/Service":                                     {func() any { return new(corev1.Service) }, []string{"v1"}},
		"batch/Job":                                    {func() any { return new(batchv1.Job) }, []string{"v1"}},
		"batch/CronJob":                                {func() any { return new(batchv1.CronJob) }, []string{"v1"}},
		"apps/Deployment":                              {func() any { return new(appsv1.Deployment) }, []string{"v1"}},
		"apps/StatefulSet":                             {func() any { return new(appsv1.StatefulSet) }, []string{"v1"}},
		"apps/DaemonSet":                               {func() any { return new(appsv1.DaemonSet) }, []string{"v1"}},
		"apps/ReplicaSet":                              {func() any { return new(appsv1.ReplicaSet) }, []string{"v1"}},
		"extensions/Deployment":                        {func() any { return new(appsv1.Deployment) }, nil},
		"extensions/DaemonSet":                         {func() any { return new(appsv1.DaemonSet) }, nil},
		"extensions/ReplicaSet":                        {func() any { return new(appsv1.ReplicaSet) }, nil},
		"rbac.authorization.k8s.io/Role":               {func() any { return new(rbacv1.Role) }, []string{"v1"}},
		"rbac.authorization.k8s.io/ClusterRole":        {func() any { return new(rbacv1.ClusterRole) }, []string{"v1"}},
		"rbac.authorization.k8s.io/RoleBinding":        {func() any { return new(rbacv1.RoleBinding) }, []string{"v1"}},
		"rbac.authorization.k8s.io/ClusterRoleBinding": {func() any { return new(rbacv1.ClusterRoleBinding) }, []string{"v1"}},
	}
}

// enumFields lists the string fields of known kinds whose values the API
// server checks against a fixed set (exactly, case included), by struct
// type and JSON name: another value is invalid-value. Only fields no rule
// reports on are listed (roleRef.kind is rbac-role-ref-kind-invalid's).
var enumFields = map[reflect.Type]map[string][]string{
	reflect.TypeFor[rbacv1.Subject](): {"kind": {rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}},
}

// splitAPIVersion splits "group/version" ("v1" is the core group).
func splitAPIVersion(apiVersion string) (group, version string) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return "", apiVersion
	}
	return group, version
}
