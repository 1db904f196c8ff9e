package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/report/sariftest"
)

// ciCommands returns the kvet command lines of a CI definition in docs/ci:
// the `run:` of GitHub Actions steps, or the `script:` lines of GitLab jobs.
func ciCommands(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "ci", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is not YAML: %v", name, err)
	}
	var cmds []string
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(c, k)
			}
		case []any:
			for _, c := range x {
				walk(c, key)
			}
		case string:
			if (key == "run" || key == "script") && strings.HasPrefix(x, "kvet ") {
				cmds = append(cmds, x)
			}
		}
	}
	walk(doc, "")
	return cmds
}

// TestCIDefinitions runs the kvet commands of the ready-to-copy CI
// definitions, from the root of a repository with a finding in a
// subdirectory, and checks what each produces for its consumer: exit
// status, report file, format, paths relative to the repository root.
func TestCIDefinitions(t *testing.T) {
	manifest, err := os.ReadFile(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		write(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
		write(t, filepath.Join(dir, "k8s", "nightly.yaml"), string(manifest))
		return dir
	}
	t.Run("github-actions.yml", func(t *testing.T) {
		cmds := ciCommands(t, "github-actions.yml")
		if len(cmds) != 2 {
			t.Fatalf("kvet commands %q, want the SARIF run and the gate", cmds)
		}
		dir := setup(t)
		o := kvet(t, run{args: strings.Fields(cmds[0])[1:], dir: dir})
		if o.code != 0 {
			t.Errorf("%s: %s", cmds[0], o)
		}
		sarif, err := os.ReadFile(filepath.Join(dir, "kvet.sarif"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range sariftest.CheckGitHub(sarif) {
			t.Error(p)
		}
		if !strings.Contains(string(sarif), `"uri": "k8s/nightly.yaml"`) {
			t.Errorf("SARIF does not name k8s/nightly.yaml relative to the repository root")
		}
		o = kvet(t, run{args: strings.Fields(cmds[1])[1:], dir: dir})
		if o.code != 1 || !strings.HasPrefix(o.stdout, "::warning file=k8s/nightly.yaml,line=8,") {
			t.Errorf("%s: want annotations and exit 1: %s", cmds[1], o)
		}
	})
	t.Run("gitlab-ci.yml", func(t *testing.T) {
		cmds := ciCommands(t, "gitlab-ci.yml")
		if len(cmds) != 2 {
			t.Fatalf("kvet commands %q, want the Code Quality and JUnit runs", cmds)
		}
		dir := setup(t)
		o := kvet(t, run{args: strings.Fields(cmds[0])[1:], dir: dir})
		if o.code != 0 {
			t.Errorf("%s: %s", cmds[0], o)
		}
		data, err := os.ReadFile(filepath.Join(dir, "gl-code-quality-report.json"))
		if err != nil {
			t.Fatal(err)
		}
		var issues []struct {
			CheckName string `json:"check_name"`
			Location  struct {
				Path string `json:"path"`
			} `json:"location"`
		}
		if err := json.Unmarshal(data, &issues); err != nil || len(issues) != 2 || issues[0].Location.Path != "k8s/nightly.yaml" {
			t.Errorf("code quality report %v: %s", err, data)
		}
		o = kvet(t, run{args: strings.Fields(cmds[1])[1:], dir: dir})
		if o.code != 1 {
			t.Errorf("%s: want exit 1 (the gate): %s", cmds[1], o)
		}
		data, err = os.ReadFile(filepath.Join(dir, "kvet-junit.xml"))
		if err != nil {
			t.Fatal(err)
		}
		var junit struct {
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name string `xml:"name,attr"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(data, &junit); err != nil || junit.Failures != 2 || len(junit.Suites) != 1 || junit.Suites[0].Name != "k8s/nightly.yaml" {
			t.Errorf("JUnit report %v: %s", err, data)
		}
	})
}
