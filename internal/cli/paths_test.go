package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMachinePathsFromRepositoryRoot checks that the machine formats name
// files relative to the repository root (the directory with .git, where
// configuration discovery stops) when kvet runs in a subdirectory, while
// the text format keeps the path as given.
func TestMachinePathsFromRepositoryRoot(t *testing.T) {
	dir := repo(t, map[string]string{"deploy/k8s/pod.yaml": podLimits})
	t.Chdir(filepath.Join(dir, "deploy"))
	_, text, _ := kvet(t, "lint", "k8s/pod.yaml")
	if !strings.HasPrefix(text, "k8s/pod.yaml:12:7: warning: ") {
		t.Errorf("text: %q", text)
	}
	_, gh, _ := kvet(t, "lint", "-f", "github", "k8s/pod.yaml")
	if !strings.HasPrefix(gh, "::warning file=deploy/k8s/pod.yaml,line=12,col=7,") {
		t.Errorf("github: %q", gh)
	}
	_, sarif, _ := kvet(t, "lint", "-f", "sarif", "k8s/pod.yaml")
	for _, want := range []string{`"uri": "deploy/k8s/pod.yaml"`, `"uri": "file://` + filepath.ToSlash(dir) + `/"`} {
		if !strings.Contains(sarif, want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
}

// TestMachinePathsThroughLinks checks that a file of the repository named
// through a symbolic link (kvet run in a directory reached through a link,
// the file named through its target, or the other way round) is named in
// the machine formats as when named plainly: relative to the repository
// root, with the same fingerprint.
func TestMachinePathsThroughLinks(t *testing.T) {
	dir, err := filepath.EvalSymlinks(repo(t, map[string]string{"k8s/pod.yaml": podLimits}))
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	run := func(wd, format, file string) string {
		t.Helper()
		t.Chdir(wd)
		code, stdout, stderr := kvet(t, "lint", "-f", format, file)
		if code != 1 {
			t.Fatalf("in %s, kvet lint -f %s %s: exit %d, %s", wd, format, file, code, stderr)
		}
		return stdout
	}
	sarifFile := regexp.MustCompile(`"uri": "([^"]*)",\s*"uriBaseId": "%SRCROOT%"`)
	sarifPrint := regexp.MustCompile(`"kvetFingerprint/v1": "([0-9a-f]+:1)"`)
	for _, format := range []string{"sarif", "github", "gitlab", "junit"} {
		plain := run(dir, format, "k8s/pod.yaml")
		for _, tt := range []struct{ wd, file string }{
			{link, filepath.Join(dir, "k8s", "pod.yaml")},
			{dir, filepath.Join(link, "k8s", "pod.yaml")},
			{link, "k8s/pod.yaml"},
		} {
			got := run(tt.wd, format, tt.file)
			if format != "sarif" {
				if got != plain {
					t.Errorf("in %s, -f %s %s:\n%s\nwant, as k8s/pod.yaml in %s:\n%s", tt.wd, format, tt.file, got, dir, plain)
				}
				continue
			}
			// The SARIF run names its root as found (through the link).
			for _, re := range []*regexp.Regexp{sarifFile, sarifPrint} {
				g, p := re.FindStringSubmatch(got), re.FindStringSubmatch(plain)
				if g == nil || p == nil || g[1] != p[1] {
					t.Errorf("in %s, -f sarif %s: %s is %q, want %q", tt.wd, tt.file, re, g, p)
				}
			}
		}
		if format == "github" && !strings.HasPrefix(plain, "::warning file=k8s/pod.yaml,line=12,col=7,") {
			t.Errorf("github: %q", plain)
		}
	}
}
