package rbac

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// APIResource is a resource the Kubernetes API serves out of the box.
type APIResource struct {
	Group      string
	Name       string // plural, as RBAC rules name it
	Singular   string
	ShortNames []string
	Namespaced bool
}

// APIResources returns the resources of the built-in API groups of
// Kubernetes 1.37 (what `kubectl api-resources` lists on a cluster without
// extensions, and the resources of impersonation), for resolving `kvet can-i` arguments and telling namespaced
// resources from cluster-scoped ones.
func APIResources() []APIResource {
	type r = APIResource
	ns, cluster := true, false
	return []APIResource{
		r{"", "bindings", "binding", nil, ns},
		r{"", "componentstatuses", "componentstatus", []string{"cs"}, cluster},
		r{"", "configmaps", "configmap", []string{"cm"}, ns},
		r{"", "endpoints", "endpoints", []string{"ep"}, ns},
		r{"", "events", "event", []string{"ev"}, ns},
		r{"", "limitranges", "limitrange", []string{"limits"}, ns},
		r{"", "namespaces", "namespace", []string{"ns"}, cluster},
		r{"", "nodes", "node", []string{"no"}, cluster},
		r{"", "persistentvolumeclaims", "persistentvolumeclaim", []string{"pvc"}, ns},
		r{"", "persistentvolumes", "persistentvolume", []string{"pv"}, cluster},
		r{"", "pods", "pod", []string{"po"}, ns},
		r{"", "podtemplates", "podtemplate", nil, ns},
		r{"", "replicationcontrollers", "replicationcontroller", []string{"rc"}, ns},
		r{"", "resourcequotas", "resourcequota", []string{"quota"}, ns},
		r{"", "secrets", "secret", nil, ns},
		r{"", "serviceaccounts", "serviceaccount", []string{"sa"}, ns},
		r{"", "services", "service", []string{"svc"}, ns},
		r{"admissionregistration.k8s.io", "mutatingadmissionpolicies", "mutatingadmissionpolicy", nil, cluster},
		r{"admissionregistration.k8s.io", "mutatingadmissionpolicybindings", "mutatingadmissionpolicybinding", nil, cluster},
		r{"admissionregistration.k8s.io", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", nil, cluster},
		r{"admissionregistration.k8s.io", "validatingadmissionpolicies", "validatingadmissionpolicy", nil, cluster},
		r{"admissionregistration.k8s.io", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", nil, cluster},
		r{"admissionregistration.k8s.io", "validatingwebhookconfigurations", "validatingwebhookconfiguration", nil, cluster},
		r{"apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition", []string{"crd", "crds"}, cluster},
		r{"apiregistration.k8s.io", "apiservices", "apiservice", nil, cluster},
		r{"apps", "controllerrevisions", "controllerrevision", nil, ns},
		r{"apps", "daemonsets", "daemonset", []string{"ds"}, ns},
		r{"apps", "deployments", "deployment", []string{"deploy"}, ns},
		r{"apps", "replicasets", "replicaset", []string{"rs"}, ns},
		r{"apps", "statefulsets", "statefulset", []string{"sts"}, ns},
		r{"authentication.k8s.io", "selfsubjectreviews", "selfsubjectreview", nil, cluster},
		r{"authentication.k8s.io", "tokenreviews", "tokenreview", nil, cluster},
		r{"authorization.k8s.io", "localsubjectaccessreviews", "localsubjectaccessreview", nil, ns},
		r{"authorization.k8s.io", "selfsubjectaccessreviews", "selfsubjectaccessreview", nil, cluster},
		r{"authorization.k8s.io", "selfsubjectrulesreviews", "selfsubjectrulesreview", nil, cluster},
		r{"authorization.k8s.io", "subjectaccessreviews", "subjectaccessreview", nil, cluster},
		r{"autoscaling", "horizontalpodautoscalers", "horizontalpodautoscaler", []string{"hpa"}, ns},
		r{"batch", "cronjobs", "cronjob", []string{"cj"}, ns},
		r{"batch", "jobs", "job", nil, ns},
		r{"certificates.k8s.io", "certificatesigningrequests", "certificatesigningrequest", []string{"csr"}, cluster},
		r{"certificates.k8s.io", "clustertrustbundles", "clustertrustbundle", nil, cluster},
		r{"coordination.k8s.io", "leasecandidates", "leasecandidate", nil, ns},
		r{"coordination.k8s.io", "leases", "lease", nil, ns},
		r{"discovery.k8s.io", "endpointslices", "endpointslice", nil, ns},
		r{"events.k8s.io", "events", "event", []string{"ev"}, ns},
		r{"flowcontrol.apiserver.k8s.io", "flowschemas", "flowschema", nil, cluster},
		r{"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", "prioritylevelconfiguration", nil, cluster},
		r{"networking.k8s.io", "ingressclasses", "ingressclass", nil, cluster},
		r{"networking.k8s.io", "ingresses", "ingress", []string{"ing"}, ns},
		r{"networking.k8s.io", "ipaddresses", "ipaddress", []string{"ip"}, cluster},
		r{"networking.k8s.io", "networkpolicies", "networkpolicy", []string{"netpol"}, ns},
		r{"networking.k8s.io", "servicecidrs", "servicecidr", nil, cluster},
		r{"node.k8s.io", "runtimeclasses", "runtimeclass", nil, cluster},
		r{"policy", "poddisruptionbudgets", "poddisruptionbudget", []string{"pdb"}, ns},
		r{"rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", nil, cluster},
		r{"rbac.authorization.k8s.io", "clusterroles", "clusterrole", nil, cluster},
		r{"rbac.authorization.k8s.io", "rolebindings", "rolebinding", nil, ns},
		r{"rbac.authorization.k8s.io", "roles", "role", nil, ns},
		r{"resource.k8s.io", "deviceclasses", "deviceclass", nil, cluster},
		r{"resource.k8s.io", "resourceclaims", "resourceclaim", nil, ns},
		r{"resource.k8s.io", "resourceclaimtemplates", "resourceclaimtemplate", nil, ns},
		r{"resource.k8s.io", "resourceslices", "resourceslice", nil, cluster},
		r{"scheduling.k8s.io", "priorityclasses", "priorityclass", []string{"pc"}, cluster},
		r{"storage.k8s.io", "csidrivers", "csidriver", nil, cluster},
		r{"storage.k8s.io", "csinodes", "csinode", nil, cluster},
		r{"storage.k8s.io", "csistoragecapacities", "csistoragecapacity", nil, ns},
		r{"storage.k8s.io", "storageclasses", "storageclass", []string{"sc"}, cluster},
		r{"storage.k8s.io", "volumeattachments", "volumeattachment", nil, cluster},
		r{"storage.k8s.io", "volumeattributesclasses", "volumeattributesclass", []string{"vac"}, cluster},
		// Not served, but named by RBAC rules: what impersonation asks for,
		// always outside any namespace (a ServiceAccount is impersonated in
		// its own).
		r{"", "users", "user", nil, cluster},
		r{"", "groups", "group", nil, cluster},
		r{"authentication.k8s.io", "uids", "uid", nil, cluster},
		r{"authentication.k8s.io", "userextras", "userextra", nil, cluster},
	}
}

// Namespaced reports whether resource (a plural name, possibly with a
// "/subresource") in group is a namespaced built-in resource; known is false
// for resources kvet does not know (custom resources), patterns ("*", "*/x")
// and the "*" group.
func Namespaced(group, resource string) (namespaced, known bool) {
	name, _, _ := strings.Cut(resource, "/")
	for _, r := range APIResources() {
		if r.Group == group && r.Name == name {
			return r.Namespaced, true
		}
	}
	return false, false
}

// LookupResource resolves a resource as `kubectl` arguments name it:
// "pods", "pod", "po", "deployments.apps" (RESOURCE.GROUP), any case. It
// returns the resource and whether it is known; an unknown resource comes
// back as given (lower-cased), in the group given or the core group.
func LookupResource(arg string) (APIResource, bool) {
	arg = strings.ToLower(arg)
	name, group, dotted := strings.Cut(arg, ".")
	find := func(group string) (APIResource, bool) {
		for _, r := range APIResources() {
			if dotted && r.Group != group {
				continue
			}
			if r.Name == name || r.Singular == name || slices.Contains(r.ShortNames, name) {
				return r, true
			}
		}
		return APIResource{}, false
	}
	if r, ok := find(group); ok {
		return r, true
	}
	// RESOURCE.VERSION.GROUP, as kubectl reads it when RESOURCE.GROUP
	// names nothing (deployments.v1.apps; pods.v1, the core group).
	if version, rest, _ := strings.Cut(group, "."); dotted && apiVersion().MatchString(version) {
		if r, ok := find(rest); ok {
			return r, true
		}
	}
	return APIResource{Group: group, Name: name, Namespaced: true}, false
}

// apiVersion matches a Kubernetes API version: v1, v2beta1, v1alpha3.
var apiVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v[0-9]+((alpha|beta)[0-9]+)?$`) })
