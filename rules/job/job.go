// Package job holds the rules about Job specs: those of standalone Jobs and
// those in the jobTemplate of a CronJob.
package job

import (
	"fmt"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// jobKinds are the kinds that carry a Job spec.
var jobKinds = []string{"Job", "CronJob"}

// jobSpec is the Job spec of a Job or CronJob with its path.
type jobSpec struct {
	Spec *batchv1.JobSpec
	// Path is spec for a Job, spec.jobTemplate.spec for a CronJob.
	Path analyzer.Path
	// Standalone is true for a Job, false for a CronJob's template.
	Standalone bool
}

// what names the spec in messages.
func (j jobSpec) what() string {
	if j.Standalone {
		return "Job"
	}
	return "CronJob's jobTemplate"
}

// field returns the path of a field of the Job spec.
func (j jobSpec) field(name ...string) analyzer.Path { return j.Path.Key(name...) }

func jobSpecOf(pass *analyzer.Pass) (jobSpec, bool) {
	switch o := pass.Doc.Object.(type) {
	case *batchv1.Job:
		return jobSpec{Spec: &o.Spec, Path: analyzer.NewPath("spec"), Standalone: true}, true
	case *batchv1.CronJob:
		return jobSpec{Spec: &o.Spec.JobTemplate.Spec, Path: analyzer.NewPath("spec", "jobTemplate", "spec")}, true
	}
	return jobSpec{}, false
}

// RestartPolicyInvalid flags Job pod templates whose restartPolicy the API
// rejects.
func RestartPolicyInvalid() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-restart-policy-invalid",
		Title:    "Job pod template restartPolicy missing, Always, or OnFailure with podFailurePolicy",
		Severity: analyzer.SeverityError,
		Kinds:    jobKinds,
		Source:   "go",
		Rationale: "A Job runs its pods to completion, so their restartPolicy must be Never (a failed pod is " +
			"replaced by a new one, up to backoffLimit, and its logs are kept) or OnFailure (the container " +
			"is restarted in place). A pod template without restartPolicy defaults to Always, the policy " +
			"of long-running services, and the API server rejects the Job (or the CronJob) outright. " +
			"With a podFailurePolicy only Never is accepted (from Kubernetes 1.26, where the field is on " +
			"by default): the policy matches how a pod failed, and OnFailure restarts the container " +
			"instead of letting the pod fail.",
		Remediation: "Set spec.template.spec.restartPolicy (spec.jobTemplate.spec.template.spec.restartPolicy " +
			"in a CronJob) to Never, or OnFailure to retry in the same pod when there is no " +
			"podFailurePolicy. kvet offers `Never` as a suggested fix.",
		Doc: "Good:\n\n    template:\n      spec:\n        restartPolicy: Never\n        containers: [...]\n",
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			if !ok {
				return
			}
			podSpec := j.field("template", "spec")
			path := podSpec.Key("restartPolicy")
			switch policy := j.Spec.Template.Spec.RestartPolicy; policy {
			case corev1.RestartPolicyNever:
			case corev1.RestartPolicyOnFailure:
				if j.Spec.PodFailurePolicy == nil || !podFailurePolicyField.Available(pass.KubeVersion()) {
					return
				}
				reportNever(pass, path, fmt.Sprintf("restartPolicy: OnFailure restarts a failed container in place, so the pod never fails for podFailurePolicy to match, and the API server rejects it in a %s with podFailurePolicy (only \"Never\" is supported): use restartPolicy: Never", j.what()))
			case "":
				if !pass.Doc.Unset(path) && !pass.Doc.HasString(path) {
					return // a value of the wrong type: invalid-value
				}
				f := analyzer.Finding{
					Path:    path,
					AtKey:   true,
					Message: fmt.Sprintf("%s is unset, so it defaults to Always, which the API server rejects for a Job (it must run to completion): set restartPolicy: Never (a failed pod is replaced, up to backoffLimit, and its logs are kept) or OnFailure (the container restarts in place)", path),
				}
				if e, ok := analyzer.InsertField(pass.Doc, podSpec, "restartPolicy", "Never"); ok {
					f.Fix = analyzer.NewFix("Set restartPolicy: Never", e)
				}
				pass.Report(f)
			case corev1.RestartPolicyAlways:
				reportNever(pass, path, fmt.Sprintf("restartPolicy: Always is for long-running services, and the API server rejects it in a %s, which runs to completion: use Never (a failed pod is replaced, up to backoffLimit, and its logs are kept) or OnFailure", j.what()))
			default:
				pass.Reportf(path, "restartPolicy %s is not a restart policy: the API server accepts only Never or OnFailure in a %s and rejects it", analyzer.Quote(string(policy)), j.what())
			}
		},
	}
}

