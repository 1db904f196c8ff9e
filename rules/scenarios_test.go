package rules_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules"
)

// TestSetRuleScenarios lints each multi-file scenario of
// testdata/set-rules (txtar archives) with kvet's cross-document rules and
// checks its `# want` and `# related` comments.
func TestSetRuleScenarios(t *testing.T) {
	var set []*analyzer.Rule
	for _, r := range rules.All() {
		if r.RunSet != nil {
			set = append(set, r)
		}
	}
	if len(set) < 7 {
		t.Fatalf("%d set rules", len(set))
	}
	analyzertest.RunArchives(t, filepath.Join("..", "testdata", "set-rules"), set, analyzertest.WithSuppressions())
}

// TestSetRulePositions checks where the cross-document findings of some
// scenarios point (line and column, as docs/rules.md says) and where their
// related locations are: the `# want` comments check lines only.
func TestSetRulePositions(t *testing.T) {
	var set []*analyzer.Rule
	for _, r := range rules.All() {
		if r.RunSet != nil {
			set = append(set, r)
		}
	}
	for _, tc := range []struct {
		archive string
		want    map[string]string // rule ID → "file:line:col" of the finding and its related locations
	}{
		// A missing roleRef.name: at the roleRef key.
		{"role-refs", map[string]string{"rbac-role-ref-not-found unnamed.yaml": "unnamed.yaml:5:1"}},
		{"service-account-folders", map[string]string{
			"service-account-not-found a/job.yaml": "a/job.yaml:7:27 → b/sa.yaml:3:18",
			"service-account-not-found c/ss.yaml":  "c/ss.yaml:14:27 → a/sa.yaml:7:18",
		}},
		{"headless-folders", map[string]string{
			"service-headless-load-balancing team-d/workers.yaml": "team-d/workers.yaml:6:14 → team-e/workers.yaml:12:22",
		}},
		{"duplicates-roleref", map[string]string{
			"workload-excessive-permissions pods.yaml": "pods.yaml:5:23 → a-rbac.yaml:4:41, a-rbac.yaml:5:66, a-rbac.yaml:12:15, b-rbac.yaml:3:18; " +
				"pods.yaml:12:23 → c-rbac.yaml:4:41, c-rbac.yaml:5:73, a-rbac.yaml:17:18, b-rbac.yaml:9:18",
		}},
		// A Role redefined in a way the API server rejects: the chain
		// goes to the first definition, and names no other.
		{"rejected", map[string]string{
			"workload-excessive-permissions jobs.yaml": "jobs.yaml:21:27 → rbac.yaml:43:41, rbac.yaml:44:66, rbac.yaml:36:33",
		}},
		{"duplicates-account", map[string]string{
			"workload-excessive-permissions c.yaml": "c.yaml:19:23 → c.yaml:4:41, c.yaml:5:66, c.yaml:12:15, a-sa.yaml:3:18",
		}},
	} {
		t.Run(tc.archive, func(t *testing.T) {
			diags := analyzertest.RunArchive(t, filepath.Join("..", "testdata", "set-rules", tc.archive+".txtar"), set, analyzertest.WithSuppressions())
			got := map[string]string{}
			for _, d := range diags {
				key := d.RuleID + " " + filepath.ToSlash(d.File)
				if _, ok := tc.want[key]; !ok {
					continue
				}
				at := fmt.Sprintf("%s:%d:%d", filepath.ToSlash(d.File), d.Range.Start.Line, d.Range.Start.Column)
				var related []string
				for _, r := range d.Related {
					related = append(related, fmt.Sprintf("%s:%d:%d", filepath.ToSlash(r.File), r.Range.Start.Line, r.Range.Start.Column))
				}
				if len(related) > 0 {
					at += " → " + strings.Join(related, ", ")
				}
				if prev, ok := got[key]; ok {
					at = prev + "; " + at
				}
				got[key] = at
			}
			for key, want := range tc.want {
				if got[key] != want {
					t.Errorf("%s: at %q, want %q", key, got[key], want)
				}
			}
		})
	}
}
