package report_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/report"
	"github.com/kvet-dev/kvet/report/sariftest"
)

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name            string `json:"name"`
				SemanticVersion string `json:"semanticVersion"`
				InformationURI  string `json:"informationUri"`
				Rules           []struct {
					ID                   string            `json:"id"`
					Name                 string            `json:"name"`
					ShortDescription     map[string]string `json:"shortDescription"`
					FullDescription      map[string]string `json:"fullDescription"`
					Help                 map[string]string `json:"help"`
					DefaultConfiguration struct {
						Level   string `json:"level"`
						Enabled bool   `json:"enabled"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID    string            `json:"ruleId"`
	RuleIndex int               `json:"ruleIndex"`
	Level     string            `json:"level"`
	Message   map[string]string `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI       string `json:"uri"`
				URIBaseID string `json:"uriBaseId"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine, StartColumn, EndLine, EndColumn int
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

func decodeSARIF(t *testing.T, data []byte) sarifLog {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(log.Runs))
	}
	return log
}

// TestSARIFValid checks the fixture report's SARIF against GitHub code
// scanning's requirements and, when the multitool is installed, against
// the SARIF 2.1.0 schema and spec rules.
func TestSARIFValid(t *testing.T) {
	t.Parallel()
	out := render(t, report.SARIF{}, fixtureReport(t))
	t.Run("github", func(t *testing.T) {
		for _, p := range sariftest.CheckGitHub(out) {
			t.Error(p)
		}
	})
	t.Run("schema", func(t *testing.T) {
		sariftest.ValidateBytes(t, out)
	})
}

func TestSARIFRulesAndResults(t *testing.T) {
	r := fixtureReport(t)
	log := decodeSARIF(t, render(t, report.SARIF{}, r))
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "kvet" || d.SemanticVersion != "1.2.3" || d.InformationURI != "https://github.com/kvet-dev/kvet" {
		t.Errorf("driver = %q %q %q", d.Name, d.SemanticVersion, d.InformationURI)
	}
	if len(d.Rules) != len(r.Rules) {
		t.Fatalf("%d rules in the log, %d in the report", len(d.Rules), len(r.Rules))
	}
	wantLevel := map[analyzer.Severity]string{analyzer.SeverityError: "error", analyzer.SeverityWarning: "warning", analyzer.SeverityInfo: "note"}
	for i, rule := range r.Rules {
		got := d.Rules[i]
		if got.ID != rule.ID || got.ShortDescription["text"] != rule.Title || got.FullDescription["text"] != rule.Rationale {
			t.Errorf("rules[%d] = %q %q %q, want %q %q %q", i, got.ID, got.ShortDescription["text"], got.FullDescription["text"], rule.ID, rule.Title, rule.Rationale)
		}
		if got.DefaultConfiguration.Level != wantLevel[rule.Severity] || !got.DefaultConfiguration.Enabled {
			t.Errorf("rules[%d].defaultConfiguration = %+v, want level %s enabled", i, got.DefaultConfiguration, wantLevel[rule.Severity])
		}
		for _, part := range []string{rule.Rationale, rule.Remediation} {
			if !strings.Contains(got.Help["text"], part) || !strings.Contains(got.Help["markdown"], part) {
				t.Errorf("rules[%d].help lacks %q", i, part)
			}
		}
	}
	labels := -1 // the first test rule, after the engine rules
	for i := range d.Rules {
		if d.Rules[i].ID == "test-labels-missing" && labels < 0 {
			labels = i
		}
	}
	if labels < 0 {
		t.Fatal("rule test-labels-missing is not in the log")
	}
	if d.Rules[labels].ID != "test-labels-missing" || !strings.Contains(d.Rules[labels].Help["markdown"], "| `require` | `app, team` | labels \\| every object needs |") {
		t.Errorf("parameters table missing from help.markdown: %q", d.Rules[labels].Help["markdown"])
	}
	if d.Rules[labels].Name != "TestLabelsMissing" {
		t.Errorf("rules[%d].name = %q", labels, d.Rules[labels].Name)
	}

	if len(run.Results) != len(r.Diagnostics) {
		t.Fatalf("%d results for %d diagnostics", len(run.Results), len(r.Diagnostics))
	}
	for i, res := range run.Results {
		diag := r.Diagnostics[i]
		if res.RuleID != diag.RuleID || d.Rules[res.RuleIndex].ID != diag.RuleID {
			t.Errorf("results[%d] rule %q index %d, want %q", i, res.RuleID, res.RuleIndex, diag.RuleID)
		}
		if res.Level != wantLevel[diag.Severity] || res.Message["text"] != diag.Message {
			t.Errorf("results[%d] = %s %q", i, res.Level, res.Message["text"])
		}
		reg := res.Locations[0].PhysicalLocation.Region
		if reg.StartLine != diag.Range.Start.Line || reg.StartColumn != diag.Range.Start.Column ||
			reg.EndLine != diag.Range.End.Line || reg.EndColumn != diag.Range.End.Column {
			t.Errorf("results[%d] region %+v, diagnostic range %+v", i, reg, diag.Range)
		}
	}
	// The CronJob's schedule in workloads.yaml: line 9, `"0 2 * * *"`
	// from column 13 to 24 (exclusive end).
	found := false
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID == "test-schedule-review" && loc.ArtifactLocation.URI == "testdata/in/workloads.yaml" {
			found = true
			if loc.ArtifactLocation.URIBaseID != report.SARIFBaseID || loc.Region.StartLine != 9 || loc.Region.StartColumn != 13 || loc.Region.EndLine != 9 || loc.Region.EndColumn != 24 {
				t.Errorf("schedule result at %+v", loc)
			}
		}
	}
	if !found {
		t.Error("no test-schedule-review result for testdata/in/workloads.yaml")
	}
	if got := run.OriginalURIBaseIDs[report.SARIFBaseID].URI; got != "file:///src/kvet/report/" && runtime.GOOS != "windows" {
		t.Errorf("originalUriBaseIds[%%SRCROOT%%] = %q", got)
	}
}

// TestSARIFRelatedLocations checks that a finding's related places become
// relatedLocations (numbered from 1, with their message) and one code flow
// that starts at the result's location and walks through them in order.
func TestSARIFRelatedLocations(t *testing.T) {
	r := fixtureReport(t)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID           string `json:"ruleId"`
				Locations        []sarifFlowLocation
				RelatedLocations []sarifFlowLocation `json:"relatedLocations"`
				CodeFlows        []struct {
					ThreadFlows []struct {
						Locations []struct{ Location sarifFlowLocation }
					}
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, report.SARIF{}, r), &log); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, res := range log.Runs[0].Results {
		d := r.Diagnostics[i]
		if len(d.Related) == 0 {
			if res.RelatedLocations != nil || res.CodeFlows != nil {
				t.Errorf("results[%d] (%s) has related locations or code flows but no related places", i, d.RuleID)
			}
			continue
		}
		checked++
		if len(res.RelatedLocations) != len(d.Related) || len(res.CodeFlows) != 1 || len(res.CodeFlows[0].ThreadFlows) != 1 {
			t.Fatalf("results[%d]: %d related locations, %d code flows for %d related places", i, len(res.RelatedLocations), len(res.CodeFlows), len(d.Related))
		}
		flow := res.CodeFlows[0].ThreadFlows[0].Locations
		if len(flow) != len(d.Related)+1 {
			t.Fatalf("results[%d]: thread flow of %d steps, want the result then %d related places", i, len(flow), len(d.Related))
		}
		if flow[0].Location.PhysicalLocation != res.Locations[0].PhysicalLocation || flow[0].Location.Message.Text != d.Message {
			t.Errorf("results[%d]: the flow starts at %+v, want the result's location %+v", i, flow[0].Location, res.Locations[0])
		}
		for k, rel := range d.Related {
			got := res.RelatedLocations[k]
			reg := got.PhysicalLocation.Region
			if got.ID != k+1 || got.Message.Text != rel.Message || reg.StartLine != rel.Range.Start.Line ||
				reg.StartColumn != rel.Range.Start.Column || reg.EndColumn != rel.Range.End.Column {
				t.Errorf("results[%d].relatedLocations[%d] = %+v, want id %d at %+v: %q", i, k, got, k+1, rel.Range, rel.Message)
			}
			step := flow[k+1].Location
			step.ID = got.ID
			if step != got {
				t.Errorf("results[%d]: flow step %d = %+v, want %+v", i, k+1, step, got)
			}
		}
		var uris []string
		for _, l := range res.RelatedLocations {
			uris = append(uris, l.PhysicalLocation.ArtifactLocation.URI)
		}
		want := "testdata/in/broken.yaml testdata/in/dir%20with%20space/odd%23name.yaml testdata/in/unicode.yaml testdata/in/workloads.yaml %3Cstdin%3E"
		if got := strings.Join(uris, " "); got != want {
			t.Errorf("results[%d] related URIs = %s, want %s", i, got, want)
		}
	}
	if checked != 1 {
		t.Errorf("%d results with related places, want the fixture's 1", checked)
	}
}

// sarifFlowLocation is a location as related locations and code flows
// write it.
type sarifFlowLocation struct {
	ID               int `json:"id"`
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine, StartColumn, EndLine, EndColumn int
		} `json:"region"`
	} `json:"physicalLocation"`
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
}

// TestSARIFArtifactLocations checks how file paths become URIs: relative
// to the base directory with uriBaseId when inside it, absolute file: URIs
// otherwise, stdin, and characters that URIs must encode.
func TestSARIFArtifactLocations(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	tests := []struct {
		base, file  string
		uri, baseID string
		githubFile  string // file= of the GitHub annotation
	}{
		{"/work/repo", "k8s/app.yaml", "k8s/app.yaml", report.SARIFBaseID, "k8s/app.yaml"},
		{"/work/repo", "./k8s/app.yaml", "k8s/app.yaml", report.SARIFBaseID, "k8s/app.yaml"},
		{"/work/repo", "/work/repo/k8s/app.yaml", "k8s/app.yaml", report.SARIFBaseID, "k8s/app.yaml"},
		{"/work/repo/", "/work/repo/k8s/../app.yaml", "app.yaml", report.SARIFBaseID, "app.yaml"},
		{"/work/repo", "/etc/kvet/x.yaml", "file:///etc/kvet/x.yaml", "", "/etc/kvet/x.yaml"},
		{"/work/repo", "../other/x.yaml", "file:///work/other/x.yaml", "", "/work/other/x.yaml"},
		{"/work/repo", "/work/repository/x.yaml", "file:///work/repository/x.yaml", "", "/work/repository/x.yaml"},
		{"/work/repo", analyzer.StdinName, "%3Cstdin%3E", "", analyzer.StdinName},
		{"/work/repo", "dir with space/a#b?c%d.yaml", "dir%20with%20space/a%23b%3Fc%25d.yaml", report.SARIFBaseID, "dir with space/a#b?c%25d.yaml"},
		{"/work/repo", "näme/ü.yaml", "n%C3%A4me/%C3%BC.yaml", report.SARIFBaseID, "näme/ü.yaml"},
		{"/work/repo", "a:b.yaml", "a%3Ab.yaml", report.SARIFBaseID, "a%3Ab.yaml"},
		{"/work/repo", `back\slash [1].yaml`, "back%5Cslash%20%5B1%5D.yaml", report.SARIFBaseID, `back\slash [1].yaml`},
		{"/work/repo", "/opt/a:b/{x}.yaml", "file:///opt/a:b/%7Bx%7D.yaml", "", "/opt/a%3Ab/{x}.yaml"},
		{"/", "/srv/x.yaml", "srv/x.yaml", report.SARIFBaseID, "srv/x.yaml"},
		// Without a base directory paths stay as they are.
		{"", "k8s/app.yaml", "k8s/app.yaml", report.SARIFBaseID, "k8s/app.yaml"},
		{"", "/abs/x y.yaml", "file:///abs/x%20y.yaml", "", "/abs/x y.yaml"},
		{"", "../x.yaml", "../x.yaml", "", "../x.yaml"},
	}
	var all []analyzer.Diagnostic
	for _, tt := range tests {
		t.Run(tt.base+" "+tt.file, func(t *testing.T) {
			d := analyzer.Diagnostic{
				RuleID: "test-schedule-review", Severity: analyzer.SeverityError, Message: "m", File: tt.file,
				Range: analyzer.Range{Start: analyzer.Position{Line: 2, Column: 3}, End: analyzer.Position{Line: 2, Column: 7}},
				Path:  analyzer.NewPath("spec", "schedule"),
			}
			all = append(all, d)
			r := &report.Report{
				Tool:  report.Tool{Name: "kvet", Version: "1.2.3", InformationURI: "https://github.com/kvet-dev/kvet"},
				Rules: testRules(), Diagnostics: []analyzer.Diagnostic{d}, BaseDir: tt.base,
			}
			out := render(t, report.SARIF{}, r)
			loc := decodeSARIF(t, out).Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
			if loc.URI != tt.uri || loc.URIBaseID != tt.baseID {
				t.Errorf("artifactLocation = %q (base %q), want %q (base %q)", loc.URI, loc.URIBaseID, tt.uri, tt.baseID)
			}
			for _, p := range sariftest.CheckGitHub(out) {
				t.Error(p)
			}
			gh := string(render(t, report.GitHub{}, r))
			if want := "::error file=" + tt.githubFile + ",line=2,col=3,endLine=2,endColumn=7,"; !strings.HasPrefix(gh, want) {
				t.Errorf("GitHub annotation %q, want prefix %q", gh, want)
			}
		})
	}
	t.Run("schema", func(t *testing.T) {
		// One log with all the paths above, for the multitool.
		r := &report.Report{
			Tool:  report.Tool{Name: "kvet", Version: "1.2.3", InformationURI: "https://github.com/kvet-dev/kvet"},
			Rules: testRules(), Diagnostics: all, BaseDir: "/work/repo",
		}
		sariftest.ValidateBytes(t, render(t, report.SARIF{}, r))
	})
}

// TestSARIFFingerprintsSurviveLineShifts lints the same manifest at two
// places: in two checkouts (different absolute base directories) and with
// three more lines at the top in the second. Every result moves down three
// lines and keeps its fingerprint.
func TestSARIFFingerprintsSurviveLineShifts(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join("testdata", "in", "workloads.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lint := func(content []byte) sarifLog {
		base := t.TempDir()
		file := filepath.Join(base, "k8s", "workloads.yaml")
		analyzertest.WriteFile(t, file, string(content))
		set := analyzer.NewLoader(nil).Load(t.Context(), []string{file})
		rules := append(analyzer.EngineRules(), testRules()...)
		res := analyzer.Run(t.Context(), set, rules, analyzer.Options{})
		r := &report.Report{Tool: report.Tool{Name: "kvet", Version: "1.2.3"}, Rules: rules, Diagnostics: res.Diagnostics, BaseDir: base}
		return decodeSARIF(t, render(t, report.SARIF{}, r))
	}
	before := lint(manifest).Runs[0].Results
	after := lint(append([]byte("# moved\n# down\n# three lines\n"), manifest...)).Runs[0].Results
	if len(before) != len(after) || len(before) < 4 {
		t.Fatalf("%d results before, %d after", len(before), len(after))
	}
	seen := map[string]bool{}
	for i := range before {
		b, a := before[i], after[i]
		fb, fa := b.PartialFingerprints[report.SARIFFingerprintKey], a.PartialFingerprints[report.SARIFFingerprintKey]
		if fb == "" || fb != fa {
			t.Errorf("results[%d] %s: fingerprint %q before, %q after", i, b.RuleID, fb, fa)
		}
		if seen[fb] {
			t.Errorf("results[%d] %s: fingerprint %q repeats", i, b.RuleID, fb)
		}
		seen[fb] = true
		lb, la := b.Locations[0].PhysicalLocation, a.Locations[0].PhysicalLocation
		if la.Region.StartLine != lb.Region.StartLine+3 {
			t.Errorf("results[%d] %s: line %d before, %d after", i, b.RuleID, lb.Region.StartLine, la.Region.StartLine)
		}
		if lb.ArtifactLocation.URI != "k8s/workloads.yaml" || la.ArtifactLocation.URI != "k8s/workloads.yaml" {
			t.Errorf("results[%d] uris %q and %q", i, lb.ArtifactLocation.URI, la.ArtifactLocation.URI)
		}
	}
}

// mutate applies edit to the decoded golden-fixture SARIF log.
func mutate(t *testing.T, data []byte, edit func(log map[string]any)) []byte {
	t.Helper()
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	edit(log)
	out, err := json.Marshal(log)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func run0(log map[string]any) map[string]any { return log["runs"].([]any)[0].(map[string]any) }

func result(log map[string]any, i int) map[string]any {
	return run0(log)["results"].([]any)[i].(map[string]any)
}

func physical(log map[string]any, i int) map[string]any {
	return result(log, i)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
}

// relatedResult returns the index of the fixture's result with related
// locations.
func relatedResult(log map[string]any) int {
	for i, res := range run0(log)["results"].([]any) {
		if res.(map[string]any)["relatedLocations"] != nil {
			return i
		}
	}
	panic("the fixture log has no result with related locations")
}

func related(log map[string]any) []any {
	return result(log, relatedResult(log))["relatedLocations"].([]any)
}

// TestCheckGitHubCatches makes sure the code-scanning checks fail on the
// mistakes they are meant to catch.
func TestCheckGitHubCatches(t *testing.T) {
	good := render(t, report.SARIF{}, fixtureReport(t))
	if p := sariftest.CheckGitHub(good); len(p) > 0 {
		t.Fatalf("fixture log already has problems: %v", p)
	}
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"version", func(l map[string]any) { l["version"] = "2.0.0" }, "version: is \"2.0.0\""},
		{"too many runs", func(l map[string]any) {
			runs := l["runs"].([]any)
			for range 20 {
				runs = append(runs, runs[0])
			}
			l["runs"] = runs
		}, "more than GitHub's limit of 20"},
		{"two runs of one category", func(l map[string]any) { l["runs"] = append(l["runs"].([]any), run0(l)) }, "same tool and automationDetails.id"},
		{"semantic version", func(l map[string]any) {
			run0(l)["tool"].(map[string]any)["driver"].(map[string]any)["semanticVersion"] = "v1"
		}, "semanticVersion: \"v1\" is not a semantic version"},
		{"rule without markdown help", func(l map[string]any) {
			rule := run0(l)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			delete(rule["help"].(map[string]any), "markdown")
		}, "rules[0].help.markdown: missing"},
		{"no ruleId", func(l map[string]any) { delete(result(l, 0), "ruleId") }, "results[0].ruleId: missing"},
		{"unknown rule", func(l map[string]any) { result(l, 0)["ruleId"] = "nope" }, "\"nope\" is not in tool.driver.rules"},
		{"wrong ruleIndex", func(l map[string]any) { result(l, 0)["ruleIndex"] = 0 }, "results[0].ruleIndex: 0 does not point at rule"},
		{"no message text", func(l map[string]any) { result(l, 1)["message"] = map[string]any{"id": "x"} }, "results[1].message.text: missing"},
		{"no locations", func(l map[string]any) { result(l, 2)["locations"] = []any{} }, "results[2].locations: empty"},
		{"startLine 0", func(l map[string]any) { physical(l, 3)["region"].(map[string]any)["startLine"] = 0 }, "region.startLine: 0 is less than 1"},
		{"end before start", func(l map[string]any) { physical(l, 1)["region"].(map[string]any)["endColumn"] = 2 }, "region.endColumn: 2 is before the start column"},
		{"absolute uri with base", func(l map[string]any) {
			physical(l, 4)["artifactLocation"].(map[string]any)["uri"] = "/src/kvet/x.yaml"
		}, "must be a relative reference"},
		{"http uri", func(l map[string]any) {
			a := physical(l, 4)["artifactLocation"].(map[string]any)
			a["uri"] = "https://example.com/x.yaml"
			delete(a, "uriBaseId")
		}, "an absolute URI must be a file: URI"},
		{"undefined uriBaseId", func(l map[string]any) {
			physical(l, 4)["artifactLocation"].(map[string]any)["uriBaseId"] = "REPO"
		}, "\"REPO\" is not defined in originalUriBaseIds"},
		{"related location startLine 0", func(l map[string]any) {
			related(l)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		}, "relatedLocations[0].physicalLocation.region.startLine: 0 is less than 1"},
		{"related ids repeat", func(l map[string]any) {
			related(l)[1].(map[string]any)["id"] = 1
		}, "relatedLocations[1].id: 1 already used by relatedLocations[0]"},
		{"empty thread flow", func(l map[string]any) {
			res := result(l, relatedResult(l))
			res["codeFlows"].([]any)[0].(map[string]any)["threadFlows"].([]any)[0].(map[string]any)["locations"] = []any{}
		}, "threadFlows[0].locations: empty"},
		{"no fingerprints", func(l map[string]any) { delete(result(l, 5), "partialFingerprints") }, "results[5].partialFingerprints: missing"},
		{"same fingerprint twice", func(l map[string]any) {
			n := len(run0(l)["results"].([]any))
			result(l, n-1)["partialFingerprints"] = result(l, n-2)["partialFingerprints"]
		}, "GitHub would merge them into one alert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := sariftest.CheckGitHub(mutate(t, good, tt.edit))
			joined := strings.Join(problems, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", joined, tt.want)
			}
		})
	}
}

// TestMultitoolCatches makes sure the schema validation step fails on an
// invalid log (the multitool exits 0 either way).
func TestMultitoolCatches(t *testing.T) {
	t.Parallel()
	tool := sariftest.Multitool(t)
	good := render(t, report.SARIF{}, fixtureReport(t))
	bad := mutate(t, good, func(l map[string]any) {
		physical(l, 0)["region"].(map[string]any)["startLine"] = 0
		physical(l, 1)["artifactLocation"].(map[string]any)["uri"] = "/abs path/x.yaml"
	})
	path := filepath.Join(t.TempDir(), "bad.sarif")
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	problems, err := sariftest.Validate(t.Context(), tool, path)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"startLine: 0 is less than the minimum", "/abs path/x.yaml"} {
		if !strings.Contains(joined, want) {
			t.Errorf("validator problems:\n%s\nwant one containing %q", joined, want)
		}
	}
}

// TestSARIFFixes checks that every result whose diagnostic has a fix
// carries it as SARIF fixes: one artifact change of the result's own file,
// one replacement per edit, whose deletedRegion names the same bytes by
// line and column (code points, the run's columnKind) as by byteOffset and
// byteLength, and whose insertedContent is the edit's text.
func TestSARIFFixes(t *testing.T) {
	r := fixtureReport(t)
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Fixes []struct {
					Description struct {
						Text string `json:"text"`
					} `json:"description"`
					ArtifactChanges []struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Replacements []struct {
							DeletedRegion struct {
								StartLine, StartColumn, EndLine, EndColumn, ByteOffset, ByteLength int
							} `json:"deletedRegion"`
							InsertedContent struct {
								Text string `json:"text"`
							} `json:"insertedContent"`
						} `json:"replacements"`
					} `json:"artifactChanges"`
				} `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, report.SARIF{}, r), &log); err != nil {
		t.Fatal(err)
	}
	srcs := map[string]*analyzer.File{}
	for _, f := range r.Sources {
		srcs[f.Path] = f
	}
	withFix := 0
	for i, res := range log.Runs[0].Results {
		d := r.Diagnostics[i]
		if d.Fix == nil {
			if len(res.Fixes) != 0 {
				t.Errorf("results[%d] (%s) has fixes but its diagnostic has none", i, d.RuleID)
			}
			continue
		}
		withFix++
		if len(res.Fixes) != 1 || len(res.Fixes[0].ArtifactChanges) != 1 {
			t.Fatalf("results[%d] (%s): want one fix with one artifact change, got %+v", i, d.RuleID, res.Fixes)
		}
		fix := res.Fixes[0]
		change := fix.ArtifactChanges[0]
		if fix.Description.Text != d.Fix.Message || change.ArtifactLocation.URI != res.Locations[0].PhysicalLocation.ArtifactLocation.URI {
			t.Errorf("results[%d]: fix %q on %s, want %q on the result's file", i, fix.Description.Text, change.ArtifactLocation.URI, d.Fix.Message)
		}
		if len(change.Replacements) != len(d.Fix.Edits) {
			t.Fatalf("results[%d]: %d replacements for %d edits", i, len(change.Replacements), len(d.Fix.Edits))
		}
		src := srcs[d.File]
		for k, rep := range change.Replacements {
			e, reg := d.Fix.Edits[k], rep.DeletedRegion
			start := src.Offset(analyzer.Position{Line: reg.StartLine, Column: reg.StartColumn})
			end := src.Offset(analyzer.Position{Line: reg.EndLine, Column: reg.EndColumn})
			if reg.ByteOffset != e.Offset || reg.ByteLength != e.End-e.Offset || start != e.Offset || end != e.End || rep.InsertedContent.Text != e.NewText {
				t.Errorf("results[%d] replacement %d = %+v %q, want bytes [%d,%d) %q", i, k, reg, rep.InsertedContent.Text, e.Offset, e.End, e.NewText)
			}
		}
	}
	if withFix < 2 {
		t.Errorf("only %d results with fixes: the fixture does not exercise SARIF fixes", withFix)
	}
}

