package cronjob

import (
	"fmt"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/analyzer"
)

// maxNameLength is the longest CronJob name the API server accepts: Job
// names are DNS labels of at most 63 characters and the controller appends
// 11 ("-" and a 10-digit timestamp in minutes).
const maxNameLength = 63 - 11

// generatedSuffix is the length of the random suffix metadata.generateName
// gets.
const generatedSuffix = 5

// NameTooLong flags CronJob names that leave no room for the Job suffix.
func NameTooLong() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-name-too-long",
		Title:    "CronJob name longer than 52 characters",
		Severity: analyzer.SeverityError,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The CronJob controller names each Job `<cronjob name>-<scheduled time in minutes>`, adding " +
			"11 characters, and Job names are limited to 63. The API server therefore rejects CronJob names " +
			"longer than 52 characters; older clusters accepted them and then failed to create every Job.",
		Remediation: "Shorten metadata.name to 52 characters or fewer (metadata.generateName to 47, since 5 " +
			"random characters are appended). Put the details in labels or annotations instead.",
		Doc: "Good:\n\n    metadata:\n      name: nightly-invoice-export   # 22 characters\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok {
				return
			}
			if n := utf8.RuneCountInString(cj.Name); n > maxNameLength {
				pass.Reportf(analyzer.NewPath("metadata", "name"),
					"metadata.name is %d characters long: the controller appends 11 characters to name each Job and Job names are limited to 63, so the API server rejects CronJob names over %d; shorten it by %d",
					n, maxNameLength, n-maxNameLength)
				return
			}
			if n := utf8.RuneCountInString(cj.GenerateName); cj.Name == "" && n+generatedSuffix > maxNameLength {
				pass.Reportf(analyzer.NewPath("metadata", "generateName"),
					"metadata.generateName is %d characters long: with the 5 random characters the API server adds, the name exceeds the %d characters a CronJob may have (the controller appends 11 more to name each Job, limited to 63); shorten it by %d",
					n, maxNameLength, n+generatedSuffix-maxNameLength)
			}
		},
	}
}

// StartingDeadlineShort flags deadlines shorter than the controller's
// 10-second sync period.
func StartingDeadlineShort() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-starting-deadline-short",
		Title:    "CronJob startingDeadlineSeconds below 10",
		Severity: analyzer.SeverityWarning,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The CronJob controller checks schedules about every 10 seconds. With a startingDeadlineSeconds " +
			"below 10, a run whose check comes later than the deadline is counted as missed, so the job may " +
			"be skipped often or never start at all. A negative value is rejected by the API server.",
		Remediation: "Set startingDeadlineSeconds to at least 10, and in practice to how late a run may usefully " +
			"start (for example 300).",
		Doc: "Bad:\n\n    startingDeadlineSeconds: 5\n\nGood:\n\n    startingDeadlineSeconds: 300\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok || cj.Spec.StartingDeadlineSeconds == nil {
				return
			}
			path := analyzer.NewPath("spec", "startingDeadlineSeconds")
			switch d := *cj.Spec.StartingDeadlineSeconds; {
			case d < 0:
				pass.Reportf(path, "startingDeadlineSeconds is %d: the API server rejects negative values; set it to at least 10 seconds (e.g. 300)", d)
			case d < 10:
				pass.Reportf(path,
					"startingDeadlineSeconds is %d: the controller checks schedules only every 10 seconds, so runs it notices later than that are skipped as missed and the job may never start; set at least 10 (e.g. 300)", d)
			}
		},
	}
}

// HistoryLimits flags history limits outside the recommended ranges.
func HistoryLimits() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-history-limits",
		Title:    "CronJob history limits outside the recommended ranges",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The history limits decide how many finished Jobs, and their pods and logs, the controller " +
			"keeps. Too few and there is nothing to look at when a run fails (0 failed Jobs kept deletes " +
			"the evidence at once); too many and finished Jobs and pods clutter the namespace and the API " +
			"server. The defaults are 3 successful and 1 failed.",
		Remediation: "Keep successfulJobsHistoryLimit between 3 and 7 and failedJobsHistoryLimit between 1 and " +
			"3 (the ranges are the parameters `successful` and `failed`), and ship logs elsewhere if you " +
			"need a longer history. The suggested fix (`kvet fix`) sets the nearest bound of the range.",
		Doc: "Good:\n\n    successfulJobsHistoryLimit: 3\n    failedJobsHistoryLimit: 3\n",
		Params: []analyzer.Param{
			{Name: "successful", Doc: "inclusive range [min, max] for successfulJobsHistoryLimit", Default: []int{3, 7}, Range: true, NonNegative: true},
			{Name: "failed", Doc: "inclusive range [min, max] for failedJobsHistoryLimit", Default: []int{1, 3}, Range: true, NonNegative: true},
		},
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok {
				return
			}
			check := func(field, param string, v *int32, tooFew, tooMany string) {
				lo, hi, ok := analyzer.IntRangeParam(pass.Param(param))
				if !ok || v == nil {
					return
				}
				path := analyzer.NewPath("spec", field)
				n := int(*v)
				var f analyzer.Finding
				switch {
				case n < lo:
					f = analyzer.Finding{Path: path, Message: fmt.Sprintf("%s is %d, below %d: %s; keep it between %d and %d", field, n, lo, tooFew, lo, hi)}
				case n > hi:
					f = analyzer.Finding{Path: path, Message: fmt.Sprintf("%s is %d, above %d: %s; keep it between %d and %d", field, n, hi, tooMany, lo, hi)}
				default:
					return
				}
				// The fix sets the nearest bound of the range.
				bound := min(max(n, lo), hi)
				if e, ok := analyzer.ReplaceValue(pass.Doc, path, fmt.Sprint(bound)); ok {
					f.Fix = analyzer.NewFix(fmt.Sprintf("Set %s: %d", field, bound), e)
				}
				pass.Report(f)
			}
			check("successfulJobsHistoryLimit", "successful", cj.Spec.SuccessfulJobsHistoryLimit,
				"too few finished Jobs are kept to see when the task last ran and what it printed",
				"every kept Job keeps its pods, which clutter the namespace and the API server")
			check("failedJobsHistoryLimit", "failed", cj.Spec.FailedJobsHistoryLimit,
				"failed Jobs and their pod logs are deleted before anyone can read why the run failed",
				"every kept failed Job keeps its pods, which clutter the namespace and the API server")
		},
	}
}

// Suspended flags suspended CronJobs.
func Suspended() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-suspended",
		Title:    "CronJob is suspended",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "`suspend: true` stops the controller from starting new Jobs. It is meant for maintenance " +
			"windows and debugging; committed to a manifest, it silently turns the schedule off for every " +
			"cluster it is applied to.",
		Remediation: "Remove `suspend: true` (or set it to false) once the pause is over. If the CronJob is meant " +
			"to stay off, delete it or suppress this finding with a reason.",
		Doc: "Reported:\n\n    spec:\n      suspend: true\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok || cj.Spec.Suspend == nil || !*cj.Spec.Suspend {
				return
			}
			pass.Report(analyzer.Finding{
				Path:    analyzer.NewPath("spec", "suspend"),
				Message: fmt.Sprintf("CronJob %s is suspended: the controller starts no Jobs until suspend is removed; remove it once the pause is over", analyzer.Quote(cj.Name)),
			})
		},
	}
}
