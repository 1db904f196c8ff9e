package analyzer

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Helpers that build the text edits of suggested fixes. They edit the
// source as written, so comments, quoting and indentation elsewhere in the
// file are kept, and they refuse (ok == false) whenever the edit would not
// be unambiguous: flow collections (and so JSON objects), aliases, anchors,
// merge keys, tags, block scalars, or a field that already exists.

// NewFix returns a suggested fix made of edits, or nil when there are none.
func NewFix(message string, edits ...TextEdit) *SuggestedFix {
	if len(edits) == 0 {
		return nil
	}
	return &SuggestedFix{Message: message, Edits: edits}
}

// InsertField returns an edit that adds the line `key: value` to the block
// mapping at path mapping, unless the mapping has the key already or a key
// within edit distance 2 of it, ignoring case (a misspelling of it, which
// unknown-field's fix renames). value is inserted as written (it must be valid
// YAML for the field, e.g. `Never`, `300`). The line goes right after the
// first of the keys named in after that is present and whose value is a
// scalar that ends on the key's line, or else just before the mapping's
// first key; it takes the indentation of the existing keys and the file's
// line ending (LF or CRLF).
//
// For a rendered document the edit is made in the source file that the
// mapping exactly comes from, and refused when there is none.
func InsertField(d *Document, mapping Path, key, value string, after ...string) (TextEdit, bool) {
	return inSource(d, mapping, func(d *Document, mapping Path) (TextEdit, bool) {
		return insertField(d, mapping, key, value, after...)
	})
}

func insertField(d *Document, mapping Path, key, value string, after ...string) (TextEdit, bool) {
	m, ok := editableNode(d, mapping)
	if !ok || m.Kind != yaml.MappingNode || m.Style&yaml.FlowStyle != 0 || len(m.Content) < 2 {
		return TextEdit{}, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Kind != yaml.ScalarNode || isMergeKey(k) || k.Anchor != "" || k.Style&yaml.TaggedStyle != 0 {
			return TextEdit{}, false
		}
		if k.Value == key || EditDistance(strings.ToLower(k.Value), strings.ToLower(key), 3) < 3 {
			// The field exists, or a key looks like a misspelling of it:
			// unknown-field's fix renames that key instead, and two keys
			// of the same name would be rejected.
			return TextEdit{}, false
		}
	}
	text := key + ": " + value
	for _, name := range after {
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if k.Value != name || !scalarEndsOnLine(d, v) || v.Line != k.Line {
				continue
			}
			eol := d.File.LineEnding(k.Line)
			at := lineEnd(d.File, k.Line)
			return TextEdit{Offset: at, End: at, NewText: eol + strings.Repeat(" ", k.Column-1) + text}, true
		}
	}
	first := m.Content[0]
	line := d.File.Line(first.Line)
	prefix := line[:d.File.lineOffset(first.Line, first.Column)]
	if bytes.ContainsRune(prefix, '\t') {
		return TextEdit{}, false
	}
	eol := d.File.LineEnding(first.Line)
	indent := strings.Repeat(" ", first.Column-1)
	if len(bytes.TrimLeft(prefix, " ")) == 0 {
		// The first key starts its line: insert a whole line before it,
		// and before the comment lines just above it, which describe it.
		at := d.File.Offset(Position{Line: commentBlockStart(d.File, first.Line), Column: 1})
		return TextEdit{Offset: at, End: at, NewText: indent + text + eol}, true
	}
	// The first key follows "- " (a sequence item): the new key takes its
	// place and the old key moves to the next line at the same column.
	// Anything else before it (an explicit "? key") is no place for a key.
	if !seqIndicators(prefix) {
		return TextEdit{}, false
	}
	at := d.File.Offset(Position{Line: first.Line, Column: first.Column})
	return TextEdit{Offset: at, End: at, NewText: text + eol + indent}, true
}

// seqIndicators reports whether the text before a key is only spaces and
// sequence item indicators ("- ", "  - - ").
func seqIndicators(prefix []byte) bool {
	for i := 0; i < len(prefix); i++ {
		switch {
		case prefix[i] == ' ':
		case prefix[i] == '-' && i+1 < len(prefix) && prefix[i+1] == ' ':
		default:
			return false
		}
	}
	return true
}

// ReplaceScalar returns an edit that replaces the scalar at path p with the
// string value, in the quoting style of the original ("double" or 'single';
// a plain original stays plain when value can be written plain, see
// YAMLString). For a rendered document the edit is made in the source file
// that holds the rendered value, and refused when there is none.
func ReplaceScalar(d *Document, p Path, value string) (TextEdit, bool) {
	return inSource(d, p, func(d *Document, p Path) (TextEdit, bool) { return replaceScalar(d, p, value) })
}

