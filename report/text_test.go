package report_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
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
		if d.Fix != nil {
			msg += " [fixable]"
		}
		want = append(want, fmt.Sprintf("%s:%d:%d: %s: %s (%s)", d.File, d.Range.Start.Line, byteColumn(t, d.File, d.Range.Start), d.Severity, msg, d.RuleID))
		for _, rel := range d.Related {
			want = append(want, fmt.Sprintf("  %s:%d:%d: note: %s", rel.File, rel.Range.Start.Line, byteColumn(t, rel.File, rel.Range.Start), strings.ReplaceAll(rel.Message, "\n", " ")))
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

// byteColumn returns the 1-based byte column of pos (whose column counts
// code points) in a fixture file, read independently of the formatters.
func byteColumn(t *testing.T, file string, pos analyzer.Position) int {
	t.Helper()
	data := []byte(stdinManifest)
	if file != analyzer.StdinName {
		var err error
		if data, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
	}
	line := strings.Split(string(data), "\n")[pos.Line-1]
	return 1 + len(string([]rune(line)[:pos.Column-1]))
}

// TestColumnUnits checks each format's column unit on a line with
// non-ASCII text before the finding: bytes in the text and github formats
// (what gcc, go vet, Vim's %c and Emacs use), code points in SARIF (which
// declares columnKind unicodeCodePoints) and JSON (which says so in its
// columnKind field).
func TestColumnUnits(t *testing.T) {
	r := fixtureReport(t)
	const file = "testdata/in/unicode.yaml"
	// `spec: {timeZone: "Europe/Zürich", schedule: "0 3 * * *", ...}`: the
	// schedule value starts at code point 45, byte 46 (ü is two bytes).
	text := string(render(t, &report.Text{}, r))
	if want := file + `:8:46: error: schedule "0 3 * * *" of CronJob zürich-report needs review (test-schedule-review)`; !strings.Contains(text, want+"\n") {
		t.Errorf("text output lacks %q:\n%s", want, text)
	}
	gh := string(render(t, report.GitHub{}, r))
	if want := "::error file=testdata/in/unicode.yaml,line=8,col=46,endLine=8,endColumn=57,title=kvet test-schedule-review::"; !strings.Contains(gh, want) {
		t.Errorf("github output lacks %q:\n%s", want, gh)
	}
	var sarif struct {
		Runs []struct {
			ColumnKind string `json:"columnKind"`
			Results    []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartColumn, EndColumn int }
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, report.SARIF{}, r), &sarif); err != nil {
		t.Fatal(err)
	}
	if sarif.Runs[0].ColumnKind != "unicodeCodePoints" {
		t.Errorf("SARIF columnKind %q", sarif.Runs[0].ColumnKind)
	}
	found := false
	for _, res := range sarif.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID == "test-schedule-review" && strings.HasSuffix(loc.ArtifactLocation.URI, "unicode.yaml") {
			found = true
			if loc.Region.StartColumn != 45 || loc.Region.EndColumn != 56 {
				t.Errorf("SARIF region columns %d-%d, want 45-56 (code points)", loc.Region.StartColumn, loc.Region.EndColumn)
			}
		}
	}
	if !found {
		t.Error("SARIF has no test-schedule-review result in unicode.yaml")
	}
	var js struct {
		Diagnostics []struct {
			Rule  string `json:"rule"`
			File  string `json:"file"`
			Range struct {
				Start struct{ Column int } `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(render(t, report.JSON{}, r), &js); err != nil {
		t.Fatal(err)
	}
	for _, d := range js.Diagnostics {
		if d.Rule == "test-schedule-review" && d.File == file && d.Range.Start.Column != 45 {
			t.Errorf("JSON column %d, want 45 (code points)", d.Range.Start.Column)
		}
	}

	// JUnit writes the text format's line (bytes) in the test case's name
	// and details, and its related locations' notes in bytes too.
	at := slices.IndexFunc(r.Diagnostics, func(d analyzer.Diagnostic) bool {
		return d.RuleID == "test-schedule-review" && d.File == file
	})
	if at < 0 {
		t.Fatal("no test-schedule-review finding in unicode.yaml")
	}
	d := &r.Diagnostics[at]
	d.Related = append(slices.Clip(d.Related), analyzer.RelatedLocation{File: file, Range: d.Range, Message: "the same value"})
	if want := "  " + file + ":8:46: note: the same value\n"; !strings.Contains(string(render(t, &report.Text{}, r)), want) {
		t.Errorf("text output lacks %q", want)
	}
	junit := string(render(t, report.JUnit{}, r))
	for _, want := range []string{
		`name="` + file + `:8:46 test-schedule-review"`,
		file + `:8:46: error: schedule`,
		"note: " + file + ":8:46: the same value\n",
	} {
		if !strings.Contains(junit, want) {
			t.Errorf("JUnit output lacks %q:\n%s", want, junit)
		}
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
	const want = "kvet: 8 errors, 5 warnings, 2 info in 5 files (7 documents)"
	if got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got := report.Summary(&report.Report{Files: 1, Documents: 1}); got != "kvet: 0 errors, 0 warnings, 0 info in 1 file (1 document)" {
		t.Errorf("Summary of nothing = %q", got)
	}
}

func TestNew(t *testing.T) {
	if got := strings.Join(report.Names(), " "); got != "checkstyle github gitlab json junit sarif text" {
		t.Errorf("Names() = %q", got)
	}
	for _, name := range report.Names() {
		if f, err := report.New(name, report.Options{}); err != nil || f == nil {
			t.Errorf("New(%q) = %v, %v", name, f, err)
		}
	}
	_, err := report.New("xml", report.Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml" (want one of checkstyle, github, gitlab, json, junit, sarif, text)`) {
		t.Errorf("New(xml) error = %v", err)
	}
}

// TestTextControlCharacters checks that a message (a Helm chart's fail
// message, a policy's text) cannot drive the terminal or split the line:
// line breaks become spaces, other control characters Go escapes, in the
// plain and the coloured output alike.
func TestTextControlCharacters(t *testing.T) {
	at := analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}, End: analyzer.Position{Line: 1, Column: 2}}
	tests := []struct{ msg, want string }{
		{"plain, with a\ttab and ü", "plain, with a\ttab and ü"},
		{"two\r\nlines\n", "two lines"},
		{"\x1b[31mred\x1b[0m\a", `\x1b[31mred\x1b[0m\x07`},
		{"bs\b del\x7f nul\x00", `bs\x08 del\x7f nul\x00`},
		{"csi \u009b2J and line\nbreak", `csi \u009b2J and line break`},
	}
	for _, tt := range tests {
		r := &report.Report{Diagnostics: []analyzer.Diagnostic{
			{RuleID: "render-failed", Severity: analyzer.SeverityWarning, Message: tt.msg, File: "c/templates/x.yaml", Range: at},
		}}
		want := "c/templates/x.yaml:1:1: warning: " + tt.want + " (render-failed)\n"
		if got := string(render(t, &report.Text{}, r)); got != want {
			t.Errorf("message %q: got %q, want %q", tt.msg, got, want)
		}
		if got := ansi.ReplaceAllString(string(render(t, &report.Text{Color: true}, r)), ""); got != want {
			t.Errorf("message %q in colour: got %q, want %q", tt.msg, got, want)
		}
	}
}
