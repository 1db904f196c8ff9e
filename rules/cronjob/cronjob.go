// Package cronjob holds the rules about CronJob specs.
package cronjob

import (
	"fmt"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// IdempotentAnnotation marks a CronJob whose task may safely overlap.
const IdempotentAnnotation = "kvet.dev/idempotent"

func cronJob(pass *analyzer.Pass) (*batchv1.CronJob, bool) {
	cj, ok := pass.Doc.Object.(*batchv1.CronJob)
	return cj, ok
}

// specPath is the CronJob's spec, where missing fields are reported.
var specPath = analyzer.NewPath("spec")

// insertInSpec returns a fix that adds `key: value` to the CronJob's spec,
// after its schedule when possible.
func insertInSpec(pass *analyzer.Pass, message, key, value string) *analyzer.SuggestedFix {
	e, ok := analyzer.InsertField(pass.Doc, specPath, key, value, "schedule")
	if !ok {
		return nil
	}
	return analyzer.NewFix(message, e)
}

// ConcurrencyAllow flags CronJobs that let runs overlap.
func ConcurrencyAllow() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-concurrency-allow",
		Title:    "CronJob lets runs overlap (concurrencyPolicy unset or Allow)",
		Severity: analyzer.SeverityWarning,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The default concurrencyPolicy is Allow: when a run takes longer than the interval, or " +
			"several missed runs start at once after downtime, two Jobs run the same task at the same " +
			"time. A task that is not idempotent (a migration, a report that appends, a billing run) " +
			"then processes data twice or corrupts it.",
		Remediation: "Set spec.concurrencyPolicy: Forbid (skip a run while the previous one is active) or " +
			"Replace (stop the old run). If the task is idempotent and overlap is intended, annotate the " +
			"CronJob with kvet.dev/idempotent: \"true\".",
		Doc: "Good:\n\n    spec:\n      schedule: \"0 2 * * *\"\n      concurrencyPolicy: Forbid\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok || cj.Annotations[IdempotentAnnotation] == "true" {
				return
			}
			path := analyzer.NewPath("spec", "concurrencyPolicy")
			switch cj.Spec.ConcurrencyPolicy {
			case "":
				if !pass.Doc.Unset(path) && !pass.Doc.HasString(path) {
					return // a value of the wrong type: invalid-value
				}
				pass.Report(analyzer.Finding{
					Path:    path,
					AtKey:   true,
					Message: fmt.Sprintf("concurrencyPolicy is unset, so it defaults to Allow: a slow or delayed run overlaps the next one and a non-idempotent task processes the same data twice; set concurrencyPolicy: Forbid (or Replace), or annotate %s: \"true\"", IdempotentAnnotation),
					Fix:     insertInSpec(pass, "Set concurrencyPolicy: Forbid", "concurrencyPolicy", "Forbid"),
				})
			case batchv1.AllowConcurrent:
				f := analyzer.Finding{
					Path:    path,
					Message: fmt.Sprintf("concurrencyPolicy: Allow lets runs overlap, so a non-idempotent task processes the same data twice; use Forbid (or Replace), or annotate %s: \"true\" if overlap is safe", IdempotentAnnotation),
				}
				if e, ok := analyzer.ReplaceScalar(pass.Doc, path, "Forbid"); ok {
					f.Fix = analyzer.NewFix("Set concurrencyPolicy: Forbid", e)
				}
				pass.Report(f)
			}
		},
	}
}

// StartingDeadlineMissing flags CronJobs without startingDeadlineSeconds.
func StartingDeadlineMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-starting-deadline-missing",
		Title:    "CronJob without startingDeadlineSeconds",
		Severity: analyzer.SeverityWarning,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "Without startingDeadlineSeconds a run missed while the controller was down (or the " +
			"CronJob suspended) starts whenever the controller gets to it, however late: it starts the " +
			"most recent missed schedule, so a nightly 2 am report may run at noon. When more than 100 " +
			"schedules were missed, the controller records a TooManyMissedTimes warning event (\"too many " +
			"missed start times\") and still starts that run; only the controller used before Kubernetes " +
			"1.21 stopped scheduling such a CronJob. With a deadline, a run that is too late is skipped " +
			"(a MissSchedule event) and the next one starts on time.",
		Remediation: "Set spec.startingDeadlineSeconds to how late a run may still usefully start, for " +
			"example 300 for a task that runs every few minutes, or a fraction of the interval. Keep it " +
			"at least 10 seconds: the controller checks schedules every 10 seconds.",
		Doc: "Good:\n\n    spec:\n      schedule: \"*/15 * * * *\"\n      startingDeadlineSeconds: 300\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			path := analyzer.NewPath("spec", "startingDeadlineSeconds")
			if !ok || cj.Spec.StartingDeadlineSeconds != nil || !pass.Doc.Unset(path) {
				return
			}
			pass.Report(analyzer.Finding{
				Path:    path,
				AtKey:   true,
				Message: "startingDeadlineSeconds is unset: after controller downtime the most recent missed run starts however late it is (with more than 100 missed schedules the controller only adds a TooManyMissedTimes warning event); set startingDeadlineSeconds (e.g. 300) so that a run too late to be useful is skipped",
				Fix:     insertInSpec(pass, "Set startingDeadlineSeconds: 300", "startingDeadlineSeconds", "300"),
			})
		},
	}
}
