package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/cli"
)

const cronJobWithoutDeadline = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: c, image: "c:1"}]
`

// --output never overwrites a linted file, whatever the spelling of its
// path; it writes any other file, and nothing to stdout.
func TestOutputNeverOverwritesInput(t *testing.T) {
	dir := repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	for _, out := range []string{"k8s/cron.yaml", "./k8s/../k8s/cron.yaml", dir + "/k8s/cron.yaml"} {
		code, stdout, stderr := kvet(t, "lint", "--output", out, "k8s")
		if code != 2 || !strings.Contains(stderr, "is one of the files kvet reads") || stdout != "" {
			t.Errorf("--output %s: exit %d, stderr %q, stdout %q; want exit 2 and a refusal", out, code, stderr, stdout)
		}
		if data, _ := os.ReadFile("k8s/cron.yaml"); string(data) != cronJobWithoutDeadline {
			t.Fatalf("--output %s modified the input", out)
		}
	}
	code, stdout, _ := kvet(t, "lint", "--output", "report.txt", "k8s")
	data, err := os.ReadFile("report.txt")
	if code != 1 || stdout != "" || err != nil || !strings.Contains(string(data), "k8s/cron.yaml:5:1: warning: startingDeadlineSeconds is unset") {
		t.Errorf("--output report.txt: exit %d, stdout %q, report %q (%v)", code, stdout, data, err)
	}
}

// With --show-suppressed, JSON marks a suppressed finding in its
// "suppression" field and leaves the message alone.
func TestJSONShowsSuppression(t *testing.T) {
	suppressed := strings.Replace(cronJobWithoutDeadline, "spec:\n", "spec:  # kvet:ignore cronjob-starting-deadline-missing -- runs are idempotent\n", 1)
	repo(t, map[string]string{"k8s/cron.yaml": suppressed})
	code, stdout, stderr := kvet(t, "lint", "--format", "json", "--show-suppressed", "--enable", "cronjob-starting-deadline-missing", "k8s")
	var rep struct {
		Diagnostics []struct {
			Rule        string `json:"rule"`
			Message     string `json:"message"`
			Suppression *struct {
				Kind          string `json:"kind"`
				Justification string `json:"justification"`
			} `json:"suppression"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("exit %d, %v: %s %s", code, err, stdout, stderr)
	}
	found := false
	for _, d := range rep.Diagnostics {
		if d.Rule != "cronjob-starting-deadline-missing" {
			if d.Suppression != nil {
				t.Errorf("%s is marked suppressed", d.Rule)
			}
			continue
		}
		found = true
		if d.Suppression == nil || d.Suppression.Kind != "inSource" || d.Suppression.Justification != "runs are idempotent" || strings.Contains(d.Message, "[suppressed") {
			t.Errorf("suppressed finding = %+v", d)
		}
	}
	if !found {
		t.Errorf("suppressed finding not shown: %s", stdout)
	}
}

// -o output is never colored, whatever --color says (bug: --color always
// wrote ANSI escapes into the file).
func TestOutputFileNeverColored(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	code, stdout, stderr := kvet(t, "lint", "--color", "always", "-o", "report.txt", "k8s")
	data, err := os.ReadFile("report.txt")
	if code != 1 || stdout != "" || err != nil || !strings.Contains(string(data), "k8s/cron.yaml:5:1: warning: ") || strings.Contains(string(data), "\x1b[") {
		t.Errorf("exit %d, stdout %q, stderr %q, report %q (%v); want an uncolored report", code, stdout, stderr, data, err)
	}
	// On stdout, --color always colors.
	_, stdout, _ = kvet(t, "lint", "--color", "always", "k8s")
	if !strings.Contains(stdout, "\x1b[") {
		t.Errorf("--color always on stdout: %q", stdout)
	}
	// The mode is still checked.
	if code, _, stderr := kvet(t, "lint", "--color", "sometimes", "-o", "report.txt", "k8s"); code != 2 || !strings.Contains(stderr, `--color: unknown mode "sometimes"`) {
		t.Errorf("--color sometimes: exit %d, %q", code, stderr)
	}
}

// Errors come first on stderr, the summary last (bug: the summary was
// printed before the error about a missing path).
func TestErrorsBeforeSummary(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	code, _, stderr := kvet(t, "lint", "missing.yaml", "k8s")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != 2 || len(lines) != 2 || lines[0] != "kvet: reading missing.yaml: no such file or directory" ||
		!strings.HasPrefix(lines[1], "kvet: 0 errors, 5 warnings, 2 info in 1 file (1 document)") {
		t.Errorf("exit %d, stderr:\n%s\nwant the error, then the summary", code, stderr)
	}
}