func replaceScalar(d *Document, p Path, value string) (TextEdit, bool) {
	n, ok := editableNode(d, p)
	if !ok || n.Kind != yaml.ScalarNode {
		return TextEdit{}, false
	}
	return replaceToken(d, n, value)
}

// ReplaceValue returns an edit that replaces the plain scalar at path p
// (a number, a boolean) with text, written as is: it must be valid YAML
// and JSON for the field, e.g. `3`. Quoted originals are strings, which
// ReplaceScalar replaces. For a rendered document the edit is made in the
// source file that holds the rendered value, and refused when there is
// none.
func ReplaceValue(d *Document, p Path, text string) (TextEdit, bool) {
	return inSource(d, p, func(d *Document, p Path) (TextEdit, bool) { return replaceValue(d, p, text) })
}

func replaceValue(d *Document, p Path, text string) (TextEdit, bool) {
	n, ok := editableNode(d, p)
	if !ok || n.Kind != yaml.ScalarNode || n.Style != 0 || !scalarEndsOnLine(d, n) {
		return TextEdit{}, false
	}
	start := d.File.Offset(Position{Line: n.Line, Column: n.Column})
	return TextEdit{Offset: start, End: start + len(n.Value), NewText: text}, true
}

// RenameKey returns an edit that renames the key of the field at path p
// (a misspelt field) to name, in the key's quoting style. It refuses when
// the mapping already has a key called name, or when the key is a merge
// key, anchored, tagged or inside an alias. For a rendered document the
// edit is made in the source file that holds the field, and refused when
// there is none.
func RenameKey(d *Document, p Path, name string) (TextEdit, bool) {
	return inSource(d, p, func(d *Document, q Path) (TextEdit, bool) {
		// The key renamed is the field's own: a field that a JSON 6902
		// operation adds is named in the operation's path, and its source
		// is the operation's value, under another key.
		if len(p) == 0 || len(q) == 0 || q[len(q)-1] != p[len(p)-1] {
			return TextEdit{}, false
		}
		return renameKey(d, q, name)
	})
}

// inSource makes the edit at path p of d with edit, in the document and
// at the path editTarget gives (the exact source of a rendered document),
// and records the file it edits (which fixIn checks): every exported edit
// constructor goes through it, so that none edits a rendered document's
// text. The edit of a rendered document's source also records the same
// edit of the rendered text, what the fix is to do to the object (see
// checkFixes); where that edit cannot be made, there is none.
func inSource(d *Document, p Path, edit func(*Document, Path) (TextEdit, bool)) (TextEdit, bool) {
	src, sp, ok := editTarget(d, p)
	if !ok {
		return TextEdit{}, false
	}
	e, ok := edit(src, sp)
	e.file = src.File
	if ok && src != d {
		r, ok := edit(d, p)
		if !ok {
			return TextEdit{}, false
		}
		r.file = d.File
		e.rendered = &r
	}
	return e, ok
}

func renameKey(d *Document, p Path, name string) (TextEdit, bool) {
	if len(p) == 0 || p[len(p)-1].IsIndex {
		return TextEdit{}, false
	}
	m, ok := editableNode(d, p[:len(p)-1])
	if !ok || m.Kind != yaml.MappingNode {
		return TextEdit{}, false
	}
	var key *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMergeKey(k) || k.Kind != yaml.ScalarNode {
			continue
		}
		switch k.Value {
		case name:
			return TextEdit{}, false
		case p[len(p)-1].Key:
			key = k
		}
	}
	if key == nil {
		return TextEdit{}, false
	}
	return replaceToken(d, key, name)
}

// replaceToken replaces the scalar token n, written on one line, with the
// string value in n's quoting style.
func replaceToken(d *Document, n *yaml.Node, value string) (TextEdit, bool) {
	if !scalarEndsOnLine(d, n) {
		return TextEdit{}, false
	}
	start := d.File.Offset(Position{Line: n.Line, Column: n.Column})
	width := scalarWidth(d, n)
	end := d.File.Offset(Position{Line: n.Line, Column: n.Column + width})
	var text string
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		text = doubleQuote(value)
	case n.Style&yaml.SingleQuotedStyle != 0 && !strings.ContainsAny(value, "\n\r"):
		text = "'" + strings.ReplaceAll(value, "'", "''") + "'"
	default:
		text = YAMLString(value)
	}
	return TextEdit{Offset: start, End: end, NewText: text}, true
}

// YAMLString returns s as a YAML string scalar: plain when it reads back as
// the same string (`Never`, `Europe/Paris`), double-quoted otherwise
// (`"*/5 * * * *"`, `"300"`, `"true"`).
func YAMLString(s string) string {
	if plainWord(s) || readsBackPlain(s) {
		return s
	}
	return doubleQuote(s)
}

