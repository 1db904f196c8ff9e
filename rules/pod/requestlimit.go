package pod

import (
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kvet-dev/kvet/analyzer"
)

// overcommitAllowed reports whether a resource's request may be lower than
// its limit (helper.IsOvercommitAllowed): not for hugepages, nor for
// extended resources (a name with a domain other than kubernetes.io, such
// as nvidia.com/gpu), whose request must equal the limit.
func overcommitAllowed(name string) bool {
	native := !strings.Contains(name, "/") || strings.Contains(name, corev1.ResourceDefaultNamespacePrefix)
	return native && !strings.HasPrefix(name, corev1.ResourceHugePagesPrefix)
}

// ResourceRequestExceedsLimit flags requests greater than the matching
// limit, or unequal to it (or without one) where the resource cannot be
// overcommitted, and containers' resources beyond the pod-level ones.
func ResourceRequestExceedsLimit() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "resource-request-exceeds-limit",
		Title:    "resource requests and limits that contradict each other",
		Severity: analyzer.SeverityError,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "A request is what the scheduler reserves and a limit what the container may use, so a " +
			"request above its limit is contradictory: the API server rejects the pod, or the whole " +
			"workload whose template contains it, and nothing runs. Hugepages and extended resources " +
			"(nvidia.com/gpu, any name with a domain other than kubernetes.io) cannot be overcommitted: " +
			"their request must equal their limit, and a request needs a limit. Where the pod sets " +
			"pod-level resources (spec.resources, on by default from Kubernetes 1.34), its request must " +
			"cover what its containers request together and no container may have a higher limit.",
		Remediation: "Make every resources.requests.X at most resources.limits.X (for containers, init " +
			"containers and the pod-level spec.resources), and equal to it for hugepages-* and extended " +
			"resources (or set the limit alone: the request defaults to it). Size the pod-level " +
			"spec.resources.requests for all its containers together, and its limits at least at each " +
			"container's limit. Often the units are the " +
			"culprit: `1` CPU is `1000m`, and `1G` memory is less than `1Gi`.",
		Doc: "Bad:\n\n    resources:\n      requests: {memory: 1Gi, nvidia.com/gpu: 1}\n      limits: {memory: 512Mi, nvidia.com/gpu: 2}\n",
		Run: func(pass *analyzer.Pass) {
			tmpl, ok := analyzer.PodTemplateOf(pass.Doc)
			if !ok {
				return
			}
			check := func(owner string, res corev1.ResourceRequirements, path analyzer.Path) {
				for _, rn := range slices.Sorted(maps.Keys(res.Requests)) {
					name := string(rn)
					req, reqPath := res.Requests[rn], path.Key("requests", name)
					lim, limited := res.Limits[rn]
					exact := !overcommitAllowed(name)
					switch {
					case exact && !limited:
						if !validQuantity(pass.Doc, reqPath) {
							continue // invalid-value
						}
						pass.Reportf(reqPath,
							"%s requests %s %s without a limit: %s cannot be overcommitted, so its request must equal its limit and the API server rejects a request without one; set resources.limits.%s: %s (or the limit alone)",
							owner, req.String(), name, name, name, req.String())
						continue
					case !limited, exact && req.Cmp(lim) == 0, !exact && req.Cmp(lim) <= 0:
						continue
					}
					// A quantity that failed to decode (invalid-value) is zero
					// in the typed object: confirm both were written validly
					// before reporting, which is rare enough to do here.
					if !validQuantity(pass.Doc, reqPath) || !validQuantity(pass.Doc, path.Key("limits", name)) {
						continue
					}
					if exact {
						pass.Reportf(reqPath,
							"%s requests %s %s but limits it to %s: %s cannot be overcommitted, so its request must equal its limit and the API server rejects it; make resources.requests.%s and resources.limits.%s equal (or set the limit alone)",
							owner, req.String(), name, lim.String(), name, name, name)
						continue
					}
					pass.Reportf(reqPath,
						"%s requests %s %s but limits it to %s: a request may not exceed its limit, so the API server rejects it; lower resources.requests.%s or raise resources.limits.%s",
						owner, req.String(), name, lim.String(), name, name)
				}
			}
			// The API server drops the pod-level resources where the
			// target does not have them on by default.
			if pod, honoured := podResources(pass); honoured {
				check("the pod", *pod, tmpl.Path.Key("resources"))
				checkPodLevel(pass, tmpl, pod)
			}
			for _, c := range containers(pass) {
				check("container "+analyzer.Quote(c.Container.Name), c.Container.Resources, c.Path.Key("resources"))
			}
		},
	}
}

