package cli_test

import (
	"slices"
	"strings"
	"testing"
)

// A pre-commit hook names the staged files: a patch named alone is linted
// through the overlay that reads it (no findings of its own), a plain
// manifest beside it as it is, and a patch of an overlay with a remote
// base gives the overlay's render-failed instead of false findings.
func TestRenderNamedMember(t *testing.T) {
	repo(t, map[string]string{
		"base/kustomization.yaml":    "resources: [cron.yaml]\n",
		"base/cron.yaml":             soundCronJob,
		"prod/kustomization.yaml":    "resources: [../base]\npatches: [{path: patches/schedule.yaml}]\n",
		"prod/patches/schedule.yaml": "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 4 * * *\"\n",
		"prod/unrelated.yaml":        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: loose\n",
		"remote/kustomization.yaml":  "resources:\n- https://example.com/base.yaml\npatches: [{path: p.yaml}]\n",
		"remote/p.yaml":              "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 4 * * *\"\n",
	})
	code, stdout, stderr := kvet(t, "lint", "--format", "text", "prod/patches/schedule.yaml", "prod/unrelated.yaml", "remote/p.yaml")
	got := findings(t, stdout)
	want := []string{"remote/kustomization.yaml:2 render-failed warning"}
	if code != 1 || !slices.Equal(got, want) || strings.Contains(stderr, "no Kubernetes objects") {
		t.Errorf("exit %d, findings %v, stderr %q; want %v", code, got, stderr, want)
	}
}
