package report_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/report"
)

var update = flag.Bool("update", false, "rewrite report/testdata/golden.* from the current output")

// fixtureBase is the fixed base directory of the golden report: the
// fixture paths are relative (to the package directory), so any absolute
// directory gives the same relative URIs, and a fixed one keeps the
// golden files independent of where the repository is checked out.
func fixtureBase() string {
	if runtime.GOOS == "windows" {
		return `C:\src\kvet\report`
	}
	return "/src/kvet/report"
}

// stdinManifest is read as standard input ("-") by the golden fixture.
const stdinManifest = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: from-stdin
spec:
  schedule: "@daily"
  suspend: "yes"
  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: "c:1"}]}}}}
`

// testRules are rules with fixed metadata and messages, so that the golden
// files change only when a formatter does (not when a real rule's wording
// does). They report through the engine like real rules: positions come
// from Document.Locate.
func testRules() []*analyzer.Rule {
	return []*analyzer.Rule{
		{
			ID: "test-schedule-review", Title: "CronJob schedule needs a review", Severity: analyzer.SeverityError,
			Kinds: []string{"CronJob"}, Source: "go",
			Rationale:   "Schedules are easy to get wrong.",
			Remediation: "Check the `schedule` field.",
			Doc:         "Good:\n\n    schedule: \"0 2 * * *\"\n",
			Run: func(pass *analyzer.Pass) {
				cj, ok := pass.Doc.Object.(*batchv1.CronJob)
				if !ok || cj.Spec.Schedule == "" {
					return
				}
				pass.Reportf(analyzer.NewPath("spec", "schedule"), "schedule %q of CronJob %s needs review", cj.Spec.Schedule, pass.Doc.Name)
			},
		},
		{
			ID: "test-labels-missing", Title: "object without *labels*", Severity: analyzer.SeverityWarning,
			Kinds: []string{"CronJob"}, Source: "rego",
			Rationale:   "Labels | select objects.",
			Remediation: "Add metadata.labels.",
			Params:      []analyzer.Param{{Name: "require", Doc: "labels | every object needs", Default: []string{"app", "team"}}},
			Run: func(pass *analyzer.Pass) {
				cj, ok := pass.Doc.Object.(*batchv1.CronJob)
				if !ok || len(cj.Labels) > 0 {
					return
				}
				md := pass.Doc.Locate(analyzer.NewPath("metadata"), true)
				at := pass.Doc.File.Offset(analyzer.Position{Line: md.Start.Line + 1, Column: 1})
				pass.Report(analyzer.Finding{
					Path:    analyzer.NewPath("metadata", "labels"),
					Message: "object has no labels",
					Fix: &analyzer.SuggestedFix{Message: "add an app label", Edits: []analyzer.TextEdit{
						{Offset: at, End: at, NewText: "  labels: {app: " + pass.Doc.Name + "}\n"},
					}},
				})
			},
		},
		{
			ID: "test-replicas-low", Title: "Deployment with a single replica", Severity: analyzer.SeverityInfo,
			Kinds:       []string{"Deployment"},
			Rationale:   "One replica means downtime on every rollout.",
			Remediation: "Run at least two replicas.",
			Run: func(pass *analyzer.Pass) {
				p := analyzer.NewPath("spec", "replicas")
				pass.Reportf(p, "replicas is 1: a single pod is a single point of failure")
				// Same rule, same field: the SARIF fingerprints must differ.
				pass.Reportf(p, "line one\nline two, with: a colon and 100%%")
			},
		},
		{
			ID: "test-cronjob-neighbours", Title: "Deployment beside CronJobs", Severity: analyzer.SeverityWarning,
			Kinds:       []string{"Deployment", "CronJob"},
			Rationale:   "A set rule whose findings relate places in other files.",
			Remediation: "None: a test rule.",
			RunSet: func(pass *analyzer.SetPass) {
				var crons []analyzer.Related
				for _, d := range pass.Docs {
					if d.Kind == "CronJob" {
						crons = append(crons, analyzer.Related{Doc: d, Path: analyzer.NewPath("spec", "schedule"),
							Message: "CronJob " + d.Name + " runs on this schedule\nbeside it"})
					}
				}
				for _, d := range pass.Docs {
					if d.Kind == "Deployment" {
						pass.Report(d, analyzer.Finding{Path: analyzer.NewPath("metadata", "name"),
							Message: "Deployment " + d.Name + " runs beside CronJobs", Related: crons})
					}
				}
			},
		},
	}
}

// fixtureReport lints report/testdata/in and the stdin manifest with the
// engine rules and the test rules.
func fixtureReport(t *testing.T) *report.Report {
	t.Helper()
	loader := analyzer.NewLoader(strings.NewReader(stdinManifest))
	set := loader.Load(context.Background(), []string{"testdata/in", "-"})
	for _, err := range set.Errors {
		t.Fatalf("loading fixtures: %v", err)
	}
	rules := append(analyzer.EngineRules(), testRules()...)
	res := analyzer.Run(context.Background(), set, rules, analyzer.Options{})
	for _, err := range res.Errors {
		t.Fatalf("running rules: %v", err)
	}
	return &report.Report{
		Tool:        report.Tool{Name: "kvet", Version: "1.2.3", InformationURI: "https://github.com/kvet-dev/kvet"},
		Rules:       rules,
		Diagnostics: res.Diagnostics,
		Files:       len(set.Files),
		Documents:   len(set.Docs),
		BaseDir:     fixtureBase(),
		Sources:     set.Files,
	}
}

func render(t *testing.T, f report.Formatter, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Format(&buf, r); err != nil {
		t.Fatalf("Format: %v", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("golden files hold slash paths and a Unix base directory")
	}
	r := fixtureReport(t)
	for _, name := range report.Names() {
		t.Run(name, func(t *testing.T) {
			f, err := report.New(name, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, f, r)
			golden := filepath.Join("testdata", "golden."+name)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./report -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s output differs from %s (run `go test ./report -update` and review the diff)\n%s",
					name, golden, analyzertest.LineDiff(string(want), string(got)))
			}
		})
	}
}

// TestRootDir checks that machine paths are relative to the report's root
// (the repository root), not to the directory kvet ran in: the same finding
// linted from the root and from a subdirectory gets the same SARIF URI,
// GitHub file, and fingerprint.
func TestRootDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix paths")
	}
	diag := func(file string) analyzer.Diagnostic {
		return analyzer.Diagnostic{
			RuleID: "test-schedule-review", Severity: analyzer.SeverityError, Message: "m", File: file,
			Range:  analyzer.Range{Start: analyzer.Position{Line: 2, Column: 3}, End: analyzer.Position{Line: 2, Column: 5}},
			Object: analyzer.ObjectRef{Kind: "CronJob", Name: "c"}, Path: analyzer.NewPath("spec"),
		}
	}
	fromRoot := &report.Report{Diagnostics: []analyzer.Diagnostic{diag("k8s/app.yaml")}, BaseDir: "/repo", RootDir: "/repo"}
	fromSub := &report.Report{Diagnostics: []analyzer.Diagnostic{diag("app.yaml")}, BaseDir: "/repo/k8s", RootDir: "/repo"}
	for _, r := range []*report.Report{fromRoot, fromSub} {
		r.Tool = report.Tool{Name: "kvet", Version: "1.2.3", InformationURI: "https://example.com"}
		gh := string(render(t, report.GitHub{}, r))
		if !strings.HasPrefix(gh, "::error file=k8s/app.yaml,line=2,col=3,") {
			t.Errorf("BaseDir %s: github %q", r.BaseDir, gh)
		}
		sarif := string(render(t, report.SARIF{}, r))
		for _, want := range []string{`"uri": "k8s/app.yaml"`, `"uri": "file:///repo/"`} {
			if !strings.Contains(sarif, want) {
				t.Errorf("BaseDir %s: SARIF lacks %s", r.BaseDir, want)
			}
		}
	}
	if a, b := fromRoot.Fingerprint(&fromRoot.Diagnostics[0]), fromSub.Fingerprint(&fromSub.Diagnostics[0]); a != b {
		t.Errorf("fingerprints differ: %s from the root, %s from k8s/", a, b)
	}

	// Related locations name their files as the finding's file is named,
	// relative to the root.
	fromSub.Diagnostics[0].Related = []analyzer.RelatedLocation{{
		File: "rbac.yaml", Range: analyzer.Range{Start: analyzer.Position{Line: 20, Column: 9}, End: analyzer.Position{Line: 20, Column: 12}},
		Message: "bound here",
	}}
	junit := string(render(t, report.JUnit{}, fromSub))
	if want := "k8s/app.yaml:2:3: error: m (test-schedule-review)\nobject: CronJob c\nfield: spec\nnote: k8s/rbac.yaml:20:9: bound here\n]]>"; !strings.Contains(junit, want) {
		t.Errorf("JUnit failure lacks %q:\n%s", want, junit)
	}
	if sarif := string(render(t, report.SARIF{}, fromSub)); strings.Count(sarif, `"uri": "k8s/rbac.yaml"`) != 2 { // related location and code flow
		t.Errorf("SARIF related location not relative to the root:\n%s", sarif)
	}

	// A file outside the root keeps its absolute path, never "../".
	outside := &report.Report{Diagnostics: []analyzer.Diagnostic{diag("../../other/x.yaml")}, BaseDir: "/repo/k8s", RootDir: "/repo"}
	if gh := string(render(t, report.GitHub{}, outside)); !strings.HasPrefix(gh, "::error file=/other/x.yaml,line=2,") {
		t.Errorf("outside the root: github %q", gh)
	}
}

// writeCounter counts the writes that reach it.
type writeCounter struct{ writes, bytes int }

func (c *writeCounter) Write(p []byte) (int, error) {
	c.writes++
	c.bytes += len(p)
	return len(p), nil
}

// TestFormatsWriteFullBuffers checks that every format, written through a
// buffered writer as kvet writes its output, fills the buffer before it
// writes: a report of 3,000 findings reaches the file in about its size
// divided by the buffer's, not in a write per finding (JUnit's encoder
// flushed after each test case).
func TestFormatsWriteFullBuffers(t *testing.T) {
	r := fixtureReport(t)
	one := r.Diagnostics
	for len(r.Diagnostics) < 3000 {
		r.Diagnostics = append(r.Diagnostics, one...)
	}
	const size = 4 << 10
	for _, name := range report.Names() {
		t.Run(name, func(t *testing.T) {
			f, err := report.New(name, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var c writeCounter
			w := bufio.NewWriterSize(&c, size)
			if err := f.Format(w, r); err != nil {
				t.Fatalf("Format: %v", err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if c.bytes < 3000 {
				t.Fatalf("%d bytes for %d findings", c.bytes, len(r.Diagnostics))
			}
			if most := c.bytes/size + 2; c.writes > most {
				t.Errorf("%d bytes in %d writes through a %d-byte buffer, want at most %d", c.bytes, c.writes, size, most)
			}
		})
	}
}
