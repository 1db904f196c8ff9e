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
