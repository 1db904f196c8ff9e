package analyzer

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"
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

// TestMergeSortedRoom checks mergeSorted against a stable sort of both lists
// (ties keep sorted's first), with room in sorted's array for extra (the
// merge is then in that array) and without, and with an unsorted first
// list.
func TestMergeSortedRoom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gen := func(n int, tag string) []Diagnostic {
		ds := make([]Diagnostic, n)
		for i := range ds {
			// Many ties: Less compares the path of neither, which tells
			// them apart.
			ds[i] = Diagnostic{File: fmt.Sprint("f", rng.IntN(3)), RuleID: "r", Message: "m", Path: NewPath(tag, i),
				Range: Range{Start: Position{Line: 1 + rng.IntN(4), Column: 1}}}
		}
		return ds
	}
	for _, n := range []int{0, 1, 7, 200} {
		for _, m := range []int{0, 1, 3, 50} {
			for _, room := range []bool{false, true} {
				for _, unsorted := range []bool{false, true} {
					sorted := gen(n, "s")
					if !unsorted {
						slices.SortStableFunc(sorted, func(a, b Diagnostic) int { return compareForTest(&a, &b) })
					}
					extra := gen(m, "e")
					want := slices.Concat(sorted, extra)
					if m > 0 { // nothing to merge: sorted comes back as it is
						slices.SortStableFunc(want, func(a, b Diagnostic) int { return compareForTest(&a, &b) })
					}
					in := sorted
					if room {
						in = make([]Diagnostic, n, n+m)
						copy(in, sorted)
					}
					got := mergeSorted(in, slices.Clone(extra))
					if !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
						t.Fatalf("n=%d m=%d room=%v unsorted=%v: wrong merge", n, m, room, unsorted)
					}
					if room && !unsorted && n > 0 && m > 0 && &got[0] != &in[0] {
						t.Errorf("n=%d m=%d: merged into a new array despite the room", n, m)
					}
				}
			}
		}
	}
}

// compareForTest is Less as a three-way comparison.
func compareForTest(a, b *Diagnostic) int {
	switch {
	case Less(a, b):
		return -1
	case Less(b, a):
		return 1
	}
	return 0
}

// TestParseNamesColumns: the ranges of the rule IDs a directive names,
// counted from one to the next, are their columns counted from the line's
// start (multi-byte characters before and between them).
func TestParseNamesColumns(t *testing.T) {
	line := []byte("x: é # kvet:ignore rule-é,日本-x, ☕,last -- why")
	from := bytes.Index(line, []byte("kvet:ignore")) + len("kvet:ignore")
	names, reason := parseNames(line, from, 3)
	if reason != "why" || len(names) != 4 {
		t.Fatalf("names %v, reason %q", names, reason)
	}
	for _, n := range names {
		at := bytes.Index(line, []byte(n.id))
		want := Range{
			Start: Position{Line: 3, Column: 1 + utf8.RuneCount(line[:at])},
			End:   Position{Line: 3, Column: 1 + utf8.RuneCount(line[:at+len(n.id)])},
		}
		if n.rng != want {
			t.Errorf("%s at %v, want %v", n.id, n.rng, want)
		}
	}
}
