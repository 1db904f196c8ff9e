package cli_test

import (
	"slices"
	"strings"
	"testing"
)

// TestLintStdinFilename checks that a buffer linted through standard input
// with --stdin-filename PATH is reported as PATH and treated as that file:
// configuration found from its directory, exclude, suppressions (none in
// JSON) and the baseline.
func TestLintStdinFilename(t *testing.T) {
	repo(t, map[string]string{
		".kvet.yaml":       "exclude: [\"vendor-ish/**\"]\n",
		"quiet/.kvet.yaml": "rules:\n  resource-limits-missing: {enabled: false}\n",
		"k8s/pod.yaml":     podLimits,
	})
	suppressed := strings.Replace(podLimits, "limits: {memory: 64Mi}", "limits: {memory: 64Mi}  # kvet:ignore resource-limits-missing", 1)
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string
		exit  int
	}{
		{"no name", podLimits, []string{"-"}, []string{"<stdin>:12 resource-limits-missing warning"}, 1},
		{"reported as the path", podLimits, []string{"--stdin-filename", "k8s/pod.yaml", "-"}, []string{"k8s/pod.yaml:12 resource-limits-missing warning"}, 1},
		{"configuration of the file's directory", podLimits, []string{"--stdin-filename", "quiet/pod.yaml", "-"}, nil, 0},
		{"excluded", podLimits, []string{"--stdin-filename", "vendor-ish/x/pod.yaml", "-"}, nil, 0},
		{"suppression comment", suppressed, []string{"--stdin-filename", "k8s/pod.yaml", "-"}, nil, 0},
		{"a .json name has no comments", suppressed, []string{"--stdin-filename", "k8s/pod.json", "-"}, []string{"k8s/pod.json:12 resource-limits-missing warning"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := kvetStdin(t, tc.stdin, append([]string{"lint"}, tc.args...)...)
			if got := findings(t, stdout); code != tc.exit || !slices.Equal(got, tc.want) {
				t.Errorf("exit %d, findings %q; want %d, %q\n%s", code, got, tc.exit, tc.want, stderr)
			}
		})
	}
	t.Run("baseline", func(t *testing.T) {
		if code, _, stderr := kvet(t, "lint", "--write-baseline", "base.json", "k8s/pod.yaml"); code != 0 {
			t.Fatal(stderr)
		}
		code, stdout, stderr := kvetStdin(t, podLimits, "lint", "--baseline", "base.json", "--stdin-filename", "k8s/pod.yaml", "-")
		if code != 0 || stdout != "" || strings.Contains(stderr, "no longer") {
			t.Errorf("the baseline entry of k8s/pod.yaml does not match its buffer: exit %d %q %q", code, stdout, stderr)
		}
	})
}

// TestQuiet checks that --quiet leaves out the summary line, which an
// editor would read as one more (invalid) quickfix entry, and nothing else.
func TestQuiet(t *testing.T) {
	repo(t, map[string]string{"pod.yaml": podLimits})
	_, stdout, stderr := kvet(t, "lint", "pod.yaml")
	if !strings.HasPrefix(stderr, "kvet: 0 errors, 1 warning") {
		t.Fatalf("summary missing without --quiet: %q", stderr)
	}
	code, qstdout, qstderr := kvet(t, "lint", "--quiet", "pod.yaml")
	if code != 1 || qstdout != stdout || qstderr != "" {
		t.Errorf("--quiet: exit %d, stdout %q (want %q), stderr %q (want nothing)", code, qstdout, stdout, qstderr)
	}
	if _, _, stderr := kvet(t, "fix", "-q", "pod.yaml"); stderr != "" {
		t.Errorf("fix -q: stderr %q", stderr)
	}
}
