package cronjob

import (
	"fmt"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

//go:generate go run gen_zones.go

// knownZone reports whether name is a zone of the IANA database that Go's
// time/tzdata embeds (zones_gen.go), exactly as written (case matters, as
// it does for the API server's time.LoadLocation on Linux). The list is
// compiled into kvet, so the answer never depends on the machine's files.
func knownZone(name string) bool {
	return name != "" && !strings.ContainsAny(name, "\n") && strings.Contains(zoneList, "\n"+name+"\n")
}

// zoneLoads reports whether time.LoadLocation, which the cron parser calls
// on the zone of a TZ= or CRON_TZ= prefix, accepts name: "" (UTC), Local
// and the zones of the database.
func zoneLoads(name string) bool {
	return name == "" || name == "Local" || knownZone(name)
}

// zoneComponent is the API server's rule for each /-separated part of a
// timeZone (pkg/apis/batch/validation: IANA naming, plus digits and + for
// legacy names such as Etc/GMT+5): ^[A-Za-z\.\-_0-9+]{1,14}$, checked
// without a regexp, whose compilation cost more than the rest of the rule
// in a one-file run.
func zoneComponent(part string) bool {
	if len(part) < 1 || len(part) > 14 {
		return false
	}
	for i := 0; i < len(part); i++ {
		switch c := part[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '_', c == '+':
		default:
			return false
		}
	}
	return true
}

// timeZoneProblem returns why the API server rejects tz, or "".
func timeZoneProblem(tz string) string {
	if tz == "" {
		return "it is empty; omit the field or name a zone"
	}
	for _, part := range strings.Split(tz, "/") {
		if part == "." || part == ".." || strings.HasPrefix(part, "-") || !zoneComponent(part) {
			return "it is not a time zone name"
		}
	}
	if strings.EqualFold(tz, "Local") {
		return "Local means the controller manager's own zone, which the API server refuses: name an explicit zone"
	}
	if !knownZone(tz) {
		return fmt.Sprintf("it is not in the IANA time zone database (release %s)", tzdataVersion)
	}
	return ""
}

// suggestZone returns the zone name that tz most likely meant: the same
// name in other case, or, for names of 6 characters or more, the nearest
// name within two edits; "" if none. (Short names are abbreviations such
// as PST, whose lookalikes, EST, are different zones.)
func suggestZone(tz string) string {
	best, bestD := "", 3
	for name := range strings.SplitSeq(strings.Trim(zoneList, "\n"), "\n") {
		if strings.EqualFold(name, tz) {
			return name
		}
		if len(tz) < 6 {
			continue
		}
		if d := analyzer.EditDistance(tz, name, bestD); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}

var timeZonePath = analyzer.NewPath("spec", "timeZone")

// timeZoneField is spec.timeZone's history: alpha behind the
// CronJobTimeZone gate in 1.24, beta and on by default in 1.25, GA in 1.27.
var timeZoneField = analyzer.Feature{Field: "spec.timeZone", Gate: "CronJobTimeZone", Alpha: 24, Beta: 25, GA: 27}

// TimezoneMissing flags CronJobs that run in the controller's time zone.
func TimezoneMissing() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-timezone-missing",
		Title:    "CronJob without spec.timeZone",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "Without spec.timeZone the schedule is read in the time zone of the kube-controller-manager " +
			"process: usually UTC, but it differs between clusters and changes if the control plane is " +
			"moved, so a job meant for 2 am local time runs hours off and shifts with daylight saving time.",
		Remediation: "Set spec.timeZone to an IANA zone name, e.g. `timeZone: Europe/Paris`, or `Etc/UTC` to " +
			"make UTC explicit. `@every <duration>` schedules do not depend on a time zone and are not " +
			"reported. spec.timeZone is GA in Kubernetes 1.27 (beta, on by default, in 1.25 and 1.26); " +
			"with an older --kube-version the message says so.",
		Doc: "Good:\n\n    spec:\n      schedule: \"0 2 * * *\"\n      timeZone: America/New_York\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok || cj.Spec.TimeZone != nil || !pass.Doc.Unset(timeZonePath) {
				return
			}
			schedule := strings.TrimLeft(cj.Spec.Schedule, " \t")
			if hasTZPrefix(schedule) {
				return // cronjob-schedule-timezone says to move the zone to spec.timeZone
			}
			if cs := parseSchedule(schedule); cs.err == nil && strings.HasPrefix(cs.expr, "@every") {
				return
			}
			pass.Report(analyzer.Finding{
				Path:    timeZonePath,
				AtKey:   true,
				Message: "spec.timeZone is unset, so the schedule runs in the kube-controller-manager's time zone (often UTC, and not the same on every cluster); set timeZone to an IANA zone such as Europe/Paris, or Etc/UTC to make UTC explicit" + timeZoneField.Note(pass.KubeVersion()),
			})
		},
	}
}

// TimezoneInvalid flags spec.timeZone values that are not IANA zone names.
func TimezoneInvalid() *analyzer.Rule {
	return &analyzer.Rule{
		ID:       "cronjob-timezone-invalid",
		Title:    "CronJob spec.timeZone that is not an IANA time zone name",
		Severity: analyzer.SeverityError,
		Kinds:    []string{"CronJob"},
		Source:   "go",
		Rationale: "The API server loads spec.timeZone from the IANA time zone database and rejects the CronJob " +
			"when the name is unknown, empty or `Local`, so the task never runs. Abbreviations such as " +
			"`PST` or `IST` and wrong case (`europe/paris`) are not zone names. kvet checks against the " +
			"database compiled into it (the one Go's time/tzdata embeds, as the API server does), so the " +
			"result does not depend on the machine.",
		Remediation: "Use a name from the IANA database such as `Europe/Paris`, `America/New_York` or " +
			"`Etc/UTC` (see `timedatectl list-timezones` or the tz database's zone1970.tab). kvet suggests " +
			"the closest name, and offers the fix when only the case is wrong.",
		Doc: "Bad:\n\n    timeZone: PST\n    timeZone: europe/paris\n\nGood:\n\n    timeZone: America/Los_Angeles\n",
		Run: func(pass *analyzer.Pass) {
			cj, ok := cronJob(pass)
			if !ok || cj.Spec.TimeZone == nil {
				return
			}
			tz := *cj.Spec.TimeZone
			why := timeZoneProblem(tz)
			if why == "" {
				return
			}
			f := analyzer.Finding{Path: timeZonePath}
			f.Message = fmt.Sprintf("spec.timeZone %s is rejected by the API server: %s, so the CronJob cannot be created and never runs", analyzer.Quote(tz), why)
			if s := suggestZone(tz); s != "" && tz != "" {
				f.Message += fmt.Sprintf("; did you mean %s?", s)
				if strings.EqualFold(s, tz) {
					if e, ok := analyzer.ReplaceScalar(pass.Doc, timeZonePath, s); ok {
						f.Fix = analyzer.NewFix("Set timeZone: "+s, e)
					}
				}
			} else {
				f.Message += "; use an IANA zone name such as Europe/Paris or Etc/UTC"
			}
			pass.Report(f)
		},
	}
}
