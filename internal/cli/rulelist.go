package cli

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/analyzer"
)

// rulesTableWidth is the widest line of the `kvet rules` table: titles
// wrap to stay within it. Kinds are left to `kvet explain` and --format
// json, which have the room.
const rulesTableWidth = 100

// writeRulesTable writes the rules as a table of ID, severity and title, a
// rule that is off by default saying so after its title.
func writeRulesTable(w io.Writer, rules []*analyzer.Rule) error {
	idWidth := len("RULE")
	for _, r := range rules {
		idWidth = max(idWidth, utf8.RuneCountInString(r.ID))
	}
	const sevWidth = len("SEVERITY")
	indent := idWidth + 2 + sevWidth + 2
	titleWidth := max(rulesTableWidth-indent, 30)
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s  %-*s  %s\n", idWidth, "RULE", sevWidth, "SEVERITY", "TITLE")
	for _, r := range rules {
		title := r.Title
		if r.DisabledByDefault {
			title += " (off by default)"
		}
		for i, line := range wrapWidth(title, titleWidth) {
			if i == 0 {
				fmt.Fprintf(&b, "%-*s  %-*s  %s\n", idWidth, r.ID, sevWidth, r.Severity, line)
			} else {
				fmt.Fprintf(&b, "%s%s\n", strings.Repeat(" ", indent), line)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wrapWidth splits s into lines of at most width characters, at spaces (a
// longer word stands alone on its line).
func wrapWidth(s string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}