// podFailurePolicyField is podFailurePolicy's history: alpha behind the
// JobPodFailurePolicy gate in 1.25, beta and on by default in 1.26, GA in
// 1.31. Where it is off the API server drops the field, and with it the
// check that restartPolicy is Never.
var podFailurePolicyField = analyzer.Feature{Field: "podFailurePolicy", Gate: "JobPodFailurePolicy", Alpha: 25, Beta: 26, GA: 31}

// reportNever reports msg at the restartPolicy value at path, with the fix
// that sets it to Never.
func reportNever(pass *analyzer.Pass, path analyzer.Path, msg string) {
	f := analyzer.Finding{Path: path, Message: msg}
	if e, ok := analyzer.ReplaceScalar(pass.Doc, path, "Never"); ok {
		f.Fix = analyzer.NewFix("Set restartPolicy: Never", e)
	}
	pass.Report(f)
}

// defaultBackoffLimit is the API's default for backoffLimit.
const defaultBackoffLimit = 6

// backoffWait is the total delay the Job controller waits before n retries
// of failed pods: 10 s, doubling each time, capped at 6 minutes.
func backoffWait(n int) time.Duration {
	var total time.Duration
	d := 10 * time.Second
	for range n {
		total += d
		d = min(2*d, 6*time.Minute)
	}
	return total
}

// roughly renders a wait for messages: "10 minutes", "9 hours".
func roughly(d time.Duration) string {
	switch {
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Round(time.Hour).Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute).Minutes()))
	}
	return fmt.Sprintf("%d seconds", int(d.Seconds()))
}

// BackoffLimitUnset flags Job specs that rely on the default backoffLimit.
func BackoffLimitUnset() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-backoff-limit-unset",
		Title:    "Job without backoffLimit",
		Severity: analyzer.SeverityInfo,
		Kinds:    jobKinds,
		Source:   "go",
		Rationale: "A failed Job pod is retried up to backoffLimit times, with an exponential delay (10 s, 20 s, " +
			"40 s ... capped at 6 minutes) before each retry. Left unset it is 6: a task that cannot " +
			"succeed, such as a migration against a missing table, runs 7 times over about 10 minutes " +
			"before the Job is marked Failed, and a task that must not run twice may run 7 times.",
		Remediation: "Set backoffLimit to the number of retries the task deserves: 0 for a task that must not be " +
			"repeated, a small number such as 2 or 3 for a flaky one. The suggested fix (`kvet fix`) writes " +
			"the default, 6, down, so that the behaviour does not change and the number is there to lower.",
		Doc: "Good:\n\n    spec:\n      backoffLimit: 2\n",
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			path := j.field("backoffLimit")
			if !ok || j.Spec.BackoffLimit != nil || j.Spec.BackoffLimitPerIndex != nil || !pass.Doc.Unset(path) {
				return
			}
			f := analyzer.Finding{Path: path, AtKey: true, Message: fmt.Sprintf(
				"%s is unset, so a failing pod is retried %d times, with delays doubling from 10 s (about %s of waiting), before the Job fails; set backoffLimit to the retries the task deserves (0 if it must not run twice)",
				path, defaultBackoffLimit, roughly(backoffWait(defaultBackoffLimit)))}
			// The fix writes the default down: the behaviour does not
			// change, and the number is there to be lowered.
			if e, ok := analyzer.InsertField(pass.Doc, j.Path, "backoffLimit", fmt.Sprint(defaultBackoffLimit), "completions", "parallelism"); ok {
				f.Fix = analyzer.NewFix(fmt.Sprintf("Set backoffLimit: %d (the default, written down; lower it if the task must not be repeated)", defaultBackoffLimit), e)
			}
			pass.Report(f)
		},
	}
}

