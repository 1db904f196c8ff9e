package helm

import (
	"bytes"
	"regexp"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// A template file is YAML text with Go template actions ({{ ... }}) in
// it. To find where a rendered field comes from, kvet reads the template
// as an outline of YAML lines: actions are blanked out, lines that hold
// nothing but actions ({{- if }}, {{- end }}, {{- include ... | nindent 4 }})
// are skipped, and the remaining lines give keys, sequence items and
// values by their indentation. A field path is then followed through the
// literal keys of the outline; keys that only a template action produces
// (an include, a toYaml of values) are not in the text, and the path stops
// at their nearest literal ancestor.

// line is one line of a template's outline.
type line struct {
	// skip is set for lines that hold nothing but blanks, comments or
	// template actions, and for the lines inside a block scalar.
	skip bool
	// sep is set for a "---" document separator.
	sep bool
	// col is the 0-based byte column of the first character (the "-" of a
	// sequence item).
	col int
	// dash is set for a sequence item line ("- ..."); content is the
	// byte column of what follows the dash.
	dash    bool
	content int
	// key is the literal mapping key on the line (after the dash), with
	// keyStart..keyEnd its byte columns; templated is set when the key
	// contains a template action. hasKey reports a key of either sort.
	hasKey    bool
	templated bool
	key       string
	keyStart  int
	keyEnd    int
	// valueStart..valueEnd are the byte columns of the value written on
	// the line after the key (or after the dash), empty when none;
	// literal is set when it holds no template action.
	valueStart, valueEnd int
	literal              bool
	// inRange is set for lines inside a {{ range }} block: one item of
	// the text may render as many.
	inRange bool
}

// Outline is the outline of one template file.
type Outline struct {
	File  *analyzer.File
	lines []line
	// segments are the objects of the file, separated by "---" lines.
	segments []segment
	// flows are the flow collections written literally as a line's value
	// (`- {name: a, image: x}`, `verbs: [get, list]`, or one going on
	// over the next lines), by line index: parsed once, as the file's
	// outline, and read by every locate.
	flows map[int]*yaml.Node
}

// segment is one YAML document of a template: lines [start, end) (0-based
// indices into lines), the literal values of its top-level kind keys
// (several when {{ if }} branches choose the kind), and whether a kind is
// templated.
type segment struct {
	start, end    int
	kinds         []string
	templatedKind bool
	// names match the metadata.name values the segment may render, one
	// per name line whose literal parts are known (a literal name, or
	// "{{ .Release.Name }}-job" as "^.*-job$"); empty when unknown.
	names []*regexp.Regexp
}

// renders reports whether the segment may render an object named name:
// always when its names are unknown.
func (s segment) renders(name string) bool {
	if len(s.names) == 0 {
		return true
	}
	for _, re := range s.names {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

// ParseOutline builds the outline of a template file.
func ParseOutline(f *analyzer.File) *Outline {
	t := &Outline{File: f}
	blank, ranges := blankActions(f.Content)
	view := &analyzer.File{Path: f.Path, Content: blank}
	n := f.LineCount()
	t.lines = make([]line, n)
	blockCol := -1 // inside a block scalar whose key is at this column
	for i := range n {
		text := view.Line(i + 1)
		l := parseLine(text)
		l.inRange = ranges[i]
		if blockCol >= 0 {
			if l.skip || l.col > blockCol {
				l.skip = true
				t.lines[i] = l
				continue
			}
			blockCol = -1
		}
		if !l.skip && l.valueEnd > l.valueStart && isBlockIndicator(text[l.valueStart:l.valueEnd]) {
			blockCol = l.col
			if l.dash && l.hasKey {
				blockCol = l.content
			}
		}
		t.lines[i] = l
	}
	t.flows = t.parseFlows() // before split: it skips the lines a flow collection goes on over
	t.segments = t.split()
	return t
}

// blankActions returns content with every template action ({{ ... }},
// including {{/* comments */}}) replaced by NUL bytes, newlines kept, and
// for each line whether it lies inside a {{ range }} ... {{ end }} block.
func blankActions(content []byte) ([]byte, []bool) {
	out := bytes.Clone(content)
	lines := 1 // as analyzer.File counts them
	for i := range content {
		if analyzer.IsLineBreak(content, i) {
			lines++
		}
	}
	inRange := make([]bool, lines)
	var stack []string // kinds of open blocks: if, with, range, define, block
	ranges := 0
	lineNo := 0
	for i := 0; i < len(content); i++ {
		if analyzer.IsLineBreak(content, i) {
			lineNo++
			continue
		}
		inRange[lineNo] = inRange[lineNo] || ranges > 0
		if content[i] != '{' || i+1 >= len(content) || content[i+1] != '{' {
			continue
		}
		end := actionEnd(content, i+2)
		stack, ranges = trackBlock(content[i+2:end], stack, ranges)
		close := min(end+2, len(content))
		for j := i; j < close; j++ {
			if analyzer.IsLineBreak(content, j) {
				lineNo++
				continue
			}
			out[j] = 0
		}
		i = close - 1
	}
	return out, inRange
}

// actionEnd returns the index of the "}}" that closes the action whose
// text starts at i, skipping quoted strings and comments; len(content)
// when it does not close.
func actionEnd(content []byte, i int) int {
	for ; i < len(content); i++ {
		switch c := content[i]; {
		case c == '}' && i+1 < len(content) && content[i+1] == '}':
			return i
		case c == '"' || c == '`' || c == '\'':
			for i++; i < len(content) && content[i] != c; i++ {
				if c == '"' && content[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < len(content) && content[i+1] == '*':
			if j := bytes.Index(content[i+2:], []byte("*/")); j >= 0 {
				i += j + 3
			} else {
				return len(content)
			}
		}
	}
	return len(content)
}

// trackBlock follows the nesting of block actions to know which lines are
// inside a range.
func trackBlock(action []byte, stack []string, ranges int) ([]string, int) {
	word := string(bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimSpace(action), []byte("-")), " \t\r\n"))
	if i := strings.IndexAny(word, " \t\r\n(}"); i >= 0 {
		word = word[:i]
	}
	switch word {
	case "if", "with", "define", "block", "range":
		if word == "range" {
			ranges++
		}
		stack = append(stack, word)
	case "end":
		if len(stack) > 0 {
			if stack[len(stack)-1] == "range" {
				ranges--
			}
			stack = stack[:len(stack)-1]
		}
	}
	return stack, ranges
}

func isBlockIndicator(v []byte) bool {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '|' && v[0] != '>' {
		return false
	}
	for _, c := range v[1:] {
		if c != '-' && c != '+' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// parseLine reads one line of the blanked text.
func parseLine(text []byte) line {
	var l line
	trimmed := bytes.TrimRight(text, " \t\r")
	col := 0
	for col < len(trimmed) && trimmed[col] == ' ' {
		col++
	}
	// A line that starts with an action: "{{ $k }}: v" is a templated key
	// at the action's column; otherwise the line starts after the action.
	templatedKey := -1
	if lead := skipActions(trimmed, col); lead > col {
		if lead < len(trimmed) && trimmed[lead] == ':' && (lead+1 == len(trimmed) || trimmed[lead+1] == ' ') {
			templatedKey = lead
		} else {
			col = lead
		}
	}
	rest := trimmed[col:]
	if len(bytes.Trim(rest, " \t\x00")) == 0 || rest[0] == '#' || rest[0] == '\t' && len(bytes.TrimSpace(rest)) == 0 {
		l.skip = true
		return l
	}
	if bytes.Equal(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("--- ")) {
		if col == 0 {
			l.sep = true
			l.skip = true
			return l
		}
	}
	l.col = col
	pos := col
	if rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ') {
		l.dash = true
		pos = col + 1
		for pos < len(trimmed) && trimmed[pos] == ' ' {
			pos++
		}
		l.content = pos
	}
	if templatedKey >= 0 {
		l.hasKey, l.templated = true, true
		l.keyStart, l.keyEnd = col, templatedKey
		pos = templatedKey + 1
	} else if k, end, ok := keyAt(trimmed, pos); ok {
		l.hasKey = true
		l.keyStart, l.keyEnd = pos, end
		if bytes.IndexByte(trimmed[pos:end], 0) >= 0 {
			l.templated = true
		} else {
			l.key = k
		}
		pos = end + 1 // after the colon
	}
	for pos < len(trimmed) && (trimmed[pos] == ' ' || trimmed[pos] == '\t') {
		pos++
	}
	vend := len(trimmed)
	if c := commentStart(trimmed, pos); c >= 0 {
		vend = c
	}
	vend = len(bytes.TrimRight(trimmed[:vend], " \t"))
	if vend > pos {
		l.valueStart, l.valueEnd = pos, vend
		l.literal = bytes.IndexByte(trimmed[pos:vend], 0) < 0
	}
	return l
}

// skipActions returns the index of the first byte from i that is neither
// a blanked action nor a space.
func skipActions(s []byte, i int) int {
	j := i
	for j < len(s) && (s[j] == 0 || s[j] == ' ') {
		j++
	}
	if bytes.IndexByte(s[i:j], 0) < 0 {
		return i
	}
	return j
}

// keyAt reads a mapping key starting at byte i ("key:", "'key':",
// "\"key\":"): its unquoted text and the index of its colon.
func keyAt(s []byte, i int) (string, int, bool) {
	if i >= len(s) {
		return "", 0, false
	}
	switch q := s[i]; q {
	case '"', '\'':
		j := i + 1
		for ; j < len(s) && s[j] != q; j++ {
			if q == '"' && s[j] == '\\' {
				j++
			}
		}
		if j+1 < len(s) && s[j+1] == ':' && (j+2 == len(s) || s[j+2] == ' ') {
			return strings.ReplaceAll(string(s[i+1:j]), "''", "'"), j + 1, true
		}
		return "", 0, false
	case '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '#':
		return "", 0, false
	}
	for j := i; j < len(s); j++ {
		switch {
		case s[j] == ':' && (j+1 == len(s) || s[j+1] == ' ' || s[j+1] == '\t' || s[j+1] == 0):
			if j == i {
				return "", 0, false
			}
			return string(bytes.TrimRight(s[i:j], " ")), j, true
		case s[j] == ' ' && j+1 < len(s) && s[j+1] == '#':
			return "", 0, false
		}
	}
	return "", 0, false
}

// commentStart returns the index of a " #" comment after byte i outside
// quotes, or -1.
func commentStart(s []byte, i int) int {
	var quote byte
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			if j == i || s[j-1] == ' ' {
				quote = c
			}
		case c == '#' && (j == i || s[j-1] == ' ' || s[j-1] == '\t'):
			return j
		}
	}
	return -1
}

// split cuts the outline into documents at "---" lines.
func (t *Outline) split() []segment {
	var segs []segment
	start := 0
	for i := 0; i <= len(t.lines); i++ {
		if i < len(t.lines) && !t.lines[i].sep {
			continue
		}
		seg := segment{start: start, end: i}
		top := -1
		inMeta, metaCol := false, -1 // in the top-level metadata mapping; its keys' column
		for j := start; j < i; j++ {
			l := t.lines[j]
			if l.skip {
				continue
			}
			if top < 0 {
				top = l.col
			}
			if inMeta && l.col > top {
				if metaCol < 0 {
					metaCol = l.col
				}
				if l.col == metaCol && !l.dash && l.hasKey && !l.templated && l.key == "name" {
					if re := namePattern(unquote(t.valueText(j, l))); re != nil {
						seg.names = append(seg.names, re)
					}
				}
				continue
			}
			inMeta = false
			if l.col != top || l.dash || !l.hasKey {
				continue
			}
			if !l.templated && l.key == "metadata" && l.valueStart == l.valueEnd {
				inMeta, metaCol = true, -1
			}
			switch {
			case l.templated:
			case l.key == "kind" && l.literal:
				seg.kinds = append(seg.kinds, unquote(t.valueText(j, l)))
			case l.key == "kind":
				seg.templatedKind = true
			}
		}
		if top >= 0 {
			segs = append(segs, seg)
		}
		start = i + 1
	}
	return segs
}

// namePattern returns a regular expression matching the values a name
// written as text may render: its literal parts in order, anything for
// each template action. It returns nil when that is anything at all, or
// the text is not one whole value (an action not closed on the line).
func namePattern(text string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	literal := false
	trimLeft := false // the previous action ends with "-}}"
	for text != "" {
		i := strings.Index(text, "{{")
		if i < 0 {
			i = len(text)
		}
		piece := text[:i]
		if trimLeft {
			piece = strings.TrimLeft(piece, " \t")
		}
		if strings.HasPrefix(text[i:], "{{-") {
			piece = strings.TrimRight(piece, " \t")
		}
		if piece != "" {
			b.WriteString(regexp.QuoteMeta(piece))
			literal = true
		}
		if i == len(text) {
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return nil
		}
		if !strings.HasSuffix(b.String(), ".*") {
			b.WriteString(".*")
		}
		trimLeft = strings.HasSuffix(text[i:i+j], "-")
		text = text[i+j+2:]
	}
	if !literal {
		return nil
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// valueText returns the value written on line index i.
func (t *Outline) valueText(i int, l line) string {
	return string(t.File.Line(i + 1)[l.valueStart:l.valueEnd])
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// firstLine returns the index of the first line of segment s, or -1.
func (t *Outline) firstLine(s segment) int {
	for j := s.start; j < s.end; j++ {
		if !t.lines[j].skip {
			return j
		}
	}
	return -1
}

// lineRange covers line index i from its first character to its end.
func (t *Outline) lineRange(i, fromByte int) analyzer.Range {
	text := t.File.Line(i + 1)
	end := len(bytes.TrimRight(text, " \t\r"))
	return t.byteRange(i, fromByte, max(end, fromByte+1))
}

// byteRange converts byte columns [from, to) of line index i to a range
// in code points.
func (t *Outline) byteRange(i, from, to int) analyzer.Range {
	startCol, endCol := t.File.Column(i+1, from), t.File.Column(i+1, to)
	if endCol <= startCol {
		endCol = startCol + 1
	}
	return analyzer.Range{Start: analyzer.Position{Line: i + 1, Column: startCol}, End: analyzer.Position{Line: i + 1, Column: endCol}}
}
