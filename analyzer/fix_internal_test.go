package analyzer

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPlainWord checks plainWord, YAMLString's shortcut, against parsing:
// every string it accepts (all strings of up to three characters from an
// alphabet of letters that start YAML's special words, digits and
// punctuation, and YAML 1.1's words) reads back as itself.
func TestPlainWord(t *testing.T) {
	alphabet := []string{"a", "A", "y", "Y", "n", "N", "o", "O", "t", "T", "f", "F", "e", "E", "l", "u", "1", "0", "-", ".", "_", "/", ":", "#", " "}
	words := []string{"Never", "OnFailure", "Always", "Europe/Paris", "yes", "No", "ON", "Off", "true", "False", "NULL", "null", "~",
		"inf", "Inf", ".inf", "nan", "NaN", "e5", "x1e5", "Infinity", "a.b.c", "a..b", "x-", "a/", "a_b", "0x1f", "1e3"}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		words = append(words, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 3)
	accepted := 0
	for _, w := range words {
		if !plainWord(w) {
			continue
		}
		accepted++
		if !readsBackPlain(w) {
			t.Errorf("plainWord(%q) is true, but it does not read back as itself", w)
		}
	}
	if accepted < 1000 {
		t.Errorf("plainWord accepted %d of %d strings, want the plain words among them", accepted, len(words))
	}
	for _, w := range []string{"yes", "No", "ON", "off", "true", "NULL", "y", "n", "1a", "-a", ".a", "a:b", "a b", "a#", ""} {
		if plainWord(w) {
			t.Errorf("plainWord(%q) is true, want false", w)
		}
	}
}

// applyFixesReference is ApplyFixes as it was written first: each fix
// checked against every edit accepted before it.
func applyFixesReference(content []byte, fixes []*SuggestedFix) ([]byte, []bool) {
	applied := make([]bool, len(fixes))
	var accepted []TextEdit
	for i, f := range fixes {
		if f == nil || len(f.Edits) == 0 || !validEdits(f.Edits, len(content)) {
			continue
		}
		clash := false
		for _, e := range f.Edits {
			for _, a := range accepted {
				clash = clash || editsOverlap(e, a)
			}
		}
		if !clash {
			accepted = append(accepted, f.Edits...)
			applied[i] = true
		}
	}
	out, err := ApplyEdits(content, accepted)
	if err != nil {
		return content, make([]bool, len(fixes))
	}
	return out, applied
}

// TestApplyFixesIndex: on random fixes over a short text (replacements,
// insertions, deletions, identical edits, edits of one fix in any order,
// invalid ones), ApplyFixes, which finds the edits a fix may overlap by
// binary search, applies exactly the fixes and text of the reference that
// checks every accepted edit.
func TestApplyFixesIndex(t *testing.T) {
	content := []byte("apiVersion: batch/v1\nkind: Job\nspec:\n  backoffLimit: 3\n")
	rng := rand.New(rand.NewPCG(1, 2))
	edit := func() TextEdit {
		off := rng.IntN(len(content) + 2)
		end := off
		if rng.IntN(3) > 0 {
			end += rng.IntN(6)
		}
		return TextEdit{Offset: off, End: end, NewText: []string{"", "x", "yy"}[rng.IntN(3)]}
	}
	for round := range 20000 {
		var fixes []*SuggestedFix
		var pool []TextEdit
		for range 1 + rng.IntN(8) {
			f := &SuggestedFix{}
			for range 1 + rng.IntN(3) {
				e := edit()
				if len(pool) > 0 && rng.IntN(4) == 0 {
					e = pool[rng.IntN(len(pool))] // an edit of another fix again
				}
				pool = append(pool, e)
				f.Edits = append(f.Edits, e)
			}
			fixes = append(fixes, f)
		}
		got, gotApplied := ApplyFixes(content, fixes)
		want, wantApplied := applyFixesReference(content, fixes)
		if string(got) != string(want) || !slices.Equal(gotApplied, wantApplied) {
			for _, f := range fixes {
				t.Logf("fix %+v", f.Edits)
			}
			t.Fatalf("round %d: applied %v, text %q; the reference applies %v, text %q", round, gotApplied, got, wantApplied, want)
		}
	}
}
