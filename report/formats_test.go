package report_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/report"
)

// ciReport is the golden fixture plus what only the CI formats treat
// specially: a clean file (a passing JUnit test case) and a suppressed
// finding shown with --show-suppressed (a skipped test case, left out of
// Checkstyle and GitLab).
func ciReport(t *testing.T) *report.Report {
	t.Helper()
	r := fixtureReport(t)
	r.Sources = append(r.Sources, &analyzer.File{Path: "testdata/in/clean.yaml", Content: []byte("apiVersion: v1\nkind: ServiceAccount\n")})
	r.Files++
	sup := r.Diagnostics[len(r.Diagnostics)-1]
	sup.Suppression = &analyzer.Suppression{Kind: analyzer.SuppressionInSource, Justification: "tuned by hand"}
	sup.Message = "suppressed one"
	r.Diagnostics = append(r.Diagnostics, sup)
	analyzer.Sort(r.Diagnostics)
	return r
}

// junitDoc is the shape GitLab documents for JUnit reports ("Unit test
// reports": testsuites > testsuite > testcase with name, classname, file
// and time; failure, error or skipped children) and Jenkins reads.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			File      string `xml:"file,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitShape(t *testing.T) {
	r := ciReport(t)
	out := render(t, report.JUnit{}, r)
	var doc junitDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	// One suite per linted file, sorted by file, one case per finding,
	// one passing case per clean file. (The fixture's files are relative
	// to the report's root, so their machine paths are the paths as
	// given.)
	wantSuites := []string{"testdata/in/clean.yaml"}
	for _, d := range r.Diagnostics {
		if !slices.Contains(wantSuites, d.File) {
			wantSuites = append(wantSuites, d.File)
		}
	}
	slices.Sort(wantSuites)
	var suites []string
	cases, failures, skipped, passed := 0, 0, 0, 0
	names := map[string]bool{}
	for _, s := range doc.Suites {
		suites = append(suites, s.Name)
		f, k := 0, 0
		for _, c := range s.Cases {
			if c.Classname != s.Name || c.File != s.Name || c.Name == "" || c.Time == "" {
				t.Errorf("suite %s: test case %+v lacks name, classname, file or time", s.Name, c)
			}
			if names[s.Name+"\x00"+c.Name] {
				t.Errorf("suite %s: two test cases named %q (consumers merge them)", s.Name, c.Name)
			}
			names[s.Name+"\x00"+c.Name] = true
			switch {
			case c.Failure != nil:
				f++
				if c.Failure.Message == "" || !strings.Contains(c.Failure.Text, c.Failure.Message) || !slices.Contains([]string{"error", "warning", "info"}, c.Failure.Type) {
					t.Errorf("failure %+v", c.Failure)
				}
			case c.Skipped != nil:
				k++
				if c.Skipped.Message != "suppressed (inSource): tuned by hand" {
					t.Errorf("skipped message %q", c.Skipped.Message)
				}
			default:
				passed++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Skipped != k {
			t.Errorf("suite %s: tests=%d failures=%d skipped=%d, but %d cases, %d failing, %d skipped", s.Name, s.Tests, s.Failures, s.Skipped, len(s.Cases), f, k)
		}
		cases += len(s.Cases)
		failures += f
		skipped += k
	}
	if !slices.Equal(suites, wantSuites) {
		t.Errorf("suites %q, want %q", suites, wantSuites)
	}
	if cases != len(r.Diagnostics)+1 || skipped != 1 || failures != len(r.Diagnostics)-1 || passed != 1 {
		t.Errorf("%d cases (%d failing, %d skipped, %d passed) for %d findings (1 suppressed) and 1 clean file", cases, failures, skipped, passed, len(r.Diagnostics))
	}
	if doc.Tests != cases || doc.Failures != failures || doc.Skipped != skipped {
		t.Errorf("testsuites totals %d/%d/%d, want %d/%d/%d", doc.Tests, doc.Failures, doc.Skipped, cases, failures, skipped)
	}
}

// TestJUnitSuitesSorted: the suites are sorted by file, those of clean
// files among those with findings, so that the report does not depend on
// the order in which the paths were given (kvet lint a b, kvet lint b a),
// as no other format does.
func TestJUnitSuitesSorted(t *testing.T) {
	clean := func(path string) *analyzer.File {
		return &analyzer.File{Path: path, Content: []byte("apiVersion: v1\nkind: ServiceAccount\n")}
	}
	at := analyzer.Range{Start: analyzer.Position{Line: 2, Column: 1}}
	r := &report.Report{
		Tool:        report.Tool{Name: "kvet", Version: "1.2.3"},
		Diagnostics: []analyzer.Diagnostic{{RuleID: "r", Severity: analyzer.SeverityWarning, File: "b/d.yaml", Range: at, Message: "m"}},
		Sources:     []*analyzer.File{clean("c/c.yaml"), clean("b/d.yaml"), clean("a/c.yaml")},
		Files:       3,
	}
	out := render(t, report.JUnit{}, r)
	var doc junitDoc
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	var suites []string
	for _, s := range doc.Suites {
		suites = append(suites, fmt.Sprintf("%s %d/%d", s.Name, s.Failures, s.Tests))
	}
	if want := []string{"a/c.yaml 0/1", "b/d.yaml 1/1", "c/c.yaml 0/1"}; !slices.Equal(suites, want) {
		t.Errorf("suites (failures/tests) %q, want %q", suites, want)
	}
	slices.Reverse(r.Sources)
	if again := render(t, report.JUnit{}, r); string(again) != string(out) {
		t.Errorf("sources in the other order, another report:\n%s\nthen:\n%s", out, again)
	}
}

// TestJUnitWithJunitparser reads the report with junitparser (Debian's
// python3-junitparser, a JUnit reader that CI tools use), an independent
// consumer: it must see the same suites, test cases and results.
func TestJUnitWithJunitparser(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import junitparser").Run(); err != nil {
		t.Skipf("junitparser is not installed (apt-get install python3-junitparser; scripts/test.sh does): %v", err)
	}
	r := ciReport(t)
	path := filepath.Join(t.TempDir(), "kvet.xml")
	if err := os.WriteFile(path, render(t, report.JUnit{}, r), 0o600); err != nil {
		t.Fatal(err)
	}
	const script = `
import sys, junitparser
xml = junitparser.JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    print("suite", suite.name, suite.tests, suite.failures, suite.skipped)
    for case in suite:
        kind = "passed"
        for res in case.result:
            kind = type(res).__name__ + ":" + (res.type or "")
        print("case", case.classname, "|", case.name, "|", kind)
`
	out, err := exec.Command(python, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("junitparser: %v\n%s", err, out)
	}
	var want []string
	suiteOf := map[string][]string{}
	var order []string
	counts := map[string][3]int{}
	for _, d := range r.Diagnostics {
		s := d.File
		if _, ok := suiteOf[s]; !ok {
			order = append(order, s)
		}
		kind := "Failure:" + d.Severity.String()
		c := counts[s]
		c[0]++
		if d.Suppressed() {
			kind = "Skipped:"
			c[2]++
		} else {
			c[1]++
		}
		counts[s] = c
		suiteOf[s] = append(suiteOf[s], kind)
	}
	// The clean file's suite, one passing case, among the others by file.
	order = append(order, "testdata/in/clean.yaml")
	counts["testdata/in/clean.yaml"] = [3]int{1, 0, 0}
	slices.Sort(order)
	for _, s := range order {
		c := counts[s]
		want = append(want, fmt.Sprintf("suite %s %d %d %d", s, c[0], c[1], c[2]))
	}
	var gotSuites []string
	caseKinds := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		switch {
		case strings.HasPrefix(l, "suite "):
			gotSuites = append(gotSuites, l)
		case strings.HasPrefix(l, "case "):
			parts := strings.Split(strings.TrimPrefix(l, "case "), " | ")
			caseKinds[parts[0]] = append(caseKinds[parts[0]], parts[2])
		}
	}
	if !slices.Equal(gotSuites, want) {
		t.Errorf("junitparser suites:\n%s\nwant:\n%s", strings.Join(gotSuites, "\n"), strings.Join(want, "\n"))
	}
	for s, kinds := range suiteOf {
		if !slices.Equal(caseKinds[s], kinds) {
			t.Errorf("suite %s: junitparser results %q, want %q", s, caseKinds[s], kinds)
		}
	}
	if !slices.Equal(caseKinds["testdata/in/clean.yaml"], []string{"passed"}) {
		t.Errorf("clean file: %q", caseKinds["testdata/in/clean.yaml"])
	}
}

