package kustomize_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
		// in a base that starts with a comment the rendering drops: at the
		// source's offsets (at the rendered text's, they corrupted it)
		"unknown-field":          {"base/weekly.yaml", "\n      backoffLimit: 2   # want unknown-field\n"},
		"cronjob-history-limits": {"base/weekly.yaml", "\n  successfulJobsHistoryLimit: 7   # want"},
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

// TestPositions checks where a finding points when kustomize changed the
// value at its path (testdata/render/kustomize/rules/positions.txtar): a
// rule reports each listed field of the rendered Deployment, and every
// annotation the rendering added for kvet's own use (none may reach it).
func TestPositions(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/render/kustomize/rules/positions.txtar")
	if err != nil {
		t.Fatal(err)
	}
	paths := []analyzer.Path{
		analyzer.NewPath("metadata", "name"),
		analyzer.NewPath("metadata", "namespace"),
		analyzer.NewPath("metadata", "labels", "app"),
		analyzer.NewPath("metadata", "labels", "team"),
		analyzer.NewPath("metadata", "annotations", "owner"),
		analyzer.NewPath("metadata", "annotations", "docs"),
		analyzer.NewPath("spec", "replicas"),
		analyzer.NewPath("spec", "minReadySeconds"),
		analyzer.NewPath("spec", "progressDeadlineSeconds"),
		analyzer.NewPath("spec", "revisionHistoryLimit"),
		analyzer.NewPath("spec", "paused"),
		analyzer.NewPath("spec", "selector", "matchLabels", "app"),
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "image"),
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"),
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"),
		// missing: the patch's limits, the base's pod spec
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "resources", "limits", "memory"),
		analyzer.NewPath("spec", "template", "spec", "securityContext", "runAsNonRoot"),
	}
	rule := &analyzer.Rule{ID: "test-path", Severity: analyzer.SeverityInfo, Kinds: []string{"Deployment"}, Run: func(p *analyzer.Pass) {
		for _, q := range paths {
			p.Report(analyzer.Finding{Path: q, Message: q.String()})
		}
		// The rendered node and the decoded annotations alike.
		keys := slices.Collect(maps.Keys(p.Doc.Annotations))
		if n := p.Doc.Lookup(analyzer.NewPath("metadata", "annotations")); n != nil {
			for i := 0; i+1 < len(n.Content); i += 2 {
				keys = append(keys, n.Content[i].Value)
			}
		}
		for _, key := range keys {
			if strings.Contains(key, "config.kubernetes.io") || strings.Contains(key, "kustomize") {
				p.Report(analyzer.Finding{Path: analyzer.NewPath("metadata"), Message: "leaked " + key})
			}
		}
	}}
	subjects := []analyzer.Path{
		analyzer.NewPath("subjects", 1, "kind"),
		analyzer.NewPath("subjects", 1, "name"),
	}
	binding := &analyzer.Rule{ID: "test-path", Severity: analyzer.SeverityInfo, Kinds: []string{"RoleBinding"}, Run: func(p *analyzer.Pass) {
		for _, q := range subjects {
			p.Report(analyzer.Finding{Path: q, Message: q.String()})
		}
	}}
	diags := analyzertest.RunArchive(t, abs, []*analyzer.Rule{rule, binding}, analyzertest.WithRenderer(render.New(kustomize.New())))
	// Columns of the values a transformer set: the kustomization entry's
	// value.
	want := map[string]string{
		"metadata.namespace":                     "prod/kustomization.yaml:3:12",
		"metadata.name":                          "prod/kustomization.yaml:4:13",
		"spec.replicas":                          "prod/kustomization.yaml:7:10",
		"metadata.labels.team":                   "prod/kustomization.yaml:10:11",
		"metadata.annotations.owner":             "prod/kustomization.yaml:12:10",
		"spec.template.spec.containers[0].image": "prod/kustomization.yaml:15:11",
		"spec.minReadySeconds":                   "prod/kustomization.yaml:24:14",
		// in a literal block with an indentation indicator ("|4") that
		// keeps two of its first line's spaces
		"spec.progressDeadlineSeconds": "prod/kustomization.yaml:33:34",
		// in patches whose text is not the file's: the patch entry
		"spec.revisionHistoryLimit": "prod/kustomization.yaml:35:10",
		"spec.paused":               "prod/kustomization.yaml:36:10",
		// the renamed subject's name (the item's kind is checked by its want)
		"subjects[1].name": "prod/kustomization.yaml:4:13",
	}
	for _, d := range diags {
		w, ok := want[d.Message]
		if !ok {
			continue
		}
		delete(want, d.Message)
		if got := fmt.Sprintf("%s:%d:%d", d.File, d.Range.Start.Line, d.Range.Start.Column); got != w {
			t.Errorf("%s at %s, want %s", d.Message, got, w)
		}
	}
	for m := range want {
		t.Errorf("%s not reported", m)
	}
}

