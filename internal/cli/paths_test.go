package cli_test

import (
	"path/filepath"
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
