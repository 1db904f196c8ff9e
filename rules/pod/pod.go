// Package pod holds the rules that apply to the pod template of every
// pod-bearing kind (Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet,
// ReplicaSet, ReplicationController).
package pod

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// containersKey is the key of the document's containers in Pass.Shared.
type containersKey struct{}

// containers returns the containers of the document's pod template (see
// PodTemplate.Containers), built once per document for the rules of this
// package (they must not modify them).
func containers(pass *analyzer.Pass) []analyzer.ContainerRef {
	return pass.Shared(containersKey{}, func() any {
		tmpl, ok := analyzer.PodTemplateOf(pass.Doc)
		if !ok {
			return []analyzer.ContainerRef(nil)
		}
		return tmpl.Containers()
	}).([]analyzer.ContainerRef)
}

// missingResources returns the required resource names absent from every
// one of lists.
func missingResources(required []string, lists ...corev1.ResourceList) []string {
	var missing []string
	for _, r := range required {
		if !slices.ContainsFunc(lists, func(l corev1.ResourceList) bool {
			_, ok := l[corev1.ResourceName(r)]
			return ok
		}) {
			missing = append(missing, r)
		}
	}
	return missing
}

// podLevelResources is the pod template's spec.resources: requests and
// limits of the pod as a whole (KEP 2837), for cpu, memory and hugepages.
var podLevelResources = analyzer.Feature{Field: "pod-level spec.resources", Gate: "PodLevelResources", Alpha: 32, Beta: 34}

// isPodLevelResource reports whether Kubernetes takes the resource at pod
// level (resourcehelper.IsSupportedPodLevelResource).
func isPodLevelResource(name string) bool {
	return name == string(corev1.ResourceCPU) || name == string(corev1.ResourceMemory) ||
		strings.HasPrefix(name, corev1.ResourceHugePagesPrefix)
}

// podResources returns the pod-level resources of the document's pod
// template (nil without them) and whether the target release honours them
// (PodLevelResources on by default; the API server drops them while the
// gate is off).
func podResources(pass *analyzer.Pass) (res *corev1.ResourceRequirements, honoured bool) {
	tmpl, ok := analyzer.PodTemplateOf(pass.Doc)
	if !ok || tmpl.Spec.Resources == nil {
		return nil, false
	}
	return tmpl.Spec.Resources, podLevelResources.Available(pass.KubeVersion())
}

// notAtPodLevel narrows missing, the resources a container lacks, to those
// that the pod-level lists (spec.resources.limits, .requests) do not cover
// either. Where the target ignores pod-level resources it keeps them all,
// and the note (for the message) says so if the lists would cover some.
func notAtPodLevel(pass *analyzer.Pass, missing []string, honoured bool, lists ...corev1.ResourceList) (left []string, note string) {
	for _, r := range missing {
		if !isPodLevelResource(r) || len(missingResources([]string{r}, lists...)) > 0 {
			left = append(left, r)
		}
	}
	switch {
	case len(left) == len(missing):
		return missing, ""
	case !honoured:
		return missing, podLevelResources.Note(pass.KubeVersion())
	}
	return left, ""
}

// ResourceLimitsMissing flags containers without CPU or memory limits.
func ResourceLimitsMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "resource-limits-missing",
		Title:    "container without resources.limits.cpu or resources.limits.memory",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "Without a memory limit one runaway pod, say a Job processing an unexpectedly large batch, " +
			"can use all the memory of its node until the kernel OOM-kills other workloads; without a CPU " +
			"limit it can starve its neighbours. Limits also let the scheduler and quota reason about the pod.",
		Remediation: "Set resources.limits.cpu and resources.limits.memory on every container and init " +
			"container, sized from observed usage, or for the pod as a whole in its spec.resources.limits " +
			"(pod-level resources: cpu, memory and hugepages, on by default from Kubernetes 1.34).",
		Doc: "Bad:\n\n    containers:\n    - name: worker\n      image: worker:1.4\n\n" +
			"Good:\n\n    containers:\n    - name: worker\n      image: worker:1.4\n      resources:\n" +
			"        limits: {cpu: 500m, memory: 256Mi}\n        requests: {cpu: 250m, memory: 128Mi}\n",
		Params: []analyzer.Param{{Name: "require", Doc: "resource names every container must limit", Default: []string{"cpu", "memory"}}},
		Run: func(pass *analyzer.Pass) {
			required := analyzer.StringsParam(pass.Param("require"))
			pod, honoured := podResources(pass)
			for _, c := range containers(pass) {
				missing := missingResources(required, c.Container.Resources.Limits)
				var note string
				if pod != nil {
					missing, note = notAtPodLevel(pass, missing, honoured, pod.Limits)
				}
				if len(missing) == 0 {
					continue
				}
				pass.Reportf(c.Path.Key("resources", "limits", missing[0]),
					"container %s has no limit for %s: a runaway pod can exhaust its node and get other pods evicted or OOM-killed; set resources.limits.%s%s",
					analyzer.Quote(c.Container.Name), joinAnd(missing), strings.Join(missing, " and resources.limits."), note)
			}
		},
	}
}

