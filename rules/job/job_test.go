package job_test

import (
	"context"
	"fmt"
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
	analyzertest.RunEach(t, "testdata", rules()...)
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

// TestPositions checks exact ranges in a CronJob's jobTemplate.
func TestPositions(t *testing.T) {
	src := "apiVersion: batch/v1\n" + // 1
		"kind: CronJob\n" + // 2
		"metadata:\n" + // 3
		"  name: pos\n" + // 4
		"spec:\n" + // 5
		"  schedule: \"@daily\"\n" + // 6
		"  jobTemplate:\n" + // 7
		"    spec:\n" + // 8
		"      backoffLimit: 12\n" + // 9
		"      parallelism: 4\n" + // 10
		"      completions: 2\n" + // 11
		"      activeDeadlineSeconds: null\n" + // 12
		"      template:\n" + // 13
		"        spec:\n" + // 14
		"          restartPolicy: 'Always'\n" // 15
	f := &analyzer.File{Path: "pos.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, rules(), analyzer.Options{})
	got := map[string]string{}
	for _, d := range res.Diagnostics {
		got[d.RuleID] = fmt.Sprintf("%d:%d-%d:%d %s", d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column, d.Path)
	}
	want := map[string]string{
		"job-backoff-limit-high":              "9:21-9:23 spec.jobTemplate.spec.backoffLimit",
		"job-parallelism-exceeds-completions": "10:20-10:21 spec.jobTemplate.spec.parallelism",
		"job-active-deadline-missing":         "12:7-12:28 spec.jobTemplate.spec.activeDeadlineSeconds",
		"job-restart-policy-invalid":          "15:26-15:34 spec.jobTemplate.spec.template.spec.restartPolicy",
	}
	if len(got) != len(want) {
		t.Errorf("got diagnostics %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s at %s, want %s", id, got[id], w)
		}
	}
}

// TestPodFailurePolicyRestartPosition checks that OnFailure next to a
// podFailurePolicy is reported at the restartPolicy value, as an error.
func TestPodFailurePolicyRestartPosition(t *testing.T) {
	src := "apiVersion: batch/v1\n" + // 1
		"kind: Job\n" + // 2
		"metadata: {name: pfp}\n" + // 3
		"spec:\n" + // 4
		"  podFailurePolicy: {rules: []}\n" + // 5
		"  template:\n" + // 6
		"    spec:\n" + // 7
		"      restartPolicy: OnFailure\n" // 8
	f := &analyzer.File{Path: "pfp.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, []*analyzer.Rule{job.RestartPolicyInvalid()}, analyzer.Options{})
	if len(res.Diagnostics) != 1 {
		t.Fatalf("got %v, want one finding", res.Diagnostics)
	}
	d := res.Diagnostics[0]
	if got := fmt.Sprintf("%d:%d-%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column, d.Path, d.Severity); got != "8:22-8:31 spec.template.spec.restartPolicy error" {
		t.Errorf("got %s, want 8:22-8:31 spec.template.spec.restartPolicy error", got)
	}
}
