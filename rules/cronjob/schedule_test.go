package cronjob

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so that every listed zone loads on any machine

	"github.com/robfig/cron/v3"
)

// scheduleForms covers every shape of schedule: 5 fields, macros, ranges,
// steps, names, wildcards, and the invalid ones (bad ranges, 4 or 6 fields).
var scheduleForms = []struct {
	spec  string
	valid bool
}{
	{"0 2 * * *", true},
	{"*/15 9-17 * * MON-FRI", true},
	{"0 0 1 jan,JUL *", true},
	{"5-55/10 0,12 1-15 */2 0", true},
	{"0 0 * * ?", true},
	{"*/61 * * * *", true},
	{"  0 2 * * *  ", true},
	{"@yearly", true},
	{"@annually", true},
	{"@monthly", true},
	{"@weekly", true},
	{"@daily", true},
	{"@midnight", true},
	{"@hourly", true},
	{"@every 5m", true},
	{"@every 1h30m", true},
	{"61 * * * *", false},
	{"0 24 * * *", false},
	{"0 0 0 * *", false},
	{"0 0 * 13 *", false},
	{"0 0 * * 7", false},
	{"50-10 * * * *", false},
	{"*/0 * * * *", false},
	{"1-2-3 * * * *", false},
	{"1/2/3 * * * *", false},
	{"MON * * * *", false},
	{"0 * * *", false},
	{"0 0 * * * *", false},
	{"0 0 12 ? * MON-FRI *", false},
	{"0 0 L * *", false},
	{"@reboot", false},
	{"@Hourly", false},
	{"@hourly ", false},
	{" @hourly", false},
	{"@every", false},
	{"@every 5x", false},
	{"", false},
}

// TestParseScheduleMatchesKubernetes checks that, without a TZ= prefix,
// kvet accepts exactly what cron.ParseStandard (the API server's parser)
// accepts.
func TestParseScheduleMatchesKubernetes(t *testing.T) {
	for _, tc := range scheduleForms {
		_, apiErr := cron.ParseStandard(tc.spec)
		got := parseSchedule(tc.spec)
		if (got.err == nil) != tc.valid || (apiErr == nil) != tc.valid {
			t.Errorf("%q: kvet error %v, ParseStandard error %v, want valid=%v", tc.spec, got.err, apiErr, tc.valid)
		}
		if got.prefix != "" || got.expr != tc.spec {
			t.Errorf("%q: prefix %q, expr %q", tc.spec, got.prefix, got.expr)
		}
	}
}

func TestParseScheduleTZPrefix(t *testing.T) {
	tests := []struct {
		spec, prefix, zone, expr string
		valid                    bool
	}{
		{"TZ=UTC 0 * * * *", "TZ=UTC", "UTC", "0 * * * *", true},
		{"CRON_TZ=Europe/Paris   @daily", "CRON_TZ=Europe/Paris", "Europe/Paris", "@daily", true},
		{"CRON_TZ=Mars/Olympus 0 3 * * *", "CRON_TZ=Mars/Olympus", "Mars/Olympus", "0 3 * * *", false},
		{"CRON_TZ=europe/paris 0 3 * * *", "CRON_TZ=europe/paris", "europe/paris", "0 3 * * *", false},
		{"TZ=Foo/Bar 0 * * * *", "TZ=Foo/Bar", "Foo/Bar", "0 * * * *", false},
		{"TZ=Etc/GMT+5 @daily", "TZ=Etc/GMT+5", "Etc/GMT+5", "@daily", true},
		{"TZ= 0 * * * *", "TZ=", "", "0 * * * *", true}, // time.LoadLocation("") is UTC
		{"TZ=Local 0 * * * *", "TZ=Local", "Local", "0 * * * *", true},
		{"TZ=UTC 61 * * * *", "TZ=UTC", "UTC", "61 * * * *", false},
		{"TZ=UTC", "TZ=UTC", "UTC", "", false}, // cron.ParseStandard panics on this one
		{"TZ=UTC\t0 * * * *", "TZ=UTC\t0", "UTC\t0", "* * * *", false},
		{"TZ=UTC TZ=UTC 0 * * * *", "TZ=UTC", "UTC", "TZ=UTC 0 * * * *", false},
	}
	for _, tc := range tests {
		got := parseSchedule(tc.spec)
		if got.prefix != tc.prefix || got.zone != tc.zone || got.expr != tc.expr || (got.err == nil) != tc.valid {
			t.Errorf("%q: got prefix %q zone %q expr %q err %v; want %q %q %q valid=%v",
				tc.spec, got.prefix, got.zone, got.expr, got.err, tc.prefix, tc.zone, tc.expr, tc.valid)
		}
		// The library agrees where it does not panic (a prefix alone),
		// loading zones from the tzdata this test embeds.
		if tc.expr != "" {
			if _, err := cron.ParseStandard(tc.spec); (err == nil) != tc.valid {
				t.Errorf("%q: ParseStandard error %v, want valid=%v", tc.spec, err, tc.valid)
			}
		}
	}
}

