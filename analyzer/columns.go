package analyzer

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// longLine is the length in bytes from which a line's columns are
// indexed: converting between a column (code points) and a byte offset
// on a shorter line decodes it from its start, which on a long line (a
// JSON file written on one line holds thousands of objects) made every
// finding cost the line's length.
const longLine = 256

// columnStep is the distance in code points between the byte offsets a
// long line's index records.
const columnStep = 64

// lineColumns is the column index of one long line.
type lineColumns struct {
	ascii bool // one byte per code point: no marks
	runes int  // code points in the line
	// text is the length in bytes of the line without its trailing blanks
	// (spaces and tabs).
	text  int
	marks []int // byte offset of code point k*columnStep, for each k
	// wide counts the code points outside the Basic Multilingual Plane
	// (two UTF-16 code units each) before each mark.
	wide []int
}

// columns returns the column index of line n, whose text is line.
func (f *File) columns(n int, line []byte) *lineColumns {
	if c, ok := f.long.Load(n); ok {
		return c.(*lineColumns)
	}
	c := &lineColumns{ascii: true, text: len(bytes.TrimRight(line, " \t"))}
	for _, b := range line {
		if b >= utf8.RuneSelf {
			c.ascii = false
			break
		}
	}
	if c.ascii {
		c.runes = len(line)
	} else {
		wide := 0
		for i := 0; i < len(line); c.runes++ {
			if c.runes%columnStep == 0 {
				c.marks = append(c.marks, i)
				c.wide = append(c.wide, wide)
			}
			r, size := utf8.DecodeRune(line[i:])
			if r > 0xFFFF {
				wide++
			}
			i += size
		}
	}
	actual, _ := f.long.LoadOrStore(n, c)
	return actual.(*lineColumns)
}

// lineOffset returns the byte offset in Line(n) of the 1-based column col
// (code points), clamped to the line's length.
func (f *File) lineOffset(n, col int) int {
	line := f.Line(n)
	if col <= 1 {
		return 0
	}
	if len(line) < longLine {
		return len(prefixBefore(line, col))
	}
	c := f.columns(n, line)
	k := col - 1 // code points before col
	switch {
	case k >= c.runes:
		return len(line)
	case c.ascii:
		return k
	}
	i := c.marks[k/columnStep]
	for range k % columnStep {
		_, size := utf8.DecodeRune(line[i:])
		i += size
	}
	return i
}

// Column returns the 1-based column (code points) of the byte offset
// off in Line(n), clamped to the line's length.
func (f *File) Column(n, off int) int {
	line := f.Line(n)
	off = max(0, min(off, len(line)))
	if len(line) < longLine {
		return 1 + utf8.RuneCount(line[:off])
	}
	c := f.columns(n, line)
	if c.ascii {
		return 1 + off
	}
	k, found := slices.BinarySearch(c.marks, off)
	if !found {
		k-- // the mark before off
	}
	return 1 + k*columnStep + utf8.RuneCount(line[c.marks[k]:off])
}

// restOfLine returns Line(n) from the 1-based column col.
func (f *File) restOfLine(n, col int) []byte {
	return f.Line(n)[f.lineOffset(n, col):]
}

// widthToEnd returns the width in code points of Line(n) from the 1-based
// column col to its end, without trailing blanks (0 when nothing but
// blanks follows col).
func (f *File) widthToEnd(n, col int) int {
	line := f.Line(n)
	var end int
	if len(line) < longLine {
		end = len(bytes.TrimRight(line, " \t"))
	} else {
		end = f.columns(n, line).text
	}
	off := f.lineOffset(n, col)
	if end <= off {
		return 0
	}
	return f.Column(n, end) - f.Column(n, off)
}

// UTF16Column returns the 0-based column of p (whose column counts code
// points) in UTF-16 code units, what the language server protocol counts
// by default: a character outside the Basic Multilingual Plane takes two.
// A byte order mark does not count.
func (f *File) UTF16Column(p Position) int {
	line := f.Line(p.Line)
	off := f.lineOffset(p.Line, p.Column)
	if len(line) < longLine {
		return utf16Units(line[:off])
	}
	c := f.columns(p.Line, line)
	if c.ascii {
		return off
	}
	k, found := slices.BinarySearch(c.marks, off)
	if !found {
		k-- // the mark before off
	}
	return k*columnStep + c.wide[k] + utf16Units(line[c.marks[k]:off])
}

// utf16Units returns the length of text in UTF-16 code units (an invalid
// byte is one, as the replacement character it decodes to).
func utf16Units(text []byte) int {
	n := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		n++
		if r > 0xFFFF {
			n++
		}
		i += size
	}
	return n
}
