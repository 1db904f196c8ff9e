package cronjob

import (
	"errors"
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
	batchv1 "k8s.io/api/batch/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// cronSchedule is a CronJob schedule checked the way the API server checks
// it: with robfig/cron v3's ParseStandard, which accepts 5 fields or a macro
// (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly,
// @every <duration>), after an optional TZ= or CRON_TZ= prefix.
type cronSchedule struct {
	// prefix is the leading "TZ=zone" or "CRON_TZ=zone", zone its value.
	prefix, zone string
	// expr is the schedule without the prefix.
	expr string
	// parsed is the schedule as the controller sees it; nil when err is set.
	parsed cron.Schedule
	err    error
}

// parseSchedule parses s. The prefix is split off here rather than by the
// cron library, which would load the zone from the machine's time zone
// files (and panics on a prefix not followed by a space): the zone is
// checked against the list compiled into kvet instead.
func parseSchedule(s string) cronSchedule {
	cs := cronSchedule{expr: s}
	if hasTZPrefix(s) {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			i = len(s)
		}
		cs.prefix = s[:i]
		cs.zone = cs.prefix[strings.IndexByte(cs.prefix, '=')+1:]
		cs.expr = strings.TrimSpace(s[i:])
		switch {
		case cs.expr == "":
			cs.err = errors.New("nothing follows the time zone prefix")
			return cs
		case !zoneLoads(cs.zone):
			// The parser loads the zone before it reads the schedule.
			cs.err = fmt.Errorf("provided bad location %s: %w %s", cs.zone, errUnknownZone, cs.zone)
			return cs
		case hasTZPrefix(cs.expr):
			cs.err = errors.New("more than one time zone prefix")
			return cs
		}
	}
	cs.parsed, cs.err = parseStandard(cs.expr)
	return cs
}

// errUnknownZone is the parse error of a prefix whose zone does not load,
// worded as the cron library's.
var errUnknownZone = errors.New("unknown time zone")

func hasTZPrefix(s string) bool {
	return strings.HasPrefix(s, "TZ=") || strings.HasPrefix(s, "CRON_TZ=")
}

// parseStandard is cron.ParseStandard, with any panic turned into an error.
func parseStandard(expr string) (s cron.Schedule, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("cron parser failed: %v", p)
		}
	}()
	return cron.ParseStandard(expr)
}

// scheduleHint explains a parse error in terms of what people usually meant.
func scheduleHint(expr string, err error) string {
	msg := err.Error()
	fields := strings.Fields(expr)
	switch {
	case hasTZPrefix(strings.TrimLeft(expr, " \t")):
		return "the parser reads a TZ= or CRON_TZ= prefix only at the very start of the schedule, so here it takes it for a field: remove the leading whitespace, or better, the prefix, and set spec.timeZone"
	case strings.HasPrefix(expr, "@") && strings.Contains(msg, "unrecognized descriptor"):
		return "the macros Kubernetes accepts are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>"
	case strings.HasPrefix(expr, "@every "):
		return "write @every followed by a duration such as 90s, 5m, 1h or 1h30m"
	case strings.HasPrefix(msg, "expected exactly 5 fields") && len(fields) > 5:
		return "Kubernetes schedules have exactly 5 fields (minute hour day-of-month month day-of-week): there is no seconds or year field as in Quartz or Spring cron"
	case strings.HasPrefix(msg, "expected exactly 5 fields"):
		return "write 5 fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\""
	case strings.ContainsAny(expr, "LW#"):
		return "L, W and # (Quartz syntax) are not supported; use numbers, ranges (1-5), lists (1,15), steps (*/10) and names (MON-FRI, JAN)"
	}
	return "fields are minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 0-6 or SUN-SAT"
}

// schedulePath is where a CronJob's schedule lives.
var schedulePath = analyzer.NewPath("spec", "schedule")

// scheduleOf returns the CronJob's schedule when the field is a string; ok
// is false when it is absent, null or of another type (a wrong type is
// reported as invalid-value by the loader).
func scheduleOf(pass *analyzer.Pass) (schedule string, present, ok bool) {
	cj, isCJ := cronJob(pass)
	if !isCJ {
		return "", false, false
	}
	if pass.Doc.Unset(schedulePath) {
		return "", false, true
	}
	if !pass.Doc.HasString(schedulePath) {
		return "", true, false
	}
	return cj.Spec.Schedule, true, true
}

