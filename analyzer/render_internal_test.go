package analyzer

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// renderedAt returns a diagnostic of rendering r about the Job name at
// line of a template, with the origin o (a new one when nil).
func renderedAt(r *Rendering, line int, name string, o *origin) Diagnostic {
	if o == nil {
		o = &origin{from: r}
	}
	return Diagnostic{
		RuleID: "job-ttl-missing", Severity: SeverityInfo, Message: "ttl", File: "chart/templates/jobs.yaml",
		Range:  Range{Start: Position{Line: line, Column: 1}, End: Position{Line: line, Column: 5}},
		Object: ObjectRef{APIVersion: "batch/v1", Kind: "Job", Name: name}, origin: o,
	}
}

// TestMergeRenderedObjects: objects rendered from one template line with
// one finding merge into the first, each object once, in order; a
// diagnostic that shared the first one's origin keeps its own objects.
func TestMergeRenderedObjects(t *testing.T) {
	r := &Rendering{Root: "chart", Kind: "chart"}
	shared := &origin{from: r}
	diags := []Diagnostic{
		renderedAt(r, 3, "x", shared),
		renderedAt(r, 3, "y", nil),
		renderedAt(r, 3, "x", nil),
		renderedAt(r, 3, "z", nil),
		renderedAt(r, 3, "y", nil),
		renderedAt(r, 7, "x", shared),
	}
	out := mergeRendered(context.Background(), diags, []*Rendering{r})
	if len(out) != 2 {
		t.Fatalf("%d diagnostics, want 2", len(out))
	}
	names := func(d *Diagnostic) []string {
		var s []string
		for _, o := range d.Objects() {
			s = append(s, o.Name)
		}
		return s
	}
	if got := names(&out[0]); !slices.Equal(got, []string{"x", "y", "z"}) {
		t.Errorf("line 3 stands for %v, want [x y z]", got)
	}
	if got := names(&out[1]); !slices.Equal(got, []string{"x"}) {
		t.Errorf("line 7 stands for %v, want [x]: its shared origin was changed", got)
	}
	if len(shared.also) != 0 {
		t.Errorf("the shared origin was changed: %v", shared.also)
	}
}

// BenchmarkMergeRenderedScale: N objects rendered from one template (a
// range over N values), each with the same finding at the same line,
// merge in time linear in N: ns/unit (per object) stays flat from 1,000
// to 16,000. Checking and copying the merged list at each merge made it
// quadratic (4,000 Jobs of one template took 5.6 s to lint, 0.6 s now).
// Run with
//
//	go test ./analyzer -run '^$' -bench MergeRenderedScale -benchtime 1x
func BenchmarkMergeRenderedScale(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			r := &Rendering{Root: "chart", Kind: "chart"}
			diags := make([]Diagnostic, n)
			for i := range diags {
				diags[i] = renderedAt(r, 3, fmt.Sprintf("j%d", i), nil)
			}
			in := make([]Diagnostic, n)
			for b.Loop() {
				copy(in, diags)
				if out := mergeRendered(context.Background(), in, []*Rendering{r}); len(out) != 1 || len(out[0].Objects()) != n {
					b.Fatalf("%d diagnostics", len(out))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
		})
	}
}

