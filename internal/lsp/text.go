package lsp

import (
	"bytes"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/analyzer"
)

// encoding is the negotiated position encoding: what a Position's
// Character counts.
type encoding string

// negotiate picks the position encoding from those the client offers:
// UTF-8 whenever it is offered (kvet counts bytes and code points, no
// conversion), else UTF-16, the protocol's default that every client
// supports, else UTF-32 when that is all the client offers.
func negotiate(offered []string) encoding {
	switch {
	case slices.Contains(offered, positionEncodingUTF8):
		return positionEncodingUTF8
	case len(offered) > 0 && !slices.Contains(offered, positionEncodingUTF16) && slices.Contains(offered, positionEncodingUTF32):
		return positionEncodingUTF32
	}
	return positionEncodingUTF16
}

// units returns how many code units of e the rune r takes.
func (e encoding) units(r rune, size int) int {
	switch e {
	case positionEncodingUTF8:
		return size
	case positionEncodingUTF32:
		return 1
	}
	if r >= 0x10000 {
		return 2
	}
	return 1
}

var bom = []byte("\xef\xbb\xbf")

// lineStart returns the byte offset at which the 0-based line n of f
// starts (a byte order mark is part of the first line, as clients that
// keep it in the buffer count it), clamped to the file.
func lineStart(f *analyzer.File, n int) int {
	if n <= 0 {
		return 0
	}
	if n >= f.LineCount() {
		// Past the last line: the end of the file.
		return len(f.Content)
	}
	off := f.Offset(analyzer.Position{Line: n + 1, Column: 1})
	return off
}

// lineEnd returns the offset of the end of the 0-based line n, before its
// line ending.
func lineEnd(f *analyzer.File, n int) int {
	end := len(f.Content)
	if n+1 < f.LineCount() {
		end = lineStart(f, n+1) - 1 // the "\n", or a lone "\r"
		if f.Content[end] == '\n' && end > 0 && f.Content[end-1] == '\r' {
			end--
		}
	}
	return max(end, lineStart(f, n))
}

// toLSP converts a byte offset of f to a position in encoding e. The
// file's column index makes it cost the same on any line: counting from
// the line's start, a file written on one line (a JSON List of thousands
// of objects) cost the line's length per diagnostic.
func (e encoding) toLSP(f *analyzer.File, offset int) Position {
	offset = max(0, min(offset, len(f.Content)))
	p := f.Position(offset)
	var ch int
	switch e {
	case positionEncodingUTF8:
		ch = f.ByteColumn(p) - 1
	case positionEncodingUTF32:
		ch = p.Column - 1
	default:
		ch = f.UTF16Column(p)
	}
	if p.Line == 1 && bytes.HasPrefix(f.Content, bom) && offset >= len(bom) {
		// The byte order mark is part of the first line (see lineStart),
		// where the analyzer does not count it: one character.
		ch += e.units(0xFEFF, len(bom))
	}
	return Position{Line: p.Line - 1, Character: ch}
}

// pos converts an analyzer position of f (columns count code points) to a
// position in encoding e.
func (e encoding) pos(f *analyzer.File, p analyzer.Position) Position {
	return e.toLSP(f, f.Offset(p))
}

// rng converts an analyzer range of f to a range in encoding e.
func (e encoding) rng(f *analyzer.File, r analyzer.Range) Range {
	start := e.pos(f, r.Start)
	end := e.pos(f, r.End)
	if end.Line < start.Line || end.Line == start.Line && end.Character < start.Character {
		end = start
	}
	return Range{Start: start, End: end}
}

// offset converts a position in encoding e to a byte offset of f. A
// character past the end of its line is the end of the line, a line past
// the end of the file the end of the file (as the protocol asks), and a
// position inside a character that takes several code units is the start
// of that character.
func (e encoding) offset(f *analyzer.File, p Position) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= f.LineCount() {
		return len(f.Content)
	}
	i, end := lineStart(f, p.Line), lineEnd(f, p.Line)
	for ch := 0; i < end; {
		r, size := utf8.DecodeRune(f.Content[i:end])
		if ch+e.units(r, size) > p.Character {
			break
		}
		ch += e.units(r, size)
		i += size
	}
	return i
}

// edit converts an analyzer text edit of f to an LSP one.
func (e encoding) edit(f *analyzer.File, t analyzer.TextEdit) TextEdit {
	return TextEdit{Range: Range{Start: e.toLSP(f, t.Offset), End: e.toLSP(f, t.End)}, NewText: t.NewText}
}

// uriToPath returns the file system path of a file: URI, or ok == false for
// another scheme (an unsaved "untitled:" buffer).
func uriToPath(uri string) (path string, ok bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return "", false
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // file:///C:/x on Windows
	}
	return filepath.Clean(filepath.FromSlash(p)), true
}

// pathToURI returns the file: URI of an absolute path.
func pathToURI(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// applyChange applies a content change to text: the whole text, or the
// text of its range.
func (e encoding) applyChange(text []byte, c TextDocumentContentChangeEvent) ([]byte, error) {
	if c.Range == nil {
		return []byte(c.Text), nil
	}
	f := &analyzer.File{Content: text}
	start, end := e.offset(f, c.Range.Start), e.offset(f, c.Range.End)
	if end < start {
		return nil, fmt.Errorf("change range ends before it starts: %+v", *c.Range)
	}
	out := make([]byte, 0, len(text)-(end-start)+len(c.Text))
	out = append(out, text[:start]...)
	out = append(out, c.Text...)
	return append(out, text[end:]...), nil
}
