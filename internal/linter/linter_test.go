package linter_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
)

const job = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: m
        image: migrate:1.0
`

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The configuration file selects the rules, the command line's settings
// win over it, and excluded files and kvet's own files are skipped.
func TestLinterFollowsConfiguration(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".kvet.yaml":        "exclude: [\"vendored/**\"]\nbaseline: base.json\nrules:\n  job-ttl-missing: {enabled: false}\n  job-active-deadline-missing: {severity: error}\n",
		"base.json":         `{"version": 1, "findings": []}`,
		"k8s/job.yaml":      job,
		"vendored/job.yaml": job,
	})
	cfg, err := config.Load(t.Context(), filepath.Join(dir, ".kvet.yaml"), 0)
	if err != nil {
		t.Fatal(err)
	}
	lt, err := linter.New(cfg, linter.Settings{Overrides: config.Overrides{Disable: []string{"resource-limits-missing"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"job-ttl-missing", "resource-limits-missing"} {
		if slices.ContainsFunc(lt.Enabled, func(r *analyzer.Rule) bool { return r.ID == id }) {
			t.Errorf("%s is enabled", id)
		}
	}
	for path, want := range map[string]bool{
		filepath.Join(dir, ".kvet.yaml"):        true,
		filepath.Join(dir, "base.json"):         true,
		filepath.Join(dir, "vendored/job.yaml"): true,
		filepath.Join(dir, "k8s/job.yaml"):      false,
	} {
		if got := lt.Skipped(path); got != want {
			t.Errorf("Skipped(%s) = %v, want %v", path, got, want)
		}
	}
	set, res := lt.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir})
	if len(set.Files) != 1 || set.Files[0].Path != filepath.ToSlash(filepath.Join(dir, "k8s/job.yaml")) {
		t.Fatalf("linted %d files, want only k8s/job.yaml", len(set.Files))
	}
	var got []string
	for _, d := range lt.Suppress(set, res.Diagnostics) {
		got = append(got, d.RuleID+" "+d.Severity.String())
	}
	want := []string{"job-active-deadline-missing error", "job-backoff-limit-unset info", "default-service-account warning", "resource-requests-missing warning"}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// kvet's own files and excluded files are skipped when the configuration
// or the files are named through a symbolic link to their directory.
func TestLinterSkipsThroughLinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, map[string]string{
		".kvet.yaml":        "exclude: [\"vendored/**\"]\nbaseline: base.json\n",
		"base.json":         `{"version": 1, "findings": []}`,
		"k8s/job.yaml":      job,
		"vendored/job.yaml": job,
	})
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	for _, tt := range []struct{ config, linted string }{{dir, link}, {link, dir}} {
		cfg, err := config.Load(t.Context(), filepath.Join(tt.config, ".kvet.yaml"), 0)
		if err != nil {
			t.Fatal(err)
		}
		lt, err := linter.New(cfg, linter.Settings{})
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]bool{".kvet.yaml": true, "base.json": true, "vendored/job.yaml": true, "k8s/job.yaml": false} {
			if got := lt.Skipped(filepath.Join(tt.linted, name)); got != want {
				t.Errorf("configuration in %s: Skipped(%s) = %v, want %v", tt.config, filepath.Join(tt.linted, name), got, want)
			}
		}
		set, _ := lt.Lint(context.Background(), analyzer.NewLoader(nil), []string{tt.linted})
		var files []string
		for _, f := range set.Files {
			files = append(files, f.Path)
		}
		if want := []string{filepath.ToSlash(filepath.Join(tt.linted, "k8s", "job.yaml"))}; !slices.Equal(files, want) {
			t.Errorf("configuration in %s, linting %s: read %q, want %q", tt.config, tt.linted, files, want)
		}
	}
}

// The target release: the command line's, else the configuration's, else
// the newest kvet knows; the language server gets the same one as lint.
func TestKubeVersion(t *testing.T) {
	v := func(minor int) analyzer.KubeVersion { return analyzer.KubeVersion{Major: 1, Minor: minor} }
	cfg, err := config.Parse(".kvet.yaml", []byte("kube-version: 1.21\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cfg  *config.Config
		flag analyzer.KubeVersion
		want analyzer.KubeVersion
	}{
		{nil, analyzer.KubeVersion{}, analyzer.NewestKubeVersion},
		{&config.Config{}, analyzer.KubeVersion{}, analyzer.NewestKubeVersion},
		{cfg, analyzer.KubeVersion{}, v(21)},
		{cfg, v(25), v(25)},
		{nil, v(25), v(25)},
	}
	for _, tt := range tests {
		l, err := linter.New(tt.cfg, linter.Settings{KubeVersion: tt.flag})
		if err != nil {
			t.Fatal(err)
		}
		if l.Options.KubeVersion != tt.want {
			t.Errorf("config %v, flag %v: target %v, want %v", tt.cfg != nil, tt.flag, l.Options.KubeVersion, tt.want)
		}
	}
}
