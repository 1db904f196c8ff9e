// Package serviceaccount holds the rules about ServiceAccount objects.
package serviceaccount

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// TokenAutomount flags ServiceAccounts that let their token be mounted into
// every pod by default. It is off by default.
func TokenAutomount() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "service-account-token-automount",
		Title:    "ServiceAccount without automountServiceAccountToken: false",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"ServiceAccount"},
		Source:   "go",
		Rationale: "Unless the ServiceAccount says automountServiceAccountToken: false, every pod that runs " +
			"as it gets an API token mounted, whether or not it talks to the API server. A compromised " +
			"container can then use whatever the ServiceAccount is bound to. Most Jobs and web workloads " +
			"never call the API.",
		Remediation: "Set automountServiceAccountToken: false on the ServiceAccount, and set it to true in " +
			"the pod spec of the few workloads that do call the API. The rule is off by default; enable " +
			"it in .kvet.yaml (rules: {service-account-token-automount: {enabled: true}}) or with " +
			"--enable service-account-token-automount.",
		Doc: "Good:\n\n    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: report-generator\n" +
			"    automountServiceAccountToken: false\n",
		DisabledByDefault: true,
		Run: func(pass *analyzer.Pass) {
			sa, ok := pass.Doc.Object.(*corev1.ServiceAccount)
			if !ok || sa.AutomountServiceAccountToken != nil && !*sa.AutomountServiceAccountToken {
				return
			}
			if sa.AutomountServiceAccountToken == nil {
				pass.Reportf(analyzer.NewPath("automountServiceAccountToken"),
					"ServiceAccount %s does not set automountServiceAccountToken: false, so every pod running as it gets an API token mounted whether it needs one or not; set automountServiceAccountToken: false", analyzer.Quote(sa.Name))
				return
			}
			pass.Reportf(analyzer.NewPath("automountServiceAccountToken"),
				"ServiceAccount %s mounts its API token into every pod that runs as it; set automountServiceAccountToken: false and opt in per pod where the API is needed", analyzer.Quote(sa.Name))
		},
	}
}
