package lsp

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/analyzer"
)

// Offsets and positions convert both ways in every encoding, across CRLF
// line endings, a byte order mark, characters outside the BMP, and
// positions past the end of a line or of the file.
func TestPositionConversions(t *testing.T) {
	f := &analyzer.File{Content: []byte("\xef\xbb\xbfa: é\r\nb: \"🚀x\"\r\nlast")}
	for _, tc := range []struct {
		enc    encoding
		offset int
		pos    Position
	}{
		{positionEncodingUTF16, 0, Position{0, 0}},
		{positionEncodingUTF16, 3, Position{0, 1}},   // after the byte order mark, counted as one character
		{positionEncodingUTF16, 8, Position{0, 5}},   // end of line 1, before \r\n
		{positionEncodingUTF16, 10, Position{1, 0}},  // line 2
		{positionEncodingUTF16, 14, Position{1, 4}},  // before 🚀
		{positionEncodingUTF16, 18, Position{1, 6}},  // after 🚀: two UTF-16 units
		{positionEncodingUTF8, 18, Position{1, 8}},   // four bytes
		{positionEncodingUTF32, 18, Position{1, 5}},  // one code point
		{positionEncodingUTF16, 22, Position{2, 0}},  // "last"
		{positionEncodingUTF16, 26, Position{2, 4}},  // end of the file
		{positionEncodingUTF8, 8, Position{0, 8}},    // the byte order mark (3) and "a: é" (5)
		{positionEncodingUTF32, 8, Position{0, 5}},   // the byte order mark and 4 code points
		{positionEncodingUTF16, 1, Position{0, 0}},   // inside the byte order mark
		{positionEncodingUTF16, 100, Position{2, 4}}, // past the end: clamped
	} {
		if got := tc.enc.toLSP(f, tc.offset); got != tc.pos {
			t.Errorf("%s: offset %d → %+v, want %+v", tc.enc, tc.offset, got, tc.pos)
		}
		if tc.offset <= len(f.Content) && tc.offset != 1 {
			if got := tc.enc.offset(f, tc.pos); got != tc.offset {
				t.Errorf("%s: %+v → offset %d, want %d", tc.enc, tc.pos, got, tc.offset)
			}
		}
	}
	for _, tc := range []struct {
		pos  Position
		want int
	}{
		{Position{0, 99}, 8},  // past the end of a line: its end, before \r\n
		{Position{1, 5}, 14},  // inside 🚀 (UTF-16): its start
		{Position{7, 0}, 26},  // past the last line: the end of the file
		{Position{-1, 3}, 0},  // before the file
		{Position{2, 99}, 26}, // past the end of the last line
	} {
		if got := encoding(positionEncodingUTF16).offset(f, tc.pos); got != tc.want {
			t.Errorf("utf-16 %+v → offset %d, want %d", tc.pos, got, tc.want)
		}
	}
}

// TestPositionConversionsLongLine: on lines long enough for the file's
// column index (a JSON file on one line), every character boundary
// converts as counting from the line's start does, in every encoding,
// and back.
func TestPositionConversionsLongLine(t *testing.T) {
	line := strings.Repeat("aé🚀b", 200)
	f := &analyzer.File{Content: []byte("\xef\xbb\xbf" + line + "\r\n" + line + "\n" + strings.Repeat("x", 600))}
	// naive counts the code units of enc from the start of the offset's
	// line (a byte order mark counts as a character of line 0).
	naive := func(enc encoding, offset int) Position {
		line, start := 0, 0
		for i := 0; i < offset; i++ {
			if f.Content[i] == '\n' {
				line, start = line+1, i+1
			}
		}
		ch := 0
		for i := start; i < offset; {
			r, size := utf8.DecodeRune(f.Content[i:])
			if r == '\r' {
				break
			}
			ch += enc.units(r, size)
			i += size
		}
		return Position{Line: line, Character: ch}
	}
	for _, enc := range []encoding{positionEncodingUTF8, positionEncodingUTF16, positionEncodingUTF32} {
		for offset := 0; offset <= len(f.Content); offset++ {
			if offset < len(f.Content) && !utf8.RuneStart(f.Content[offset]) || offset > 0 && offset < 3 {
				continue // inside a character or the byte order mark
			}
			want := naive(enc, offset)
			if got := enc.toLSP(f, offset); got != want {
				t.Fatalf("%s: offset %d → %+v, want %+v", enc, offset, got, want)
			}
			if f.Content[max(0, offset-1)] == '\r' {
				continue // between \r and \n: the end of the line
			}
			if got := enc.offset(f, want); got != offset {
				t.Fatalf("%s: %+v → offset %d, want %d", enc, want, got, offset)
			}
		}
	}
}

