package cli_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/cli"
)

// A PodDisruptionBudget of policy/v1beta1, served until Kubernetes 1.24.
const oldPDB = `apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
`

// The target release comes from --kube-version, else kube-version: of
// .kvet.yaml, else the newest release kvet knows; the flag wins.
func TestKubeVersion(t *testing.T) {
	repo(t, map[string]string{"pdb.yaml": oldPDB})
	removed := []string{"pdb.yaml:1 deprecated-api-version error"}
	tests := []struct {
		name, config string
		args         []string
		want         []string
	}{
		{"default: the newest", "", nil, removed},
		{"flag: still served", "", []string{"--kube-version", "1.24"}, nil},
		{"flag: removed", "", []string{"--kube-version", "v1.25.3"}, removed},
		{"config", "kube-version: 1.21\n", nil, nil},
		{"flag over config", "kube-version: 1.21\n", []string{"--kube-version", "1.25"}, removed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFile(t, ".kvet.yaml", tt.config)
			code, stdout, stderr := kvet(t, append([]string{"lint"}, append(tt.args, "pdb.yaml")...)...)
			if got := findings(t, stdout); !slices.Equal(got, tt.want) || stderr == "" {
				t.Errorf("exit %d, findings %v, want %v (stderr %q)", code, got, tt.want, stderr)
			}
		})
	}

	writeFile(t, ".kvet.yaml", "")
	code, stdout, stderr := kvet(t, "lint", "--kube-version", "1.x", "pdb.yaml")
	if code != cli.ExitError || stdout != "" || !strings.HasPrefix(stderr, `kvet: --kube-version: invalid Kubernetes version "1.x" (want 1.MINOR, such as `+analyzer.NewestKubeVersion.String()+")\n") {
		t.Errorf("bad version: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	newer := analyzer.KubeVersion{Major: 1, Minor: analyzer.NewestKubeVersion.Minor + 3}
	code, stdout, stderr = kvet(t, "lint", "--kube-version", newer.String(), "pdb.yaml")
	note := "kvet: Kubernetes " + newer.String() + " is newer than the newest release kvet knows (" + analyzer.NewestKubeVersion.String() + "): API versions removed after " + analyzer.NewestKubeVersion.String() + " are not reported\n"
	if code != cli.ExitFindings || !slices.Equal(findings(t, stdout), removed) || !strings.HasPrefix(stderr, note) {
		t.Errorf("newer than known: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// kvet version names the newest Kubernetes release kvet knows (then the
// Helm renderer, none beside a test binary: see cmd/kvet's tests).
func TestVersionNamesKubernetes(t *testing.T) {
	code, stdout, _ := kvet(t, "version")
	want := "kvet " + cli.Version + "\nKubernetes " + analyzer.NewestKubeVersion.String() + " (the newest release kvet knows; the default --kube-version)\nHelm renderer: "
	if code != 0 || !strings.HasPrefix(stdout, want) {
		t.Errorf("kvet version: exit %d, %q, want %q", code, stdout, want)
	}
}

// kvet fix takes --kube-version like lint: no fix sets a field that the
// target release would drop.
func TestFixKubeVersion(t *testing.T) {
	const job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: \"c:1\"}]\n"
	repo(t, map[string]string{"job.yaml": job})
	code, stdout, stderr := kvet(t, "fix", "--diff", "--rule", "job-ttl-missing", "--kube-version", "1.20", "job.yaml")
	if code != 0 || stdout != "" {
		t.Errorf("1.20: exit %d, stdout %q, stderr %q; want no fix", code, stdout, stderr)
	}
	code, stdout, _ = kvet(t, "fix", "--diff", "--rule", "job-ttl-missing", "--kube-version", "1.22", "job.yaml")
	if code != cli.ExitFindings || !strings.Contains(stdout, "+  ttlSecondsAfterFinished: 86400\n") {
		t.Errorf("1.22: exit %d, diff %q", code, stdout)
	}
}