// ScheduleInvalid flags schedules that the API server's cron parser rejects.
func ScheduleInvalid() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-schedule-invalid",
		Title:    "CronJob schedule that the Kubernetes cron parser rejects",
		Severity: analyzer.SeverityError,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The API server parses spec.schedule with robfig/cron v3's standard parser and refuses to " +
			"create the CronJob when it fails, so the task never runs. Cron dialects differ: Quartz and " +
			"Spring use 6 or 7 fields with seconds, `L`, `W` and `#`; crontab accepts `@reboot`; none of " +
			"these work in Kubernetes. kvet uses the same parser as the API server, so it accepts and " +
			"rejects exactly the same schedules. The parser also loads the zone of a TZ= or CRON_TZ= " +
			"prefix and rejects a name the IANA time zone database does not have (`Europe/Pariss`, " +
			"`europe/paris`); kvet checks it against the database compiled into it, as it does " +
			"spec.timeZone.",
		Remediation: "Write 5 fields, `minute hour day-of-month month day-of-week` (ranges 0-59, 0-23, 1-31, " +
			"1-12 or JAN-DEC, 0-6 or SUN-SAT; `*`, `?`, lists `1,15`, ranges `1-5`, steps `*/10`), or one " +
			"of the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or " +
			"`@every <duration>` (e.g. `@every 90m`). Test the schedule before deploying: the error " +
			"only shows up when the CronJob is applied.",
		Doc: "Bad:\n\n    schedule: \"0 0 2 * * ?\"    # Quartz: 6 fields\n    schedule: \"61 * * * *\"     # minute 61\n\n" +
			"Good:\n\n    schedule: \"0 2 * * *\"\n    schedule: \"*/15 9-17 * * MON-FRI\"\n    schedule: \"@hourly\"\n",
		Run: func(pass *analyzer.Pass) {
			s, present, ok := scheduleOf(pass)
			switch {
			case !ok:
				return
			case !present:
				pass.Report(analyzer.Finding{
					Path:    schedulePath,
					AtKey:   true,
					Message: "CronJob has no spec.schedule: the API server rejects it, so the task never runs; set schedule to 5 cron fields such as \"0 2 * * *\" or a macro such as @daily",
				})
				return
			case s == "":
				pass.Reportf(schedulePath,
					"schedule is empty: the API server rejects the CronJob, so the task never runs; set 5 cron fields such as \"0 2 * * *\" or a macro such as @daily")
				return
			}
			cs := parseSchedule(s)
			if cs.err == nil {
				return
			}
			what := "schedule " + analyzer.Quote(s)
			switch {
			case cs.prefix != "" && cs.expr == "":
				pass.Reportf(schedulePath, "schedule %s is only a time zone prefix, with no schedule after it: the API server rejects it, so the CronJob never runs; write 5 cron fields such as \"0 2 * * *\" (and the zone in spec.timeZone)", analyzer.Quote(s))
				return
			case errors.Is(cs.err, errUnknownZone):
				advice := "is not an IANA time zone name: remove the prefix and set spec.timeZone to an IANA zone name such as Europe/Paris or Etc/UTC"
				if z := suggestZone(cs.zone); z != "" {
					advice = fmt.Sprintf("is not an IANA time zone name (did you mean %s?): remove the prefix and set spec.timeZone: %s", z, z)
				}
				pass.Reportf(schedulePath, "schedule %s is rejected by the API server's cron parser (%v), so the CronJob cannot be created and never runs; %s %s",
					analyzer.Quote(s), cs.err, analyzer.Quote(cs.zone), advice)
				return
			case cs.prefix != "":
				what = fmt.Sprintf("schedule %s (after the %s prefix)", analyzer.Quote(cs.expr), cs.prefix)
			}
			pass.Reportf(schedulePath, "%s is rejected by the API server's cron parser (%v), so the CronJob cannot be created and never runs; %s",
				what, cs.err, scheduleHint(cs.expr, cs.err))
		},
	}
}

