package report_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/report"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTextLines checks the exact `path:line:col: severity: message
// (rule-id)` line of every diagnostic, each followed by an indented
// `path:line:col: note: message` line per related location.
func TestTextLines(t *testing.T) {
	r := fixtureReport(t)
	out := string(render(t, &report.Text{}, r))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var want []string
	related := 0
	for _, d := range r.Diagnostics {
		msg := strings.ReplaceAll(d.Message, "\n", " ")
		want = append(want, fmt.Sprintf("%s:%d:%d: %s: %s (%s)", d.File, d.Range.Start.Line, d.Range.Start.Column, d.Severity, msg, d.RuleID))
		for _, rel := range d.Related {
			want = append(want, fmt.Sprintf("  %s:%d:%d: note: %s", rel.File, rel.Range.Start.Line, rel.Range.Start.Column, strings.ReplaceAll(rel.Message, "\n", " ")))
			related++
		}
	}
	if related == 0 {
		t.Fatal("the fixture has no related location: the note lines went unchecked")
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d diagnostics and %d related locations:\n%s", len(lines), len(r.Diagnostics), related, out)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], want[i])
		}
	}
	// One of them, spelled out.
	const schedule = `testdata/in/workloads.yaml:9:13: error: schedule "0 2 * * *" of CronJob nightly-report needs review (test-schedule-review)`
	if !strings.Contains(out, schedule+"\n") {
		t.Errorf("output lacks %q", schedule)
	}
	// A set rule's finding with notes in other files, spelled out.
	const notes = "testdata/in/workloads.yaml:23:9: warning: Deployment web runs beside CronJobs (test-cronjob-neighbours)\n" +
		"  testdata/in/broken.yaml:18:13: note: CronJob after-the-error runs on this schedule beside it\n" +
		"  testdata/in/dir with space/odd#name.yaml:6:13: note: CronJob weekly: cleanup, 100% runs on this schedule beside it\n"
	if !strings.Contains(out, notes) {
		t.Errorf("output lacks %q", notes)
	}
}

func TestTextColor(t *testing.T) {
	r := fixtureReport(t)
	plain := string(render(t, &report.Text{Color: false}, r))
	if strings.Contains(plain, "\x1b") {
		t.Errorf("Color: false wrote escape codes:\n%q", plain)
	}
	colored := string(render(t, &report.Text{Color: true}, r))
	if !ansi.MatchString(colored) {
		t.Fatalf("Color: true wrote no ANSI codes:\n%s", colored)
	}
	// Red bold severity for errors.
	if !strings.Contains(colored, "\x1b[31;1merror\x1b[") {
		t.Errorf("errors are not red and bold:\n%q", colored)
	}
	if got := ansi.ReplaceAllString(colored, ""); got != plain {
		t.Errorf("colored output without its escape codes differs from the plain output:\n%s\nvs\n%s", got, plain)
	}
}

func TestSummary(t *testing.T) {
	got := report.Summary(fixtureReport(t))
	const want = "kvet: 7 errors, 5 warnings, 2 info in 4 files (6 documents)"
	if got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got := report.Summary(&report.Report{Files: 1, Documents: 1}); got != "kvet: 0 errors, 0 warnings, 0 info in 1 file (1 document)" {
		t.Errorf("Summary of nothing = %q", got)
	}
}

func TestNew(t *testing.T) {
	if got := strings.Join(report.Names(), " "); got != "github json sarif text" {
		t.Errorf("Names() = %q", got)
	}
	for _, name := range report.Names() {
		if f, err := report.New(name, report.Options{}); err != nil || f == nil {
			t.Errorf("New(%q) = %v, %v", name, f, err)
		}
	}
	_, err := report.New("xml", report.Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml" (want one of github, json, sarif, text)`) {
		t.Errorf("New(xml) error = %v", err)
	}
}
