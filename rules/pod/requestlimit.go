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
// overcommitted.
func ResourceRequestExceedsLimit() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "resource-request-exceeds-limit",
		Title:    "resource request and limit that the API server rejects together",
		Severity: analyzer.SeverityError,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "A request is what the scheduler reserves and a limit what the container may use, so a " +
			"request above its limit is contradictory: the API server rejects the pod, or the whole " +
			"workload whose template contains it, and nothing runs. Hugepages and extended resources " +
			"(nvidia.com/gpu, any name with a domain other than kubernetes.io) cannot be overcommitted: " +
			"their request must equal their limit, and a request needs a limit.",
		Remediation: "Make every resources.requests.X at most resources.limits.X (for containers, init " +
			"containers and the pod-level spec.resources), and equal to it for hugepages-* and extended " +
			"resources (or set the limit alone: the request defaults to it). Often the units are the " +
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
			if r := tmpl.Spec.Resources; r != nil {
				check("the pod", *r, tmpl.Path.Key("resources"))
			}
			for _, c := range containers(pass) {
				check("container "+analyzer.Quote(c.Container.Name), c.Container.Resources, c.Path.Key("resources"))
			}
		},
	}
}

// validQuantity reports whether the field at path is a valid quantity as
// the loader decodes it (which reports an invalid one as invalid-value).
func validQuantity(d *analyzer.Document, path analyzer.Path) bool {
	var q resource.Quantity
	return d.Decodes(path, &q)
}
