package analyzer

import (
	"fmt"
	"reflect"
	"slices"
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
	// servedAs is the apiVersion current Kubernetes serves the kind under
	// when it is another group's (extensions Deployment: apps/v1).
	servedAs string
	// enums adds to enumFields the enum fields whose values depend on the
	// kind (a pod template's restartPolicy).
	enums map[reflect.Type]map[string][]string
}

// kinds is knownKinds, built once (read only).
var kinds = knownKinds()

// ServedAPIVersion says how current Kubernetes serves a kind that kvet
// decodes (known is false for the others): use is the apiVersion to write
// ("batch/v1" for a Job, "apps/v1" for an extensions/v1beta1 Deployment),
// and served whether apiVersion is one it serves. A kind kvet decodes under
// another built-in group (v1 Deployment, apps/v1 CronJob) is known and not
// served: a group without a dot is Kubernetes' own (a
// CustomResourceDefinition's group must have one), so it is the wrong
// group, not another API's kind of that name (Knative's
// serving.knative.dev Service).
func ServedAPIVersion(apiVersion, kind string) (use string, served, known bool) {
	group, version := splitAPIVersion(apiVersion)
	info, known := kinds[group+"/"+kind]
	switch {
	case !known && !strings.Contains(group, "."):
		for key, other := range kinds {
			if other.servedAs == "" && strings.HasSuffix(key, "/"+kind) {
				g, _, _ := strings.Cut(key, "/")
				return other.apiVersion(g), false, true
			}
		}
		return "", false, false
	case !known:
		return "", false, false
	case info.servedAs != "":
		return info.servedAs, false, true
	}
	return info.apiVersion(group), slices.Contains(info.versions, version), true
}

// apiVersion returns the newest apiVersion of a kind of group that
// Kubernetes serves.
func (info kindInfo) apiVersion(group string) string {
	if group == "" {
		return info.versions[0]
	}
	return group + "/" + info.versions[0]
}

// knownKinds maps "group/Kind" to its decoding. Objects of an older or
// unknown version of a known group/kind are decoded into the current type
// without unknown-field checks, so the rules still see them.
func knownKinds() map[string]kindInfo {
	return map[string]kindInfo{
		"/Pod":                                  {func() any { return new(corev1.Pod) }, []string{"v1"}, "", podRestartPolicy},
		"/ReplicationController":                {func() any { return new(corev1.ReplicationController) }, []string{"v1"}, "", templateRestartPolicy},
		"/ServiceAccount":                       {func() any { return new(corev1.ServiceAccount) }, []string{"v1"}, "", nil},
		"/Service":                              {func() any { return new(corev1.Service) }, []string{"v1"}, "", nil},
		"batch/Job":                             {func() any { return new(batchv1.Job) }, []string{"v1"}, "", nil},
		"batch/CronJob":                         {func() any { return new(batchv1.CronJob) }, []string{"v1"}, "", nil},
		"apps/Deployment":                       {func() any { return new(appsv1.Deployment) }, []string{"v1"}, "", templateRestartPolicy},
		"apps/StatefulSet":                      {func() any { return new(appsv1.StatefulSet) }, []string{"v1"}, "", templateRestartPolicy},
		"apps/DaemonSet":                        {func() any { return new(appsv1.DaemonSet) }, []string{"v1"}, "", templateRestartPolicy},
		"apps/ReplicaSet":                       {func() any { return new(appsv1.ReplicaSet) }, []string{"v1"}, "", templateRestartPolicy},
		"extensions/Deployment":                 {func() any { return new(appsv1.Deployment) }, nil, "apps/v1", templateRestartPolicy},
		"extensions/DaemonSet":                  {func() any { return new(appsv1.DaemonSet) }, nil, "apps/v1", templateRestartPolicy},
		"extensions/ReplicaSet":                 {func() any { return new(appsv1.ReplicaSet) }, nil, "apps/v1", templateRestartPolicy},
		"extensions/Job":                        {func() any { return new(batchv1.Job) }, nil, "batch/v1", nil},
		"rbac.authorization.k8s.io/Role":        {func() any { return new(rbacv1.Role) }, []string{"v1"}, "", nil},
		"rbac.authorization.k8s.io/ClusterRole": {func() any { return new(rbacv1.ClusterRole) }, []string{"v1"}, "", nil},
		"rbac.authorization.k8s.io/RoleBinding": {func() any { return new(rbacv1.RoleBinding) }, []string{"v1"}, "", nil},
		"rbac.authorization.k8s.io/ClusterRoleBinding": {func() any { return new(rbacv1.ClusterRoleBinding) }, []string{"v1"}, "", nil},

		// No rule reads a claim: it is decoded for the schema and its enum
		// fields (accessModes, volumeMode), as in a volumeClaimTemplate.
		"/PersistentVolumeClaim": {func() any { return new(corev1.PersistentVolumeClaim) }, []string{"v1"}, "", nil},
	}
}