// BackoffLimitHigh flags backoffLimit values above the configured maximum.
func BackoffLimitHigh() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-backoff-limit-high",
		Title:    "Job backoffLimit above the maximum",
		Severity: analyzer.SeverityWarning,
		Kinds:    jobKinds,
		Source:   "go",
		Rationale: "Each retry of a failed Job pod waits twice as long as the previous one, up to 6 minutes. " +
			"With a high backoffLimit a Job that cannot succeed keeps failing for hours, holding resources " +
			"and hiding the failure, and a non-idempotent task is repeated again and again.",
		Remediation: "Lower backoffLimit to the parameter `max` (6, the API default) or less, and fix the cause " +
			"of the failures rather than retrying longer. Use activeDeadlineSeconds to bound the total time.",
		Doc:    "Bad:\n\n    backoffLimit: 100\n\nGood:\n\n    backoffLimit: 3\n    activeDeadlineSeconds: 3600\n",
		Params: []analyzer.Param{{Name: "max", Doc: "largest backoffLimit that is not reported", Default: defaultBackoffLimit, NonNegative: true}},
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			if !ok || j.Spec.BackoffLimit == nil {
				return
			}
			limit := analyzer.IntParam(pass.Param("max"))
			if n := int(*j.Spec.BackoffLimit); n > limit {
				pass.Reportf(j.field("backoffLimit"),
					"backoffLimit is %d, above %d: a failing pod is retried %d times, with delays doubling from 10 s up to 6 minutes each, so a Job that cannot succeed keeps failing for about %s before it reports failure; lower it to %d or less and bound the run with activeDeadlineSeconds",
					n, limit, n, roughly(backoffWait(n)), limit)
			}
		},
	}
}

// ActiveDeadlineMissing flags Job specs without activeDeadlineSeconds.
func ActiveDeadlineMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-active-deadline-missing",
		Title:    "Job without activeDeadlineSeconds",
		Severity: analyzer.SeverityWarning,
		Kinds:    jobKinds,
		Source:   "go",
		Rationale: "backoffLimit only counts failures: a pod that hangs (a stuck network call, a lock that is " +
			"never released) runs forever, holding its resources. In a CronJob with concurrencyPolicy " +
			"Forbid, a hung run also blocks every later run.",
		Remediation: "Set activeDeadlineSeconds to a generous upper bound of the run time (for example twice " +
			"the longest observed run). When it expires, the Job's pods are terminated and the Job fails " +
			"with reason DeadlineExceeded, which monitoring can alert on.",
		Doc: "Good:\n\n    spec:\n      activeDeadlineSeconds: 3600\n",
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			path := j.field("activeDeadlineSeconds")
			if !ok || j.Spec.ActiveDeadlineSeconds != nil || !pass.Doc.Unset(path) {
				return
			}
			msg := "%s is unset: a hung pod is not a failure, so it runs forever and backoffLimit never stops it; set activeDeadlineSeconds to an upper bound of the run time (e.g. 3600)"
			if !j.Standalone {
				msg = "%s is unset: a hung run is not a failure, so it runs forever and, with concurrencyPolicy Forbid, blocks every later run; set activeDeadlineSeconds to an upper bound of the run time (e.g. 3600)"
			}
			pass.Report(analyzer.Finding{Path: path, AtKey: true, Message: fmt.Sprintf(msg, path)})
		},
	}
}

// defaultTTL is the ttlSecondsAfterFinished that job-ttl-missing's fix
// sets: one day.
const defaultTTL = 86400

// ttlField is ttlSecondsAfterFinished's history: alpha behind the
// TTLAfterFinished gate in 1.12, beta and on by default in 1.21, GA in 1.23.
var ttlField = analyzer.Feature{Field: "ttlSecondsAfterFinished", Gate: "TTLAfterFinished", Alpha: 12, Beta: 21, GA: 23}