// A path without Kubernetes objects is named on stderr (exit 0): an empty
// directory, a directory of Helm values, or files named explicitly when the
// run finds nothing at all.
func TestNoObjectsFound(t *testing.T) {
	repo(t, map[string]string{
		"k8s/cron.yaml":            cronJobWithoutDeadline,
		"chart/values.yaml":        "replicas: 3\nimage: {tag: latest}\n",
		".github/workflows/ci.yml": "on: push\njobs: {}\n",
		"ci.yml":                   "on: push\n",
	})
	if err := os.Mkdir("empty", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("k8s", "linked"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args       []string
		code       int
		note       string // "" for none
		stdinInput string
	}{
		// A folder or file named again through a symbolic link: read once,
		// under its first name, and not empty for that.
		{[]string{"k8s", "linked"}, 1, "", ""},
		{[]string{"k8s", "linked/cron.yaml"}, 1, "", ""},
		{[]string{"empty"}, 0, "kvet: no Kubernetes objects found in empty\n", ""},
		{[]string{"chart"}, 0, "kvet: no Kubernetes objects found in chart\n", ""},
		{[]string{"chart/values.yaml", "ci.yml"}, 0, "kvet: no Kubernetes objects found in chart/values.yaml, ci.yml\n", ""},
		// A directory without objects beside one with: named.
		{[]string{"k8s", "chart/"}, 1, "kvet: no Kubernetes objects found in chart/\n", ""},
		// Files that are not manifests beside one that is (pre-commit): quiet.
		{[]string{"k8s/cron.yaml", "ci.yml"}, 1, "", ""},
		{[]string{"-"}, 0, "kvet: no Kubernetes objects found in standard input\n", "a: 1\n"},
		{[]string{"--quiet", "empty"}, 0, "", ""},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := cli.Main(context.Background(), append([]string{"lint"}, tt.args...), strings.NewReader(tt.stdinInput), &out, &errb)
		stderr := errb.String()
		hasNote := strings.Contains(stderr, "no Kubernetes objects")
		if code != tt.code || tt.note != "" && !strings.Contains(stderr, tt.note) || tt.note == "" && hasNote {
			t.Errorf("lint %v: exit %d, stderr %q; want exit %d and note %q", tt.args, code, stderr, tt.code, tt.note)
		}
	}
	// The note precedes the summary, which stays last.
	_, _, stderr := kvet(t, "lint", "empty")
	if stderr != "kvet: no Kubernetes objects found in empty\nkvet: 0 errors, 0 warnings, 0 info in 0 files (0 documents)\n" {
		t.Errorf("stderr %q", stderr)
	}
	// A file the configuration excludes is named as excluded, not as
	// empty: it may well hold objects (standard input too, by the name it
	// is linted as).
	writeFile(t, ".kvet.yaml", "exclude: [\"k8s/**\"]\n")
	for _, tt := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"k8s/cron.yaml", "ci.yml"}, "", "kvet: k8s/cron.yaml excluded by .kvet.yaml\nkvet: no Kubernetes objects found in ci.yml\n"},
		{[]string{"--stdin-filename", "k8s/cron.yaml", "-"}, cronJobWithoutDeadline, "kvet: standard input (as k8s/cron.yaml) excluded by .kvet.yaml\n"},
	} {
		var out, errb bytes.Buffer
		code := cli.Main(context.Background(), append([]string{"lint"}, tt.args...), strings.NewReader(tt.stdin), &out, &errb)
		if code != 0 || !strings.HasPrefix(errb.String(), tt.want) {
			t.Errorf("lint %v: exit %d, stderr %q; want it to start with %q", tt.args, code, errb.String(), tt.want)
		}
	}
}

