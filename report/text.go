package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fatih/color"

	"github.com/kvet-dev/kvet/analyzer"
)

// Text writes `path:line:col: severity: message (rule-id)`, one diagnostic a
// line, the format editors and problem matchers read. Columns count bytes
// from 1, as gcc and go vet do and as Vim's %c and Emacs read them. A
// finding that kvet fix can fix says so: `message [fixable] (rule-id)`. A diagnostic's related
// places follow it as indented `path:line:col: note: message` lines, the
// shape compilers use for notes.
type Text struct {
	Color bool
}

// Format implements Formatter.
func (t *Text) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	srcs := r.sources()
	if !t.Color {
		// The plain lines, without going through fmt: a report may hold
		// tens of thousands.
		var b []byte
		for _, d := range r.Diagnostics {
			b = appendLocation(b[:0], oneLine(d.File), d.Range.Start.Line, byteColumn(srcs, d.File, d.Range.Start))
			b = append(b, ": "...)
			b = append(b, d.Severity.String()...)
			b = append(b, ": "...)
			b = append(b, oneLine(d.Message)...)
			if d.Fix != nil && !d.Suppressed() {
				b = append(b, " [fixable]"...)
			}
			b = append(b, " ("...)
			b = append(b, oneLine(d.RuleID)...)
			b = append(b, ")\n"...)
			for _, rel := range d.Related {
				b = appendLocation(append(b, "  "...), oneLine(rel.File), rel.Range.Start.Line, byteColumn(srcs, rel.File, rel.Range.Start))
				b = append(b, ": note: "...)
				b = append(b, oneLine(rel.Message)...)
				b = append(b, '\n')
			}
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
		return bw.Flush()
	}
	paint := map[analyzer.Severity]*color.Color{
		analyzer.SeverityError:   color.New(color.FgRed, color.Bold),
		analyzer.SeverityWarning: color.New(color.FgYellow),
		analyzer.SeverityInfo:    color.New(color.FgCyan),
	}
	loc := color.New(color.Bold)
	dim := color.New(color.Faint)
	for _, c := range append([]*color.Color{loc, dim}, paint[analyzer.SeverityError], paint[analyzer.SeverityWarning], paint[analyzer.SeverityInfo]) {
		c.EnableColor()
	}
	for _, d := range r.Diagnostics {
		sev := d.Severity.String()
		if p := paint[d.Severity]; p != nil {
			sev = p.Sprint(sev)
		}
		fixable := ""
		if d.Fix != nil && !d.Suppressed() {
			fixable = " " + dim.Sprint("[fixable]")
		}
		fmt.Fprintf(bw, "%s: %s: %s%s %s\n",
			loc.Sprint(string(appendLocation(nil, oneLine(d.File), d.Range.Start.Line, byteColumn(srcs, d.File, d.Range.Start)))),
			sev, oneLine(d.Message), fixable, dim.Sprintf("(%s)", oneLine(d.RuleID)))
		for _, rel := range d.Related {
			fmt.Fprintf(bw, "  %s: %s: %s\n",
				loc.Sprint(string(appendLocation(nil, oneLine(rel.File), rel.Range.Start.Line, byteColumn(srcs, rel.File, rel.Range.Start)))),
				dim.Sprint("note"), oneLine(rel.Message))
		}
	}
	return bw.Flush()
}

// appendLocation appends "path:line:col".
func appendLocation(b []byte, file string, line, col int) []byte {
	b = append(b, file...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ':')
	return strconv.AppendInt(b, int64(col), 10)
}

// oneLine keeps a diagnostic on one line, and the terminal it is shown
// in as it is: line breaks in a message (or in a path or a policy's rule
// ID) become spaces, since editors and problem matchers read one
// diagnostic a line; other control characters are escaped
// (escapeControls). Tabs stay.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\n\r") {
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), " ")
	}
	return escapeControls(s)
}

// escapeControls writes the control characters of s other than tabs and
// line breaks (an escape sequence in a Helm chart's fail message or a
// policy's message, a bell) as Go escapes ("\x1b", "\u009b"), so that a
// message cannot drive the terminal or log viewer it is shown in. Line
// breaks are left to the caller: the text format joins lines, workflow
// commands encode them.
func escapeControls(s string) string {
	// One pass over the bytes: most messages hold nothing to change, and
	// every finding's message goes through here.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f || c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FixableNote returns what the text summary adds about fixes: "; N
// fixable with kvet fix", or "" when nothing is.
func FixableNote(r *Report) string {
	if n := r.Fixable(); n > 0 {
		return fmt.Sprintf("; %d fixable with kvet fix", n)
	}
	return ""
}

// Summary returns the one-line summary printed on stderr after text output.
func Summary(r *Report) string {
	c := r.Counts()
	return fmt.Sprintf("kvet: %d %s, %d %s, %d info in %d %s (%d %s)",
		c[analyzer.SeverityError], plural(c[analyzer.SeverityError], "error", "errors"),
		c[analyzer.SeverityWarning], plural(c[analyzer.SeverityWarning], "warning", "warnings"),
		c[analyzer.SeverityInfo],
		r.Files, plural(r.Files, "file", "files"),
		r.Documents, plural(r.Documents, "document", "documents"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
