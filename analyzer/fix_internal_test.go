package analyzer

import "testing"

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
