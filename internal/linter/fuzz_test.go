package linter_test

import (
	"bytes"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/linter"
)

// FuzzLint lints each input as standard input with every rule kvet has on
// by default, the Go rules, the built-in Rego policies and the set rules:
// no input may make a rule, a policy or a set rule fail (a panic is a run
// error), and every finding and each of its related places must point at
// a line of its file. Seeds are the bundled examples. Run it with
// go test ./internal/linter -run '^$' -fuzz FuzzLint -fuzztime 60s.
func FuzzLint(f *testing.F) {
	analyzertest.AddSeeds(f, "../../examples/*/*.yaml")
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, res := lt.Lint(t.Context(), analyzer.NewLoader(bytes.NewReader(data)), []string{"-"})
		for _, err := range append(set.Errors, res.Errors...) {
			t.Errorf("run error: %v", err)
		}
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
		for _, d := range lt.Suppress(set, res.Diagnostics) {
			check(d.RuleID, d.File, d.Range)
			for _, rel := range d.Related {
				check(d.RuleID+" related "+rel.Message, rel.File, rel.Range)
			}
		}
	})
}
