package analyzer_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// CapFindings keeps at most limit findings per rule per file (suppressed
// and unsuppressed apart), replacing the rest by one finding that counts
// them, and returns its input untouched when no file has more than limit
// findings, wherever a file's findings are in the list.
func TestCapFindings(t *testing.T) {
	at := func(file, rule string, line int) analyzer.Diagnostic {
		p := analyzer.Position{Line: line, Column: 1}
		return analyzer.Diagnostic{RuleID: rule, Severity: analyzer.SeverityWarning, File: file, Range: analyzer.Range{Start: p, End: p}}
	}
	suppressed := func(d analyzer.Diagnostic) analyzer.Diagnostic {
		d.Suppression = &analyzer.Suppression{Kind: analyzer.SuppressionInSource}
		return d
	}
	show := func(ds []analyzer.Diagnostic) []string {
		var out []string
		for _, d := range ds {
			s := fmt.Sprintf("%s:%d %s", d.File, d.Range.Start.Line, d.RuleID)
			if d.Message != "" {
				s += " [" + strings.SplitN(d.Message, " in this file", 2)[0] + "]"
			}
			if d.Suppressed() {
				s += " (suppressed)"
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name  string
		diags []analyzer.Diagnostic
		want  []string // nil: the input itself
	}{
		{"under the limit", []analyzer.Diagnostic{at("a", "x", 1), at("a", "y", 2), at("b", "x", 1), at("b", "x", 2)}, nil},
		{"a file over the limit, no rule over it",
			[]analyzer.Diagnostic{at("a", "x", 1), at("a", "y", 2), at("a", "x", 3), at("a", "y", 4)},
			[]string{"a:1 x", "a:2 y", "a:3 x", "a:4 y"}},
		{"a rule over the limit",
			[]analyzer.Diagnostic{at("a", "x", 1), at("a", "x", 2), at("a", "x", 3), at("a", "x", 4), at("a", "y", 5), at("b", "x", 1)},
			[]string{"a:1 x", "a:2 x", "a:3 x [2 more x findings]", "a:5 y", "b:1 x"}},
		{"a file's findings in two runs",
			[]analyzer.Diagnostic{at("a", "x", 1), at("a", "x", 2), at("b", "x", 1), at("a", "x", 3), at("a", "x", 4)},
			[]string{"a:1 x", "a:2 x", "a:3 x [2 more x findings]", "b:1 x"}},
		{"suppressed findings capped apart",
			[]analyzer.Diagnostic{at("a", "x", 1), at("a", "x", 2), suppressed(at("a", "x", 3)), suppressed(at("a", "x", 4))},
			[]string{"a:1 x", "a:2 x", "a:3 x (suppressed)", "a:4 x (suppressed)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.diags)
			got := analyzer.CapFindings(in, 2)
			if tt.want == nil {
				if &got[0] != &in[0] || len(got) != len(in) {
					t.Fatalf("got a new list %q, want the input", show(got))
				}
				return
			}
			if !slices.Equal(show(got), tt.want) {
				t.Errorf("got %q, want %q", show(got), tt.want)
			}
			// The list holds what is shown, no room for what is not: the
			// report keeps it alive next to the findings before the cap.
			if cap(got) != len(got) {
				t.Errorf("capacity %d for %d findings", cap(got), len(got))
			}
		})
	}
}