// enumFields lists the string fields (or pointers to strings, or lists of
// strings, whose items are checked one by one) of known kinds whose values
// the API server checks against a fixed set (exactly, case included), by
// struct type and JSON name: another value is invalid-value. "" is listed
// where the API server defaults an empty string (a field that is a string,
// not a pointer, and has a default) or reads it as a value (a toleration's
// operator is Equal, its effect all effects, a hostPath volume's type no
// check). A claim's spec is checked wherever it is: in a pod's ephemeral
// volumes, which the API server validates with the pod, and in a
// StatefulSet's volumeClaimTemplates, which it does not, but the claims the
// controller makes from them are rejected and the pods that need them never
// start. Values behind an alpha feature gate are listed (a toleration's Lt and
// Gt, a StatefulSet's Recreate update strategy): kvet does not know the
// cluster's gates. Fields whose wrong values a rule reports are not listed
// (roleRef.kind is rbac-role-ref-kind-invalid's, a Job's restartPolicy
// job-restart-policy-invalid's), nor are those of RBAC objects, which
// RBACRejections checks (a subject's kind); a rule may still report on
// valid values (cronjob-concurrency-allow on Allow). Fields whose values depend on the
// kind are in kindInfo.enums. An ephemeral container's own fields are not
// listed: the API server rejects ephemeral containers whole
// (rejectedFields), which a problem found inside one would hide.
var enumFields = map[reflect.Type]map[string][]string{
	reflect.TypeFor[batchv1.CronJobSpec](): {
		"concurrencyPolicy": {"", string(batchv1.AllowConcurrent), string(batchv1.ForbidConcurrent), string(batchv1.ReplaceConcurrent)},
	},
	reflect.TypeFor[batchv1.JobSpec](): {
		"completionMode":       {string(batchv1.NonIndexedCompletion), string(batchv1.IndexedCompletion)},
		"podReplacementPolicy": {string(batchv1.TerminatingOrFailed), string(batchv1.Failed)},
	},
	reflect.TypeFor[corev1.PodSpec](): {
		"dnsPolicy":        {"", string(corev1.DNSClusterFirstWithHostNet), string(corev1.DNSClusterFirst), string(corev1.DNSDefault), string(corev1.DNSNone)},
		"preemptionPolicy": {string(corev1.PreemptLowerPriority), string(corev1.PreemptNever)},
	},
	reflect.TypeFor[corev1.Container](): {
		"imagePullPolicy":          {"", string(corev1.PullAlways), string(corev1.PullIfNotPresent), string(corev1.PullNever)},
		"terminationMessagePolicy": {"", string(corev1.TerminationMessageReadFile), string(corev1.TerminationMessageFallbackToLogsOnError)},
	},
	reflect.TypeFor[corev1.ContainerPort]():   {"protocol": portProtocols},
	reflect.TypeFor[corev1.HTTPGetAction]():   {"scheme": {"", string(corev1.URISchemeHTTP), string(corev1.URISchemeHTTPS)}},
	reflect.TypeFor[corev1.SeccompProfile]():  {"type": {string(corev1.SeccompProfileTypeLocalhost), string(corev1.SeccompProfileTypeRuntimeDefault), string(corev1.SeccompProfileTypeUnconfined)}},
	reflect.TypeFor[corev1.AppArmorProfile](): {"type": {string(corev1.AppArmorProfileTypeLocalhost), string(corev1.AppArmorProfileTypeRuntimeDefault), string(corev1.AppArmorProfileTypeUnconfined)}},
	reflect.TypeFor[corev1.Toleration](): {
		"operator": {"", string(corev1.TolerationOpEqual), string(corev1.TolerationOpExists), string(corev1.TolerationOpLt), string(corev1.TolerationOpGt)},
		"effect":   {"", string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)},
	},
	reflect.TypeFor[corev1.ServiceSpec](): {
		"type":                  {"", string(corev1.ServiceTypeClusterIP), string(corev1.ServiceTypeNodePort), string(corev1.ServiceTypeLoadBalancer), string(corev1.ServiceTypeExternalName)},
		"sessionAffinity":       {"", string(corev1.ServiceAffinityClientIP), string(corev1.ServiceAffinityNone)},
		"externalTrafficPolicy": {"", string(corev1.ServiceExternalTrafficPolicyCluster), string(corev1.ServiceExternalTrafficPolicyLocal)},
		"internalTrafficPolicy": {string(corev1.ServiceInternalTrafficPolicyCluster), string(corev1.ServiceInternalTrafficPolicyLocal)},
		"ipFamilyPolicy":        {string(corev1.IPFamilyPolicySingleStack), string(corev1.IPFamilyPolicyPreferDualStack), string(corev1.IPFamilyPolicyRequireDualStack)},
	},
	reflect.TypeFor[corev1.ServicePort](): {"protocol": portProtocols},
	reflect.TypeFor[corev1.HostPathVolumeSource](): {
		"type": {"", string(corev1.HostPathDirectoryOrCreate), string(corev1.HostPathDirectory), string(corev1.HostPathFileOrCreate),
			string(corev1.HostPathFile), string(corev1.HostPathSocket), string(corev1.HostPathCharDev), string(corev1.HostPathBlockDev)},
	},
	reflect.TypeFor[corev1.PersistentVolumeClaimSpec](): {
		"accessModes": {string(corev1.ReadWriteOnce), string(corev1.ReadOnlyMany), string(corev1.ReadWriteMany), string(corev1.ReadWriteOncePod)},
		"volumeMode":  {string(corev1.PersistentVolumeFilesystem), string(corev1.PersistentVolumeBlock)},
	},
	reflect.TypeFor[appsv1.DeploymentStrategy](): {
		"type": {"", string(appsv1.RecreateDeploymentStrategyType), string(appsv1.RollingUpdateDeploymentStrategyType)},
	},
	reflect.TypeFor[appsv1.StatefulSetSpec](): {
		"podManagementPolicy": {"", string(appsv1.OrderedReadyPodManagement), string(appsv1.ParallelPodManagement)},
	},
	reflect.TypeFor[appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy](): {
		"whenDeleted": claimRetentionPolicies,
		"whenScaled":  claimRetentionPolicies,
	},
	reflect.TypeFor[appsv1.StatefulSetUpdateStrategy](): {
		"type": {"", string(appsv1.RollingUpdateStatefulSetStrategyType), string(appsv1.OnDeleteStatefulSetStrategyType), string(appsv1.RecreateStatefulSetStrategyType)},
	},
	reflect.TypeFor[appsv1.DaemonSetUpdateStrategy](): {
		"type": {"", string(appsv1.RollingUpdateDaemonSetStrategyType), string(appsv1.OnDeleteDaemonSetStrategyType)},
	},
}

