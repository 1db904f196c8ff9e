package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/cli"
)

// repo creates a repository (a directory with .git) holding files, and
// makes it the working directory.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	t.Chdir(dir)
	return dir
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// kvet runs the command line in the working directory.
func kvet(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

var textLine = regexp.MustCompile(`^(.+):(\d+):(\d+): (\w+): .* \(([a-z0-9-]+)\)$`)

// findings parses text output into "file:line rule severity" lines.
func findings(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l == "" {
			continue
		}
		m := textLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a text diagnostic: %q", l)
		}
		out = append(out, m[1]+":"+m[2]+" "+m[5]+" "+m[4])
	}
	return out
}

func has(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

// podLimits is a Pod whose container has only a memory limit (so
// resource-limits-missing reports cpu on line 12) and complete requests.
const podLimits = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  serviceAccountName: web
  containers:
  - name: app
    image: app:1.0
    resources:
      requests: {cpu: 100m, memory: 64Mi}
      limits: {memory: 64Mi}
`

func TestConfigErrorsExit2(t *testing.T) {
	tests := []struct {
		name, config, want string
	}{
		{"unknown key", "fail-on: error\nfailon: info\n", `.kvet.yaml:2:1: error: unknown key "failon"`},
		{"unknown rule", "rules:\n  resource-limit-missing:\n    enabled: false\n",
			`.kvet.yaml:2:3: error: unknown rule "resource-limit-missing" (did you mean "resource-limits-missing"?)`},
		{"wrong parameter type", "rules:\n  resource-limits-missing:\n    params:\n      require: cpu\n",
			`.kvet.yaml:4:16: error: rules.resource-limits-missing.params.require: want a list of strings such as [cpu, memory], got the string "cpu"`},
		{"negative backoffLimit maximum", "rules:\n  job-backoff-limit-high:\n    params: {max: -1}\n",
			`.kvet.yaml:3:19: error: rules.job-backoff-limit-high.params.max: want an integer of 0 or more such as 6, got the integer -1`},
		{"unknown parameter", "rules:\n  resource-limits-missing:\n    params: {required: [cpu]}\n",
			`.kvet.yaml:3:14: error: rules.resource-limits-missing.params: unknown parameter "required" (resource-limits-missing has require)`},
		{"bad glob", "exclude: [\"charts/[\"]\n", `.kvet.yaml:1:11: error: exclude: bad glob "charts/[": syntax error in pattern`},
		{"syntax", "rules:\n  a: {b\n", `.kvet.yaml:2:1: error: invalid YAML:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo(t, map[string]string{".kvet.yaml": tt.config, "pod.yaml": podLimits})
			code, stdout, stderr := kvet(t, "lint", ".")
			if code != cli.ExitError || stdout != "" || !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
	t.Run("missing --config file", func(t *testing.T) {
		repo(t, map[string]string{"pod.yaml": podLimits})
		code, _, stderr := kvet(t, "lint", "--config", "nope.yaml", ".")
		if code != cli.ExitError || !strings.Contains(stderr, "reading configuration nope.yaml: no such file or directory") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("unknown rule in --enable", func(t *testing.T) {
		repo(t, map[string]string{"pod.yaml": podLimits})
		code, _, stderr := kvet(t, "lint", "--enable", "nope", ".")
		if code != cli.ExitError || !strings.Contains(stderr, `--enable: unknown rule "nope"`) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// TestPrecedence checks each setting at three levels: default, file,
// flag over file.
func TestPrecedence(t *testing.T) {
	// The pod has one warning (resource-limits-missing, line 12) and a
	// suppression without a reason (line 9) that suppresses nothing.
	pod := strings.Replace(podLimits, "image: app:1.0\n", "image: app:1.0  # kvet:ignore default-service-account\n", 1)
	tests := []struct {
		name     string
		config   string
		args     []string
		wantCode int
		want     []string // rule IDs with severities that must be reported
		absent   []string // rule IDs that must not be
	}{
		{"defaults", "", nil, 1,
			[]string{"pod.yaml:12 resource-limits-missing warning", "pod.yaml:9 unused-suppression info"},
			[]string{"suppression-reason-missing"}},
		{"file: fail-on", "fail-on: error\n", nil, 0, []string{"resource-limits-missing"}, nil},
		{"flag over file: fail-on", "fail-on: error\n", []string{"--fail-on", "info"}, 1, []string{"resource-limits-missing"}, nil},
		{"file: severity", "rules:\n  resource-limits-missing: {severity: info}\n", nil, 0,
			[]string{"pod.yaml:12 resource-limits-missing info"}, nil},
		{"file: disable", "rules:\n  resource-limits-missing: {enabled: false}\n", nil, 0, nil, []string{"resource-limits-missing"}},
		{"flag over file: enable", "rules:\n  resource-limits-missing: {enabled: false}\n", []string{"--enable", "resource-limits-missing"}, 1,
			[]string{"resource-limits-missing"}, nil},
		{"flag over default: disable", "", []string{"--disable", "resource-limits-missing,unused-suppression"}, 0, nil,
			[]string{"resource-limits-missing", "unused-suppression"}},
		{"file: parameter", "rules:\n  resource-limits-missing:\n    params: {require: [memory]}\n", nil, 0, nil,
			[]string{"resource-limits-missing"}},
		{"file: require-reason", "require-reason: true\n", nil, 1, []string{"pod.yaml:9 suppression-reason-missing error"}, nil},
		{"flag over file: require-reason", "require-reason: true\n", []string{"--require-reason=false"}, 1, nil,
			[]string{"suppression-reason-missing"}},
		{"flag over default: require-reason", "", []string{"--require-reason"}, 1,
			[]string{"pod.yaml:9 suppression-reason-missing error"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"pod.yaml": pod}
			if tt.config != "" {
				files[".kvet.yaml"] = tt.config
			}
			repo(t, files)
			code, stdout, stderr := kvet(t, append(append([]string{"lint"}, tt.args...), "pod.yaml")...)
			got := findings(t, stdout)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.want {
				if !has(got, w) {
					t.Errorf("%q not reported in %q", w, got)
				}
			}
			for _, a := range tt.absent {
				if has(got, a) {
					t.Errorf("%s reported: %q", a, got)
				}
			}
		})
	}
}

func TestFormatPrecedence(t *testing.T) {
	repo(t, map[string]string{".kvet.yaml": "format: json\n", "pod.yaml": podLimits})
	_, stdout, _ := kvet(t, "lint", "pod.yaml")
	var doc map[string]any
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Errorf("format: json in the file: output is not JSON: %v", err)
	}
	_, stdout, _ = kvet(t, "lint", "-f", "text", "pod.yaml")
	if got := findings(t, stdout); !has(got, "resource-limits-missing") {
		t.Errorf("-f text over the file: %q", got)
	}
}

// TestDiscovery checks that the configuration is found from a
// subdirectory, that its globs are relative to its own directory, and that
// the search stops at the repository root.
func TestDiscovery(t *testing.T) {
	dir := repo(t, map[string]string{
		".kvet.yaml":             "exclude: [\"deploy/charts/**\", \"*.json\"]\nrules:\n  resource-limits-missing: {severity: error}\n",
		"deploy/pod.yaml":        podLimits,
		"deploy/charts/pod.yaml": podLimits,
		"deploy/pod.json":        `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, "spec": {"containers": [{"name": "a", "image": "a"}]}}`,
	})
	t.Chdir(filepath.Join(dir, "deploy"))
	code, stdout, stderr := kvet(t, "lint", ".")
	if got := findings(t, stdout); !slices.Equal(got, []string{"pod.yaml:12 resource-limits-missing error"}) || code != 1 {
		t.Errorf("exit %d, findings %q\n%s", code, got, stderr)
	}
	if !strings.Contains(stderr, "in 1 file (1 document)") {
		t.Errorf("summary %q: excluded files were linted", stderr)
	}
	// Excluded files stay excluded when named explicitly (pre-commit).
	code, stdout, stderr = kvet(t, "lint", "charts/pod.yaml", "pod.json")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "in 0 files") {
		t.Errorf("explicit excluded files: exit %d, %q %q", code, stdout, stderr)
	}

	// A configuration above the repository root is not used.
	outer := t.TempDir()
	writeFile(t, filepath.Join(outer, ".kvet.yaml"), "fail-on: none\n")
	inner := filepath.Join(outer, "repo")
	writeFile(t, filepath.Join(inner, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(inner, "pod.yaml"), podLimits)
	t.Chdir(inner)
	if code, _, _ := kvet(t, "lint", "."); code != 1 {
		t.Errorf("configuration above the repository root applied: exit %d", code)
	}
	// --config names one explicitly.
	if code, _, stderr := kvet(t, "lint", "--config", filepath.Join(outer, ".kvet.yaml"), "."); code != 0 {
		t.Errorf("--config: exit %d %s", code, stderr)
	}
}

// TestSuppressionForms lints each form of suppression on manifests whose
// findings are resource-limits-missing (cpu) on each container: the text
// report omits suppressed findings, they do not fail the run, and SARIF
// keeps them with an inSource suppression.
func TestSuppressionForms(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string // unsuppressed findings
		suppressed          int
	}{
		{"none", "a.yaml", podLimits, []string{"a.yaml:12 resource-limits-missing warning"}, 0},
		{"trailing comment", "a.yaml",
			strings.Replace(podLimits, "limits: {memory: 64Mi}", "limits: {memory: 64Mi}  # kvet:ignore resource-limits-missing -- burstable", 1), nil, 1},
		{"line above", "a.yaml",
			strings.Replace(podLimits, "      limits: {memory: 64Mi}", "      # kvet:ignore resource-limits-missing -- burstable\n      limits: {memory: 64Mi}", 1), nil, 1},
		{"document", "a.yaml",
			podLimits + "# kvet:ignore-document resource-limits-missing\n---\n" + podLimits,
			[]string{"a.yaml:26 resource-limits-missing warning"}, 1},
		{"file", "a.yaml",
			"# kvet:ignore-file resource-limits-missing -- legacy\n" + podLimits + "---\n" + podLimits, nil, 2},
		{"annotation", "a.yaml",
			strings.Replace(podLimits, "  name: web\n", "  name: web\n  annotations:\n    kvet.dev/ignore: resource-limits-missing\n", 1), nil, 1},
		{"JSON annotation", "a.json",
			`{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "j", "annotations": {"kvet.dev/ignore": "resource-limits-missing,resource-requests-missing -- sized by VPA"}},
 "spec": {"serviceAccountName": "j", "containers": [{"name": "a", "image": "a:1"}]}}`, nil, 2},
		{"JSON comment is not a suppression", "a.json",
			`{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "j"},
 "spec": {"serviceAccountName": "j", "containers": [{"name": "a", "image": "a:1", "resources": {"requests": {"cpu": 1, "memory": 1}}}]}}  # kvet:ignore resource-limits-missing`,
			[]string{"a.json:3 resource-limits-missing warning"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo(t, map[string]string{tt.file: tt.content})
			code, stdout, stderr := kvet(t, "lint", tt.file)
			if got := findings(t, stdout); !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q\n%s", got, tt.want, stderr)
			}
			if wantCode := min(len(tt.want), 1); code != wantCode {
				t.Errorf("exit %d, want %d: suppressed findings must not fail the run", code, wantCode)
			}
			_, sarif, _ := kvet(t, "lint", "-f", "sarif", tt.file)
			results := sarifResults(t, sarif)
			suppressed := 0
			for _, r := range results {
				if len(r.Suppressions) > 0 {
					suppressed++
					if r.Suppressions[0].Kind != "inSource" {
						t.Errorf("suppression kind %q", r.Suppressions[0].Kind)
					}
				}
			}
			if suppressed != tt.suppressed || len(results) != len(tt.want)+tt.suppressed {
				t.Errorf("SARIF: %d results, %d suppressed; want %d and %d", len(results), suppressed, len(tt.want)+tt.suppressed, tt.suppressed)
			}
		})
	}
}

type sarifResult struct {
	RuleID       string `json:"ruleId"`
	Suppressions []struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
}

func sarifResults(t *testing.T, out string) []sarifResult {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []sarifResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF output: %v\n%s", err, out)
	}
	return log.Runs[0].Results
}