// ScheduleTimezone flags TZ= and CRON_TZ= prefixes in schedules.
func ScheduleTimezone() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-schedule-timezone",
		Title:    "CronJob schedule with a TZ= or CRON_TZ= prefix",
		Severity: analyzer.SeverityError,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "A TZ= or CRON_TZ= prefix in spec.schedule was never a supported way to pick a time zone: " +
			"it only worked by accident of the cron library. Since Kubernetes 1.29 the API server rejects " +
			"new CronJobs whose schedule contains it (\"cannot use TZ or CRON_TZ in schedule, use " +
			"timeZone field instead\"), so the manifest no longer applies. With an older --kube-version " +
			"the finding is a warning: the manifest still applies, and breaks on the upgrade to 1.29; " +
			"unless spec.timeZone is set too: from 1.25, where the field is on by default, the API " +
			"server rejects a schedule with a prefix next to it (\"cannot use both timeZone field and " +
			"TZ or CRON_TZ in schedule\"), and the finding is an error.",
		Remediation: "Remove the prefix from spec.schedule and set spec.timeZone to the same IANA zone name, " +
			"e.g. `timeZone: Europe/Paris` (spec.timeZone is GA in Kubernetes 1.27, beta in 1.25). kvet " +
			"offers this edit as a suggested fix when the zone is known, spec.timeZone is not already set " +
			"to another zone and the target release has the field.",
		Doc: "Bad:\n\n    schedule: \"CRON_TZ=Europe/Paris 0 3 * * *\"\n\n" +
			"Good:\n\n    schedule: \"0 3 * * *\"\n    timeZone: Europe/Paris\n",
		Run: func(pass *analyzer.Pass) {
			s, _, ok := scheduleOf(pass)
			if !ok || !hasTZPrefix(s) {
				return
			}
			cs := parseSchedule(s)
			if cs.err != nil {
				return // the API server rejects the schedule anyway: cronjob-schedule-invalid
			}
			unknown := ""
			if !knownZone(cs.zone) {
				unknown = fmt.Sprintf(" (%s is not an IANA time zone name either)", analyzer.Quote(cs.zone))
			}
			target := pass.KubeVersion()
			cj, _ := cronJob(pass)
			f := analyzer.Finding{Path: schedulePath}
			switch {
			case target.AtLeast(tzPrefixRejected):
				f.Message = fmt.Sprintf("schedule starts with %s: time zone prefixes were never supported and the API server rejects them since Kubernetes 1.%d; remove the prefix and set spec.timeZone: %s%s",
					analyzer.Quote(cs.prefix), tzPrefixRejected, cs.zone, unknown)
			case prefixRejected(target, cj):
				keep := fmt.Sprintf("keep the zone the schedule is meant for in spec.timeZone (now %s)", analyzer.Quote(*cj.Spec.TimeZone))
				if *cj.Spec.TimeZone == cs.zone {
					keep = "spec.timeZone already says " + cs.zone
				}
				f.Message = fmt.Sprintf("schedule starts with %s and spec.timeZone is set too: the API server rejects a CronJob with both (\"cannot use both timeZone field and TZ or CRON_TZ in schedule\"), so it cannot be created and never runs; remove the prefix (%s)",
					analyzer.Quote(cs.prefix), keep)
			default:
				// Accepted, but unsupported, and the upgrade to 1.29 breaks it.
				f.Severity = analyzer.SeverityWarning
				f.Message = fmt.Sprintf("schedule starts with %s: time zone prefixes were never supported; the target %s still accepts them, but the API server rejects them from Kubernetes 1.%d; remove the prefix and set spec.timeZone: %s%s%s",
					analyzer.Quote(cs.prefix), target, tzPrefixRejected, cs.zone, unknown, timeZoneField.Note(target))
			}
			if timeZoneField.Available(target) {
				f.Fix = moveZoneFix(pass, s, cs)
			}
			pass.Report(f)
		},
	}
}

// tzPrefixRejected is the release from which the API server rejects TZ=
// and CRON_TZ= prefixes in schedules.
const tzPrefixRejected = 29

// prefixRejected reports whether the target's API server rejects the
// CronJob for the TZ= or CRON_TZ= prefix of its schedule
// (cronjob-schedule-timezone's errors): from 1.29 always, and from the
// release that has spec.timeZone when that field is set too (the API server
// checks that the schedule does not contain "TZ" then).
func prefixRejected(target analyzer.KubeVersion, cj *batchv1.CronJob) bool {
	return target.AtLeast(tzPrefixRejected) || cj.Spec.TimeZone != nil && timeZoneField.Available(target)
}

