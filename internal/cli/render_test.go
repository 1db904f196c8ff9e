package cli_test

import (
	"slices"
	"strings"
	"testing"
)

// An overlay whose patch only sets a CronJob's schedule: rendered, the
// patch has no finding of its own; with --no-render or render: false in
// .kvet.yaml, the files are linted as they are and the patch is reported
// as a whole (invalid) CronJob.
func TestRenderSwitch(t *testing.T) {
	files := map[string]string{
		"base/kustomization.yaml": "resources: [cron.yaml]\n",
		"base/cron.yaml": `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 2 * * *"
  timeZone: Etc/UTC
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      backoffLimit: 1
      activeDeadlineSeconds: 600
      template:
        spec:
          serviceAccountName: nightly
          restartPolicy: Never
          containers:
          - name: c
            image: registry.example.com/c:1.0.0
            resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}
`,
		"prod/kustomization.yaml": "resources: [../base]\npatches: [{path: schedule.yaml}]\n",
		"prod/schedule.yaml":      "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 4 * * *\"\n",
	}
	repo(t, files)
	for _, path := range []string{".", "prod", "prod/"} {
		code, stdout, stderr := kvet(t, "lint", "--format", "text", path)
		if got := findings(t, stdout); code != 0 || len(got) != 0 || strings.Contains(stderr, "no Kubernetes objects") {
			t.Errorf("%s rendered: exit %d, findings %v, stderr %q; want none", path, code, got, stderr)
		}
	}
	plain := func(args ...string) {
		t.Helper()
		code, stdout, stderr := kvet(t, append([]string{"lint", "--format", "text"}, args...)...)
		got := findings(t, stdout)
		if code != 1 || !slices.Contains(got, "prod/schedule.yaml:5 cronjob-starting-deadline-missing warning") {
			t.Errorf("%v: exit %d, findings %v, stderr %q; want the patch linted as a whole CronJob", args, code, got, stderr)
		}
	}
	plain("--no-render", ".")
	writeFile(t, ".kvet.yaml", "render: false\n")
	plain(".")
	code, stdout, _ := kvet(t, "lint", "--format", "text", "--no-render=false", ".")
	if got := findings(t, stdout); code != 0 || len(got) != 0 {
		t.Errorf("--no-render=false over render: false: exit %d, findings %v; want the overlay rendered", code, got)
	}
}
