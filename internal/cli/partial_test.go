package cli_test

import (
	"strings"
	"testing"
)

// A ServiceAccount in one file, and in another a workload that runs as it
// beside another account of the namespace; a binding of the workload's
// account in a third, which makes it excessive.
var partialRepo = map[string]string{
	"k8s/accounts.yaml": `apiVersion: v1
kind: ServiceAccount
metadata: {name: runner, namespace: jobs}
`,
	"k8s/binding.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: runner-edit, namespace: jobs}
subjects:
- kind: ServiceAccount
  name: runner
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
`,
	"k8s/app.yaml": `apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: jobs}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: nightly, namespace: jobs}
spec:
  serviceAccountName: runner  # kvet:ignore workload-excessive-permissions -- reviewed
  containers:
  - name: c
    image: x:1
    resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}
`,
}

// TestPartial: kvet lint --partial on some of the files (as the pre-commit
// hook passes the staged ones) does not report what the other files
// define as missing, and does not call a cross-document suppression or
// baseline entry unused; without --partial the run judges the files it
// was given as the whole set.
func TestPartial(t *testing.T) {
	repo(t, partialRepo)
	if code, stdout, stderr := kvet(t, "lint", "--enable", "unused-suppression", "k8s"); code != 0 {
		t.Fatalf("the whole set: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ := kvet(t, "lint", "--enable", "unused-suppression", "k8s/app.yaml")
	for _, want := range []string{
		"k8s/app.yaml:10:23: warning: Pod jobs/nightly runs as ServiceAccount runner, which the set does not define in namespace jobs",
		"k8s/app.yaml:10:45: info: kvet:ignore names workload-excessive-permissions, which reported nothing on line 10",
	} {
		if code != 1 || !strings.Contains(stdout, want) {
			t.Errorf("without --partial: exit %d, want 1 and %q in\n%s", code, want, stdout)
		}
	}

	code, stdout, stderr := kvet(t, "lint", "--partial", "--enable", "unused-suppression", "k8s/app.yaml")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "0 errors, 0 warnings, 0 info in 1 file") {
		t.Errorf("--partial: exit %d, want 0 and no findings\n%s%s", code, stdout, stderr)
	}

	// A baseline of the whole set records the workload's finding.
	writeFile(t, "k8s/app.yaml", strings.Replace(partialRepo["k8s/app.yaml"], "  # kvet:ignore workload-excessive-permissions -- reviewed", "", 1))
	if code, stdout, _ := kvet(t, "lint", "--write-baseline", "base.json", "k8s"); code != 0 {
		t.Fatalf("--write-baseline: exit %d\n%s", code, stdout)
	}
	code, stdout, stderr = kvet(t, "lint", "--partial", "--baseline", "base.json", "--disable", "unused-suppression", "k8s/app.yaml")
	if code != 0 || strings.Contains(stderr, "no longer occur") {
		t.Errorf("--partial --baseline: exit %d, want 0 and no stale entries\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = kvet(t, "lint", "--baseline", "base.json", "--disable", "unused-suppression", "--fail-on", "none", "k8s/app.yaml")
	if code != 0 || !strings.Contains(stderr, "no longer occur") {
		t.Errorf("--baseline without --partial: exit %d, want the stale entry noted\n%s", code, stderr)
	}
}