// ResourceRequestsMissing flags containers without CPU or memory requests.
func ResourceRequestsMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "resource-requests-missing",
		Title:    "container without resources.requests.cpu or resources.requests.memory",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "The scheduler places pods by their requests. A container without requests is scheduled " +
			"as if it needed nothing, lands on full nodes and is the first to be evicted under pressure " +
			"(BestEffort), which for a Job means lost work and retries. A resource with a limit but no " +
			"request is requested: the API server sets the request to the limit. So is a resource that " +
			"the pod-level spec.resources requests or limits (from Kubernetes 1.34): the scheduler then " +
			"reserves the pod's request.",
		Remediation: "Set resources.requests.cpu and resources.requests.memory on every container and init " +
			"container, close to its typical usage (or a limit alone, which is then the request too), or " +
			"for the pod as a whole in its spec.resources.requests (pod-level resources: cpu, memory and " +
			"hugepages, on by default from Kubernetes 1.34).",
		Doc:    "Good:\n\n    resources:\n      requests: {cpu: 100m, memory: 128Mi}\n",
		Params: []analyzer.Param{{Name: "require", Doc: "resource names every container must request", Default: []string{"cpu", "memory"}}},
		Run: func(pass *analyzer.Pass) {
			required := analyzer.StringsParam(pass.Param("require"))
			pod, honoured := podResources(pass)
			for _, c := range containers(pass) {
				// A limit without a request is the request too: the API
				// server defaults each missing request to its limit (and a
				// pod-level limit the pod-level request).
				res := c.Container.Resources
				missing := missingResources(required, res.Requests, res.Limits)
				var note string
				if pod != nil {
					missing, note = notAtPodLevel(pass, missing, honoured, pod.Requests, pod.Limits)
				}
				if len(missing) == 0 {
					continue
				}
				pass.Reportf(c.Path.Key("resources", "requests", missing[0]),
					"container %s has no request (nor limit) for %s: the scheduler reserves no %s for it, so it lands on full nodes and is evicted first under pressure; set resources.requests.%s%s",
					analyzer.Quote(c.Container.Name), joinAnd(missing), joinOr(missing), strings.Join(missing, " and resources.requests."), note)
			}
		},
	}
}

// DefaultServiceAccount flags pod templates that run as the namespace's
// default ServiceAccount.
func DefaultServiceAccount() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "default-service-account",
		Title:    "pod runs as the namespace's default ServiceAccount",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "Every pod that names no ServiceAccount runs as `default`, so any permission granted to " +
			"`default` (often added for one workload) is silently shared by every pod of the namespace, " +
			"and the API audit log cannot tell the workloads apart.",
		Remediation: "Create a dedicated ServiceAccount per workload, bind only the permissions it needs, and " +
			"set spec.serviceAccountName in the pod template (and automountServiceAccountToken: false " +
			"when the pod does not call the API).",
		Doc: "Good:\n\n    spec:\n      serviceAccountName: report-generator\n      automountServiceAccountToken: false\n",
		Run: func(pass *analyzer.Pass) {
			tmpl, ok := analyzer.PodTemplateOf(pass.Doc)
			if !ok {
				return
			}
			field, name := "serviceAccountName", tmpl.Spec.ServiceAccountName
			if name == "" && tmpl.Spec.DeprecatedServiceAccount != "" {
				field, name = "serviceAccount", tmpl.Spec.DeprecatedServiceAccount
			}
			switch name {
			case "":
				pass.Reportf(tmpl.Path.Key(field),
					"pod template sets no serviceAccountName, so it runs as the namespace's default ServiceAccount and shares its permissions with every other such pod; set a dedicated serviceAccountName")
			case "default":
				pass.Reportf(tmpl.Path.Key(field),
					"pod template runs as the namespace's default ServiceAccount, which every pod without its own shares; use a dedicated ServiceAccount")
			}
		},
	}
}

func joinAnd(s []string) string { return join(s, "and") }

func joinOr(s []string) string { return join(s, "or") }

// join joins s as a sentence does: "a", "a and b", "a, b and c".
func join(s []string, conj string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return fmt.Sprintf("%s %s %s", strings.Join(s[:len(s)-1], ", "), conj, s[len(s)-1])
}
