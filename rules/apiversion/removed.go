package apiversion

// GuideURL is Kubernetes' "Deprecated API Migration Guide", the source of
// the table below (its "Removed APIs by release" section).
const GuideURL = "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"

// Replacement is an API version to migrate to, and the first Kubernetes
// release that serves it.
type Replacement struct {
	APIVersion string
	Since      int // minor release: 1.Since
}

// Removal is one group/version/kind that Kubernetes no longer serves.
type Removal struct {
	APIVersion string // group/version, such as "batch/v1beta1"
	Kind       string
	// RemovedIn is the first release (1.RemovedIn) that no longer serves it.
	RemovedIn int
	// Replacements are the versions to migrate to, preferred first; the
	// rule names the first one the target release serves. None means there
	// is no replacement, and Instead says what to do.
	Replacements []Replacement
	Instead      string
	// Source says where the entry comes from: "guide" (GuideURL),
	// "catalog" (kvet's rule catalog: alpha versions the guide does not
	// list, removed with their beta siblings), "k8s.io/api" (the
	// APILifecycleRemoved of the type in k8s.io/api; the guide does not
	// list it) or "changelog" (an alpha API removed before the guide
	// began, per the release's CHANGELOG).
	Source string
}

// Removals returns the table of removed API versions, newest removal first.
// Releases and replacements are checked against the prerelease lifecycle
// of the k8s.io/api types wherever those still exist there, and so are the
// "since" releases, except where the guide says otherwise
// (removed_test.go).
func Removals() []Removal {
	r := func(minor int, apiVersion string, kinds []string, source string, repl ...Replacement) []Removal {
		var out []Removal
		for _, k := range kinds {
			out = append(out, Removal{APIVersion: apiVersion, Kind: k, RemovedIn: minor, Replacements: repl, Source: source})
		}
		return out
	}
	kinds := func(k ...string) []string { return k }
	since := func(apiVersion string, minor int) Replacement {
		return Replacement{APIVersion: apiVersion, Since: minor}
	}
	var t [][]Removal

	// 1.37 (k8s.io/api v0.37 lifecycle).
	t = append(t,
		r(37, "networking.k8s.io/v1beta1", kinds("IPAddress", "ServiceCIDR"), "k8s.io/api", since("networking.k8s.io/v1", 33)),
		r(37, "storage.k8s.io/v1beta1", kinds("VolumeAttributesClass"), "k8s.io/api", since("storage.k8s.io/v1", 34)),
		r(37, "certificates.k8s.io/v1alpha1", kinds("ClusterTrustBundle"), "k8s.io/api", since("certificates.k8s.io/v1", 37), since("certificates.k8s.io/v1beta1", 33)),
	)
	// 1.35, 1.34, 1.33, 1.32 (k8s.io/api lifecycle) and the guide's 1.32.
	t = append(t,
		r(35, "storage.k8s.io/v1alpha1", kinds("VolumeAttributesClass"), "k8s.io/api", since("storage.k8s.io/v1", 34), since("storage.k8s.io/v1beta1", 31)),
		r(34, "admissionregistration.k8s.io/v1beta1", kinds("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"), "k8s.io/api",
			since("admissionregistration.k8s.io/v1", 30)),
		r(33, "authentication.k8s.io/v1beta1", kinds("SelfSubjectReview"), "k8s.io/api", since("authentication.k8s.io/v1", 28)),
		r(32, "authentication.k8s.io/v1alpha1", kinds("SelfSubjectReview"), "k8s.io/api", since("authentication.k8s.io/v1", 28), since("authentication.k8s.io/v1beta1", 27)),
		r(32, "admissionregistration.k8s.io/v1alpha1", kinds("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"), "k8s.io/api",
			since("admissionregistration.k8s.io/v1", 30), since("admissionregistration.k8s.io/v1beta1", 28)),
		r(32, "flowcontrol.apiserver.k8s.io/v1beta3", kinds("FlowSchema", "PriorityLevelConfiguration"), "guide",
			since("flowcontrol.apiserver.k8s.io/v1", 29)),
	)
	// 1.29, 1.27, 1.26 (guide).
	t = append(t,
		r(29, "flowcontrol.apiserver.k8s.io/v1beta2", kinds("FlowSchema", "PriorityLevelConfiguration"), "guide",
			since("flowcontrol.apiserver.k8s.io/v1", 29), since("flowcontrol.apiserver.k8s.io/v1beta3", 26)),
		r(27, "storage.k8s.io/v1beta1", kinds("CSIStorageCapacity"), "guide", since("storage.k8s.io/v1", 24)),
		r(26, "flowcontrol.apiserver.k8s.io/v1beta1", kinds("FlowSchema", "PriorityLevelConfiguration"), "guide",
			since("flowcontrol.apiserver.k8s.io/v1", 29), since("flowcontrol.apiserver.k8s.io/v1beta3", 26), since("flowcontrol.apiserver.k8s.io/v1beta2", 23)),
		r(26, "autoscaling/v2beta2", kinds("HorizontalPodAutoscaler"), "guide", since("autoscaling/v2", 23)),
	)
	// 1.25 (guide).
	t = append(t,
		r(25, "batch/v1beta1", kinds("CronJob"), "guide", since("batch/v1", 21)),
		r(25, "discovery.k8s.io/v1beta1", kinds("EndpointSlice"), "guide", since("discovery.k8s.io/v1", 21)),
		r(25, "events.k8s.io/v1beta1", kinds("Event"), "guide", since("events.k8s.io/v1", 19)),
		r(25, "autoscaling/v2beta1", kinds("HorizontalPodAutoscaler"), "guide", since("autoscaling/v2", 23)),
		r(25, "policy/v1beta1", kinds("PodDisruptionBudget"), "guide", since("policy/v1", 21)),
		r(25, "node.k8s.io/v1beta1", kinds("RuntimeClass"), "guide", since("node.k8s.io/v1", 20)),
		[]Removal{{APIVersion: "policy/v1beta1", Kind: "PodSecurityPolicy", RemovedIn: 25, Source: "guide",
			Instead: "enforce the Pod Security Standards with Pod Security Admission (namespace labels pod-security.kubernetes.io/*) or an admission webhook"}},
	)
	// 1.24 (k8s.io/api lifecycle: alpha versions).
	t = append(t,
		r(24, "storage.k8s.io/v1alpha1", kinds("CSIStorageCapacity"), "k8s.io/api", since("storage.k8s.io/v1", 24), since("storage.k8s.io/v1beta1", 21)),
		r(24, "storage.k8s.io/v1alpha1", kinds("VolumeAttachment"), "k8s.io/api", since("storage.k8s.io/v1", 13)),
	)
	// 1.22 (guide; rbac.authorization.k8s.io/v1alpha1 from the catalog).
	t = append(t,
		r(22, "admissionregistration.k8s.io/v1beta1", kinds("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"), "guide",
			since("admissionregistration.k8s.io/v1", 16)),
		r(22, "apiextensions.k8s.io/v1beta1", kinds("CustomResourceDefinition"), "guide", since("apiextensions.k8s.io/v1", 16)),
		r(22, "apiregistration.k8s.io/v1beta1", kinds("APIService"), "guide", since("apiregistration.k8s.io/v1", 10)),
		r(22, "authentication.k8s.io/v1beta1", kinds("TokenReview"), "guide", since("authentication.k8s.io/v1", 6)),
		r(22, "authorization.k8s.io/v1beta1", kinds("LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"), "guide",
			since("authorization.k8s.io/v1", 6)),
		r(22, "certificates.k8s.io/v1beta1", kinds("CertificateSigningRequest"), "guide", since("certificates.k8s.io/v1", 19)),
		r(22, "coordination.k8s.io/v1beta1", kinds("Lease"), "guide", since("coordination.k8s.io/v1", 14)),
		r(22, "extensions/v1beta1", kinds("Ingress"), "guide", since("networking.k8s.io/v1", 19)),
		r(22, "networking.k8s.io/v1beta1", kinds("Ingress", "IngressClass"), "guide", since("networking.k8s.io/v1", 19)),
		r(22, "rbac.authorization.k8s.io/v1beta1", kinds("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"), "guide",
			since("rbac.authorization.k8s.io/v1", 8)),
		r(22, "rbac.authorization.k8s.io/v1alpha1", kinds("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"), "catalog",
			since("rbac.authorization.k8s.io/v1", 8)),
		r(22, "scheduling.k8s.io/v1beta1", kinds("PriorityClass"), "guide", since("scheduling.k8s.io/v1", 14)),
		r(22, "storage.k8s.io/v1beta1", kinds("CSIDriver"), "guide", since("storage.k8s.io/v1", 19)),
		r(22, "storage.k8s.io/v1beta1", kinds("CSINode"), "guide", since("storage.k8s.io/v1", 17)),
		r(22, "storage.k8s.io/v1beta1", kinds("StorageClass"), "guide", since("storage.k8s.io/v1", 6)),
		r(22, "storage.k8s.io/v1beta1", kinds("VolumeAttachment"), "guide", since("storage.k8s.io/v1", 13)),
	)
	// 1.21 (CHANGELOG-1.21: the alpha batch/v2alpha1 was deleted; k8s.io/api
	// v0.20 has it, v0.21 does not).
	t = append(t,
		r(21, "batch/v2alpha1", kinds("CronJob"), "changelog", since("batch/v1", 21)),
	)
	// 1.16 (guide; ControllerRevision from the k8s.io/api lifecycle).
	t = append(t,
		r(16, "extensions/v1beta1", kinds("NetworkPolicy"), "guide", since("networking.k8s.io/v1", 8)),
		r(16, "extensions/v1beta1", kinds("DaemonSet", "Deployment", "ReplicaSet"), "guide", since("apps/v1", 9)),
		r(16, "apps/v1beta1", kinds("Deployment", "ReplicaSet", "StatefulSet"), "guide", since("apps/v1", 9)),
		r(16, "apps/v1beta2", kinds("DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"), "guide", since("apps/v1", 9)),
		r(16, "apps/v1beta1", kinds("ControllerRevision"), "k8s.io/api", since("apps/v1", 9)),
		r(16, "apps/v1beta2", kinds("ControllerRevision"), "k8s.io/api", since("apps/v1", 9)),
		// Its replacement, policy/v1beta1, was itself removed in 1.25.
		r(16, "extensions/v1beta1", kinds("PodSecurityPolicy"), "guide", since("policy/v1beta1", 10)),
	)
	// 1.14 (CHANGELOG-1.14: the alpha Initializers feature was removed).
	t = append(t, []Removal{{APIVersion: "admissionregistration.k8s.io/v1alpha1", Kind: "InitializerConfiguration", RemovedIn: 14, Source: "changelog",
		Instead: "initializers are gone; use a mutating admission webhook (admissionregistration.k8s.io/v1 MutatingWebhookConfiguration)"}})
	// 1.6 (CHANGELOG-1.6: extensions/v1beta1 Jobs were removed, kubernetes
	// PR #38614; batch/v1 serves them since 1.2).
	t = append(t,
		r(6, "extensions/v1beta1", kinds("Job"), "changelog", since("batch/v1", 2)),
	)
	var out []Removal
	for _, rs := range t {
		out = append(out, rs...)
	}
	return out
}
