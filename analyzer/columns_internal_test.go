package analyzer

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// TestLineColumns: on short and long lines (ASCII, multi-byte characters
// on and around the index's marks, invalid UTF-8, a byte order mark, CRLF
// endings), lineOffset and lineColumn agree with decoding the line from
// its start, for every column and every byte offset, and clamp past the
// end of the line.
func TestLineColumns(t *testing.T) {
	long := strings.Repeat("a", 3*longLine)
	mixed := strings.Repeat("aé☕\U0001F600", longLine/4)
	tests := []struct{ name, content string }{
		{"short", "apiVersion: v1\nkind: Pod\n"},
		{"short multi-byte", "name: café ☕\n"},
		{"long ASCII", "x: " + long + "\n"},
		{"long multi-byte", "x: " + mixed + "\n" + mixed},
		{"multi-byte at the marks", strings.Repeat(strings.Repeat("b", columnStep-1)+"ü", 10)},
		{"invalid UTF-8", "x: " + strings.Repeat("a\xffé", longLine) + "\n"},
		{"byte order mark", "\xef\xbb\xbf" + mixed + "\n" + long},
		{"CRLF", mixed + "\r\n" + long + "\r\n"},
		{"trailing blanks", mixed + strings.Repeat(" \t", longLine) + "\n" + long + "   \n" + strings.Repeat(" ", 2*longLine)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Path: "f.yaml", Content: []byte(tt.content)}
			for n := 1; n <= f.LineCount(); n++ {
				line := f.Line(n)
				runes := utf8.RuneCount(line)
				// Every column, and past the end.
				for col := 1; col <= runes+3; col++ {
					want := len(prefixBefore(line, col))
					if got := f.lineOffset(n, col); got != want {
						t.Fatalf("line %d: lineOffset(col %d) = %d, want %d", n, col, got, want)
					}
				}
				for col := 1; col <= runes+3; col++ {
					want := utf8.RuneCount(bytes.TrimRight(line[len(prefixBefore(line, col)):], " \t"))
					if got := f.widthToEnd(n, col); got != want {
						t.Fatalf("line %d: widthToEnd(col %d) = %d, want %d", n, col, got, want)
					}
				}
				for off := 0; off <= len(line)+3; off++ {
					want := 1 + utf8.RuneCount(line[:min(off, len(line))])
					if got := f.Column(n, off); got != want {
						t.Fatalf("line %d: Column(offset %d) = %d, want %d", n, off, got, want)
					}
				}
				for col := 1; col <= runes+3; col++ {
					want := len(utf16.Encode([]rune(string(line[:len(prefixBefore(line, col))]))))
					if got := f.UTF16Column(Position{Line: n, Column: col}); got != want {
						t.Fatalf("line %d: UTF16Column(col %d) = %d, want %d", n, col, got, want)
					}
				}
				// Positions through the whole file: Offset and Position
				// are inverse on character boundaries.
				for col := 1; col <= runes+1; col++ {
					p := Position{Line: n, Column: col}
					if got := f.Position(f.Offset(p)); got != p {
						t.Fatalf("Position(Offset(%v)) = %v", p, got)
					}
				}
			}
		})
	}
}