// readsBackPlain reports whether s, written as a plain scalar, parses
// back as the string s.
func readsBackPlain(s string) bool {
	var doc yaml.Node
	if s == "" || strings.ContainsAny(s, "\n\r\t") || yaml.Unmarshal([]byte(s), &doc) != nil || len(doc.Content) != 1 {
		return false
	}
	n := doc.Content[0]
	return n.Kind == yaml.ScalarNode && n.Style == 0 && n.Tag == "!!str" && n.Value == s
}

// plainWord reports whether s is a word that YAML reads back as the same
// string when written plain, without parsing it (rules write such values,
// `Never`, `OnFailure`, in fixes of thousands of documents): a letter, then
// letters, digits and "-_./", and none of the words YAML 1.1 or 1.2 reads
// as booleans or null. Others are decided by parsing.
func plainWord(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLetter(c) && (c < '0' || c > '9') && !strings.ContainsRune("-_./", rune(c)) {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return false
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ApplyEdits returns content with edits applied. Edits are applied in order
// of offset (insertions at the same offset in the order given); identical
// edits count once, and overlapping ones are an error.
func ApplyEdits(content []byte, edits []TextEdit) ([]byte, error) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b TextEdit) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return a.End - b.End
	})
	sorted = slices.CompactFunc(sorted, func(a, b TextEdit) bool { return a == b })
	var out bytes.Buffer
	pos := 0
	for _, e := range sorted {
		if e.Offset < pos || e.End < e.Offset || e.End > len(content) {
			return nil, fmt.Errorf("edit [%d,%d) overlaps another edit or lies outside the file", e.Offset, e.End)
		}
		out.Write(content[pos:e.Offset])
		out.WriteString(e.NewText)
		pos = e.End
	}
	out.Write(content[pos:])
	return out.Bytes(), nil
}

// ApplyFixes applies the fixes of one file's diagnostics, in the order
// given (kvet's order: line, column, rule): each fix is applied whole or
// not at all, and a fix whose edits overlap an edit of a fix applied
// before it, or that are invalid (outside the file, overlapping each
// other), is left out: the first wins. Identical edits of two fixes count
// once, and insertions at the same offset are all made, in order. It
// returns the new content and, for each fix, whether it was applied. kvet
// fix, the fixture harness and the language server's "fix all" use it, so
// that every way of applying fixes gives the same text.
func ApplyFixes(content []byte, fixes []*SuggestedFix) ([]byte, []bool) {
	applied := make([]bool, len(fixes))
	var accepted []TextEdit
	var index editIndex
	for i, f := range fixes {
		if f == nil || len(f.Edits) == 0 || !validEdits(f.Edits, len(content)) || slices.ContainsFunc(f.Edits, index.overlaps) {
			continue
		}
		accepted = append(accepted, f.Edits...)
		for _, e := range f.Edits {
			index.add(e)
		}
		applied[i] = true
	}
	out, err := ApplyEdits(content, accepted)
	if err != nil {
		// Not reached: the accepted edits are valid and disjoint.
		return content, make([]bool, len(fixes))
	}
	return out, applied
}

// editIndex holds edits that do not overlap each other (see
// editsOverlap), sorted by offset and end, so that the few that may
// overlap a new edit are found by binary search: checking each fix against
// every edit accepted before it made kvet fix quadratic in the fixes of a
// file (16,000 fixes in one file: 9.3 of its 13.9 s). Two edits that do
// not overlap cannot nest, so sorted by offset they end in order too.
type editIndex []TextEdit

// add adds e after the edits that sort before it or equal it.
func (x *editIndex) add(e TextEdit) {
	i := sort.Search(len(*x), func(i int) bool {
		a := (*x)[i]
		return a.Offset > e.Offset || a.Offset == e.Offset && a.End > e.End
	})
	*x = slices.Insert(*x, i, e)
}

// overlaps reports whether e overlaps an edit of x: one that starts no
// later than e ends, and ends no earlier than e starts.
func (x editIndex) overlaps(e TextEdit) bool {
	i := sort.Search(len(x), func(i int) bool { return x[i].Offset > e.End })
	for j := i - 1; j >= 0 && x[j].End >= e.Offset; j-- {
		if editsOverlap(e, x[j]) {
			return true
		}
	}
	return false
}

// validEdits reports whether the edits of one fix lie inside a file of
// size n and do not overlap each other.
func validEdits(edits []TextEdit, n int) bool {
	for i, e := range edits {
		if e.Offset < 0 || e.End < e.Offset || e.End > n {
			return false
		}
		for _, o := range edits[:i] {
			if editsOverlap(e, o) {
				return false
			}
		}
	}
	return true
}

