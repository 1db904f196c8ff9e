package analyzer_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"backofLimit", "backoffLimit", 3, 1},
		{"restartPolicy", "restartPolicy", 3, 0},
		{"Europe/Pari", "Europe/Paris", 3, 1},
		{"kitten", "sitting", 10, 3},
		{"kitten", "sitting", 3, 3}, // capped at the limit
		{"a", "abcdefgh", 3, 3},     // length difference alone exceeds it
		{"resource-limit-missing", "resource-limits-missing", 4, 1},
		{"", "abc", 5, 3},
	}
	for _, tt := range tests {
		if got := analyzer.EditDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

// TestEditDistanceMatchesDynamicProgramming compares the bit-parallel
// algorithm with the textbook matrix on random strings over a small
// alphabet (many near matches), long strings included.
func TestEditDistanceMatchesDynamicProgramming(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc-x"[rng.IntN(5)]
		}
		return string(b)
	}
	for range 20000 {
		a, b := word(rng.IntN(70)), word(rng.IntN(70))
		if rng.IntN(3) == 0 && len(a) > 0 {
			b = a[:rng.IntN(len(a))] + word(rng.IntN(3)) + a[rng.IntN(len(a)):]
		}
		limit := 1 + rng.IntN(80)
		if got, want := analyzer.EditDistance(a, b, limit), min(levenshtein(a, b), limit); got != want {
			t.Fatalf("EditDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
		}
		cands := []string{word(rng.IntN(12)), b, word(rng.IntN(12)), b + "x"}
		best, unique := analyzer.Closest(a, cands)
		wantBest, wantD, wantUnique := "", 3, false
		for _, c := range cands {
			switch e := levenshtein(a, c); {
			case e < wantD:
				wantBest, wantD, wantUnique = c, e, true
			case e == wantD && wantBest != "":
				wantUnique = false
			}
		}
		if best != wantBest || unique != wantUnique {
			t.Fatalf("Closest(%q, %q) = %q %v, want %q %v", a, cands, best, unique, wantBest, wantUnique)
		}
		if got := analyzer.NewNames(cands).Nearest(a); got != wantBest {
			t.Fatalf("Nearest(%q) of %q = %q, want %q", a, cands, got, wantBest)
		}
	}
}

// TestNearest checks the early stops of Nearest against Closest: a name
// equal ignoring case wins over an earlier one a single edit away, and the
// first of several names one edit away wins.
func TestNearest(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"obj-2", []string{"obj-3", "OBJ-2", "obj-2"}, "OBJ-2"},
		{"obj-2", []string{"obj-3", "obj-4"}, "obj-3"},
		{"obj-2", []string{"ob-33", "obj-4", "obj-2x"}, "obj-4"},
		{"runner", []string{"ab", "walker"}, ""},
		{"Runer", []string{"other", "runner"}, "runner"},
	}
	for _, tt := range tests {
		names := analyzer.NewNames(tt.names)
		got := names.Nearest(tt.name)
		if closest, _ := names.Closest(tt.name); got != tt.want || closest != tt.want {
			t.Errorf("Nearest(%q) of %q = %q (Closest %q), want %q", tt.name, tt.names, got, closest, tt.want)
		}
	}
}

func levenshtein(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
		}
	}
	return d[len(a)][len(b)]
}

// TestNearestMatchesLevenshtein checks Nearest's byte-comparison check
// (upToTwo) against the textbook distance, in long lists of short, similar
// names like those set rules search (the first name one edit away, else
// the first two edits away, else none), and on random words of a small
// alphabet, in short lists and in lists long enough to be indexed.
func TestNearestMatchesLevenshtein(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	word := func(alphabet string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 3000 {
		var cands []string
		var name string
		switch rng.IntN(3) {
		case 0:
			for range 1 + rng.IntN(120) {
				cands = append(cands, "obj-"+word("0123456789", 1+rng.IntN(2))+"-"+word("0123456789", 1))
			}
			name = "obj-" + word("0123456789", 1+rng.IntN(2)) + "-" + word("0123456789", 1+rng.IntN(2))
		case 1:
			for range 1 + rng.IntN(8) {
				cands = append(cands, word("abAB-", rng.IntN(9)))
			}
			name = word("abAB-", rng.IntN(9))
		default:
			// Long enough for Nearest's index (nearIndexMin), with
			// repeated names, names equal ignoring case, and the empty
			// name.
			for range 32 + rng.IntN(100) {
				cands = append(cands, word("abAB-", rng.IntN(7)))
			}
			name = word("abAB-", rng.IntN(8))
		}
		want, wantD := "", 3
		for _, c := range cands {
			if e := levenshtein(strings.ToLower(name), strings.ToLower(c)); e < wantD {
				want, wantD = c, e
			}
		}
		if got := analyzer.NewNames(cands).Nearest(name); got != want {
			t.Fatalf("Nearest(%q) of %q = %q, want %q", name, cands, got, want)
		}
	}
}
