package config

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown top-level key", "fail-on: error\nexlude: [a]\n",
			[]string{`.kvet.yaml:2:1: error: unknown key "exlude" (want one of fail-on, format, kube-version, exclude, policies, policy-timeout, require-reason, baseline, render, max-file-size, max-findings, helm, kustomize, rules)`}},
		{"bad fail-on", "fail-on: warn\n",
			[]string{`.kvet.yaml:1:10: error: fail-on: unknown severity "warn" (want error, warning, info or none)`}},
		{"fail-on not a string", "fail-on: 3\n",
			[]string{`.kvet.yaml:1:10: error: fail-on: want a string, got the integer 3`}},
		{"unknown format", "format: xml\n",
			[]string{`.kvet.yaml:1:9: error: format: unknown format "xml" (want one of checkstyle, github, gitlab, json, junit, sarif, text)`}},
		{"exclude not a list", "exclude: charts/**\n",
			[]string{`.kvet.yaml:1:10: error: exclude: want a list of strings, got the string "charts/**"`}},
		{"bad glob", "exclude:\n  - ok/**\n  - \"[a-\"\n  - a**b\n",
			[]string{
				`.kvet.yaml:3:5: error: exclude: bad glob "[a-": syntax error in pattern`,
				`.kvet.yaml:4:5: error: exclude: bad glob "a**b": ** must be a whole path element, as in charts/**/values.yaml`,
			}},
		{"kube-version not a version", "kube-version: 1.2x\n",
			[]string{`.kvet.yaml:1:15: error: kube-version: invalid Kubernetes version "1.2x" (want 1.MINOR, such as 1.37)`}},
		{"kube-version not 1.x", "kube-version: 2.1\n",
			[]string{`.kvet.yaml:1:15: error: kube-version: invalid Kubernetes version "2.1": kvet knows Kubernetes 1.x releases (up to 1.37)`}},
		{"kube-version an integer", "kube-version: 1\n",
			[]string{`.kvet.yaml:1:15: error: kube-version: want a Kubernetes version such as 1.37, got the integer 1`}},
		{"policy-timeout not a duration", "policy-timeout: 10\n",
			[]string{`.kvet.yaml:1:17: error: policy-timeout: want a string, got the integer 10`}},
		{"policy-timeout not positive", "policy-timeout: -1s\n",
			[]string{`.kvet.yaml:1:17: error: policy-timeout: want a positive duration such as 10s or 1m, got "-1s"`}},
		{"require-reason not a bool", "require-reason: yes\n",
			[]string{`.kvet.yaml:1:17: error: require-reason: want true or false, got the string "yes"`}},
		{"rules not a mapping", "rules: [a]\n",
			[]string{`.kvet.yaml:1:8: error: rules: want a mapping of rule IDs to settings, got a list`}},
		{"rule settings not a mapping", "rules:\n  job-ttl-missing: false\n",
			[]string{`.kvet.yaml:2:20: error: rules.job-ttl-missing: want a mapping with enabled, severity or params, got the boolean false`}},
		{"unknown rule key", "rules:\n  job-ttl-missing:\n    enabeld: false\n",
			[]string{`.kvet.yaml:3:5: error: unknown key "enabeld" in rules.job-ttl-missing (want enabled, severity or params)`}},
		{"bad severity", "rules:\n  job-ttl-missing:\n    severity: high\n",
			[]string{`.kvet.yaml:3:15: error: rules.job-ttl-missing.severity: unknown severity "high" (want error, warning or info)`}},
		{"enabled not a bool", "rules:\n  job-ttl-missing:\n    enabled: \"false\"\n",
			[]string{`.kvet.yaml:3:14: error: rules.job-ttl-missing.enabled: want true or false, got the string "false"`}},
		{"params not a mapping", "rules:\n  x:\n    params: [1]\n",
			[]string{`.kvet.yaml:3:13: error: rules.x.params: want a mapping of parameter names to values, got a list`}},
		{"column in bytes after multi-byte characters", "exclude: [\"日本\", \"[a\"]\n",
			[]string{`.kvet.yaml:1:21: error: exclude: bad glob "[a": syntax error in pattern`}},
		{"bad max-file-size", "max-file-size: 12 parsecs\n",
			[]string{`.kvet.yaml:1:16: error: max-file-size: invalid size "12 parsecs": unknown unit "parsecs" (want KiB, MiB or GiB)`}},
		{"max-file-size not a scalar", "max-file-size: [1]\n",
			[]string{`.kvet.yaml:1:16: error: max-file-size: want a size such as 64MiB, got a list`}},
		{"negative max-findings", "max-findings: -1\n",
			[]string{`.kvet.yaml:1:15: error: max-findings: want a non-negative integer, got the integer -1`}},
		{"duplicate key", "fail-on: error\nfail-on: info\n",
			[]string{`.kvet.yaml:2:1: error: duplicate key "fail-on"`}},
		{"not a mapping", "- a\n",
			[]string{`.kvet.yaml:1:1: error: the configuration must be a mapping of keys (fail-on, format, kube-version, exclude, policies, policy-timeout, require-reason, baseline, render, max-file-size, max-findings, helm, kustomize, rules)`}},
		{"two documents", "fail-on: error\n---\nformat: json\n",
			[]string{`.kvet.yaml:2:1: error: a configuration file holds one YAML document`}},
		{"syntax error", "fail-on: error\nrules:\n  a: [b\n",
			[]string{`.kvet.yaml:3:1: error: invalid YAML: did not find expected ',' or ']'`}},
		{"NEL and LS in strings", "exclude: [\"a\u0085b\", \"c\u2028d\"]\nfail-on: bad\n",
			[]string{`.kvet.yaml:2:10: error: fail-on: unknown severity "bad" (want error, warning, info or none)`}},
		{"NEL in a string, two documents", "exclude: [\"a\u0085b\"]\n---\nformat: json\n",
			[]string{`.kvet.yaml:2:1: error: a configuration file holds one YAML document`}},
		{"an alias of a list where a string goes", "x: &l [a, b]\nexclude: [*l, *l, *l]\n",
			[]string{
				`.kvet.yaml:1:1: error: unknown key "x" (want one of fail-on, format, kube-version, exclude, policies, policy-timeout, require-reason, baseline, render, max-file-size, max-findings, helm, kustomize, rules)`,
				`.kvet.yaml:2:11: error: exclude: want a string, got a list`,
				`.kvet.yaml:2:15: error: exclude: want a string, got a list`,
				`.kvet.yaml:2:19: error: exclude: want a string, got a list`,
			}},
		{"an alias where a severity goes", "x: &s bad\nfail-on: *s\n",
			[]string{
				`.kvet.yaml:1:1: error: unknown key "x" (want one of fail-on, format, kube-version, exclude, policies, policy-timeout, require-reason, baseline, render, max-file-size, max-findings, helm, kustomize, rules)`,
				`.kvet.yaml:2:10: error: fail-on: unknown severity "bad" (want error, warning, info or none)`,
			}},
		{"errors sorted by line", "rules:\n  a:\n    severity: bad\nfail-on: bad\nfoo: 1\n",
			[]string{
				`.kvet.yaml:3:15: error: rules.a.severity: unknown severity "bad" (want error, warning or info)`,
				`.kvet.yaml:4:10: error: fail-on: unknown severity "bad" (want error, warning, info or none)`,
				`.kvet.yaml:5:1: error: unknown key "foo" (want one of fail-on, format, kube-version, exclude, policies, policy-timeout, require-reason, baseline, render, max-file-size, max-findings, helm, kustomize, rules)`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(".kvet.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			got := strings.Split(err.Error(), "\n")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestParse(t *testing.T) {
	src := `# comment
fail-on: info
format: sarif
kube-version: 1.30
exclude: ["charts/**", vendor]
policies: [policy/]
require-reason: true
baseline: .kvet-baseline.json
max-file-size: 256MiB
max-findings: 50
rules:
  job-ttl-missing:
    enabled: false
  cronjob-history-limits:
    severity: warning
    params: {successful: [3, 7], failed: [1, 3]}
  bare:
`
	c, err := Parse("dir/.kvet.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "info" || c.Format != "sarif" || c.Baseline != ".kvet-baseline.json" ||
		c.RequireReason == nil || !*c.RequireReason || c.KubeVersion != (analyzer.KubeVersion{Major: 1, Minor: 30}) ||
		c.MaxFileSize != 256<<20 || c.MaxFindings == nil || *c.MaxFindings != 50 {
		t.Errorf("scalars: %+v", c)
	}
	if !reflect.DeepEqual(c.Exclude, []string{"charts/**", "vendor"}) || !reflect.DeepEqual(c.Policies, []string{"policy/"}) {
		t.Errorf("lists: exclude %q policies %q", c.Exclude, c.Policies)
	}
	abs, _ := filepath.Abs("dir")
	if c.Dir != abs || c.Resolve("policy/") != filepath.Join(abs, "policy") {
		t.Errorf("Dir %q, Resolve %q", c.Dir, c.Resolve("policy/"))
	}
	var ids []string
	for _, r := range c.Rules {
		ids = append(ids, r.ID)
	}
	if !reflect.DeepEqual(ids, []string{"job-ttl-missing", "cronjob-history-limits", "bare"}) {
		t.Errorf("rules %q", ids)
	}
	if r := c.Rules[0]; r.Enabled == nil || *r.Enabled || r.Severity != 0 {
		t.Errorf("job-ttl-missing: %+v", r)
	}
	if r := c.Rules[1]; r.Enabled != nil || r.Severity != analyzer.SeverityWarning || len(r.params) != 2 {
		t.Errorf("cronjob-history-limits: %+v", r)
	}
	for src, want := range map[string]string{`kube-version: "1.24"`: "1.24", "kube-version: v1.29.3": "1.29", "kube-version: 1.3": "1.3"} {
		c, err := Parse(".kvet.yaml", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
		} else if c.KubeVersion.String() != want {
			t.Errorf("Parse(%q): kube-version %v, want %s", src, c.KubeVersion, want)
		}
	}
	if c, err := Parse(".kvet.yaml", []byte("policy-timeout: 1m30s\n")); err != nil || c.PolicyTimeout != 90*time.Second {
		t.Errorf("policy-timeout: %v, %v", c, err)
	}
	for _, empty := range []string{"", "# only a comment\n", "---\n"} {
		c, err := Parse(".kvet.yaml", []byte(empty))
		if err != nil || c.FailOn != "" || len(c.Rules) != 0 {
			t.Errorf("Parse(%q) = %+v, %v; want an empty configuration", empty, c, err)
		}
	}
}

func TestExcluded(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		glob string
		path string
		want bool
	}{
		{"charts/**", "charts/app/templates/job.yaml", true},
		{"charts/**", "charts", true},
		{"charts/**", "deploy/charts/job.yaml", false},
		{"charts", "deploy/charts/job.yaml", true}, // no slash: any depth
		{"charts/", "deploy/charts/job.yaml", true},
		{"/charts", "deploy/charts/job.yaml", false}, // anchored
		{"/charts", "charts/job.yaml", true},
		{"./charts/**", "charts/a/b/job.yaml", true}, // "./" anchors too
		{"./charts/**", "deploy/charts/job.yaml", false},
		{"*.json", "a/b/c.json", true},
		{"*.json", "a/b/c.yaml", false},
		{"deploy/*.yaml", "deploy/job.yaml", true},
		{"deploy/*.yaml", "deploy/sub/job.yaml", false},
		{"deploy/**/test-*.yaml", "deploy/a/b/test-1.yaml", true},
		{"deploy/**/test-*.yaml", "deploy/test-1.yaml", true},
		{"deploy/**/test-*.yaml", "deploy/a/prod.yaml", false},
		{"**/vendor/**", "x/vendor/y.yaml", true},
		{"job-?.yaml", "k8s/job-1.yaml", true},
		{"[ab].yaml", "k8s/c.yaml", false},
	}
	for _, tt := range tests {
		c := &Config{Dir: dir, Exclude: []string{tt.glob}}
		if err := checkGlob(tt.glob); err != nil {
			t.Errorf("checkGlob(%q): %v", tt.glob, err)
		}
		if got := c.Excluded(nil, filepath.Join(dir, filepath.FromSlash(tt.path))); got != tt.want {
			t.Errorf("glob %q, path %q: excluded = %v, want %v", tt.glob, tt.path, got, tt.want)
		}
	}
	// Paths relative to the working directory are resolved; files outside
	// the configuration's directory and stdin are never excluded.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	c := &Config{Dir: wd, Exclude: []string{"**"}}
	if !c.Excluded(nil, "testdata/x.yaml") || c.Excluded(nil, "../x.yaml") || c.Excluded(nil, "-") || c.Excluded(nil, analyzer.StdinName) {
		t.Error("relative, outside or stdin paths handled wrongly")
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	mkdir := func(p string) string {
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(p string) string {
		p = filepath.Join(root, filepath.FromSlash(p))
		if err := os.WriteFile(p, []byte("fail-on: error\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A configuration above the repository root is not used.
	write(".kvet.yaml")
	mkdir("repo/.git")
	deep := mkdir("repo/deploy/jobs")
	if got, err := Find(deep); err != nil || got != "" {
		t.Errorf("above the repository root: Find = %q, %v; want none", got, err)
	}
	// The repository root's configuration is found from a subdirectory.
	want := write("repo/.kvet.yml")
	if got, err := Find(deep); err != nil || got != want {
		t.Errorf("Find = %q, %v; want %q", got, err, want)
	}
	// The nearest one wins.
	want = write("repo/deploy/.kvet.yaml")
	if got, err := Find(deep); err != nil || got != want {
		t.Errorf("Find = %q, %v; want %q", got, err, want)
	}
	// Two names in one directory are ambiguous.
	write("repo/deploy/.kvet.yml")
	if _, err := Find(deep); err == nil || !strings.Contains(err.Error(), "keep one") {
		t.Errorf("both names: err = %v", err)
	}
	// Outside any repository the search goes up to the file system root.
	if got, err := Find(mkdir("norepo/a")); err != nil || got != filepath.Join(root, ".kvet.yaml") {
		t.Errorf("outside a repository: Find = %q, %v", got, err)
	}
	// A .kvet.yaml that is a directory is found, and Load refuses it
	// (exit 2), rather than being passed over for one higher up.
	dirCfg := mkdir("norepo/b/.kvet.yaml")
	if got, err := Find(filepath.Dir(dirCfg)); err != nil || got != dirCfg {
		t.Errorf("a directory .kvet.yaml: Find = %q, %v; want %q", got, err, dirCfg)
	}
	if _, err := Load(context.Background(), dirCfg, 0); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load(a directory) = %v", err)
	}
}

// A "<<" merge key in .kvet.yaml adds the keys of the mapping it names
// that the mapping does not write itself, as in manifests.
func TestParseMergeKeys(t *testing.T) {
	c, err := Parse(".kvet.yaml", []byte("rules:\n  resource-limits-missing: &res\n    severity: error\n    params: {require: [memory]}\n"+
		"  resource-requests-missing:\n    <<: *res\n    severity: info\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Rules) != 2 {
		t.Fatalf("rules %+v", c.Rules)
	}
	r := c.Rules[1]
	if r.ID != "resource-requests-missing" || r.Severity != analyzer.SeverityInfo || len(r.params) != 1 || r.params[0].name != "require" {
		t.Errorf("merged rule %+v", r)
	}
	if _, err := Parse(".kvet.yaml", []byte("rules:\n  job-ttl-missing:\n    <<: [1]\n")); err == nil || !strings.Contains(err.Error(), "<< merges a mapping") {
		t.Errorf("merge of a list of numbers: %v", err)
	}
}

// A policies: entry that names nothing on disk is an error at its line,
// before the policies are loaded.
func TestCheckPolicyDirs(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "policy"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Parse(filepath.Join(dir, ".kvet.yaml"), []byte("policies:\n- policy/\n- polcy/\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, ".kvet.yaml") + ":3:3: error: policies: polcy/ does not exist (relative to this file's directory)"
	if err := c.CheckPolicyDirs(); err == nil || err.Error() != want {
		t.Errorf("CheckPolicyDirs = %v, want %s", err, want)
	}
}
