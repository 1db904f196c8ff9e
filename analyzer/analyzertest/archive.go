package analyzertest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kvet-dev/kvet/analyzer"
)

// Option tunes RunArchive.
type Option func(*archiveRun)

type archiveRun struct {
	renderer analyzer.Renderer
	opts     analyzer.Options
	suppress bool
	paths    []string
}

// WithRenderer lints the archive with a render stage (kustomizations and
// charts rendered, findings at their source lines).
func WithRenderer(r analyzer.Renderer) Option { return func(a *archiveRun) { a.renderer = r } }

// WithOptions sets the engine options (parameters, severities).
func WithOptions(o analyzer.Options) Option { return func(a *archiveRun) { a.opts = o } }

// WithSuppressions applies kvet:ignore comments and kvet.dev/ignore
// annotations, with the suppression rules enabled: suppressed diagnostics
// are not expected, unused suppressions are.
func WithSuppressions() Option { return func(a *archiveRun) { a.suppress = true } }

// WithPaths lints these paths of the archive instead of all of it (".").
func WithPaths(paths ...string) Option { return func(a *archiveRun) { a.paths = paths } }

// RunArchive checks a multi-file scenario: the txtar archive at path is
// extracted into a temporary directory, which becomes the working
// directory (so the test must not be parallel), and linted from there
// with rules plus the engine rules. Every file of the archive may hold
// `# want` comments (JSON files a .want file in the archive); diagnostics
// are matched by the file's name in the archive, line, rule and message.
// The comment at the top of the archive describes the scenario. It
// returns the diagnostics for further checks.
func RunArchive(t *testing.T, path string, rules []*analyzer.Rule, options ...Option) []analyzer.Diagnostic {
	t.Helper()
	run := archiveRun{paths: []string{"."}}
	for _, o := range options {
		o(&run)
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		WriteFile(t, filepath.Join(dir, filepath.FromSlash(f.Name)), string(f.Data))
	}
	t.Chdir(dir)

	loader := analyzer.NewLoader(nil)
	loader.Renderer = run.renderer
	all := append(analyzer.EngineRules(), rules...)
	if run.suppress {
		all = append(all, analyzer.SuppressionRules()[0])
	}
	set, res := analyzer.Lint(context.Background(), loader, run.paths, all, run.opts)
	for _, err := range append(set.Errors, res.Errors...) {
		t.Errorf("lint: %v", err)
	}
	diags := res.Diagnostics
	if run.suppress {
		var shown []analyzer.Diagnostic
		for _, d := range analyzer.Suppress(set, diags, analyzer.SuppressConfig{Rules: all, Known: all}) {
			if !d.Suppressed() {
				shown = append(shown, d)
			}
		}
		diags = shown
	}
	var exps []*expectation
	for _, f := range ar.Files {
		if filepath.Ext(f.Name) == ".want" {
			continue
		}
		e, err := parseExpectations(&analyzer.File{Path: f.Name, Content: f.Data})
		if err != nil {
			t.Fatal(err)
		}
		exps = append(exps, e...)
	}
	check(t, diags, exps)
	return res.Diagnostics
}

// RunArchives runs RunArchive on every *.txtar archive of dir, each as a
// subtest named after the file, with the same rules and options. It fails
// when dir has none.
func RunArchives(t *testing.T, dir string, rules []*analyzer.Rule, options ...Option) {
	t.Helper()
	archives, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(archives) == 0 {
		t.Fatalf("no *.txtar archives in %s", dir)
	}
	for _, a := range archives {
		abs, err := filepath.Abs(a)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(a), ".txtar"), func(t *testing.T) {
			RunArchive(t, abs, rules, options...)
		})
	}
}
