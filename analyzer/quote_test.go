package analyzer_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestDiagnosticMessageBound: whatever a rule puts in a message (a name
// pasted whole), the diagnostic and its related places keep at most
// MaxDiagnosticMessage characters, saying how long the message was.
func TestDiagnosticMessageBound(t *testing.T) {
	huge := strings.Repeat("n", 1<<20)
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "a.yaml", Content: []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n")})
	rule := &analyzer.Rule{ID: "test-huge", Severity: analyzer.SeverityInfo, Run: func(p *analyzer.Pass) {
		p.Report(analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: "named " + huge,
			Related: []analyzer.Related{{Doc: p.Doc, Path: analyzer.NewPath("kind"), Message: "here " + huge}}})
	}}
	res := analyzer.Run(context.Background(), &analyzer.Set{Docs: docs}, []*analyzer.Rule{rule}, analyzer.Options{})
	if len(res.Diagnostics) != 1 || len(res.Diagnostics[0].Related) != 1 {
		t.Fatalf("diagnostics %v", res.Diagnostics)
	}
	d := res.Diagnostics[0]
	for _, msg := range []string{d.Message, d.Related[0].Message} {
		if n := utf8.RuneCountInString(msg); n > analyzer.MaxDiagnosticMessage+40 || !strings.HasSuffix(msg, "characters)") {
			t.Errorf("message of %d characters ending %q", n, msg[len(msg)-40:])
		}
	}
}
