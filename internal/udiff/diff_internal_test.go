package udiff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// apply returns x with ops applied, taking the new lines from y.
func apply(x, y []string, ops []op) []string {
	var out []string
	i := 0
	for _, o := range ops {
		out = append(out, x[i:o.x0]...)
		out = append(out, y[o.y0:o.y1]...)
		i = o.x1
	}
	return append(out, x[i:]...)
}

// manifest returns n lines of Jobs: every eighth line names its Job, so
// that a file has lines it holds once and many it holds often.
func manifest(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		switch i % 8 {
		case 0:
			lines[i] = "---\n"
		case 1:
			lines[i] = fmt.Sprintf("  name: j%d\n", i/8)
		default:
			lines[i] = fmt.Sprintf("    field%d: x\n", i%8)
		}
	}
	return lines
}

// edit changes about one line in every `every` of x, as a fix does:
// inserting a line, replacing one, or deleting one.
func edit(x []string, every int, r *rand.Rand) []string {
	var y []string
	for _, l := range x {
		switch r.IntN(3 * every) {
		case 0:
			y = append(y, l, "  backoffLimit: 6\n")
		case 1:
			y = append(y, "    restartPolicy: Never\n")
		case 2:
		default:
			y = append(y, l)
		}
	}
	return y
}

// diff's changes turn x into y, in order and without overlap, whichever
// way it finds them: Myers' search (small files, few changes), the lines
// both hold once (many changes), or replacing a part whole (many changes
// and no line held once). The second and third ran Myers' search with a
// trace of N+M ints per difference before: 80,000 lines with 12,000
// differences ran out of memory at 24 GB.
func TestDiffChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	same := func(n int) []string { return slices.Repeat([]string{"    field: x\n"}, n) }
	tests := []struct {
		name  string
		x     []string
		every int
		myers bool
	}{
		{"small", manifest(200), 10, true},
		{"large, few changes", manifest(40000), 2000, true},
		{"large, many changes", manifest(40000), 8, false},
		{"no line held once", same(40000), 8, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := edit(tc.x, tc.every, r)
			if _, ok := myers(tc.x, y); ok != tc.myers {
				t.Fatalf("Myers' search within its bound: %v, want %v", ok, tc.myers)
			}
			ops := diff(tc.x, y)
			for k, o := range ops {
				if o.x0 > o.x1 || o.y0 > o.y1 || k > 0 && (o.x0 <= ops[k-1].x1 && o.y0 <= ops[k-1].y1) {
					t.Fatalf("change %d %+v after %+v: out of order or adjacent", k, o, ops[k-1])
				}
			}
			if got := apply(tc.x, y, ops); !slices.Equal(got, y) {
				t.Fatalf("the %d changes do not give the new text", len(ops))
			}
			if !strings.HasPrefix(tc.name, "no line") {
				changed := 0
				for _, o := range ops {
					changed += o.x1 - o.x0 + o.y1 - o.y0
				}
				if edits := len(tc.x) / tc.every; changed > 4*edits {
					t.Errorf("%d lines changed for about %d edits", changed, edits)
				}
			}
		})
	}
}

// BenchmarkUnifiedScale shows that a diff is linear in the lines of a file
// with a change every eight lines (a fix of every Job of a large file):
// ns/unit (per line) stays flat from 40,000 to 160,000 lines (about 2 µs;
// at 10,000 it is higher, about 6 µs: Myers' search runs to its bound of
// 32 MB before the split). Run with
//
//	go test ./internal/udiff -run '^$' -bench UnifiedScale -benchtime 1x
func BenchmarkUnifiedScale(b *testing.B) {
	for _, n := range []int{10000, 40000, 160000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x := manifest(n)
			y := edit(x, 8, rand.New(rand.NewPCG(1, 2)))
			a, c := []byte(strings.Join(x, "")), []byte(strings.Join(y, ""))
			for b.Loop() {
				if Unified("a/f", "b/f", a, c) == "" {
					b.Fatal("no diff")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
		})
	}
}