// TestExcludeThroughLinks checks that an excluded file is skipped when
// named through a symbolic link to the repository, or by its real path in
// a working directory reached through one, as when named plainly; a file
// that is not excluded is linted whatever its name.
func TestExcludeThroughLinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(repo(t, map[string]string{
		".kvet.yaml": "exclude: [\"k8s/cron.yaml\"]\n", "k8s/cron.yaml": cronJobWithoutDeadline, "other/cron.yaml": cronJobWithoutDeadline,
	}))
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	for _, tt := range []struct{ wd, root string }{{dir, dir}, {link, dir}, {dir, link}, {link, link}} {
		t.Chdir(tt.wd)
		excluded := filepath.Join(tt.root, "k8s", "cron.yaml")
		code, stdout, stderr := kvet(t, "lint", excluded)
		if want := "kvet: " + excluded + " excluded by .kvet.yaml\n"; code != 0 || stdout != "" || !strings.HasPrefix(stderr, want) {
			t.Errorf("in %s, lint %s: exit %d, stdout %q, stderr %q; want exit 0, nothing, %q", tt.wd, excluded, code, stdout, stderr, want)
		}
		// A directory named through the link: its excluded file is left out.
		code, stdout, _ = kvet(t, "lint", tt.root)
		got := findings(t, stdout)
		if want := filepath.Join(tt.root, "other", "cron.yaml") + ":5 cronjob-starting-deadline-missing warning"; code != 1 || !slices.Contains(got, want) ||
			slices.ContainsFunc(got, func(f string) bool { return strings.Contains(f, "k8s") }) {
			t.Errorf("in %s, lint %s: exit %d, findings %q; want 1, %q and none in k8s/", tt.wd, tt.root, code, got, want)
		}
	}
}

// With --show-suppressed, the github format shows a suppressed finding as a
// notice titled with its suppression, never as a warning or error
// annotation.
func TestGitHubShowsSuppressedAsNotice(t *testing.T) {
	suppressed := strings.Replace(cronJobWithoutDeadline, "spec:\n", "spec:  # kvet:ignore cronjob-starting-deadline-missing -- runs are idempotent\n", 1)
	repo(t, map[string]string{"k8s/cron.yaml": suppressed})
	code, stdout, _ := kvet(t, "lint", "--format", "github", "--show-suppressed", "k8s")
	var found bool
	for _, l := range strings.Split(stdout, "\n") {
		if !strings.Contains(l, "cronjob-starting-deadline-missing") {
			continue
		}
		found = true
		want := "::notice file=k8s/cron.yaml,line=5,col=1,endLine=5,endColumn=5,title=kvet cronjob-starting-deadline-missing (suppressed%3A runs are idempotent)::startingDeadlineSeconds is unset: "
		if !strings.HasPrefix(l, want) || strings.Contains(l, "[suppressed") {
			t.Errorf("suppressed finding:\n%s\nwant it to start with\n%s", l, want)
		}
	}
	if !found || code != 1 || !strings.Contains(stdout, "::warning file=k8s/cron.yaml,line=11,") {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
}

// With --show-suppressed, the formats that mark suppressed findings
// themselves (JUnit: a skipped test case) or have no notion of them
// (checkstyle, GitLab: left out) never show one as a finding, and their
// messages carry no text-format "[suppressed]" suffix.
func TestMachineFormatsShowSuppressed(t *testing.T) {
	suppressed := strings.Replace(cronJobWithoutDeadline, "spec:\n", "spec:  # kvet:ignore cronjob-starting-deadline-missing -- runs are idempotent\n", 1)
	for _, tc := range []struct {
		format string
		want   func(stdout string) bool
	}{
		{"junit", func(out string) bool {
			return strings.Contains(out, `<skipped message="suppressed (inSource): runs are idempotent">`) &&
				!strings.Contains(out, "[suppressed")
		}},
		{"checkstyle", func(out string) bool { return !strings.Contains(out, "cronjob-starting-deadline-missing") }},
		{"gitlab", func(out string) bool { return !strings.Contains(out, "cronjob-starting-deadline-missing") }},
	} {
		t.Run(tc.format, func(t *testing.T) {
			repo(t, map[string]string{"k8s/cron.yaml": suppressed})
			_, stdout, _ := kvet(t, "lint", "--format", tc.format, "--show-suppressed", "k8s")
			if !tc.want(stdout) {
				t.Errorf("--format %s --show-suppressed:\n%s", tc.format, stdout)
			}
		})
	}
}

// With --show-suppressed, the text format marks every suppressed finding
// it shows, the one that stands for those past --max-findings too, and
// leaves the unsuppressed ones alone.
func TestTextShowSuppressedCapped(t *testing.T) {
	job := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: x:1\n"
	content := "# kvet:ignore-file job-ttl-missing -- cleaned up by the pipeline\n" +
		fmt.Sprintf(job, "a") + "---\n" + fmt.Sprintf(job, "b") + "---\n" + fmt.Sprintf(job, "c")
	repo(t, map[string]string{"jobs.yaml": content})
	_, stdout, _ := kvet(t, "lint", "--show-suppressed", "--max-findings", "1", "jobs.yaml")
	var ttl []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.HasSuffix(l, "(job-ttl-missing)") {
			ttl = append(ttl, l)
			if !strings.HasSuffix(l, " [suppressed: cleaned up by the pipeline] (job-ttl-missing)") {
				t.Errorf("not marked suppressed: %s", l)
			}
		} else if strings.Contains(l, "[suppressed") {
			t.Errorf("marked suppressed: %s", l)
		}
	}
	if len(ttl) != 2 || !strings.Contains(ttl[1], ": 2 more job-ttl-missing findings in this file") {
		t.Errorf("want one job-ttl-missing finding and one for the 2 more, got:\n%s", strings.Join(ttl, "\n"))
	}
}

