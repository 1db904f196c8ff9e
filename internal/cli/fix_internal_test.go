package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// TestFileFixesApply checks how kvet fix reports the fixes of one file:
// a fix that overlaps an earlier one is "not applied" (no built-in rules'
// fixes overlap, so this is checked here with made-up fixes), and columns
// count bytes as in the text format.
func TestFileFixesApply(t *testing.T) {
	file := &analyzer.File{Path: "a.yaml", Content: []byte("name: café\nkind: x\n")}
	at := func(line, col int) analyzer.Range {
		return analyzer.Range{Start: analyzer.Position{Line: line, Column: col}}
	}
	edit := func(off, end int, text string) *analyzer.SuggestedFix {
		return &analyzer.SuggestedFix{Message: "set " + text, Edits: []analyzer.TextEdit{{Offset: off, End: end, NewText: text}}}
	}
	ff := fileFixes{file: file, diags: []analyzer.Diagnostic{
		{RuleID: "rule-a", File: "a.yaml", Range: at(1, 7), Fix: edit(6, 11, "tea")}, // "café" → "tea"
		{RuleID: "rule-b", File: "a.yaml", Range: at(1, 7), Fix: edit(8, 11, "ke")},  // overlaps rule-a's edit
		{RuleID: "rule-c", File: "a.yaml", Range: at(2, 7), Fix: edit(18, 19, "y")},  // x → y
	}}
	var out bytes.Buffer
	content, fixed, notApplied := ff.apply(&out, false)
	if string(content) != "name: tea\nkind: y\n" || fixed != 2 || notApplied != 1 {
		t.Errorf("content %q, %d fixed, %d not applied", content, fixed, notApplied)
	}
	const want = "a.yaml:1:7: fixed: set tea (rule-a)\n" +
		"a.yaml:1:7: not applied: set ke (rule-b)\n" +
		"a.yaml:2:7: fixed: set y (rule-c)\n"
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
	// A finding after non-ASCII text: its byte column.
	ff = fileFixes{file: file, diags: []analyzer.Diagnostic{{RuleID: "rule-d", File: "a.yaml", Range: at(1, 11), Fix: edit(12, 12, "!")}}}
	out.Reset()
	if _, _, _ = ff.apply(&out, true); out.String() != "a.yaml:1:12: would fix: set ! (rule-d)\n" {
		t.Errorf("dry run: %q", out.String())
	}
}

// TestUnsuppressedFirst checks that unsuppressedFirst returns the
// unsuppressed diagnostics in their order and leaves every diagnostic in
// the slice, the suppressed ones after them in their order.
func TestUnsuppressedFirst(t *testing.T) {
	s := &analyzer.Suppression{Kind: analyzer.SuppressionInSource}
	d := func(msg string, sup bool) analyzer.Diagnostic {
		out := analyzer.Diagnostic{RuleID: "r", Message: msg}
		if sup {
			out.Suppression = s
		}
		return out
	}
	tests := []struct {
		in        []analyzer.Diagnostic
		shown, at string // messages of the shown ones; of the whole slice after
	}{
		{nil, "", ""},
		{[]analyzer.Diagnostic{d("a", false), d("b", false)}, "a b", "a b"},
		{[]analyzer.Diagnostic{d("a", true), d("b", true)}, "", "a b"},
		{[]analyzer.Diagnostic{d("a", true), d("b", false), d("c", true), d("d", false), d("e", false)}, "b d e", "b d e a c"},
		{[]analyzer.Diagnostic{d("a", false), d("b", true)}, "a", "a b"},
	}
	msgs := func(ds []analyzer.Diagnostic) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Message)
		}
		return strings.Join(out, " ")
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		shown := unsuppressedFirst(in)
		if got := msgs(shown); got != tt.shown {
			t.Errorf("%s: shown %q, want %q", msgs(tt.in), got, tt.shown)
		}
		if got := msgs(in); got != tt.at {
			t.Errorf("%s: slice after %q, want %q", msgs(tt.in), got, tt.at)
		}
		for i := range shown {
			if shown[i].Suppressed() {
				t.Errorf("%s: shown %d is suppressed", msgs(tt.in), i)
			}
		}
	}
}

// TestWriteFixedKeepsChanges: a file changed between kvet's read and its
// write (an editor saved it meanwhile) is not written, and the message
// says so.
func TestWriteFixedKeepsChanges(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(p, []byte("kind: Job # saved by the editor\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeFixed(context.Background(), p, []byte("kind: Job\n"), []byte("kind: Job\nspec: {}\n"))
	if want := p + " not written: it changed while kvet ran; run kvet fix again"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if data, _ := os.ReadFile(p); string(data) != "kind: Job # saved by the editor\n" {
		t.Errorf("file = %q, want the editor's content", data)
	}
	if err := writeFixed(context.Background(), p, []byte("kind: Job # saved by the editor\n"), []byte("kind: Job\n")); err != nil {
		t.Errorf("unchanged file: %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != "kind: Job\n" {
		t.Errorf("file = %q, want the fixed content", data)
	}
}

// TestStdinPlan: kvet fix - fixes standard input only; a file its
// findings are reported in without being an input (a template that a
// `# Source:` comment names) is left alone, with a note, while files under
// the other PATH arguments are fixed.
func TestStdinPlan(t *testing.T) {
	plan := func() []fileFixes {
		return []fileFixes{
			{file: &analyzer.File{Path: "<stdin>"}, diags: make([]analyzer.Diagnostic, 1)},
			{file: &analyzer.File{Path: filepath.Join("ch", "templates", "job.yaml")}, diags: make([]analyzer.Diagnostic, 2)},
			{file: &analyzer.File{Path: filepath.Join("k8s", "job.yaml")}, diags: make([]analyzer.Diagnostic, 1)},
		}
	}
	tests := []struct {
		paths []string
		want  []string
		note  string
	}{
		{[]string{"-"}, []string{"<stdin>"}, "ch/templates/job.yaml: 2 fixes not applied"},
		{[]string{"-", "k8s"}, []string{"<stdin>", filepath.Join("k8s", "job.yaml")}, "ch/templates/job.yaml: 2 fixes not applied"},
		{[]string{"-", "."}, []string{"<stdin>", filepath.Join("ch", "templates", "job.yaml"), filepath.Join("k8s", "job.yaml")}, ""},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		var got []string
		for _, ff := range (&app{}).stdinPlan(plan(), "<stdin>", tt.paths, &out) {
			got = append(got, ff.file.Path)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("paths %v: fixed %v, want %v", tt.paths, got, tt.want)
		}
		if note := filepath.ToSlash(out.String()); tt.note == "" && note != "" || !strings.Contains(note, tt.note) {
			t.Errorf("paths %v: note %q, want one containing %q", tt.paths, note, tt.note)
		}
	}
}