// editsOverlap reports whether two edits cannot both be applied: their
// replaced bytes intersect, or one inserts inside the bytes the other
// replaces. Identical edits and insertions at the same offset do not
// overlap.
func editsOverlap(a, b TextEdit) bool {
	switch {
	case a == b:
		return false
	case max(a.Offset, b.Offset) < min(a.End, b.End):
		return true
	case a.Offset == a.End:
		return b.Offset < a.Offset && a.Offset < b.End
	case b.Offset == b.End:
		return a.Offset < b.Offset && b.Offset < a.End
	}
	return false
}

// editableNode follows p from the document root through explicit keys only
// and returns the node it names, refusing aliases, merged keys and anchored
// nodes (an edit there would also change every place that refers to them).
func editableNode(d *Document, p Path) (*yaml.Node, bool) {
	n := d.Root()
	if n == nil || n.Anchor != "" {
		return nil, false
	}
	for _, e := range p {
		var next *yaml.Node
		switch {
		case e.IsIndex:
			if n.Kind != yaml.SequenceNode || e.Index < 0 || e.Index >= len(n.Content) {
				return nil, false
			}
			next = n.Content[e.Index]
		case n.Kind == yaml.MappingNode:
			// The key the locator finds (the last of a duplicated one),
			// if it is written in this mapping rather than merged into it.
			if k, v := lookup(n, e.Key); k != nil && k.Kind == yaml.ScalarNode && slices.Index(n.Content, k)%2 == 0 {
				next = v
			}
		}
		if next == nil || next.Kind == yaml.AliasNode || next.Anchor != "" {
			return nil, false
		}
		n = next
	}
	return n, true
}

// scalarEndsOnLine reports whether n is an untagged flow scalar (plain or
// quoted, not a block scalar) written entirely on its first line.
func scalarEndsOnLine(d *Document, n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" ||
		n.Style&(yaml.TaggedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.FlowStyle) != 0 {
		return false
	}
	return scalarWidth(d, n) > 0
}

// scalarWidth returns the width in code points of the scalar token n on its
// line, or 0 when it does not end on that line.
func scalarWidth(d *Document, n *yaml.Node) int {
	rest := d.File.restOfLine(n.Line, n.Column)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return quotedWidth(rest, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		return quotedWidth(rest, '\'')
	case n.Value == "" || containsNewline(n.Value) || !bytes.HasPrefix(rest, []byte(n.Value)):
		return 0
	}
	// A plain scalar may continue on the next lines (folded into spaces);
	// the value then differs from the text on this line, which is caught
	// above, except when the continuation is what follows on this line. A
	// key is followed by its ":".
	after := rest[len(n.Value):]
	if len(after) > 0 && !strings.ContainsRune(" \t,]}:", rune(after[0])) {
		return 0
	}
	return utf8.RuneCountInString(n.Value)
}

// commentBlockStart returns the first comment line of the run of
// whole-line comments and blank lines that ends just above line n, at any
// indentation (n itself when the run holds no comment): a line inserted
// there leaves the comments with the line they describe, and an own-line
// kvet:ignore (which applies to the next line that is not blank or a
// comment) with the line it suppresses.
func commentBlockStart(f *File, n int) int {
	top := n
	for k := n - 1; k >= 1; k-- {
		line := bytes.TrimLeft(f.Line(k), " \t")
		if len(line) == 0 {
			continue
		}
		if line[0] != '#' {
			break
		}
		top = k
	}
	return top
}

// prefixBefore returns the bytes of line before the 1-based column col.
func prefixBefore(line []byte, col int) []byte {
	i := 0
	for c := 1; c < col && i < len(line); c++ {
		_, size := utf8.DecodeRune(line[i:])
		i += size
	}
	return line[:i]
}

// lineEnd returns the offset of the end of line n, before its line ending.
func lineEnd(f *File, n int) int {
	starts := f.lineStarts()
	if n >= len(starts) {
		return len(f.Content)
	}
	end := starts[n] - 1 // the line's LF, or its lone CR
	if f.Content[end] == '\n' && end > 0 && f.Content[end-1] == '\r' {
		end--
	}
	return end
}

// LineEnding returns the line ending of the 1-based line n ("\r\n", "\n"
// or a lone "\r"); for a last line without one, that of the line before
// it ("\n" for a file of one line). Edits that add lines use it.
func (f *File) LineEnding(n int) string {
	starts := f.lineStarts()
	for ; n >= 1; n-- {
		if n < len(starts) {
			end := starts[n] - 1
			switch {
			case f.Content[end] == '\r':
				return "\r"
			case end > 0 && f.Content[end-1] == '\r':
				return "\r\n"
			}
			return "\n"
		}
	}
	return "\n"
}

// doubleQuote quotes s as a YAML (and JSON) double-quoted scalar.
func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
