package analyzertest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestParseWantAndRelated(t *testing.T) {
	f := &analyzer.File{Path: "x.yaml", Content: []byte("a: 1   # want r1 r2:`#x` # related r3:\"to\"\n" +
		"b: 2   # related +1 r4\n# want\tr5\n")}
	exps, err := parseExpectations(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range exps {
		got = append(got, fmt.Sprintf("%d %s %v %v", e.line, e.rule, e.related, e.re))
	}
	want := []string{"1 r1 false <nil>", "1 r2 false #x", "1 r3 true to", "3 r4 true <nil>", "3 r5 false <nil>"}
	if !slices.Equal(got, want) {
		t.Errorf("expectations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckRelated(t *testing.T) {
	rel := func(line int, msg string) analyzer.RelatedLocation {
		return analyzer.RelatedLocation{File: "b.yaml", Range: analyzer.Range{Start: analyzer.Position{Line: line, Column: 1}}, Message: msg}
	}
	diag := analyzer.Diagnostic{RuleID: "r", File: "a.yaml", Range: analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}},
		Related: []analyzer.RelatedLocation{rel(3, "binds it"), rel(5, "grants it")}}
	want := func() *expectation { return &expectation{file: "a.yaml", line: 1, rule: "r"} }
	related := func(line int, msg string) *expectation {
		e := &expectation{file: "b.yaml", line: line, rule: "r", related: true}
		if msg != "" {
			e.re = regexpOf(t, msg)
		}
		return e
	}
	tests := []struct {
		name string
		exps []*expectation
		errs []string
	}{
		{"related locations unchecked without related comments", []*expectation{want()}, nil},
		{"all expected", []*expectation{want(), related(3, "binds"), related(5, "")}, nil},
		{"one unexpected", []*expectation{want(), related(3, "")}, []string{"b.yaml:5:1: unexpected related location of a.yaml:1 (r): grants it"}},
		{"wrong message and a missing one", []*expectation{want(), related(3, "grants"), related(5, ""), related(9, "")}, []string{
			"b.yaml:3:1: unexpected related location of a.yaml:1 (r): binds it",
			"b.yaml:3: expected related location of r matching \"grants\" was not reported",
			"b.yaml:9: expected related location of r was not reported",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			check(rec, []analyzer.Diagnostic{diag}, tt.exps)
			if !slices.Equal(rec.errs, tt.errs) {
				t.Errorf("failures:\n%s\nwant\n%s", strings.Join(rec.errs, "\n"), strings.Join(tt.errs, "\n"))
			}
		})
	}
}

func regexpOf(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	return re
}