func TestNeverFires(t *testing.T) {
	tests := map[string]bool{
		"0 0 30 2 *":        true,
		"0 0 31 2 *":        true,
		"0 0 31 4,6,9,11 *": true,
		"0 0 30-31 2 ?":     true,
		"0 0 31 9 */1":      true,
		"0 0 29 2 *":        false,
		"0 0 31 * *":        false,
		"0 0 31 4,5 *":      false,
		"0 0 30 2 1":        false,
		"0 0 30 2 0-6":      false,
		"0 0 30 2 */2":      false,
		"0 0 * 2 *":         false,
		"@monthly":          false,
		"@every 1h":         false,
	}
	for spec, want := range tests {
		s, err := cron.ParseStandard(spec)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		if _, _, got := neverFires(s); got != want {
			t.Errorf("neverFires(%q) = %v, want %v", spec, got, want)
		}
		// Cross-check with the library's own search for the next run,
		// which gives up (zero time) after five years.
		if next := s.Next(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); next.IsZero() != want {
			t.Errorf("%q: Next = %v, but neverFires = %v", spec, next, want)
		}
	}
}

func TestZoneList(t *testing.T) {
	names := strings.Split(strings.Trim(zoneList, "\n"), "\n")
	if len(names) < 400 {
		t.Fatalf("only %d zone names", len(names))
	}
	for i, name := range names {
		if i > 0 && names[i-1] >= name {
			t.Errorf("zone list not sorted and unique at %q", name)
		}
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("listed zone %q does not load: %v", name, err)
		}
		if why := timeZoneProblem(name); why != "" {
			t.Errorf("listed zone %q rejected: %s", name, why)
		}
	}
	for _, name := range []string{"Europe/Paris", "UTC", "Etc/GMT+5", "America/Argentina/ComodRivadavia"} {
		if !knownZone(name) {
			t.Errorf("knownZone(%q) = false", name)
		}
	}
	for _, name := range []string{"", "europe/paris", "Europe", "Europe/Paris\nUTC", "Local", "PST"} {
		if knownZone(name) {
			t.Errorf("knownZone(%q) = true", name)
		}
	}
}

// TestZoneListIsCurrent compares the generated list with the toolchain's
// zoneinfo.zip (what time/tzdata embeds) when both are the same release.
func TestZoneListIsCurrent(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lib", "time")
	script, err := os.ReadFile(filepath.Join(dir, "update.bash"))
	if err != nil {
		t.Skip(err)
	}
	m := regexp.MustCompile(`(?m)^DATA=(\S+)`).FindSubmatch(script)
	if m == nil || string(m[1]) != tzdataVersion {
		t.Skipf("toolchain tzdata is not release %s: run go generate ./rules/cronjob", tzdataVersion)
	}
	zr, err := zip.OpenReader(filepath.Join(dir, "zoneinfo.zip"))
	if err != nil {
		t.Skip(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			names = append(names, f.Name)
		}
	}
	for _, n := range names {
		if !knownZone(n) {
			t.Errorf("zoneinfo.zip has %q, the generated list does not", n)
		}
	}
	if got := strings.Count(zoneList, "\n") - 1; got != len(names) {
		t.Errorf("generated list has %d names, zoneinfo.zip %d", got, len(names))
	}
}

// TestZoneComponent checks the hand-written check against the API server's
// regular expression for each part of a timeZone.
func TestZoneComponent(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z\.\-_0-9+]{1,14}$`)
	for _, part := range []string{
		"", "Europe", "Berlin", "GMT+5", "GMT-5", "New_York", "Port-au-Prince",
		"abcdefghijklmn", "abcdefghijklmno", "a b", "Zürich", "a/b", "a\n", "\na",
		"..", ".", "-x", "a*", "a$", "[", "0123456789+", "UTC\x00",
	} {
		if got, want := zoneComponent(part), re.MatchString(part); got != want {
			t.Errorf("zoneComponent(%q) = %v, the regexp says %v", part, got, want)
		}
	}
}