// portProtocols are the protocols of a container's or a Service's port
// (defaulted to TCP when empty).
var portProtocols = []string{"", string(corev1.ProtocolTCP), string(corev1.ProtocolUDP), string(corev1.ProtocolSCTP)}

// claimRetentionPolicies are what a StatefulSet does with its claims when
// it is deleted or scaled down (defaulted to Retain when empty).
var claimRetentionPolicies = []string{"", string(appsv1.RetainPersistentVolumeClaimRetentionPolicyType), string(appsv1.DeletePersistentVolumeClaimRetentionPolicyType)}

// A pod's restartPolicy (the kindInfo.enums of Pod) is Always, OnFailure or
// Never; the API server accepts only Always in the pod template of a
// Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController
// (templateRestartPolicy). Both are defaulted to Always when empty. A Job's
// (and a CronJob's) is job-restart-policy-invalid's.
var (
	podRestartPolicy = map[reflect.Type]map[string][]string{
		reflect.TypeFor[corev1.PodSpec](): {"restartPolicy": {"", string(corev1.RestartPolicyAlways), string(corev1.RestartPolicyOnFailure), string(corev1.RestartPolicyNever)}},
	}
	templateRestartPolicy = map[reflect.Type]map[string][]string{
		reflect.TypeFor[corev1.PodSpec](): {"restartPolicy": {"", string(corev1.RestartPolicyAlways)}},
	}
)

// rejectedFields lists the fields of known kinds that the API server
// rejects in any manifest when they are not empty, by struct type and JSON
// name, with the reason (an invalid-value message).
var rejectedFields = map[reflect.Type]map[string]string{
	reflect.TypeFor[corev1.PodSpec](): {
		"ephemeralContainers": "the API server rejects ephemeral containers when a pod is created and in every pod template; " +
			"they are added to a running pod with kubectl debug (the pods/ephemeralcontainers subresource): remove them",
	},
}

// isEmpty reports whether v is the zero value, or an empty list or map.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

// enumValue returns the value of an enum field: a string, or the string a
// non-nil pointer points to.
func enumValue(v reflect.Value) (string, bool) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.String {
		return "", false
	}
	return v.String(), true
}

// enumProblem says why value is not one of allowed, naming the value it
// differs from in case only.
func enumProblem(value string, allowed []string) string {
	var names []string
	hint := ""
	for _, a := range allowed {
		if a == "" {
			continue
		}
		names = append(names, a)
		if strings.EqualFold(a, value) {
			hint = fmt.Sprintf(" (values are case-sensitive: did you mean %q?)", a)
		}
	}
	if len(names) == 1 {
		return fmt.Sprintf("invalid value %s: must be %s%s", Quote(value), names[0], hint)
	}
	return fmt.Sprintf("invalid value %s: must be one of %s%s", Quote(value), strings.Join(names, ", "), hint)
}

// splitAPIVersion splits "group/version" ("v1" is the core group).
func splitAPIVersion(apiVersion string) (group, version string) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return "", apiVersion
	}
	return group, version
}