// checkstyleDoc is Checkstyle's report as reviewdog's checkstyle parser and
// Jenkins' Warnings plugin read it.
type checkstyleDoc struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []struct {
		Name   string `xml:"name,attr"`
		Errors []struct {
			Line     string `xml:"line,attr"`
			Column   string `xml:"column,attr"`
			Severity string `xml:"severity,attr"`
			Message  string `xml:"message,attr"`
			Source   string `xml:"source,attr"`
		} `xml:"error"`
	} `xml:"file"`
}

func TestCheckstyleShape(t *testing.T) {
	r := ciReport(t)
	var doc checkstyleDoc
	if err := xml.Unmarshal(render(t, report.Checkstyle{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Files {
		if f.Name != analyzer.StdinName && !filepath.IsAbs(f.Name) {
			t.Errorf("file %q is not absolute", f.Name)
		}
		for _, e := range f.Errors {
			if _, err := strconv.Atoi(e.Line); err != nil {
				t.Errorf("line %q", e.Line)
			}
			got = append(got, fmt.Sprintf("%s:%s:%s %s %s %s", filepath.Base(f.Name), e.Line, e.Column, e.Severity, e.Source, e.Message))
		}
	}
	var want []string
	for _, d := range r.Diagnostics {
		if d.Suppressed() {
			continue
		}
		col := byteColumn(t, d.File, d.Range.Start)
		want = append(want, fmt.Sprintf("%s:%d:%d %s kvet.%s %s", filepath.Base(d.File), d.Range.Start.Line, col, d.Severity, d.RuleID, strings.ReplaceAll(d.Message, "\n", " ")))
	}
	if !slices.Equal(got, want) {
		t.Errorf("checkstyle errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCheckstyleWithReviewdog feeds the report to reviewdog -f=checkstyle,
// the consumer, when KVET_REVIEWDOG names its binary (scripts/test.sh
// installs it): every finding must come out at its file, line and column.
func TestCheckstyleWithReviewdog(t *testing.T) {
	tool := os.Getenv("KVET_REVIEWDOG")
	if tool == "" {
		t.Skip("KVET_REVIEWDOG is not set: reviewdog check skipped (bash scripts/test.sh installs reviewdog)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "k8s", "app.yaml")
	content := "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: zürich\nspec: {timeZone: \"Europe/Zürich\", schedule: \"0 3 * * *\"}\n"
	analyzertest.WriteFile(t, file, content)
	src := &analyzer.File{Path: file, Content: []byte(content)}
	r := &report.Report{
		BaseDir: dir, Sources: []*analyzer.File{src},
		Diagnostics: []analyzer.Diagnostic{
			{RuleID: "cronjob-concurrency-allow", Severity: analyzer.SeverityWarning, Message: "runs overlap", File: file,
				Range: analyzer.Range{Start: analyzer.Position{Line: 5, Column: 1}, End: analyzer.Position{Line: 5, Column: 5}}},
			{RuleID: "test-schedule-review", Severity: analyzer.SeverityError, Message: `schedule "0 3 * * *" needs review`, File: file,
				Range: analyzer.Range{Start: analyzer.Position{Line: 5, Column: 45}, End: analyzer.Position{Line: 5, Column: 56}}},
		},
	}
	cmd := exec.Command(tool, "-f=checkstyle", "-reporter=local", "-filter-mode=nofilter", "-fail-level=none")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(string(render(t, report.Checkstyle{}, r)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("reviewdog: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^(.*/)?k8s/app\.yaml:5:1: warning: runs overlap \(kvet\.cronjob-concurrency-allow\)$`),
		regexp.MustCompile(`(?m)^(.*/)?k8s/app\.yaml:5:46: error: schedule "0 3 \* \* \*" needs review \(kvet\.test-schedule-review\)$`),
	} {
		if !want.Match(out) {
			t.Errorf("reviewdog output lacks %s:\n%s", want, out)
		}
	}
}

// gitlabIssue is a Code Quality issue as GitLab documents it ("Code Quality
// report format": description, check_name, fingerprint, severity,
// location.path, location.lines.begin are required).
type gitlabIssue struct {
	Description string   `json:"description"`
	CheckName   string   `json:"check_name"`
	Fingerprint string   `json:"fingerprint"`
	Severity    string   `json:"severity"`
	Type        string   `json:"type"`
	Categories  []string `json:"categories"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin *int `json:"begin"`
			End   *int `json:"end"`
		} `json:"lines"`
	} `json:"location"`
}

func TestGitLabShape(t *testing.T) {
	r := ciReport(t)
	out := render(t, report.GitLab{}, r)
	var issues []gitlabIssue
	dec := json.NewDecoder(strings.NewReader(string(out)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&issues); err != nil {
		t.Fatalf("not a JSON array of issues: %v\n%s", err, out)
	}
	var want []string
	for _, d := range r.Diagnostics {
		if !d.Suppressed() {
			want = append(want, fmt.Sprintf("%s:%d %s", d.File, d.Range.Start.Line, d.RuleID))
		}
	}
	var got []string
	fps := map[string]bool{}
	severities := []string{"info", "minor", "major", "critical", "blocker"}
	categories := []string{"Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security", "Style"}
	for i, is := range issues {
		if is.Description == "" || is.CheckName == "" || is.Type != "issue" || !slices.Contains(severities, is.Severity) {
			t.Errorf("issues[%d] = %+v: missing description or check_name, or severity not one of %v", i, is, severities)
		}
		for _, c := range is.Categories {
			if !slices.Contains(categories, c) {
				t.Errorf("issues[%d]: category %q is not a Code Climate category", i, c)
			}
		}
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(is.Fingerprint) || fps[is.Fingerprint] {
			t.Errorf("issues[%d]: fingerprint %q is not 32 hex digits or not unique", i, is.Fingerprint)
		}
		fps[is.Fingerprint] = true
		if strings.HasPrefix(is.Location.Path, "/") || strings.HasPrefix(is.Location.Path, "./") {
			t.Errorf("issues[%d]: path %q is not relative to the repository root", i, is.Location.Path)
		}
		if is.Location.Lines.Begin == nil || *is.Location.Lines.Begin < 1 || is.Location.Lines.End == nil || *is.Location.Lines.End < *is.Location.Lines.Begin {
			t.Errorf("issues[%d]: lines %+v", i, is.Location.Lines)
			continue
		}
		got = append(got, fmt.Sprintf("%s:%d %s", is.Location.Path, *is.Location.Lines.Begin, is.CheckName))
	}
	if !slices.Equal(got, want) {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Fingerprints do not change when lines move.
	moved := ciReport(t)
	for i := range moved.Diagnostics {
		moved.Diagnostics[i].Range.Start.Line += 10
		moved.Diagnostics[i].Range.End.Line += 10
	}
	var after []gitlabIssue
	if err := json.Unmarshal(render(t, report.GitLab{}, moved), &after); err != nil {
		t.Fatal(err)
	}
	for i := range issues {
		if after[i].Fingerprint != issues[i].Fingerprint {
			t.Errorf("issues[%d]: fingerprint changed when lines moved", i)
		}
	}
}