// checkPodLevel reports containers' resources that the pod-level resources
// do not cover, as the API server does (validatePodResourceConsistency):
// the containers' requests together above the pod's request, their
// hugepages limits together above the pod's limit, and a container's limit
// above the pod's limit.
func checkPodLevel(pass *analyzer.Pass, tmpl analyzer.PodTemplate, pod *corev1.ResourceRequirements) {
	podPath := tmpl.Path.Key("resources")
	requests := aggregate(tmpl.Spec, effectiveRequests)
	for _, rn := range slices.Sorted(maps.Keys(pod.Requests)) {
		name, podReq := string(rn), pod.Requests[rn]
		sum, ok := requests[rn]
		if !ok || sum.Cmp(podReq) <= 0 || !validQuantity(pass.Doc, podPath.Key("requests", name)) {
			continue
		}
		pass.Reportf(podPath.Key("requests", name),
			"the pod requests %s %s but its containers request %s together: the pod-level request must cover its containers' requests, so the API server rejects it; raise spec.resources.requests.%s or lower the containers' requests",
			podReq.String(), name, sum.String(), name)
	}
	limits := aggregate(tmpl.Spec, func(c *corev1.Container) corev1.ResourceList { return c.Resources.Limits })
	for _, rn := range slices.Sorted(maps.Keys(pod.Limits)) {
		name, podLim := string(rn), pod.Limits[rn]
		sum, ok := limits[rn]
		if !strings.HasPrefix(name, corev1.ResourceHugePagesPrefix) || !ok || sum.Cmp(podLim) <= 0 || !validQuantity(pass.Doc, podPath.Key("limits", name)) {
			continue
		}
		pass.Reportf(podPath.Key("limits", name),
			"the pod limits %s to %s but its containers' limits add up to %s: hugepages cannot be overcommitted, so the API server rejects a pod-level limit below its containers'; raise spec.resources.limits.%s or lower the containers' limits",
			name, podLim.String(), sum.String(), name)
	}
	for _, c := range containers(pass) {
		if c.Field != "containers" {
			continue // the API server compares the regular containers only
		}
		res := c.Container.Resources
		for _, rn := range slices.Sorted(maps.Keys(res.Limits)) {
			name, lim := string(rn), res.Limits[rn]
			podLim, ok := pod.Limits[rn]
			limPath := c.Path.Key("resources", "limits", name)
			if !ok || lim.Cmp(podLim) <= 0 || !validQuantity(pass.Doc, limPath) || !validQuantity(pass.Doc, podPath.Key("limits", name)) {
				continue
			}
			pass.Reportf(limPath,
				"container %s limits %s to %s but the pod to %s: no container may exceed the pod-level limit, so the API server rejects it; lower resources.limits.%s or raise spec.resources.limits.%s",
				analyzer.Quote(c.Container.Name), name, lim.String(), podLim.String(), name, name)
		}
	}
}

// effectiveRequests returns a container's requests as the API server
// defaults them: a limit without a request is the request too.
func effectiveRequests(c *corev1.Container) corev1.ResourceList {
	if len(c.Resources.Limits) == 0 {
		return c.Resources.Requests
	}
	out := corev1.ResourceList{}
	maps.Copy(out, c.Resources.Limits)
	maps.Copy(out, c.Resources.Requests)
	return out
}

// aggregate returns what the pod's containers need together, of the list
// that of returns for each, as Kubernetes adds it up
// (resourcehelper.AggregateContainerRequests): the containers and the
// sidecars (init containers with restartPolicy Always) run together; each
// other init container runs alone with the sidecars started before it; the
// pod needs the larger of the two.
func aggregate(spec *corev1.PodSpec, of func(*corev1.Container) corev1.ResourceList) corev1.ResourceList {
	add := func(to, l corev1.ResourceList) {
		for n, q := range l {
			v := to[n].DeepCopy()
			v.Add(q)
			to[n] = v
		}
	}
	upTo := func(to, l corev1.ResourceList) {
		for n, q := range l {
			if v, ok := to[n]; !ok || q.Cmp(v) > 0 {
				to[n] = q.DeepCopy()
			}
		}
	}
	sum := corev1.ResourceList{}
	for i := range spec.Containers {
		add(sum, of(&spec.Containers[i]))
	}
	sidecars, init := corev1.ResourceList{}, corev1.ResourceList{}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(sum, of(c))
			add(sidecars, of(c))
			upTo(init, sidecars)
			continue
		}
		use := corev1.ResourceList{}
		add(use, of(c))
		add(use, sidecars)
		upTo(init, use)
	}
	upTo(sum, init)
	return sum
}

// validQuantity reports whether the field at path is a valid quantity as
// the loader decodes it (which reports an invalid one as invalid-value).
func validQuantity(d *analyzer.Document, path analyzer.Path) bool {
	var q resource.Quantity
	return d.Decodes(path, &q)
}
