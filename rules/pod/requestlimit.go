package pod

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/kvet-dev/kvet/analyzer"
)

// ResourceRequestExceedsLimit flags requests greater than the matching limit.
func ResourceRequestExceedsLimit() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "resource-request-exceeds-limit",
		Title:    "resource request greater than its limit",
		Severity: analyzer.SeverityError,
		Kinds:    analyzer.PodKinds(),
		Source:   "go",
		Rationale: "A request is what the scheduler reserves and a limit what the container may use, so a " +
			"request above its limit is contradictory: the API server rejects the pod, or the whole " +
			"workload whose template contains it, and nothing runs.",
		Remediation: "Make every resources.requests.X at most resources.limits.X (for containers, init " +
			"containers and the pod-level spec.resources). Often the units are the culprit: `1` CPU is " +
			"`1000m`, and `1G` memory is less than `1Gi`.",
		Doc: "Bad:\n\n    resources:\n      requests: {memory: 1Gi}\n      limits: {memory: 512Mi}\n",
		Run: func(pass *analyzer.Pass) {
			tmpl, ok := analyzer.PodTemplateOf(pass.Doc)
			if !ok {
				return
			}
			check := func(owner string, res corev1.ResourceRequirements, path analyzer.Path) {
				names := make([]string, 0, len(res.Requests))
				for name := range res.Requests {
					names = append(names, string(name))
				}
				slices.Sort(names)
				for _, name := range names {
					req, lim := res.Requests[corev1.ResourceName(name)], res.Limits[corev1.ResourceName(name)]
					if _, limited := res.Limits[corev1.ResourceName(name)]; !limited || req.Cmp(lim) <= 0 {
						continue
					}
					// A quantity that failed to decode (invalid-value) is zero
					// in the typed object: confirm both were written validly
					// before reporting, which is rare enough to do here.
					if !validQuantity(pass.Doc, path.Key("requests", name)) || !validQuantity(pass.Doc, path.Key("limits", name)) {
						continue
					}
					pass.Reportf(path.Key("requests", name),
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
