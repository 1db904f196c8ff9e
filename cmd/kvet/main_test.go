package main

// End-to-end tests: TestMain builds the kvet binary once, and each test
// runs it as a user would, checking exit codes, stdout and stderr.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/report"
	"github.com/kvet-dev/kvet/report/sariftest"
)

// kvetBin is the binary under test and helmBin the kvet-helm beside it,
// built by TestMain.
var kvetBin, helmBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kvet-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	kvetBin = filepath.Join(dir, "kvet")
	if runtime.GOOS == "windows" {
		kvetBin += ".exe"
	}
	build := exec.Command("go", "build", "-o", kvetBin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building kvet: %v\n%s", err, out)
		return 2
	}
	// kvet runs the kvet-helm beside it to render charts (helm_test.go).
	helmBin = filepath.Join(dir, "kvet-helm")
	if runtime.GOOS == "windows" {
		helmBin += ".exe"
	}
	build = exec.Command("go", "build", "-o", helmBin, "../kvet-helm")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building kvet-helm: %v\n%s", err, out)
		return 2
	}
	return m.Run()
}

// run describes one invocation of kvet.
type run struct {
	args  []string
	stdin string
	env   []string // added to a clean environment
	dir   string   // working directory; default testdata
}

type outcome struct {
	stdout, stderr string
	code           int
}

// kvetEnv is the environment of every run: the test's own, without the
// variables that change kvet's output.
func kvetEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "NO_COLOR" || k == "TERM" || k == "FORCE_COLOR" || k == "CLICOLOR_FORCE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// runTimeout bounds one run of kvet: a run that blocks (on a pipe, a
// device) fails its test instead of hanging the suite.
const runTimeout = time.Minute

func kvet(t *testing.T, r run) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, kvetBin, r.args...)
	cmd.Dir = r.dir
	if cmd.Dir == "" {
		cmd.Dir = "testdata"
	}
	cmd.Env = kvetEnv(r.env)
	cmd.Stdin = strings.NewReader(r.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("kvet %v did not finish in %v", r.args, runTimeout)
	}
	o := outcome{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		o.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running kvet %v: %v", r.args, err)
	}
	return o
}

