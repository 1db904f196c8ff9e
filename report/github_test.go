package report_test

import (
	"bytes"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/report"
)

// A suppressed finding (shown with --show-suppressed) is a notice whatever
// its severity, titled with its suppression.
func TestGitHubSuppressed(t *testing.T) {
	at := analyzer.Range{Start: analyzer.Position{Line: 2, Column: 3}, End: analyzer.Position{Line: 2, Column: 7}}
	r := &report.Report{Diagnostics: []analyzer.Diagnostic{
		{RuleID: "r-error", Severity: analyzer.SeverityError, Message: "m1", File: "a.yaml", Range: at},
		{RuleID: "r-error", Severity: analyzer.SeverityError, Message: "m2", File: "a.yaml", Range: at,
			Suppression: &analyzer.Suppression{Kind: analyzer.SuppressionInSource}},
		{RuleID: "r-warn", Severity: analyzer.SeverityWarning, Message: "m3", File: "a.yaml", Range: at,
			Suppression: &analyzer.Suppression{Kind: analyzer.SuppressionExternal, Justification: "recorded in baseline b.json, 2026"}},
	}}
	var buf bytes.Buffer
	if err := (report.GitHub{}).Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a.yaml,line=2,col=3,endLine=2,endColumn=7,title=kvet r-error::m1\n" +
		"::notice file=a.yaml,line=2,col=3,endLine=2,endColumn=7,title=kvet r-error (suppressed)::m2\n" +
		"::notice file=a.yaml,line=2,col=3,endLine=2,endColumn=7,title=kvet r-warn (suppressed%3A recorded in baseline b.json%2C 2026)::m3\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// Control characters of a message (a policy's or a chart's) are escaped
// as the text format escapes them: the Actions log renders ANSI escape
// sequences. Line breaks stay encoded as workflow commands encode them.
func TestGitHubControlCharacters(t *testing.T) {
	at := analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}, End: analyzer.Position{Line: 1, Column: 2}}
	r := &report.Report{Diagnostics: []analyzer.Diagnostic{
		{RuleID: "acme-\x1brule", Severity: analyzer.SeverityWarning, Message: "\x1b[31mred\x01 a\nb \u009b%", File: "a\x07.yaml", Range: at},
	}}
	var buf bytes.Buffer
	if err := (report.GitHub{}).Format(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := `::warning file=a\x07.yaml,line=1,col=1,endLine=1,endColumn=2,title=kvet acme-\x1brule::\x1b[31mred\x01 a%0Ab \u009b%25` + "\n"
	if buf.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", buf.String(), want)
	}
}
