package report_test

import (
	"encoding/json"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/report"
	"github.com/kvet-dev/kvet/report/sariftest"
)

// TestSARIFSuppressionsAndHelpURI checks that suppressed findings are kept
// in SARIF with their suppression (kind and justification), that every
// other result carries an empty suppressions array, that rules link to
// their documentation, and that suppressed findings are not counted.
func TestSARIFSuppressionsAndHelpURI(t *testing.T) {
	r := fixtureReport(t)
	if len(r.Diagnostics) < 3 {
		t.Fatalf("fixture has %d diagnostics, want at least 3", len(r.Diagnostics))
	}
	before := r.Counts()
	r.Diagnostics[0].Suppression = &analyzer.Suppression{Kind: analyzer.SuppressionInSource, Justification: "reviewed"}
	r.Diagnostics[1].Suppression = &analyzer.Suppression{Kind: analyzer.SuppressionExternal, Justification: "recorded in baseline b.json"}
	r.Rules[0].URL = "https://github.com/kvet-dev/kvet/blob/main/docs/rules.md#" + r.Rules[0].ID

	after := r.Counts()
	for _, i := range []int{0, 1} {
		before[r.Diagnostics[i].Severity]--
	}
	if after[analyzer.SeverityError] != before[analyzer.SeverityError] ||
		after[analyzer.SeverityWarning] != before[analyzer.SeverityWarning] || after[analyzer.SeverityInfo] != before[analyzer.SeverityInfo] {
		t.Errorf("Counts = %v, want %v (suppressed findings left out)", after, before)
	}

	out := render(t, report.SARIF{}, r)
	for _, p := range sariftest.CheckGitHub(out) {
		t.Error(p)
	}
	t.Run("schema", func(t *testing.T) { sariftest.ValidateBytes(t, out) })

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID      string  `json:"id"`
						HelpURI *string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				Suppressions []map[string]string `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Results) != len(r.Diagnostics) {
		t.Fatalf("%d results for %d diagnostics: suppressed findings must be kept", len(run.Results), len(r.Diagnostics))
	}
	want := []map[string]string{{"kind": "inSource", "justification": "reviewed"}}
	if got := run.Results[0].Suppressions; len(got) != 1 || got[0]["kind"] != want[0]["kind"] || got[0]["justification"] != want[0]["justification"] {
		t.Errorf("result 0 suppressions = %v, want %v", got, want)
	}
	if got := run.Results[1].Suppressions; len(got) != 1 || got[0]["kind"] != "external" || got[0]["justification"] != "recorded in baseline b.json" {
		t.Errorf("result 1 suppressions = %v", got)
	}
	for i, res := range run.Results[2:] {
		if res.Suppressions == nil || len(res.Suppressions) != 0 {
			t.Errorf("result %d suppressions = %v, want an empty array", i+2, res.Suppressions)
		}
	}
	rules := run.Tool.Driver.Rules
	if rules[0].HelpURI == nil || *rules[0].HelpURI != r.Rules[0].URL {
		t.Errorf("rule %s helpUri = %v, want %s", rules[0].ID, rules[0].HelpURI, r.Rules[0].URL)
	}
	if rules[1].HelpURI != nil {
		t.Errorf("rule %s without URL has helpUri %q", rules[1].ID, *rules[1].HelpURI)
	}
}