// A run holds at most 25,000 results, which GitHub code scanning accepts
// (it rejects the file otherwise): suppressed findings are left out first,
// a baseline's before inline ones, then the least severe from the end of
// the sorted order; the run's invocation says how many, and so does
// SARIFLeftOut, which kvet prints.
func TestSARIFMaxResults(t *testing.T) {
	type class struct {
		severity    analyzer.Severity
		suppression string
	}
	baseline := class{analyzer.SeverityError, analyzer.SuppressionExternal}
	inline := class{analyzer.SeverityWarning, analyzer.SuppressionInSource}
	errs, warns, infos := class{severity: analyzer.SeverityError}, class{severity: analyzer.SeverityWarning}, class{severity: analyzer.SeverityInfo}
	rules := []*analyzer.Rule{
		{ID: "r-error", Title: "t", Rationale: "r", Severity: analyzer.SeverityError, URL: "https://example.com/r-error"},
		{ID: "r-warning", Title: "t", Rationale: "r", Severity: analyzer.SeverityWarning, URL: "https://example.com/r-warning"},
		{ID: "r-info", Title: "t", Rationale: "r", Severity: analyzer.SeverityInfo, URL: "https://example.com/r-info"},
	}
	// build returns the sorted diagnostics of n findings of each class,
	// interleaved, one a line of one file.
	build := func(count map[class]int) []analyzer.Diagnostic {
		n := maps.Clone(count)
		var diags []analyzer.Diagnostic
		order := []class{errs, baseline, warns, inline, infos}
		for n[errs]+n[baseline]+n[warns]+n[inline]+n[infos] > 0 {
			for _, c := range order {
				if n[c] == 0 {
					continue
				}
				n[c]--
				line := len(diags) + 1
				d := analyzer.Diagnostic{
					RuleID: "r-" + c.severity.String(), Severity: c.severity, Message: "m", File: "a.yaml",
					Range:  analyzer.Range{Start: analyzer.Position{Line: line, Column: 1}, End: analyzer.Position{Line: line, Column: 2}},
					Object: analyzer.ObjectRef{Kind: "Pod", Name: fmt.Sprintf("p%d", line)}, Path: analyzer.NewPath("spec"),
				}
				if c.suppression != "" {
					d.Suppression = &analyzer.Suppression{Kind: c.suppression}
				}
				diags = append(diags, d)
			}
		}
		return diags
	}
	for _, tt := range []struct {
		name string
		n    map[class]int
		// kept are the results of each class the run keeps.
		kept map[class]int
	}{
		{"baseline findings left out", map[class]int{errs: 10000, baseline: 3000, warns: 8000, inline: 3000, infos: 4000},
			map[class]int{errs: 10000, baseline: 0, warns: 8000, inline: 3000, infos: 4000}},
		{"then inline, then info from the end", map[class]int{errs: 10000, baseline: 1000, warns: 12000, inline: 1000, infos: 4000},
			map[class]int{errs: 10000, baseline: 0, warns: 12000, inline: 0, infos: 3000}},
		{"at the limit, none", map[class]int{errs: 10000, baseline: 1000, warns: 10000, inline: 1000, infos: 3000},
			map[class]int{errs: 10000, baseline: 1000, warns: 10000, inline: 1000, infos: 3000}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			total := 0
			for _, n := range tt.n {
				total += n
			}
			r := &report.Report{Tool: report.Tool{Name: "kvet", Version: "1.2.3", InformationURI: "https://example.com"}, Rules: rules, Diagnostics: build(tt.n)}
			out := render(t, report.SARIF{}, r)
			for _, p := range sariftest.CheckGitHub(out) {
				t.Error(p)
			}
			var log struct {
				Runs []struct {
					Invocations []struct {
						ExecutionSuccessful        bool `json:"executionSuccessful"`
						ToolExecutionNotifications []struct {
							Level   string            `json:"level"`
							Message map[string]string `json:"message"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
					Results []struct {
						Level        string `json:"level"`
						Suppressions []struct {
							Kind string `json:"kind"`
						} `json:"suppressions"`
						Locations []struct {
							PhysicalLocation struct {
								Region struct{ StartLine int } `json:"region"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(out, &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			got := map[class]int{}
			lastLine, lastInfo := 0, 0
			for _, res := range run.Results {
				c := class{severity: map[string]analyzer.Severity{"error": analyzer.SeverityError, "warning": analyzer.SeverityWarning, "note": analyzer.SeverityInfo}[res.Level]}
				if len(res.Suppressions) > 0 {
					c.suppression = res.Suppressions[0].Kind
				}
				got[c]++
				line := res.Locations[0].PhysicalLocation.Region.StartLine
				if line <= lastLine {
					t.Fatalf("result at line %d after line %d: not in the sorted order", line, lastLine)
				}
				lastLine = line
				if c == infos {
					lastInfo = line
				}
			}
			for c, want := range tt.kept {
				if got[c] != want {
					t.Errorf("%v: %d results, want %d", c, got[c], want)
				}
			}
			leftOut := total - min(total, report.SARIFMaxResults)
			note := report.SARIFLeftOut(r)
			switch {
			case leftOut == 0 && (len(run.Invocations) != 0 || note != ""):
				t.Errorf("nothing left out, yet invocations %+v, note %q", run.Invocations, note)
			case leftOut > 0:
				want := fmt.Sprintf("%d results left out: GitHub code scanning accepts at most 25,000 per run", leftOut)
				if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].ToolExecutionNotifications) != 1 ||
					run.Invocations[0].ToolExecutionNotifications[0].Level != "warning" ||
					!strings.HasPrefix(run.Invocations[0].ToolExecutionNotifications[0].Message["text"], want) || !strings.HasPrefix(note, want) {
					t.Errorf("invocations %+v, note %q; want a warning %q", run.Invocations, note, want)
				}
			}
			if tt.kept[infos] < tt.n[infos] {
				// The info findings kept are the first ones in the sorted
				// order: the last one kept is the kept[infos]th.
				infoLines := 0
				for _, d := range r.Diagnostics {
					if d.Severity == analyzer.SeverityInfo {
						if infoLines++; infoLines == tt.kept[infos] && lastInfo != d.Range.Start.Line {
							t.Errorf("last info result at line %d, want %d (info finding %d)", lastInfo, d.Range.Start.Line, infoLines)
						}
					}
				}
			}
		})
	}
}