// TestNeverWritesWhatItReads: -o and --write-baseline refuse every file
// the run reads, not only the linted manifests: a link to one, a chart's
// Chart.yaml (read by the rendering, never linted), the configuration,
// the baseline read and a policy file. Each stays as it was.
func TestNeverWritesWhatItReads(t *testing.T) {
	const chart = "apiVersion: v2\nname: c\nversion: 0.1.0\n"
	const policy = "package acme.labels\n"
	dir := repo(t, map[string]string{
		".kvet.yaml":                "policies: [pol]\n",
		"k8s/cron.yaml":             cronJobWithoutDeadline,
		"chart/Chart.yaml":          chart,
		"chart/templates/cron.yaml": cronJobWithoutDeadline,
		"pol/acme.rego":             policy,
	})
	if err := os.Symlink("cron.yaml", filepath.Join(dir, "k8s/link.yaml")); err != nil {
		t.Skip(err)
	}
	if code, _, stderr := kvet(t, "lint", "--write-baseline", "b.json", "k8s"); code != 0 {
		t.Fatalf("writing a baseline: exit %d %q", code, stderr)
	}
	baseline := read(t, "b.json")
	contents := map[string]string{
		".kvet.yaml": "policies: [pol]\n", "k8s/cron.yaml": cronJobWithoutDeadline, "chart/Chart.yaml": chart, "pol/acme.rego": policy, "b.json": baseline,
	}
	for _, tc := range []struct {
		args   []string
		target string
	}{
		{[]string{"--write-baseline", "k8s/link.yaml", "k8s/cron.yaml"}, "k8s/cron.yaml"},
		{[]string{"--write-baseline", "k8s/cron.yaml", "k8s/link.yaml"}, "k8s/cron.yaml"},
		{[]string{"-o", "chart/Chart.yaml", "chart"}, "chart/Chart.yaml"},
		{[]string{"--write-baseline", "chart/Chart.yaml", "chart"}, "chart/Chart.yaml"},
		{[]string{"-o", ".kvet.yaml", "k8s"}, ".kvet.yaml"},
		{[]string{"-o", "b.json", "--baseline", "b.json", "k8s"}, "b.json"},
		{[]string{"-o", "pol/acme.rego", "k8s"}, "pol/acme.rego"},
		{[]string{"-o", "pol/acme.rego", "--policy", "pol/acme.rego", "k8s"}, "pol/acme.rego"},
	} {
		code, _, stderr := kvet(t, append([]string{"lint"}, tc.args...)...)
		if code != cli.ExitError || !strings.Contains(stderr, "one of the files kvet reads") {
			t.Errorf("lint %v: exit %d, stderr %q; want a refusal", tc.args, code, stderr)
		}
		for f, want := range contents {
			if got := read(t, f); got != want {
				t.Fatalf("lint %v changed %s:\n%s", tc.args, f, got)
			}
		}
	}
	// A kvet baseline is rewritten, the one read included.
	if code, _, stderr := kvet(t, "lint", "--baseline", "b.json", "--write-baseline", "b.json", "k8s"); code != 0 {
		t.Errorf("rewriting the baseline read: exit %d %q", code, stderr)
	}
}

