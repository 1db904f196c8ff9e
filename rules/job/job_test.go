package job_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/job"
)

func rules() []*analyzer.Rule {
	return []*analyzer.Rule{
		job.RestartPolicyInvalid(),
		job.BackoffLimitUnset(),
		job.BackoffLimitHigh(),
		job.ActiveDeadlineMissing(),
		job.TTLMissing(),
		job.ParallelismExceedsCompletions(),
	}
}

// TestRules runs each rule alone on testdata/<rule-id>, checking the
// `# want` expectations and, where a .golden file exists, the fixes.
func TestRules(t *testing.T) {
	for _, r := range rules() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", r.ID)
			if _, err := os.Stat(dir); err != nil {
				t.Fatalf("rule %s has no fixtures: %v", r.ID, err)
			}
			analyzertest.RunWithFixes(t, []*analyzer.Rule{r}, dir)
		})
	}
}

// TestAllRulesTogether runs every Job rule over Jobs and CronJobs.
func TestAllRulesTogether(t *testing.T) {
	analyzertest.RunWithFixes(t, rules(), filepath.Join("testdata", "combined"))
}

// TestBackoffMaxParam checks that a configured max replaces the default.
func TestBackoffMaxParam(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  backoffLimit: 10\n" +
		"  template: {spec: {restartPolicy: Never, containers: []}}\n"
	f := &analyzer.File{Path: "j.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	set := &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}
	for _, tc := range []struct {
		max  any
		want int
	}{{nil, 1}, {10, 0}, {9, 1}} {
		var opts analyzer.Options
		if tc.max != nil {
			opts.Params = map[string]map[string]any{"job-backoff-limit-high": {"max": tc.max}}
		}
		res := analyzer.Run(context.Background(), set, []*analyzer.Rule{job.BackoffLimitHigh()}, opts)
		if len(res.Diagnostics) != tc.want {
			t.Errorf("max %v: %d findings, want %d", tc.max, len(res.Diagnostics), tc.want)
		}
	}
}