// TestFixSharedBase: a fix in a base that several overlays render is
// offered only for a finding every one of them has
// (testdata/render/kustomize/sharedfix.txtar).
func TestFixSharedBase(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/render/kustomize/sharedfix.txtar")
	if err != nil {
		t.Fatal(err)
	}
	diags := analyzertest.RunArchive(t, abs, defaultRules(t), analyzertest.WithRenderer(render.New(kustomize.New())))
	want := map[string]bool{"job-backoff-limit-unset": true, "cronjob-schedule-timezone": false, "cronjob-concurrency-allow": false}
	for _, d := range diags {
		fixable, ok := want[d.RuleID]
		if !ok {
			continue
		}
		delete(want, d.RuleID)
		if got := d.Fix != nil; got != fixable {
			t.Errorf("%s (%s): fix offered %v, want %v", d.RuleID, d.Message, got, fixable)
		}
	}
	for id := range want {
		t.Errorf("%s not reported", id)
	}
}

// TestFixesRendered checks, for the findings of rendered objects listed
// (file:line:column rule), whether a fix is offered: only where applying
// it to the source provably changes the rendered objects as it says, and
// nothing else.
func TestFixesRendered(t *testing.T) {
	tests := []struct {
		archive string
		want    map[string]bool
	}{
		// The misspelt field is named in a JSON 6902 operation's path:
		// renaming the `value:` key it is under corrupts the patch.
		{"fixjsonadd", map[string]bool{
			"file/deadline.yaml:3:3 unknown-field":        false,
			"inline/kustomization.yaml:8:7 unknown-field": false,
		}},
		// What comes after the base decides the values: a JSON 6902
		// replace of the job spec; replacements; a patch.
		{"fixoverridden", map[string]bool{
			"replaced/base/cj.yaml:11:5 job-backoff-limit-unset":                      false,
			"replacements/overlay/kustomization.yaml:12:18 cronjob-concurrency-allow": false,
			"replacements/overlay/kustomization.yaml:16:18 cronjob-timezone-invalid":  false,
			// set by the patch, to the base's value
			"samevalue/overlay/kustomization.yaml:10:26 cronjob-concurrency-allow": true,
		}},
		// One overlay renders the base twice, and the patch applies to
		// two CronJobs: only a finding all of them have is fixed.
		{"fixsiblings", map[string]bool{
			"base/cj.yaml:5:1 cronjob-concurrency-allow":                 false,
			"base/cj.yaml:10:5 job-backoff-limit-unset":                  true,
			"patched/overlay/policy.yaml:6:22 cronjob-concurrency-allow": false,
		}},
		// Values that replacements set are at the target's fieldPaths
		// element (never at the base's line, which holds the value
		// replaced), with no fix; the CronJob the replacement rejects
		// keeps the base's line and its fix.
		{"replacements", map[string]bool{
			"overlay/kustomization.yaml:14:18 cronjob-concurrency-allow": false,
			"overlay/kustomization.yaml:19:7 cronjob-timezone-invalid":   false,
			"overlay/kustomization.yaml:25:7 image-tag-mutable":          false,
			"base/cronjobs.yaml:32:22 cronjob-concurrency-allow":         true,
		}},
		// The overlay's patch tests the value the fix would change.
		{"fixjsontest", map[string]bool{
			"base/cj.yaml:8:22 cronjob-concurrency-allow": false,
		}},
	}
	rules := defaultRules(t)
	for _, tt := range tests {
		t.Run(tt.archive, func(t *testing.T) {
			abs, err := filepath.Abs("../../testdata/render/kustomize/" + tt.archive + ".txtar")
			if err != nil {
				t.Fatal(err)
			}
			diags := analyzertest.RunArchive(t, abs, rules,
				analyzertest.WithRenderer(render.New(kustomize.New())), analyzertest.WithSuppressions())
			want := maps.Clone(tt.want)
			for _, d := range diags {
				at := fmt.Sprintf("%s:%d:%d %s", d.File, d.Range.Start.Line, d.Range.Start.Column, d.RuleID)
				fixable, ok := want[at]
				if !ok || d.Suppressed() {
					continue
				}
				delete(want, at)
				if got := d.Fix != nil; got != fixable {
					t.Errorf("%s: fix offered %v, want %v", at, got, fixable)
				}
			}
			for at := range want {
				t.Errorf("%s not reported", at)
			}
		})
	}
}

// TestGenerators checks that each generated object points at the
// generator that made it (testdata/render/kustomize/rules/generators.txtar),
// at the generator entry's first field.
func TestGenerators(t *testing.T) {
	abs, err := filepath.Abs("../../testdata/render/kustomize/rules/generators.txtar")
	if err != nil {
		t.Fatal(err)
	}
	rule := &analyzer.Rule{ID: "test-path", Severity: analyzer.SeverityInfo, Kinds: []string{"ConfigMap", "Secret"}, Run: func(p *analyzer.Pass) {
		p.Report(analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: p.Doc.Kind + " " + p.Doc.Name})
	}}
	diags := analyzertest.RunArchive(t, abs, []*analyzer.Rule{rule}, analyzertest.WithRenderer(render.New(kustomize.New())))
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s:%d:%d", d.File, d.Range.Start.Line, d.Range.Start.Column))
	}
	slices.Sort(got)
	want := []string{
		"plain/kustomization.yaml:2:3",
		"plain/kustomization.yaml:5:3",
		"renamed/kustomization.yaml:13:3",
		"renamed/kustomization.yaml:4:3",
		"renamed/kustomization.yaml:7:3",
		"unhashed/base/kustomization.yaml:4:3",
		"unhashed/base/kustomization.yaml:7:3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings at %q, want %q", got, want)
	}
}
