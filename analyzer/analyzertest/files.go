package analyzertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
)

// WriteFile writes content to the file name (relative to the working
// directory, or absolute), creating its directory, and fails the test if
// it cannot.
func WriteFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// LintWithin lints paths with loader and the engine rules, as kvet lint
// does, and fails the test at once when that takes longer than limit: for
// inputs (named pipes, devices) that must not make kvet hang.
func LintWithin(t testing.TB, loader *analyzer.Loader, paths []string, limit time.Duration) (*analyzer.Set, *analyzer.Result) {
	t.Helper()
	type outcome struct {
		set *analyzer.Set
		res *analyzer.Result
	}
	done := make(chan outcome, 1)
	go func() {
		set, res := analyzer.Lint(context.Background(), loader, paths, analyzer.EngineRules(), analyzer.Options{})
		done <- outcome{set, res}
	}()
	select {
	case o := <-done:
		return o.set, o.res
	case <-time.After(limit):
		t.Fatalf("linting %v took over %v: it hangs on an input", paths, limit)
		return nil, nil
	}
}

// AddSeeds adds the content of each file that pattern (filepath.Glob)
// matches to the seed corpus of fuzz target f, and fails it when none
// matches or one cannot be read: a fuzz target without its seeds still
// passes, having tested less.
func AddSeeds(f *testing.F, pattern string) {
	f.Helper()
	seeds, err := filepath.Glob(pattern)
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds match %s (%v)", pattern, err)
	}
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// CheckPositions fails t unless every diagnostic of a run, and each of its
// related places, is at lines of a file of the run's set (for fuzz targets:
// any input must give positions a client can show).
func CheckPositions(t testing.TB, set *analyzer.Set, diags []analyzer.Diagnostic) {
	t.Helper()
	lines := map[string]int{}
	for _, f := range set.Files {
		lines[f.Path] = f.LineCount()
	}
	check := func(what, file string, r analyzer.Range) {
		n, ok := lines[file]
		if !ok {
			t.Errorf("%s in %q, which the set does not hold", what, file)
			return
		}
		s, e := r.Start, r.End
		if s.Line < 1 || s.Line > n || s.Column < 1 || e.Line < s.Line || e.Line == s.Line && e.Column < s.Column {
			t.Errorf("%s at %+v in a file of %d lines", what, r, n)
		}
	}
	for _, d := range diags {
		check(d.RuleID, d.File, d.Range)
		for _, rel := range d.Related {
			check(d.RuleID+" related "+rel.Message, rel.File, rel.Range)
		}
	}
}

// KubectlRefuses reports whether a yaml-syntax diagnostic in the shared
// real corpus, which was selected with PyYAML (every file parses), is at
// the one place kubectl's YAML library refuses and PyYAML accepts: a
// kube-linter test merging an alias of a sequence of mappings ("<<:
// *common-env"), which go.yaml.in/yaml/v2 rejects ("map merge requires map
// or sequence of maps as the value").
func KubectlRefuses(file string, line int) bool {
	return strings.HasSuffix(filepath.ToSlash(file), "kube-linter/pkg/templates/sortedkeys/testdata/container-with-merge.yaml") && line == 31
}
