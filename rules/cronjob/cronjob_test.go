package cronjob_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules/cronjob"
)

func rules() []*analyzer.Rule {
	return []*analyzer.Rule{
		cronjob.ScheduleInvalid(),
		cronjob.ScheduleTimezone(),
		cronjob.ScheduleNeverFires(),
		cronjob.NameTooLong(),
		cronjob.TimezoneMissing(),
		cronjob.TimezoneInvalid(),
		cronjob.ConcurrencyAllow(),
		cronjob.StartingDeadlineMissing(),
		cronjob.StartingDeadlineShort(),
		cronjob.HistoryLimits(),
		cronjob.Suspended(),
	}
}

// TestRules runs each rule alone on testdata/<rule-id>, checking the
// `# want` expectations and, where a .golden file exists, the fixes.
func TestRules(t *testing.T) {
	analyzertest.RunEach(t, "testdata", rules()...)
}

// TestAllRulesTogether checks that the rules' findings and fixes combine:
// several insertions after the same schedule line, in a stable order.
func TestAllRulesTogether(t *testing.T) {
	analyzertest.RunWithFixes(t, rules(), filepath.Join("testdata", "combined"))
}

// TestPositions checks exact ranges: a present value is covered token by
// token (quotes included), a missing field points at its parent's key.
func TestPositions(t *testing.T) {
	src := "apiVersion: batch/v1\n" +
		"kind: CronJob\n" +
		"metadata:\n" +
		"  name: pos\n" +
		"spec:\n" +
		"  schedule: \"61 * * * *\"   # comment\n" +
		"  timeZone: Europe/Pariss\n" +
		"  suspend: true\n"
	f := &analyzer.File{Path: "pos.yaml", Content: []byte(src)}
	docs, diags := analyzer.NewLoader(nil).Parse(f)
	if len(diags) != 0 {
		t.Fatalf("load: %v", diags)
	}
	res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, rules(), analyzer.Options{})
	got := map[string]string{}
	for _, d := range res.Diagnostics {
		got[d.RuleID] = fmt.Sprintf("%d:%d-%d:%d", d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column)
	}
	want := map[string]string{
		"cronjob-schedule-invalid":          "6:13-6:25", // "61 * * * *" with its quotes
		"cronjob-timezone-invalid":          "7:13-7:26", // Europe/Pariss
		"cronjob-suspended":                 "8:12-8:16", // true
		"cronjob-concurrency-allow":         "5:1-5:5",   // spec
		"cronjob-starting-deadline-missing": "5:1-5:5",
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

// TestParams checks that configured parameters replace the defaults.
func TestParams(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: p\nspec:\n  schedule: \"@daily\"\n" +
		"  timeZone: UTC\n  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 60\n" +
		"  successfulJobsHistoryLimit: 10\n  failedJobsHistoryLimit: 0\n"
	f := &analyzer.File{Path: "p.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	set := &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}
	count := func(opts analyzer.Options) int {
		return len(analyzer.Run(context.Background(), set, []*analyzer.Rule{cronjob.HistoryLimits()}, opts).Diagnostics)
	}
	if n := count(analyzer.Options{}); n != 2 {
		t.Errorf("defaults: %d findings, want 2", n)
	}
	opts := analyzer.Options{Params: map[string]map[string]any{
		"cronjob-history-limits": {"successful": []int{1, 10}, "failed": []int{0, 3}},
	}}
	if n := count(opts); n != 0 {
		t.Errorf("widened ranges: %d findings, want 0", n)
	}
}

// TestPositionsNull checks that a field present but null counts as unset
// and is reported at its key.
func TestPositionsNull(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: n\nspec:\n  schedule: \"@daily\"\n" +
		"  timeZone:\n  startingDeadlineSeconds: ~\n  concurrencyPolicy: null\n"
	f := &analyzer.File{Path: "n.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, rules(), analyzer.Options{})
	got := map[string]string{}
	for _, d := range res.Diagnostics {
		got[d.RuleID] = fmt.Sprintf("%d:%d-%d:%d", d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column)
	}
	want := map[string]string{
		"cronjob-timezone-missing":          "7:3-7:11",
		"cronjob-starting-deadline-missing": "8:3-8:26",
		"cronjob-concurrency-allow":         "9:3-9:20",
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

// A TZ= prefix is an error where the API server rejects it (1.29 on, and
// from 1.25, which has spec.timeZone, when that field is set too) and a
// warning on older targets, which still accept it.
func TestScheduleTimezoneSeverityByTarget(t *testing.T) {
	const (
		prefix = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tz}\nspec:\n  schedule: \"TZ=UTC 0 * * * *\"\n"
		both   = prefix + "  timeZone: UTC\n"
	)
	tests := []struct {
		src   string
		minor int
		want  analyzer.Severity
	}{
		{prefix, 24, analyzer.SeverityWarning},
		{prefix, 28, analyzer.SeverityWarning},
		{prefix, 29, analyzer.SeverityError},
		{prefix, 37, analyzer.SeverityError},
		{both, 24, analyzer.SeverityWarning}, // 1.24 drops the alpha field
		{both, 25, analyzer.SeverityError},
		{both, 28, analyzer.SeverityError},
		{both, 29, analyzer.SeverityError},
	}
	for _, tc := range tests {
		f := &analyzer.File{Path: "tz.yaml", Content: []byte(tc.src)}
		docs, _ := analyzer.NewLoader(nil).Parse(f)
		opts := analyzer.Options{KubeVersion: analyzer.KubeVersion{Major: 1, Minor: tc.minor}}
		res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{f}, Docs: docs}, []*analyzer.Rule{cronjob.ScheduleTimezone()}, opts)
		if len(res.Diagnostics) != 1 || res.Diagnostics[0].Severity != tc.want {
			t.Errorf("target 1.%d, timeZone set %v: %v, want one %s", tc.minor, tc.src == both, res.Diagnostics, tc.want)
			continue
		}
		if d := res.Diagnostics[0]; d.Range.Start.Line != 5 || d.Range.Start.Column != 13 {
			t.Errorf("target 1.%d: at %d:%d, want 5:13", tc.minor, d.Range.Start.Line, d.Range.Start.Column)
		}
	}
}