// TTLMissing flags standalone Jobs without ttlSecondsAfterFinished.
func TTLMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-ttl-missing",
		Title:    "standalone Job without ttlSecondsAfterFinished",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"Job"},
		Source:   "go",
		Rationale: "A finished Job and its pods stay in the cluster until someone deletes them: they pile up, " +
			"slow down listing, and keep the Job's name taken, so applying the same manifest again does " +
			"nothing. (A CronJob's Jobs are cleaned up by its history limits and are not reported, nor are " +
			"Helm hook Jobs that Helm deletes itself: a `helm.sh/hook` annotation with a " +
			"`helm.sh/hook-delete-policy` of `hook-succeeded` or `before-hook-creation`, or none, which " +
			"means `before-hook-creation`; a TTL there makes Helm 4's wait for the hook fail once the Job is gone.)",
		Remediation: "Set spec.ttlSecondsAfterFinished to how long the finished Job and its logs should be kept, " +
			"for example 86400 (one day); the TTL controller then deletes it. The suggested fix (`kvet fix`) " +
			"sets 86400. The field is GA in Kubernetes 1.23 (beta, on by default, in 1.21 and 1.22); with " +
			"an older --kube-version the message says so and no fix is offered.",
		Doc: "Good:\n\n    spec:\n      ttlSecondsAfterFinished: 86400\n",
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			path := j.field("ttlSecondsAfterFinished")
			if !ok || !j.Standalone || j.Spec.TTLSecondsAfterFinished != nil || !pass.Doc.Unset(path) || helmDeletes(pass.Doc) {
				return
			}
			target := pass.KubeVersion()
			f := analyzer.Finding{Path: path, AtKey: true,
				Message: "spec.ttlSecondsAfterFinished is unset, so the finished Job and its pods stay in the cluster until deleted by hand (and re-applying the manifest does nothing); set ttlSecondsAfterFinished (e.g. 86400 to keep it a day)" + ttlField.Note(target)}
			if !ttlField.Available(target) {
				pass.Report(f) // the target would drop the field: no fix
				return
			}
			if e, ok := analyzer.InsertField(pass.Doc, j.Path, "ttlSecondsAfterFinished", fmt.Sprint(defaultTTL), "backoffLimit", "activeDeadlineSeconds"); ok {
				f.Fix = analyzer.NewFix(fmt.Sprintf("Set ttlSecondsAfterFinished: %d (keep the finished Job a day)", defaultTTL), e)
			}
			pass.Report(f)
		},
	}
}

// helmDeletes reports whether d is a Helm hook that Helm deletes itself:
// a helm.sh/hook annotation, and a helm.sh/hook-delete-policy that names
// hook-succeeded or before-hook-creation, or none (Helm then applies
// before-hook-creation).
func helmDeletes(d *analyzer.Document) bool {
	if _, hook := d.Annotations["helm.sh/hook"]; !hook {
		return false
	}
	policy, ok := d.Annotations["helm.sh/hook-delete-policy"]
	if !ok || strings.TrimSpace(policy) == "" {
		return true
	}
	for _, p := range strings.Split(policy, ",") {
		switch strings.TrimSpace(p) {
		case "hook-succeeded", "before-hook-creation":
			return true
		}
	}
	return false
}

// ParallelismExceedsCompletions flags parallelism above completions.
func ParallelismExceedsCompletions() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "job-parallelism-exceeds-completions",
		Title:    "Job parallelism greater than completions",
		Severity: analyzer.SeverityWarning,
		Kinds:    jobKinds,
		Source:   "go",
		Rationale: "The Job controller never runs more pods than the completions still needed, so parallelism " +
			"above completions has no effect: the Job is not as parallel as its manifest says, which usually " +
			"means one of the two numbers is wrong.",
		Remediation: "Set parallelism to at most completions, or raise completions if more pods must succeed.",
		Doc:         "Bad:\n\n    completions: 2\n    parallelism: 5\n",
		Run: func(pass *analyzer.Pass) {
			j, ok := jobSpecOf(pass)
			if !ok || j.Spec.Parallelism == nil || j.Spec.Completions == nil {
				return
			}
			if p, c := *j.Spec.Parallelism, *j.Spec.Completions; p > c {
				pass.Reportf(j.field("parallelism"),
					"parallelism is %d but completions is %d: the controller never runs more pods at once than the completions still needed, so the extra parallelism is ignored and one of the numbers is likely wrong; set parallelism to %d or less, or raise completions",
					p, c, c)
			}
		},
	}
}