// The report of a previous run at --output, found in the linted
// directory, is not an input: the next run of the same command (a CI job's,
// docs/ci/gitlab-ci.yml) leaves it out and writes over it. Named as a
// path, it is an input, and kvet refuses. A baseline at --write-baseline
// is rewritten in the same way.
func TestOutputRewritesPreviousReport(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline})
	for _, tc := range []struct{ format, output string }{
		{"gitlab", "gl-code-quality-report.json"},
		{"json", "kvet.json"},
		{"sarif", "k8s/kvet.sarif.json"},
	} {
		args := []string{"lint", "--format", tc.format, "--output", tc.output, "--fail-on", "none", "."}
		for run := 1; run <= 2; run++ {
			if code, stdout, stderr := kvet(t, args...); code != 0 || stdout != "" || stderr != "" {
				t.Fatalf("run %d of %v: exit %d, stdout %q, stderr %q", run, args, code, stdout, stderr)
			}
		}
		if got := read(t, tc.output); !strings.Contains(got, "cronjob-starting-deadline-missing") || strings.Contains(got, tc.output) {
			t.Errorf("%s: the report of the second run does not report k8s/cron.yaml alone:\n%s", tc.format, got)
		}
		previous := read(t, tc.output)
		named := []string{"lint", "--format", tc.format, "--output", tc.output, "--fail-on", "none", tc.output, "k8s"}
		if code, _, stderr := kvet(t, named...); code != cli.ExitError || !strings.Contains(stderr, "one of the files kvet reads") {
			t.Errorf("%v: exit %d, stderr %q; want a refusal", named, code, stderr)
		}
		if read(t, tc.output) != previous {
			t.Errorf("%v wrote over the report named as an input", named)
		}
	}
	for run := 1; run <= 2; run++ {
		if code, _, stderr := kvet(t, "lint", "--write-baseline", "k8s/b.json", "."); code != 0 {
			t.Fatalf("run %d of --write-baseline k8s/b.json: exit %d, stderr %q", run, code, stderr)
		}
	}
	// A manifest at --output stays an input.
	if code, _, stderr := kvet(t, "lint", "-f", "json", "-o", "k8s/cron.yaml", "."); code != cli.ExitError || !strings.Contains(stderr, "one of the files kvet reads") {
		t.Errorf("-o k8s/cron.yaml .: exit %d, stderr %q; want a refusal", code, stderr)
	}
}

// With an input that cannot be read, -o writes nothing (the file keeps its
// content) and the report of the inputs that were read goes to standard
// output, as the exit-status table says; -o - is standard output.
func TestOutputWithUnreadableInput(t *testing.T) {
	repo(t, map[string]string{"k8s/cron.yaml": cronJobWithoutDeadline, "report.txt": "old\n"})
	code, stdout, stderr := kvet(t, "lint", "-o", "report.txt", "k8s", "missing.yaml")
	if code != cli.ExitError || !strings.Contains(stdout, "k8s/cron.yaml:5:1: warning: startingDeadlineSeconds is unset") ||
		!strings.Contains(stderr, "report not written to report.txt because of the errors above; it keeps its previous content; it went to standard output instead") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if got := read(t, "report.txt"); got != "old\n" {
		t.Errorf("report.txt = %q", got)
	}
	code, stdout, _ = kvet(t, "lint", "-o", "-", "k8s")
	if _, err := os.Stat("-"); code != 1 || !strings.Contains(stdout, "startingDeadlineSeconds is unset") || err == nil {
		t.Errorf("-o -: exit %d, stdout %q, a file named - written: %v", code, stdout, err == nil)
	}
}

// A SARIF report keeps within the 25,000 results GitHub code scanning
// accepts, and kvet says on standard error how many it left out.
func TestSARIFResultsLeftOut(t *testing.T) {
	files := map[string]string{}
	for f := range 7 { // 900 pods a file (within --max-findings), four findings each
		var b strings.Builder
		for i := range 900 {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: ns}\nspec:\n  containers:\n  - {name: c, image: nginx}\n", i)
		}
		files[fmt.Sprintf("pods%d.yaml", f)] = b.String()
	}
	repo(t, files)
	code, stdout, stderr := kvet(t, "lint", "-q", "-f", "sarif", "--fail-on", "none", ".")
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("exit %d, %v, stderr %q", code, err, stderr)
	}
	if n := len(log.Runs[0].Results); code != 0 || n != 25000 ||
		stderr != "kvet: warning: SARIF report: 200 results left out: GitHub code scanning accepts at most 25,000 per run "+
			"(suppressed findings were left out first, then the least severe, from the end of the sorted order)\n" {
		t.Errorf("exit %d, %d results, stderr %q; want 25,000 and a warning that 200 were left out", code, n, stderr)
	}
}
