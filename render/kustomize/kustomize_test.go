package kustomize_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// defaultRules returns the rules a plain `kvet lint` runs (Go rules and
// built-in policies that are on by default), without the engine and
// suppression rules, which the harness adds.
func defaultRules(t *testing.T) []*analyzer.Rule {
	t.Helper()
	catalog, _, err := linter.Catalog(linter.Source{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*analyzer.Rule
	for _, r := range catalog {
		if !r.DisabledByDefault && r.Source != "engine" {
			out = append(out, r)
		}
	}
	return out
}

// TestArchives checks the scenarios of testdata/render/kustomize: each
// archive is a small repository linted from its root with the render
// stage, its `# want` comments at the source lines.
func TestArchives(t *testing.T) {
	archives, err := filepath.Glob("../../testdata/render/kustomize/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	rules := defaultRules(t)
	for _, a := range archives {
		abs, err := filepath.Abs(a)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(a), ".txtar"), func(t *testing.T) {
			analyzertest.RunArchive(t, abs, rules,
				analyzertest.WithRenderer(render.New(kustomize.New())), analyzertest.WithSuppressions())
		})
	}
}

// TestFixes checks that fixes of rendered objects edit the source file
// they are reported in, and only where the edit is exact there.
func TestFixes(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/render/kustomize/fixes.txtar")
	if err != nil {
		t.Fatal(err)
	}
	diags := analyzertest.RunArchive(t, abs, defaultRules(t), analyzertest.WithRenderer(render.New(kustomize.New())))
	type fixed struct{ file, line string }
	want := map[string]fixed{
		// inserted into the base's spec
		"cronjob-starting-deadline-missing": {"base/cronjob.yaml", "\n  startingDeadlineSeconds: 300\n"},
		// replaced in the patch
		"cronjob-concurrency-allow": {"prod/patch.yaml", "\n  concurrencyPolicy: Forbid   # want"},
		// schedule in the patch, timeZone in the base: dropped
		"cronjob-schedule-timezone": {},
	}
	for _, d := range diags {
		w, ok := want[d.RuleID]
		if !ok {
			continue
		}
		delete(want, d.RuleID)
		switch {
		case w.file == "" && d.Fix != nil:
			t.Errorf("%s: fix %q offered, want none", d.RuleID, d.Fix.Message)
		case w.file != "" && d.Fix == nil:
			t.Errorf("%s: no fix, want one in %s", d.RuleID, w.file)
		case w.file != "" && d.File != w.file:
			t.Errorf("%s: reported in %s, want %s", d.RuleID, d.File, w.file)
		case w.file != "":
			src, err := os.ReadFile(d.File)
			if err != nil {
				t.Fatal(err)
			}
			got, err := analyzer.ApplyEdits(src, d.Fix.Edits)
			if err != nil || !strings.Contains(string(got), w.line) {
				t.Errorf("%s: %s after the fix (%v):\n%s\nwant it to contain %q", d.RuleID, d.File, err, got, w.line)
			}
		}
	}
	for id := range want {
		t.Errorf("%s not reported", id)
	}
}

// TestSets checks that set rules see each rendering as one set.
func TestSets(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/render/kustomize/rules/sets.txtar")
	if err != nil {
		t.Fatal(err)
	}
	sizes := &analyzer.Rule{ID: "test-set", Severity: analyzer.SeverityInfo, RunSet: func(p *analyzer.SetPass) {
		for _, d := range p.Docs {
			ns := d.Namespace
			if ns == "" {
				ns = "-"
			}
			p.Report(d, analyzer.Finding{Path: analyzer.NewPath("metadata", "name"),
				Message: fmt.Sprintf("%d objects, namespace %s", len(p.Docs), ns)})
		}
	}}
	analyzertest.RunArchive(t, abs, []*analyzer.Rule{sizes}, analyzertest.WithRenderer(render.New(kustomize.New())))
}