// TestLoneCRPositions checks conversions on a file whose lines end at a
// lone CR, which the protocol counts as a line ending, as kvet does, and
// that edits there use the file's own line ending.
func TestLoneCRPositions(t *testing.T) {
	f := &analyzer.File{Content: []byte("a: 1\rb: é\r\rc")}
	for _, tc := range []struct {
		offset int
		pos    Position
	}{
		{5, Position{1, 0}},  // "b: é"
		{10, Position{1, 4}}, // its end, before the CR
		{11, Position{2, 0}}, // the empty line
		{12, Position{3, 0}}, // "c"
		{13, Position{3, 1}}, // the end of the file
	} {
		if got := encoding(positionEncodingUTF16).toLSP(f, tc.offset); got != tc.pos {
			t.Errorf("offset %d → %+v, want %+v", tc.offset, got, tc.pos)
		}
		if got := encoding(positionEncodingUTF16).offset(f, tc.pos); got != tc.offset {
			t.Errorf("%+v → offset %d, want %d", tc.pos, got, tc.offset)
		}
	}
	if got := encoding(positionEncodingUTF16).offset(f, Position{1, 99}); got != 10 {
		t.Errorf("past the end of line 1: offset %d, want 10", got)
	}
	for n := 1; n <= 4; n++ {
		if got := f.LineEnding(n); got != "\r" {
			t.Errorf("LineEnding(%d) = %q, want a lone CR", n, got)
		}
	}
}

func TestURIs(t *testing.T) {
	for _, tc := range []struct {
		uri, path string
		ok        bool
	}{
		{"file:///tmp/k8s/job.yaml", "/tmp/k8s/job.yaml", true},
		{"file:///tmp/with%20space/r%C3%B4le.yaml", "/tmp/with space/rôle.yaml", true},
		{"untitled:Untitled-1", "", false},
		{"::", "", false},
	} {
		path, ok := uriToPath(tc.uri)
		if path != filepath.FromSlash(tc.path) || ok != tc.ok {
			t.Errorf("uriToPath(%q) = %q, %v; want %q, %v", tc.uri, path, ok, tc.path, tc.ok)
		}
		if ok && pathToURI(path) != tc.uri {
			t.Errorf("pathToURI(%q) = %q, want %q", path, pathToURI(path), tc.uri)
		}
	}
}

// A client that sends ranged changes although the server asked for the
// whole text still ends up with the right text.
func TestIncrementalChanges(t *testing.T) {
	c, uri := openIn(t, Options{}, "cron.yaml", cronJob)
	c.diagnostics(uri)
	// Replace "latest" (after "é🚀", UTF-16 columns 42..48 of line 17) and
	// insert concurrencyPolicy after line 6, in one notification.
	c.notify(methodDidChange, map[string]any{
		"textDocument": map[string]any{"uri": uri, "version": 2},
		"contentChanges": []map[string]any{
			{"range": Range{Start: Position{17, 42}, End: Position{17, 48}}, "text": "1.4.2"},
			{"range": Range{Start: Position{6, 0}, End: Position{6, 0}}, "text": "  concurrencyPolicy: Forbid\n"},
		},
	})
	if p := c.diagnostics(uri); len(p.Diagnostics) != 0 {
		t.Errorf("after the ranged changes: %+v", p.Diagnostics)
	}
}

// Changes in quick succession are linted once, after the last one.
func TestDebounce(t *testing.T) {
	c, uri := openIn(t, Options{Debounce: time.Second}, "cron.yaml", cronJob) // linted at once
	if p := c.diagnostics(uri); *p.Version != 1 {
		t.Fatalf("first diagnostics: version %d", *p.Version)
	}
	for v := 2; v <= 6; v++ {
		c.change(uri, v, strings.Replace(cronJob, "nightly-report", "nightly-report-v"+string(rune('0'+v)), 1))
	}
	if p := c.diagnostics(uri); *p.Version != 6 {
		t.Errorf("diagnostics of version %d, want only those of the last change (6)", *p.Version)
	}
}

// A document that is not a file (an unsaved new buffer) is linted alone.
func TestUntitledDocument(t *testing.T) {
	c := startServer(t, Options{})
	c.initialize(writeTree(t, nil))
	c.open("untitled:Untitled-1", cronJob)
	if p := c.diagnostics("untitled:Untitled-1"); len(p.Diagnostics) != 2 {
		t.Errorf("untitled: %+v", p.Diagnostics)
	}
}