// TestOwnFilesNotLinted checks that the configuration file and its
// baseline, which sit among the manifests, are not counted as inputs.
func TestOwnFilesNotLinted(t *testing.T) {
	repo(t, map[string]string{".kvet.yaml": "baseline: kvet-baseline.json\n", "pod.yaml": podLimits})
	if code, _, stderr := kvet(t, "lint", "--write-baseline", "kvet-baseline.json", "."); code != 0 || !strings.Contains(stderr, "recorded 1 finding") {
		t.Fatalf("exit %d %q", code, stderr)
	}
	code, stdout, stderr := kvet(t, "lint", ".")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "in 1 file (1 document); 1 suppressed") {
		t.Errorf("exit %d, %q, %q", code, stdout, stderr)
	}
}

func TestShowSuppressed(t *testing.T) {
	repo(t, map[string]string{"a.yaml": strings.Replace(podLimits, "limits: {memory: 64Mi}",
		"limits: {memory: 64Mi}  # kvet:ignore resource-limits-missing -- burstable", 1)})
	code, stdout, stderr := kvet(t, "lint", "--show-suppressed", "a.yaml")
	if code != 0 || !strings.Contains(stdout, "a.yaml:12:7: warning: ") || !strings.Contains(stdout, "[suppressed: burstable] (resource-limits-missing)") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, "kvet: 0 errors, 0 warnings, 0 info in 1 file (1 document); 1 suppressed") {
		t.Errorf("summary %q", stderr)
	}
}

