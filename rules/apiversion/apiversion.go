// Package apiversion holds the rule about apiVersions that Kubernetes no
// longer serves.
package apiversion

import (
	"fmt"

	"github.com/kvet-dev/kvet/analyzer"
)

type removal struct {
	replacement string
	removedIn   string
}

// removed maps "apiVersion kind" (kind "*" for every kind of the group
// version) to its replacement.
func removed() map[string]removal {
	return map[string]removal{
		"batch/v1beta1 CronJob":                {"batch/v1", "1.25"},
		"batch/v2alpha1 CronJob":               {"batch/v1", "1.25"},
		"rbac.authorization.k8s.io/v1beta1 *":  {"rbac.authorization.k8s.io/v1", "1.22"},
		"rbac.authorization.k8s.io/v1alpha1 *": {"rbac.authorization.k8s.io/v1", "1.22"},
		"extensions/v1beta1 Deployment":        {"apps/v1", "1.16"},
		"extensions/v1beta1 DaemonSet":         {"apps/v1", "1.16"},
		"extensions/v1beta1 ReplicaSet":        {"apps/v1", "1.16"},
		"apps/v1beta1 *":                       {"apps/v1", "1.16"},
		"apps/v1beta2 *":                       {"apps/v1", "1.16"},
	}
}

// DeprecatedAPIVersion flags apiVersions removed from Kubernetes.
func DeprecatedAPIVersion() *analyzer.Rule {
	table := removed()
	return &analyzer.Rule{
		ID:       "deprecated-api-version",
		Title:    "apiVersion that Kubernetes no longer serves",
		Severity: analyzer.SeverityError,
		Source:   "go",
		Rationale: "The API server rejects objects of removed apiVersions: batch/v1beta1 and " +
			"batch/v2alpha1 CronJob (removed in 1.25), rbac.authorization.k8s.io/v1beta1 and v1alpha1 " +
			"(removed in 1.22), and the extensions/v1beta1, apps/v1beta1 and apps/v1beta2 workloads " +
			"(removed in 1.16). The manifest fails to apply on every current cluster.",
		Remediation: "Change apiVersion to the replacement named in the message (batch/v1, " +
			"rbac.authorization.k8s.io/v1, apps/v1) and check the fields that changed between versions; " +
			"kvet then checks the object against the current schema.",
		Run: func(pass *analyzer.Pass) {
			d := pass.Doc
			r, ok := table[d.APIVersion+" "+d.Kind]
			if !ok {
				r, ok = table[d.APIVersion+" *"]
			}
			if !ok {
				return
			}
			pass.Report(analyzer.Finding{
				Path:    analyzer.NewPath("apiVersion"),
				Message: fmt.Sprintf("%s %s was removed in Kubernetes %s; use apiVersion: %s", d.APIVersion, d.Kind, r.removedIn, r.replacement),
			})
		},
	}
}
