package analyzer

import (
	"context"
	"reflect"
	"testing"
)

// TestSuppressWithoutParseMarks checks that comments are told from text in
// block scalars the same way when the file's block-scalar lines were not
// marked by Parse (Suppress then walks the re-parsed node trees).
func TestSuppressWithoutParseMarks(t *testing.T) {
	image := &Rule{ID: "test-image", Kinds: PodKinds(), Run: func(p *Pass) {
		if tmpl, ok := PodTemplateOf(p.Doc); ok {
			for _, c := range tmpl.Containers() {
				p.Reportf(c.Path.Key("image"), "image")
			}
		}
	}}
	rules := append([]*Rule{image}, SuppressionRules()[0])
	run := func(clear bool) []Diagnostic {
		set, res := Lint(context.Background(), NewLoader(nil), []string{"testdata/ignore/line.yaml"}, rules, Options{})
		if set.Files[0].blockLines == nil {
			t.Fatal("Parse did not mark the block scalars of a file with kvet:ignore comments")
		}
		if clear {
			set.Files[0].blockLines = nil
		}
		return Suppress(set, res.Diagnostics, SuppressConfig{Rules: rules})
	}
	marked, walked := run(false), run(true)
	if !reflect.DeepEqual(marked, walked) {
		t.Errorf("with Parse's marks:\n%v\nwalking the trees:\n%v", marked, walked)
	}
	// Line 21 is inside a block scalar: its "# kvet:ignore" is text, so
	// the image on line 18 stays reported and no comment is unused there.
	for _, d := range walked {
		if d.Range.Start.Line == 21 {
			t.Errorf("diagnostic in a block scalar: %+v", d)
		}
	}
	// The four images (9 and 16 suppressed); the comments naming
	// test-name are not reported since that rule did not run.
	if len(walked) != 4 {
		t.Errorf("%d diagnostics, want 4", len(walked))
	}
}

func TestMergeSorted(t *testing.T) {
	d := func(line int, rule string) Diagnostic {
		return Diagnostic{File: "a.yaml", RuleID: rule, Range: Range{Start: Position{Line: line, Column: 1}}}
	}
	lines := func(ds []Diagnostic) []int {
		var out []int
		for _, x := range ds {
			out = append(out, x.Range.Start.Line)
		}
		return out
	}
	sorted := []Diagnostic{d(1, "a"), d(3, "a"), d(5, "a")}
	extra := []Diagnostic{d(6, "b"), d(2, "b"), d(3, "b")}
	if got := lines(mergeSorted(sorted, extra)); !reflect.DeepEqual(got, []int{1, 2, 3, 3, 5, 6}) {
		t.Errorf("merge: %v", got)
	}
	unsorted := []Diagnostic{d(4, "a"), d(1, "a")}
	if got := lines(mergeSorted(unsorted, []Diagnostic{d(2, "b")})); !reflect.DeepEqual(got, []int{1, 2, 4}) {
		t.Errorf("unsorted input: %v", got)
	}
}