func (o outcome) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", o.code, o.stdout, o.stderr)
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// finding matches one text-format line: file, line, column, severity and
// rule ID are exact, the message (the rule author's wording) is any text.
func finding(file string, line, col int, severity, rule string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^%s:%d:%d: %s: .+ \(%s\)$`, regexp.QuoteMeta(file), line, col, severity, regexp.QuoteMeta(rule)))
}

// warningsFindings are the two findings of testdata/warnings.yaml, in
// output order (same position: sorted by rule ID).
func warningsFindings(file string) []*regexp.Regexp {
	return []*regexp.Regexp{
		finding(file, 8, 1, "warning", "cronjob-concurrency-allow"),
		finding(file, 8, 1, "warning", "cronjob-starting-deadline-missing"),
	}
}

// wantLines checks that out has exactly the lines matched by want, in order.
func wantLines(t *testing.T, out string, want []*regexp.Regexp) {
	t.Helper()
	got := lines(out)
	if len(got) != len(want) {
		t.Errorf("got %d lines, want %d:\n%s", len(got), len(want), out)
		return
	}
	for i := range want {
		if !want[i].MatchString(got[i]) {
			t.Errorf("line %d = %q, want match of %s", i+1, got[i], want[i])
		}
	}
}

// containsLines checks that each matcher matches some line of out.
func containsLines(t *testing.T, out string, want ...*regexp.Regexp) {
	t.Helper()
	for _, re := range want {
		found := false
		for _, l := range lines(out) {
			if re.MatchString(l) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no line matches %s in:\n%s", re, out)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"clean", []string{"lint", "clean.yaml"}, 0},
		{"warnings fail by default", []string{"lint", "warnings.yaml"}, 1},
		{"warnings, fail on error", []string{"lint", "--fail-on", "error", "warnings.yaml"}, 0},
		{"warnings, fail on warning", []string{"lint", "--fail-on=warning", "warnings.yaml"}, 1},
		{"warnings, fail on info", []string{"lint", "--fail-on", "info", "warnings.yaml"}, 1},
		{"warnings, fail on none", []string{"lint", "--fail-on", "none", "warnings.yaml"}, 0},
		{"error, fail on error", []string{"lint", "--fail-on", "error", "errors.yaml"}, 1},
		{"error, fail on none", []string{"lint", "--fail-on", "none", "errors.yaml"}, 0},
		{"clean, fail on info", []string{"lint", "--fail-on", "info", "clean.yaml"}, 0},
		{"info fails only on info", []string{"lint", "--fail-on", "info", "info.yaml"}, 1},
		{"info, fail on warning", []string{"lint", "info.yaml"}, 0},
		{"info, fail on error", []string{"lint", "--fail-on", "error", "info.yaml"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := kvet(t, run{args: tt.args})
			if o.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", o.code, tt.code, o)
			}
		})
	}
}

func TestCleanOutput(t *testing.T) {
	o := kvet(t, run{args: []string{"lint", "clean.yaml"}})
	if o.code != 0 || o.stdout != "" {
		t.Errorf("want exit 0 and no output\n%s", o)
	}
	if o.stderr != "kvet: 0 errors, 0 warnings, 0 info in 1 file (1 document)\n" {
		t.Errorf("stderr = %q, want the summary line only", o.stderr)
	}
}

func TestFindingLines(t *testing.T) {
	o := kvet(t, run{args: []string{"lint", "warnings.yaml"}})
	wantLines(t, o.stdout, warningsFindings("warnings.yaml"))
	if o.stderr != "kvet: 0 errors, 2 warnings, 0 info in 1 file (1 document); 2 fixable with kvet fix\n" {
		t.Errorf("stderr = %q", o.stderr)
	}
	o = kvet(t, run{args: []string{"lint", "info.yaml"}})
	wantLines(t, o.stdout, []*regexp.Regexp{finding("info.yaml", 16, 5, "info", "job-backoff-limit-unset")})

	// The unknown field of errors.yaml: key `backofLimit` at 17:7.
	o = kvet(t, run{args: []string{"lint", "errors.yaml"}})
	containsLines(t, o.stdout, finding("errors.yaml", 17, 7, "error", "unknown-field"))
	if o.code != 1 {
		t.Errorf("exit %d, want 1", o.code)
	}
}

// TestUsageErrors: bad command lines exit 2 with a message on stderr and
// nothing on stdout.
func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown flag", []string{"lint", "--bogus", "clean.yaml"}, "unknown flag: --bogus"},
		{"unknown format", []string{"lint", "--format", "xml", "clean.yaml"}, `unknown format "xml" (want one of checkstyle, github, gitlab, json, junit, sarif, text)`},
		{"bad fail-on", []string{"lint", "--fail-on", "critical", "clean.yaml"}, `--fail-on: unknown severity "critical"`},
		{"bad color", []string{"lint", "--color", "sometimes", "clean.yaml"}, `--color: unknown mode "sometimes"`},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown rule", []string{"explain", "no-such-rule"}, `unknown rule "no-such-rule"`},
		{"explain without a rule", []string{"explain"}, "kvet explain takes one rule ID, such as job-ttl-missing, and got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := kvet(t, run{args: tt.args})
			if o.code != 2 || !strings.Contains(o.stderr, tt.stderr) || o.stdout != "" {
				t.Errorf("want exit 2, stderr containing %q and no stdout\n%s", tt.stderr, o)
			}
		})
	}
}

// TestUnreadablePaths: a missing path or one that cannot be read is an
// error naming it (exit 2); the other inputs are still linted and reported.
func TestUnreadablePaths(t *testing.T) {
	o := kvet(t, run{args: []string{"lint", "warnings.yaml", "missing.yaml", "clean.yaml/child.yaml"}})
	if o.code != 2 {
		t.Errorf("exit %d, want 2\n%s", o.code, o)
	}
	wantLines(t, o.stdout, warningsFindings("warnings.yaml"))
	for _, p := range []string{"missing.yaml", "clean.yaml/child.yaml"} {
		if !regexp.MustCompile(`(?m)^kvet: .*` + regexp.QuoteMeta(p)).MatchString(o.stderr) {
			t.Errorf("stderr does not name %s:\n%s", p, o.stderr)
		}
	}
	if !strings.Contains(o.stderr, "kvet: 0 errors, 2 warnings, 0 info in 1 file (1 document)") {
		t.Errorf("summary missing or wrong:\n%s", o.stderr)
	}

	t.Run("permission denied", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("root (or Windows) can read a file without read permission")
		}
		dir := t.TempDir()
		locked := filepath.Join(dir, "locked.yaml")
		if err := os.WriteFile(locked, []byte("apiVersion: v1\nkind: ConfigMap\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		o := kvet(t, run{args: []string{"lint", "warnings.yaml", locked}})
		if o.code != 2 || !strings.Contains(o.stderr, locked) || !strings.Contains(o.stderr, "permission denied") {
			t.Errorf("want exit 2 and an error naming %s\n%s", locked, o)
		}
		wantLines(t, o.stdout, warningsFindings("warnings.yaml"))
	})
}

func TestStdin(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := kvet(t, run{args: []string{"lint", "-"}, stdin: string(manifest)})
	wantLines(t, o.stdout, warningsFindings("<stdin>"))
	if o.code != 1 {
		t.Errorf("exit %d, want 1", o.code)
	}
	// With files: stdin sorts with the others by name.
	o = kvet(t, run{args: []string{"lint", "warnings.yaml", "-"}, stdin: string(manifest)})
	wantLines(t, o.stdout, append(warningsFindings("<stdin>"), warningsFindings("warnings.yaml")...))
	if !strings.Contains(o.stderr, "in 2 files (2 documents)") {
		t.Errorf("summary: %s", o.stderr)
	}
}

// TestYAMLSyntaxErrorMidFile: the documents before and after the broken
// one, and the other files, are still reported.
func TestYAMLSyntaxErrorMidFile(t *testing.T) {
	o := kvet(t, run{args: []string{"lint", "syntax.yaml", "warnings.yaml"}})
	if o.code != 1 {
		t.Errorf("exit %d, want 1 (a syntax error is an error finding)\n%s", o.code, o)
	}
	want := append([]*regexp.Regexp{
		finding("syntax.yaml", 8, 1, "warning", "cronjob-concurrency-allow"),
		finding("syntax.yaml", 8, 1, "warning", "cronjob-starting-deadline-missing"),
		finding("syntax.yaml", 34, 1, "error", "yaml-syntax"),
		finding("syntax.yaml", 41, 1, "warning", "cronjob-concurrency-allow"),
		finding("syntax.yaml", 41, 1, "warning", "cronjob-starting-deadline-missing"),
	}, warningsFindings("warnings.yaml")...)
	wantLines(t, o.stdout, want)
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.txt")
	o := kvet(t, run{args: []string{"lint", "--output", out, "warnings.yaml"}})
	if o.code != 1 || o.stdout != "" {
		t.Errorf("want exit 1 and nothing on stdout\n%s", o)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, string(data), warningsFindings("warnings.yaml"))
	if strings.Contains(string(data), "\x1b[") {
		t.Errorf("the report file has color codes: %q", data)
	}
	if !strings.Contains(o.stderr, "kvet: 0 errors, 2 warnings") {
		t.Errorf("summary missing from stderr: %q", o.stderr)
	}

	sarif := filepath.Join(dir, "report.sarif")
	o = kvet(t, run{args: []string{"lint", "-f", "sarif", "-o", sarif, "warnings.yaml"}})
	if o.stdout != "" || o.stderr != "" {
		t.Errorf("sarif to a file: want no stdout and no summary\n%s", o)
	}
	if data, err := os.ReadFile(sarif); err != nil || !json.Valid(data) {
		t.Errorf("report.sarif: %v, valid JSON: %v", err, json.Valid(data))
	}
}

func TestSummaryOnlyForText(t *testing.T) {
	for _, format := range []string{"json", "sarif", "github"} {
		o := kvet(t, run{args: []string{"lint", "--format", format, "warnings.yaml"}})
		if o.code != 1 || o.stderr != "" || o.stdout == "" {
			t.Errorf("%s: want exit 1, a report and an empty stderr\n%s", format, o)
		}
	}
}

var ansiCode = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestColor(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   []string
		color bool
	}{
		{"always", []string{"--color=always"}, nil, true},
		{"always beats NO_COLOR", []string{"--color", "always"}, []string{"NO_COLOR=1"}, true},
		{"never", []string{"--color=never"}, nil, false},
		{"auto, not a terminal", nil, nil, false},
		{"auto, NO_COLOR", nil, []string{"NO_COLOR=1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := kvet(t, run{args: append(append([]string{"lint"}, tt.args...), "warnings.yaml"), env: tt.env})
			if got := ansiCode.MatchString(o.stdout); got != tt.color {
				t.Errorf("color = %v, want %v: %q", got, tt.color, o.stdout)
			}
			if tt.color {
				wantLines(t, ansiCode.ReplaceAllString(o.stdout, ""), warningsFindings("warnings.yaml"))
			}
		})
	}
}

func TestRulesExplainVersion(t *testing.T) {
	o := kvet(t, run{args: []string{"rules"}})
	if o.code != 0 || !strings.HasPrefix(o.stdout, "RULE ") {
		t.Fatalf("kvet rules:\n%s", o)
	}
	containsLines(t, o.stdout,
		regexp.MustCompile(`^cronjob-concurrency-allow +warning +CronJob lets runs overlap`),
		regexp.MustCompile(`^yaml-syntax +error +document is not valid YAML`))

	o = kvet(t, run{args: []string{"explain", "cronjob-concurrency-allow"}})
	if o.code != 0 || !strings.HasPrefix(o.stdout, "cronjob-concurrency-allow: ") ||
		!strings.Contains(o.stdout, "\nSeverity: warning\n") || !strings.Contains(o.stdout, "concurrencyPolicy: Forbid") {
		t.Errorf("kvet explain:\n%s", o)
	}

	o = kvet(t, run{args: []string{"version"}})
	if o.code != 0 || !regexp.MustCompile(`^kvet \d+\.\d+\.\d+\S*\nKubernetes 1\.\d+ \(the newest release kvet knows; the default --kube-version\)\nHelm renderer: `+regexp.QuoteMeta(helmBin)+`\n$`).MatchString(o.stdout) {
		t.Errorf("kvet version:\n%s", o)
	}
}

func TestJSONOutput(t *testing.T) {
	o := kvet(t, run{args: []string{"lint", "-f", "json", "warnings.yaml", "clean.yaml"}})
	var rep struct {
		Version int `json:"version"`
		Summary struct {
			Files, Documents, Errors, Warnings, Infos int
		} `json:"summary"`
		Diagnostics []struct {
			Rule, Severity, File, Path string
			Range                      struct{ Start, End struct{ Line, Column int } }
			Object                     struct{ Kind, Namespace, Name string }
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, o)
	}
	if rep.Version != report.JSONVersion || rep.Summary.Files != 2 || rep.Summary.Documents != 2 || rep.Summary.Warnings != 2 || rep.Summary.Errors != 0 {
		t.Errorf("version %d, summary %+v", rep.Version, rep.Summary)
	}
	if len(rep.Diagnostics) != 2 {
		t.Fatalf("%d diagnostics:\n%s", len(rep.Diagnostics), o.stdout)
	}
	d := rep.Diagnostics[1]
	if d.Rule != "cronjob-starting-deadline-missing" || d.File != "warnings.yaml" || d.Path != "spec.startingDeadlineSeconds" ||
		d.Range.Start.Line != 8 || d.Range.Start.Column != 1 || d.Range.End.Line != 8 || d.Range.End.Column != 5 ||
		d.Object.Kind != "CronJob" || d.Object.Namespace != "reports" || d.Object.Name != "nightly-report" {
		t.Errorf("diagnostic = %+v", d)
	}
}

func TestGitHubOutput(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// An absolute path under the repository is written relative to its
	// root.
	o := kvet(t, run{args: []string{"lint", "-f", "github", abs}})
	file := regexp.QuoteMeta(rootPrefix(t) + "warnings.yaml")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^::warning file=` + file + `,line=8,col=1,endLine=8,endColumn=5,title=kvet cronjob-concurrency-allow::\S`),
		regexp.MustCompile(`^::warning file=` + file + `,line=8,col=1,endLine=8,endColumn=5,title=kvet cronjob-starting-deadline-missing::\S`),
	}
	wantLines(t, o.stdout, want)
}

