package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// soundCronJob is a CronJob with no finding of its own: the base that the
// render tests' overlays patch.
const soundCronJob = `apiVersion: batch/v1
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
`

// An overlay whose patch only sets a CronJob's schedule: rendered, the
// patch has no finding of its own; with --no-render or render: false in
// .kvet.yaml, the files are linted as they are and the patch is reported
// as a whole (invalid) CronJob.
func TestRenderSwitch(t *testing.T) {
	files := map[string]string{
		"base/kustomization.yaml": "resources: [cron.yaml]\n",
		"base/cron.yaml":          soundCronJob,
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

// Baselines record rendered findings at their source files: a base
// finding that two overlays render is recorded once, still matches when
// lines move, and a new finding in an overlay's patch is reported.
func TestRenderBaseline(t *testing.T) {
	base := `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 600
  template:
    spec:
      serviceAccountName: migrate
      restartPolicy: Never
      containers:
      - name: m
        image: registry.example.com/m:1.0.0
`
	repo(t, map[string]string{
		"base/kustomization.yaml": "resources: [job.yaml]\n",
		"base/job.yaml":           base,
		"a/kustomization.yaml":    "namespace: a\nresources: [../base]\n",
		"b/kustomization.yaml":    "namespace: b\nresources: [../base]\n",
	})
	code, _, stderr := kvet(t, "lint", "--write-baseline", "baseline.json", ".")
	if code != 0 || !strings.Contains(stderr, "recorded 2 findings") {
		t.Fatalf("write-baseline: exit %d, stderr %q; want the limits and requests findings of the base recorded once", code, stderr)
	}
	writeFile(t, "base/job.yaml", "# moved down by a comment\n"+base)
	writeFile(t, "b/kustomization.yaml", "namespace: b\nresources: [../base]\npatches: [{path: p.yaml}]\n")
	writeFile(t, "b/p.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  backoffLimit: 20\n")
	code, stdout, stderr := kvet(t, "lint", "--format", "text", "--baseline", "baseline.json", ".")
	got := findings(t, stdout)
	want := []string{"b/p.yaml:6 job-backoff-limit-high warning"}
	if code != 1 || !slices.Equal(got, want) {
		t.Errorf("with the baseline: exit %d, findings %v, stderr %q; want %v", code, got, stderr, want)
	}
	// An overlay added whose objects sort first: the base's findings,
	// now merged from three overlays under the new one's object, still
	// match the entries written for a (and nothing is stale).
	writeFile(t, "0/kustomization.yaml", "namespace: aa\nresources: [../base]\n")
	code, stdout, stderr = kvet(t, "lint", "--format", "text", "--baseline", "baseline.json", ".")
	got = findings(t, stdout)
	if code != 1 || !slices.Equal(got, want) || strings.Contains(stderr, "no longer occur") {
		t.Errorf("with an overlay added: exit %d, findings %v, stderr %q; want %v and no stale entry", code, got, stderr, want)
	}
}

// The fingerprints of a base's findings name its objects as the base
// writes them: adding an overlay that sorts first, or changing the
// namespace or name prefix of the overlay whose objects report them, keeps
// the fingerprints of every machine format (JSON, SARIF, GitLab), so that
// code scanning keeps tracking the alerts.
func TestRenderFingerprintsKeepAcrossOverlays(t *testing.T) {
	repo(t, map[string]string{
		"base/cj.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: report}\nspec:\n  schedule: \"*/5 * * * *\"\n" +
			"  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: \"x:1\"}]}}}}\n",
		"base/kustomization.yaml":         "resources: [cj.yaml]\n",
		"overlays/dev/kustomization.yaml": "namespace: dev\nresources: [../../base]\n",
	})
	fingerprints := func() string {
		t.Helper()
		var all []string
		for _, tc := range []struct{ format, field string }{
			{"json", `"fingerprint": "`}, {"sarif", `"kvetFingerprint/v1": "`}, {"gitlab", `"fingerprint": "`},
		} {
			code, stdout, stderr := kvet(t, "lint", "-q", "--format", tc.format, "--fail-on", "none", "overlays")
			if code != 0 {
				t.Fatalf("%s: exit %d, stderr %q", tc.format, code, stderr)
			}
			n := 0
			for _, line := range strings.Split(stdout, "\n") {
				if _, fp, ok := strings.Cut(line, tc.field); ok {
					all = append(all, tc.format+" "+fp)
					n++
				}
			}
			if n == 0 {
				t.Fatalf("%s: no fingerprint in\n%s", tc.format, stdout)
			}
		}
		return strings.Join(all, "\n")
	}
	want := fingerprints()
	writeFile(t, "overlays/aaa/kustomization.yaml", "namespace: aaa\nnamePrefix: a-\nresources: [../../base]\n")
	if got := fingerprints(); got != want {
		t.Errorf("with an overlay added, fingerprints\n%s\nwant\n%s", got, want)
	}
	writeFile(t, "overlays/aaa/kustomization.yaml", "namespace: aab\nnamePrefix: b-\nresources: [../../base]\n")
	if got := fingerprints(); got != want {
		t.Errorf("with the first overlay's namespace and prefix changed, fingerprints\n%s\nwant\n%s", got, want)
	}
}

// TestRenderFingerprintsOfInlinePatches: findings in inline JSON 6902
// patches of one kustomization, each for another object, have distinct
// fingerprints (the kustomization names no object: each is the patched
// object's), so that removing one patch keeps the other's alert.
func TestRenderFingerprintsOfInlinePatches(t *testing.T) {
	deploy := func(name string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec:\n  selector: {matchLabels: {app: " + name + "}}\n" +
			"  template:\n    metadata: {labels: {app: " + name + "}}\n    spec:\n      serviceAccountName: " + name + "\n" +
			"      containers: [{name: c, image: \"nginx:1.25\", resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}}]\n"
	}
	patch := func(name string) string {
		return "- target: {kind: Deployment, name: " + name + "}\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n      value: nginx\n"
	}
	repo(t, map[string]string{
		"base/deploy.yaml":        deploy("a") + "---\n" + deploy("b"),
		"base/kustomization.yaml": "resources: [deploy.yaml]\n",
		"kustomization.yaml":      "resources: [base]\npatches:\n" + patch("a") + patch("b"),
	})
	code, stdout, stderr := kvet(t, "lint", "-q", "--format", "json", "--fail-on", "none", ".")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var out struct {
		Diagnostics []struct{ Rule, File, Fingerprint string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range out.Diagnostics {
		if d.Rule == "image-tag-mutable" && d.File == "kustomization.yaml" {
			seen[d.Fingerprint] = true
		}
	}
	if len(seen) != 2 {
		t.Errorf("image-tag-mutable in the two patches: %d distinct fingerprints %v, want 2\n%s", len(seen), seen, stdout)
	}
}