// moveZoneFix moves a valid TZ= prefix into spec.timeZone, or drops the
// prefix when spec.timeZone already names the same zone.
func moveZoneFix(pass *analyzer.Pass, s string, cs cronSchedule) *analyzer.SuggestedFix {
	cj, _ := cronJob(pass)
	if s != cs.prefix+" "+cs.expr || cs.err != nil || !knownZone(cs.zone) {
		return nil
	}
	replace, ok := analyzer.ReplaceScalar(pass.Doc, schedulePath, cs.expr)
	if !ok {
		return nil
	}
	switch {
	case cj.Spec.TimeZone == nil:
		insert, ok := analyzer.InsertField(pass.Doc, analyzer.NewPath("spec"), "timeZone", analyzer.YAMLString(cs.zone), "schedule")
		if !ok {
			return nil
		}
		return analyzer.NewFix("Move the time zone to spec.timeZone: "+cs.zone, replace, insert)
	case *cj.Spec.TimeZone == cs.zone:
		return analyzer.NewFix("Remove the "+cs.prefix+" prefix (spec.timeZone already says "+cs.zone+")", replace)
	}
	return nil
}

var monthNames = [...]string{1: "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// daysIn is the largest day of each month (February in a leap year).
var daysIn = [...]uint{1: 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// starBit is robfig/cron's marker for a field written as * or ?.
const starBit = 1 << 63

// neverFires reports whether a parsed schedule has no day on which it runs,
// and if so the days and months it asks for. robfig/cron (like Vixie cron)
// matches a day when day-of-month AND day-of-week match if either field is
// a wildcard, and when either matches otherwise; so only a wildcard
// day-of-week lets an impossible day-of-month/month pair stop the schedule.
func neverFires(s cron.Schedule) (days, months []string, never bool) {
	spec, ok := s.(*cron.SpecSchedule)
	if !ok || spec.Dow&starBit == 0 {
		return nil, nil, false
	}
	for m := uint(1); m <= 12; m++ {
		if spec.Month&(1<<m) == 0 {
			continue
		}
		months = append(months, monthNames[m])
		for d := uint(1); d <= daysIn[m]; d++ {
			if spec.Dom&(1<<d) != 0 {
				return nil, nil, false
			}
		}
	}
	for d := uint(1); d <= 31; d++ {
		if spec.Dom&(1<<d) != 0 {
			days = append(days, fmt.Sprint(d))
		}
	}
	return days, months, true
}

// ScheduleNeverFires flags schedules whose days never occur.
func ScheduleNeverFires() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-schedule-never-fires",
		Title:    "CronJob schedule whose day-of-month and month never occur together",
		Severity: analyzer.SeverityError,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "A schedule such as `0 0 30 2 *` (February 30) or `0 0 31 4,6,9,11 *` is valid cron, so the " +
			"API server accepts it, but the controller never finds a time to run it: the CronJob exists, " +
			"looks healthy and silently never starts a Job.",
		Remediation: "Pick a day that exists in every listed month (1-28 always does, 29 only in leap-year " +
			"Februaries), or list the months that have the day. To run at the end of each month, schedule " +
			"days 28-31 and let the job exit unless tomorrow is the 1st.",
		Doc: "Bad:\n\n    schedule: \"0 0 30 2 *\"\n\nGood:\n\n    schedule: \"0 0 28 2 *\"\n",
		Run: func(pass *analyzer.Pass) {
			s, _, ok := scheduleOf(pass)
			if !ok || s == "" {
				return
			}
			cs := parseSchedule(s)
			if cs.err != nil {
				return // cronjob-schedule-invalid
			}
			days, months, never := neverFires(cs.parsed)
			if !never {
				return
			}
			accepted := "so the API server accepts the CronJob but the controller never starts a Job"
			if cj, _ := cronJob(pass); cs.prefix != "" && prefixRejected(pass.KubeVersion(), cj) {
				// cronjob-schedule-timezone reports the prefix as an error.
				accepted = "so even without the time zone prefix, which the API server rejects, the controller would never start a Job"
			}
			pass.Reportf(schedulePath,
				"schedule %s never fires: day-of-month %s never occurs in %s (and day-of-week is *), %s; choose a day that exists in those months",
				analyzer.Quote(s), joinOr(days), joinOr(months), accepted)
		},
	}
}

func joinOr(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