// TestSARIF lints several files (one with special characters in its path,
// one outside the working directory given by absolute path) and stdin,
// and checks the log against GitHub's rules and the SARIF schema.
func TestSARIF(t *testing.T) {
	t.Parallel()
	manifest, err := os.ReadFile(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "outside.yaml")
	if err := os.WriteFile(outside, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	o := kvet(t, run{
		args:  []string{"lint", "--format", "sarif", "errors.yaml", "syntax.yaml", "dir with space", outside, "-"},
		stdin: string(manifest),
	})
	if o.code != 1 {
		t.Errorf("exit %d, want 1\n%s", o.code, o)
	}
	out := []byte(o.stdout)
	t.Run("github", func(t *testing.T) {
		for _, p := range sariftest.CheckGitHub(out) {
			t.Error(p)
		}
	})
	t.Run("schema", func(t *testing.T) {
		sariftest.ValidateBytes(t, out)
	})

	var log struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Results            []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct{ StartLine, StartColumn int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	wd, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	prefix := rootPrefix(t)
	root := strings.TrimSuffix(filepath.ToSlash(wd)+"/", prefix)
	if got := log.Runs[0].OriginalURIBaseIDs[report.SARIFBaseID].URI; runtime.GOOS != "windows" && got != "file://"+root {
		t.Errorf("originalUriBaseIds = %q, want %q (the repository root)", got, "file://"+root)
	}
	type loc struct {
		rule, uri, base string
		line, col       int
	}
	got := map[loc]bool{}
	for _, r := range log.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		got[loc{r.RuleID, pl.ArtifactLocation.URI, pl.ArtifactLocation.URIBaseID, pl.Region.StartLine, pl.Region.StartColumn}] = true
	}
	want := []loc{
		{"unknown-field", prefix + "errors.yaml", report.SARIFBaseID, 17, 7},
		{"yaml-syntax", prefix + "syntax.yaml", report.SARIFBaseID, 34, 1},
		{"cronjob-concurrency-allow", prefix + "syntax.yaml", report.SARIFBaseID, 41, 1},
		{"cronjob-starting-deadline-missing", prefix + "dir%20with%20space/odd%23name.yaml", report.SARIFBaseID, 8, 1},
		{"cronjob-concurrency-allow", "%3Cstdin%3E", "", 8, 1},
	}
	if runtime.GOOS != "windows" {
		want = append(want, loc{"cronjob-concurrency-allow", "file://" + filepath.ToSlash(outside), "", 8, 1})
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no result %+v in:\n%v", w, got)
		}
	}
}

