package analyzer_test

import (
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("é", 20<<20) // a 20 M-character value
	for _, c := range []struct{ in, want string }{
		{"app:latest", `"app:latest"`},
		{"a\"b\n", `"a\"b\n"`},
		{strings.Repeat("x", analyzer.MaxQuoted), `"` + strings.Repeat("x", analyzer.MaxQuoted) + `"`},
		{strings.Repeat("x", analyzer.MaxQuoted+1), `"` + strings.Repeat("x", analyzer.MaxQuoted) + `"… (201 characters)`},
		{long, `"` + strings.Repeat("é", analyzer.MaxQuoted) + `"… (20971520 characters)`},
	} {
		if got := analyzer.Quote(c.in); got != c.want {
			t.Errorf("Quote(%.20q…) = %.60q…, want %.60q…", c.in, got, c.want)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, c := range []struct {
		in    string
		limit int
		want  string
	}{
		{"short", 10, "short"},
		{"0123456789", 10, "0123456789"},
		{"0123456789a", 10, "0123456789… (11 characters)"},
		{"ééééé", 2, "éé… (5 characters)"},
	} {
		if got := analyzer.Shorten(c.in, c.limit); got != c.want {
			t.Errorf("Shorten(%q, %d) = %q, want %q", c.in, c.limit, got, c.want)
		}
	}
}