func TestBaseline(t *testing.T) {
	dir := repo(t, map[string]string{"deploy/pods.yaml": podLimits})
	// Record the current findings: exit 0 whatever they are.
	code, stdout, stderr := kvet(t, "lint", "--write-baseline", ".kvet-baseline.json", "deploy")
	if code != 0 || stdout != "" || stderr != "kvet: recorded 1 finding in .kvet-baseline.json\n" {
		t.Fatalf("--write-baseline: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, _ := kvet(t, "lint", "--baseline", ".kvet-baseline.json", "deploy"); code != 0 {
		t.Errorf("nothing new: exit %d", code)
	}
	// Unrelated edits shift the old finding from line 12 to line 16; a new
	// object brings a new finding.
	second := strings.Replace(podLimits, "name: web", "name: api", 1)
	writeFile(t, filepath.Join(dir, "deploy", "pods.yaml"), "# Pods\n# of the web tier\n\n\n"+podLimits+"---\n"+second)
	code, stdout, _ = kvet(t, "lint", "--baseline", ".kvet-baseline.json", "deploy")
	if got := findings(t, stdout); code != 1 || !slices.Equal(got, []string{"deploy/pods.yaml:29 resource-limits-missing warning"}) {
		t.Errorf("after edits: exit %d, findings %q (want only the new object's)", code, got)
	}
	// SARIF keeps the baselined finding as an external suppression.
	_, sarif, _ := kvet(t, "lint", "-f", "sarif", "--baseline", ".kvet-baseline.json", "deploy")
	var kinds []string
	for _, r := range sarifResults(t, sarif) {
		for _, s := range r.Suppressions {
			kinds = append(kinds, s.Kind+": "+s.Justification)
		}
	}
	if !slices.Equal(kinds, []string{"external: recorded in baseline .kvet-baseline.json"}) {
		t.Errorf("SARIF suppressions %q", kinds)
	}
	// The baseline named in the configuration, from a subdirectory.
	writeFile(t, filepath.Join(dir, ".kvet.yaml"), "baseline: .kvet-baseline.json\n")
	t.Chdir(filepath.Join(dir, "deploy"))
	_, stdout, _ = kvet(t, "lint", ".")
	if got := findings(t, stdout); !slices.Equal(got, []string{"pods.yaml:29 resource-limits-missing warning"}) {
		t.Errorf("baseline from the configuration: %q", got)
	}
	// Fixed findings are stale entries, reported on stderr.
	writeFile(t, filepath.Join(dir, "deploy", "pods.yaml"), second)
	_, _, stderr = kvet(t, "lint", ".")
	if !strings.Contains(stderr, "kvet: 1 finding recorded in "+filepath.Join(dir, ".kvet-baseline.json")+" no longer occurs") {
		t.Errorf("stale note missing: %q", stderr)
	}
	// Never overwrite an input.
	code, _, stderr = kvet(t, "lint", "--write-baseline", "pods.yaml", "pods.yaml")
	if code != cli.ExitError || !strings.Contains(stderr, "kvet never writes to its inputs") {
		t.Errorf("--write-baseline over an input: exit %d %q", code, stderr)
	}
	if data, _ := os.ReadFile("pods.yaml"); string(data) != second {
		t.Error("input file modified")
	}
	// A broken baseline is an error.
	writeFile(t, filepath.Join(dir, "bad.json"), "{")
	if code, _, stderr := kvet(t, "lint", "--baseline", filepath.Join(dir, "bad.json"), "."); code != cli.ExitError || !strings.Contains(stderr, "not a kvet baseline") {
		t.Errorf("bad baseline: exit %d %q", code, stderr)
	}
}

// The entries of a rule a run disables are not stale: the run says
// nothing about them, and rewriting the baseline as the stale note says
// would drop them.
func TestBaselineDisabledRule(t *testing.T) {
	repo(t, map[string]string{"pods.yaml": podLimits})
	if code, _, stderr := kvet(t, "lint", "--write-baseline", "base.json", "pods.yaml"); code != 0 || !strings.Contains(stderr, "recorded 1 finding") {
		t.Fatalf("--write-baseline: exit %d %q", code, stderr)
	}
	code, stdout, stderr := kvet(t, "lint", "--baseline", "base.json", "--disable", "resource-limits-missing", "pods.yaml")
	if code != 0 || stdout != "" || strings.Contains(stderr, "no longer") {
		t.Errorf("rule disabled: exit %d, stdout %q, stderr %q; want no stale entry", code, stdout, stderr)
	}
}

// A baseline kept in the linted directory is not a linted file, whether
// a configuration names it or the command line does: its entries are not
// counted as a file, and it can be written again over itself. A manifest
// named by --write-baseline stays an input, and is not overwritten.
func TestBaselineInLintedDirectory(t *testing.T) {
	repo(t, map[string]string{"pods.yaml": podLimits})
	for range 2 {
		code, _, stderr := kvet(t, "lint", "--write-baseline", ".kvet-baseline.json", ".")
		if code != 0 || stderr != "kvet: recorded 1 finding in .kvet-baseline.json\n" {
			t.Fatalf("--write-baseline: exit %d %q", code, stderr)
		}
	}
	code, stdout, stderr := kvet(t, "lint", "--baseline", ".kvet-baseline.json", ".")
	if code != 0 || stdout != "" || stderr != "kvet: 0 errors, 0 warnings, 0 info in 1 file (1 document); 1 suppressed\n" {
		t.Errorf("--baseline: exit %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr := kvet(t, "lint", "--baseline", ".kvet-baseline.json", "--write-baseline", ".kvet-baseline.json", "."); code != 0 {
		t.Errorf("--baseline and --write-baseline of one file: exit %d %q", code, stderr)
	}
	code, _, stderr = kvet(t, "lint", "--write-baseline", "pods.yaml", ".")
	if code != cli.ExitError || !strings.Contains(stderr, "kvet never writes to its inputs") {
		t.Errorf("--write-baseline over a manifest: exit %d %q", code, stderr)
	}
	if data, _ := os.ReadFile("pods.yaml"); string(data) != podLimits {
		t.Error("the manifest was modified")
	}
}

func TestInit(t *testing.T) {
	dir := repo(t, map[string]string{"pod.yaml": podLimits})
	code, _, stderr := kvet(t, "init")
	if code != 0 || stderr != "kvet: wrote .kvet.yaml\n" {
		t.Fatalf("init: exit %d, %q", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, ".kvet.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "  #     require: [cpu, memory]  # resource names every container must limit\n") {
		t.Errorf("template lacks the rule parameters:\n%s", data)
	}
	// The written file keeps the defaults.
	if code, stdout, stderr := kvet(t, "lint", "pod.yaml"); code != 1 || !has(findings(t, stdout), "resource-limits-missing") {
		t.Errorf("lint with the initial configuration: exit %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := kvet(t, "init"); code != cli.ExitError || !strings.Contains(stderr, ".kvet.yaml already exists") {
		t.Errorf("second init: exit %d %q", code, stderr)
	}
	if code, _, _ := kvet(t, "init", "--force"); code != 0 {
		t.Errorf("init --force: exit %d", code)
	}
}

// A run on some of the files (pre-commit passes only the staged ones)
// judges staleness only for the entries of the files it linted.
func TestBaselinePartialRun(t *testing.T) {
	dir := repo(t, map[string]string{"a/pods.yaml": podLimits, "b/pods.yaml": podLimits})
	if code, _, stderr := kvet(t, "lint", "--write-baseline", "base.json", "a", "b"); code != 0 {
		t.Fatalf("--write-baseline: exit %d %q", code, stderr)
	}
	code, stdout, stderr := kvet(t, "lint", "--baseline", "base.json", "a/pods.yaml")
	if code != 0 || stdout != "" || strings.Contains(stderr, "no longer") {
		t.Errorf("partial run: exit %d, stdout %q, stderr %q; want no stale entries", code, stdout, stderr)
	}
	// Fixing the finding of a linted file makes its entry stale.
	writeFile(t, filepath.Join(dir, "a", "pods.yaml"), strings.Replace(podLimits, "limits: {memory: 64Mi}", "limits: {memory: 64Mi, cpu: 500m}", 1))
	_, stdout, stderr = kvet(t, "lint", "--baseline", "base.json", "a/pods.yaml")
	if !strings.Contains(stderr, "kvet: 1 finding recorded in base.json no longer occurs; to drop it, run this kvet lint again with --write-baseline base.json instead of --baseline (same paths and flags") || stdout != "" {
		t.Errorf("after the fix: stdout %q, stderr %q; want one stale entry", stdout, stderr)
	}
}

// A baseline larger than the limit kvet reads files with is written, with
// a warning that names a --max-file-size that reads it back: without it,
// the next `kvet lint --baseline` refuses the file.
func TestWriteBaselineOverReadLimit(t *testing.T) {
	files := map[string]string{}
	for i := range 4 {
		files[fmt.Sprintf("pod%d.yaml", i)] = strings.Replace(podLimits, "name: web", fmt.Sprintf("name: web%d", i), 1)
	}
	repo(t, files)
	code, _, stderr := kvet(t, "lint", "--max-file-size", "1KiB", "--write-baseline", "base.json", ".")
	want := "kvet: warning: baseline base.json is 1.4 KiB, over the 1 KiB limit kvet reads files with: lint with --max-file-size 64MiB (or max-file-size: 64MiB in .kvet.yaml) to read it"
	if code != 0 || !strings.Contains(stderr, "recorded 4 findings") || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, stderr %q; want the baseline recorded and %q", code, stderr, want)
	}
	if code, _, stderr := kvet(t, "lint", "--max-file-size", "1KiB", "--baseline", "base.json", "."); code != 2 || !strings.Contains(stderr, "over the 1 KiB limit") {
		t.Errorf("read back under 1 KiB: exit %d, stderr %q; want it refused", code, stderr)
	}
	if code, stdout, stderr := kvet(t, "lint", "--max-file-size", "64MiB", "--baseline", "base.json", "."); code != 0 || stdout != "" || !strings.Contains(stderr, "4 suppressed") {
		t.Errorf("read back with the limit named: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// Under the limit, no warning.
	if _, _, stderr := kvet(t, "lint", "--write-baseline", "base.json", "."); strings.Contains(stderr, "warning: baseline") {
		t.Errorf("a baseline under the limit: %q", stderr)
	}
}