// TestSARIFFingerprintsIndependentOfPathSpelling: `kvet lint x.yaml` and
// `kvet lint $PWD/x.yaml` give the same URIs and fingerprints, so code
// scanning keeps tracking the same alerts.
func TestSARIFFingerprintsIndependentOfPathSpelling(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Locations []struct {
			PhysicalLocation struct {
				ArtifactLocation struct{ URI string } `json:"artifactLocation"`
			} `json:"physicalLocation"`
		} `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	results := func(path string) []result {
		o := kvet(t, run{args: []string{"lint", "-f", "sarif", path}})
		var log struct {
			Runs []struct{ Results []result } `json:"runs"`
		}
		if err := json.Unmarshal([]byte(o.stdout), &log); err != nil {
			t.Fatalf("%v\n%s", err, o)
		}
		return log.Runs[0].Results
	}
	rel, full := results("./warnings.yaml"), results(abs)
	if len(rel) != 2 || len(full) != 2 {
		t.Fatalf("%d and %d results, want 2", len(rel), len(full))
	}
	for i := range rel {
		a, b := rel[i], full[i]
		if uri := rootPrefix(t) + "warnings.yaml"; a.Locations[0].PhysicalLocation.ArtifactLocation.URI != uri || b.Locations[0].PhysicalLocation.ArtifactLocation.URI != uri {
			t.Errorf("results[%d] uris %q and %q", i, a.Locations[0].PhysicalLocation.ArtifactLocation.URI, b.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		fa, fb := a.PartialFingerprints[report.SARIFFingerprintKey], b.PartialFingerprints[report.SARIFFingerprintKey]
		if fa == "" || fa != fb {
			t.Errorf("results[%d] fingerprints %q and %q", i, fa, fb)
		}
	}
}

// rootPrefix returns the path of testdata (where kvet runs in these tests)
// relative to the repository root, with a final slash: the prefix of the
// paths machine formats write. Outside a repository (an unpacked archive)
// the root is the working directory and the prefix is empty.
func rootPrefix(t *testing.T) string {
	t.Helper()
	wd, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	root := config.RepoRoot(wd)
	if root == "" {
		return ""
	}
	rel, err := filepath.Rel(root, wd)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel) + "/"
}

// corpusDir returns the shared corpus of real manifests, which lies beside
// the repository (../shared/corpus from its root) on developer machines
// and in CI, or skips the test.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "real")); err != nil {
		t.Skipf("no corpus at %s: %v", dir, err)
	}
	return dir
}

// TestCorpusSARIF lints the real public manifests of the shared corpus
// (and its unparseable edge cases) as SARIF: kvet must read all of them
// (exit 1, for findings, and nothing on stderr) and the log must satisfy
// GitHub code scanning and the SARIF schema.
func TestCorpusSARIF(t *testing.T) {
	t.Parallel()
	dir := corpusDir(t)
	o := kvet(t, run{args: []string{"lint", "--format", "sarif", "real", "edge"}, dir: dir})
	if o.code != 1 || o.stderr != "" {
		t.Fatalf("want exit 1 and an empty stderr, got exit %d\n%s", o.code, o.stderr)
	}
	out := []byte(o.stdout)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	rules := map[string]int{}
	for _, r := range log.Runs[0].Results {
		rules[r.RuleID]++
	}
	// The edge cases do not parse; the real manifests miss limits.
	if rules["yaml-syntax"] == 0 || rules["resource-limits-missing"] == 0 {
		t.Errorf("results per rule: %v", rules)
	}
	t.Run("github", func(t *testing.T) {
		for _, p := range sariftest.CheckGitHub(out) {
			t.Error(p)
		}
	})
	t.Run("schema", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: validating the corpus log takes half a minute")
		}
		sariftest.ValidateBytes(t, out)
	})
}