// TestCheckFixesTogether: the fixes of one source file are checked by
// rendering once for all of them when they are exact; a wrong one among
// them is found by halves and loses its fix alone; fixes that make the
// same edit are checked one by one (together they would hide that each
// changes the other's object).
func TestCheckFixesTogether(t *testing.T) {
	src := &File{Path: "base/jobs.yaml", Content: []byte("a: 1\nb: 2\nc: 3\nd: 4\n")}
	// The rendering holds the source twice (two overlays' objects from
	// one base): an exact fix of the first copy says what it does to
	// both.
	twice := func(b []byte) []byte { return append(append(slices.Clone(b), "---\n"...), b...) }
	n := len(src.Content) + len("---\n") // the offset of the second copy
	rendered := &File{Path: "(rendered)", Content: twice(src.Content)}
	calls := 0
	r := &Rendering{Root: "overlay", Kind: "overlay", Files: []*File{src}, Docs: []*Document{{File: rendered}}}
	r.Rerender = func(_ context.Context, _ *File, content []byte) ([]byte, bool) {
		calls++
		return twice(content), true
	}
	// fix replaces the value of line (1-based) by v, and says it makes
	// the rendered values of the copies it names v, and w elsewhere.
	fix := func(line int, v, w string, copies ...int) *SuggestedFix {
		off := (line-1)*5 + 3
		f := &SuggestedFix{Message: "set"}
		for _, c := range copies {
			f.Edits = append(f.Edits, TextEdit{Offset: off, End: off + 1, NewText: v, file: src,
				rendered: &TextEdit{Offset: c*n + off, End: c*n + off + 1, NewText: w, file: rendered}})
		}
		return f
	}
	diag := func(line int, f *SuggestedFix) Diagnostic {
		return Diagnostic{RuleID: fmt.Sprintf("rule-%d", line), File: src.Path, Fix: f,
			Range:  Range{Start: Position{Line: line, Column: 4}, End: Position{Line: line, Column: 5}},
			Object: ObjectRef{Kind: "Job", Name: fmt.Sprint(line)}, origin: &origin{from: r}}
	}
	for _, tt := range []struct {
		name  string
		diags []Diagnostic
		fixed []bool
		calls int
	}{
		{"exact", []Diagnostic{diag(1, fix(1, "5", "5", 0, 1)), diag(2, fix(2, "6", "6", 0, 1)), diag(3, fix(3, "7", "7", 0, 1)), diag(4, fix(4, "8", "8", 0, 1))},
			[]bool{true, true, true, true}, 1},
		{"one wrong", []Diagnostic{diag(1, fix(1, "5", "5", 0, 1)), diag(2, fix(2, "6", "6", 0, 1)), diag(3, fix(3, "7", "9", 0, 1)), diag(4, fix(4, "8", "8", 0, 1))},
			[]bool{true, true, false, true}, 5},
		// Two findings (say one suppressed) fixed by the same edit, each
		// on one copy: either alone changes both.
		{"same edit", []Diagnostic{diag(1, fix(1, "5", "5", 0)), diag(2, fix(1, "5", "5", 1)), diag(3, fix(3, "7", "7", 0, 1))},
			[]bool{false, false, true}, 3},
	} {
		calls = 0
		checkKept(t, tt.name, r, tt.diags, &calls, tt.fixed, tt.calls)
	}
}

// TestCheckFixesOverridden: when every object renders otherwise than its
// own fix says (an overlay sets the field again), the fixes at fault are
// told by their objects: one rendering drops them all, rather than one
// for each; a good fix of another object keeps its fix after one more.
func TestCheckFixesOverridden(t *testing.T) {
	// One object a document, whose value the overlay sets again but for
	// the documents of through: the base's value renders there only.
	src := &File{Path: "base/jobs.yaml", Content: []byte("a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n")}
	rendered := &File{Path: "(rendered)", Content: src.Content}
	calls := 0
	var through []int
	r := &Rendering{Root: "overlay", Kind: "overlay", Files: []*File{src}, Docs: []*Document{{File: rendered}}}
	r.Rerender = func(_ context.Context, _ *File, content []byte) ([]byte, bool) {
		calls++
		out := slices.Clone(rendered.Content)
		for _, k := range through {
			out[k*9+3] = content[k*9+3]
		}
		return out, true
	}
	// fix sets the value of document doc to v, and says it renders w.
	fix := func(doc int, v, w string) Diagnostic {
		off := doc*9 + 3
		return Diagnostic{RuleID: "rule", File: src.Path, Message: fmt.Sprint(doc),
			Range:  Range{Start: Position{Line: 2*doc + 1, Column: 4}, End: Position{Line: 2*doc + 1, Column: 5}},
			Object: ObjectRef{Kind: "Job", Name: fmt.Sprint(doc)}, origin: &origin{from: r},
			Fix: &SuggestedFix{Message: "set", Edits: []TextEdit{{Offset: off, End: off + 1, NewText: v, file: src,
				rendered: &TextEdit{Offset: off, End: off + 1, NewText: w, file: rendered}}}}}
	}
	for _, tt := range []struct {
		name    string
		through []int
		diags   []Diagnostic
		fixed   []bool
		calls   int
	}{
		{"all overridden", nil, []Diagnostic{fix(0, "5", "5"), fix(1, "6", "6"), fix(2, "7", "7"), fix(3, "8", "8")}, []bool{false, false, false, false}, 1},
		{"one good", []int{2}, []Diagnostic{fix(0, "5", "5"), fix(1, "6", "6"), fix(2, "7", "7"), fix(3, "8", "8")}, []bool{false, false, true, false}, 2},
	} {
		calls, through = 0, tt.through
		checkKept(t, tt.name, r, tt.diags, &calls, tt.fixed, tt.calls)
	}
}

// checkKept merges diags of r (calls counts r's renderings) and checks
// which keep their fix (fixed) and after how many renderings (want).
func checkKept(t *testing.T, name string, r *Rendering, diags []Diagnostic, calls *int, fixed []bool, want int) {
	t.Helper()
	out := mergeRendered(context.Background(), slices.Clone(diags), []*Rendering{r})
	var kept []bool
	for _, d := range out {
		kept = append(kept, d.Fix != nil)
	}
	if !slices.Equal(kept, fixed) || *calls != want {
		t.Errorf("%s: fixes kept %v after %d renderings, want %v after %d", name, kept, *calls, fixed, want)
	}
}
