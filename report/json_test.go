package report_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/report"
)

// jsonSchema is the documented shape of the JSON report (README.md, "JSON
// output"): the keys of each object. Keep the two in sync.
var jsonSchema = map[string][]string{
	"":                     {"version", "tool", "columnKind", "summary", "diagnostics"},
	"tool":                 {"name", "version"},
	"summary":              {"files", "documents", "errors", "warnings", "infos"},
	"diagnostic":           {"rule", "severity", "message", "file", "range", "path", "object", "fingerprint", "fix", "suppression", "related"},
	"diagnostic.related":   {"file", "range", "path", "object", "message"},
	"diagnostic.range":     {"start", "end"},
	"diagnostic.range.pos": {"line", "column"},
	"diagnostic.object":    {"apiVersion", "kind", "namespace", "name"},
	"diagnostic.fix":       {"message", "edits"},
	"diagnostic.fix.edit":  {"offset", "end", "newText"},
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func checkKeys(t *testing.T, where, schema string, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: %T, want an object", where, v)
	}
	want := slices.Clone(jsonSchema[schema])
	slices.Sort(want)
	if got := keys(m); !slices.Equal(got, want) {
		t.Errorf("%s has keys %v, documented %v", where, got, want)
	}
	return m
}

// TestJSONFields checks that the JSON report has exactly the documented
// fields, at every level, for every diagnostic (with and without a fix).
func TestJSONFields(t *testing.T) {
	r := fixtureReport(t)
	var doc map[string]any
	if err := json.Unmarshal(render(t, report.JSON{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	checkKeys(t, "report", "", doc)
	if doc["version"] != float64(report.JSONVersion) {
		t.Errorf("version = %v", doc["version"])
	}
	if doc["columnKind"] != "unicodeCodePoints" {
		t.Errorf("columnKind = %v, want unicodeCodePoints (the unit of range columns)", doc["columnKind"])
	}
	checkKeys(t, "tool", "tool", doc["tool"])
	sum := checkKeys(t, "summary", "summary", doc["summary"])
	if sum["files"] != 5.0 || sum["documents"] != 7.0 || sum["errors"] != 8.0 || sum["warnings"] != 5.0 || sum["infos"] != 2.0 {
		t.Errorf("summary = %v", sum)
	}
	diags := doc["diagnostics"].([]any)
	if len(diags) != len(r.Diagnostics) {
		t.Fatalf("%d diagnostics, want %d", len(diags), len(r.Diagnostics))
	}
	fixes, related := 0, 0
	for i, v := range diags {
		d := checkKeys(t, "diagnostics[i]", "diagnostic", v)
		rg := checkKeys(t, "range", "diagnostic.range", d["range"])
		checkKeys(t, "range.start", "diagnostic.range.pos", rg["start"])
		checkKeys(t, "range.end", "diagnostic.range.pos", rg["end"])
		checkKeys(t, "object", "diagnostic.object", d["object"])
		if d["fix"] != nil {
			fixes++
			fix := checkKeys(t, "fix", "diagnostic.fix", d["fix"])
			for _, e := range fix["edits"].([]any) {
				checkKeys(t, "fix.edits[i]", "diagnostic.fix.edit", e)
			}
		}
		want := r.Diagnostics[i]
		rels, ok := d["related"].([]any)
		if !ok || len(rels) != len(want.Related) {
			t.Fatalf("diagnostics[%d].related = %v, want an array of %d", i, d["related"], len(want.Related))
		}
		for k, v := range rels {
			rel := checkKeys(t, "related[i]", "diagnostic.related", v)
			rg := checkKeys(t, "related.range", "diagnostic.range", rel["range"])
			checkKeys(t, "related.range.start", "diagnostic.range.pos", rg["start"])
			checkKeys(t, "related.object", "diagnostic.object", rel["object"])
			w := want.Related[k]
			if rel["file"] != w.File || rel["path"] != w.Path.String() || rel["message"] != w.Message ||
				rg["start"].(map[string]any)["line"] != float64(w.Range.Start.Line) {
				t.Errorf("diagnostics[%d].related[%d] = %v, want %+v", i, k, rel, w)
			}
			related++
		}
		if d["rule"] != want.RuleID || d["severity"] != want.Severity.String() || d["file"] != want.File || d["path"] != want.Path.String() {
			t.Errorf("diagnostics[%d] = %v %v %v %v", i, d["rule"], d["severity"], d["file"], d["path"])
		}
		if fp, _ := d["fingerprint"].(string); len(fp) != 32 || strings.Trim(fp, "0123456789abcdef") != "" {
			t.Errorf("diagnostics[%d].fingerprint = %q, want 32 hex digits", i, fp)
		}
	}
	if fixes == 0 {
		t.Error("the fixture has no diagnostic with a fix: the fix fields went unchecked")
	}
	if related == 0 {
		t.Error("the fixture has no related location: the related fields went unchecked")
	}
}

// TestFingerprintsAgree checks that JSON and SARIF carry the same
// fingerprint (SARIF adds the occurrence number).
func TestFingerprintsAgree(t *testing.T) {
	r := fixtureReport(t)
	var j struct {
		Diagnostics []struct{ Fingerprint string } `json:"diagnostics"`
	}
	if err := json.Unmarshal(render(t, report.JSON{}, r), &j); err != nil {
		t.Fatal(err)
	}
	s := decodeSARIF(t, render(t, report.SARIF{}, r)).Runs[0].Results
	for i := range s {
		fp, n, _ := strings.Cut(s[i].PartialFingerprints[report.SARIFFingerprintKey], ":")
		if fp != j.Diagnostics[i].Fingerprint || n == "" {
			t.Errorf("results[%d]: SARIF %q, JSON %q", i, s[i].PartialFingerprints[report.SARIFFingerprintKey], j.Diagnostics[i].Fingerprint)
		}
		if got := r.Fingerprint(&r.Diagnostics[i]); got != fp {
			t.Errorf("Report.Fingerprint = %q, output %q", got, fp)
		}
	}
}

// TestRepeatedFingerprintsNumbered checks that the same finding twice
// (one rule on one field: one fingerprint) becomes two results that code
// scanning and GitLab keep apart: SARIF numbers the fingerprint in order
// (":1", ":2"), and GitLab's fingerprints, hashed from those, differ.
func TestRepeatedFingerprintsNumbered(t *testing.T) {
	r := fixtureReport(t)
	r.Diagnostics = []analyzer.Diagnostic{r.Diagnostics[0], r.Diagnostics[0], r.Diagnostics[1]}
	r.Diagnostics[0].Suppression, r.Diagnostics[1].Suppression, r.Diagnostics[2].Suppression = nil, nil, nil
	fp0, fp2 := r.Fingerprint(&r.Diagnostics[0]), r.Fingerprint(&r.Diagnostics[2])
	s := decodeSARIF(t, render(t, report.SARIF{}, r)).Runs[0].Results
	var got []string
	for _, res := range s {
		got = append(got, res.PartialFingerprints[report.SARIFFingerprintKey])
	}
	if want := []string{fp0 + ":1", fp0 + ":2", fp2 + ":1"}; !slices.Equal(got, want) {
		t.Errorf("SARIF fingerprints %q, want %q", got, want)
	}
	var issues []gitlabIssue
	if err := json.Unmarshal(render(t, report.GitLab{}, r), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != 3 || issues[0].Fingerprint == issues[1].Fingerprint {
		t.Errorf("GitLab issues %+v: want three, the first two apart", issues)
	}
}
