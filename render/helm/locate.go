package helm

import (
	"bytes"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// Quality says how precisely a rendered field was found in its template.
type Quality int

const (
	// AtKey means the field (or, for a field missing from the rendered object,
	// its nearest existing ancestor) is written literally in the template,
	// and the position is its key, value or item line there.
	AtKey Quality = iota
	// AtAncestor means a template action produces the field (an include, a
	// toYaml of values); the position is the nearest ancestor key that the
	// template writes literally.
	AtAncestor
	// AtObject means nothing of the path is in the template text; the position
	// is the object's first line there.
	AtObject
)

// String names the quality for reports.
func (q Quality) String() string {
	switch q {
	case AtKey:
		return "key"
	case AtAncestor:
		return "ancestor"
	}
	return "object"
}

// block is a run of outline lines [from, to); when item is set, its first
// line is a sequence item read without its dash (the item's content).
type block struct {
	from, to int
	item     bool
}

// eff returns the column and dash of line i as seen from block b.
func (t *Outline) eff(b block, i int) (col int, dash bool) {
	l := t.lines[i]
	if b.item && i == b.from {
		return l.content, false
	}
	return l.col, l.dash
}

// first returns the first line of b that is not skipped, or -1; an item
// whose dash line holds nothing starts on the next line.
func (t *Outline) first(b block) int {
	for i := b.from; i < b.to; i++ {
		l := t.lines[i]
		if l.skip || b.item && i == b.from && !l.hasKey && l.valueEnd == l.valueStart {
			continue
		}
		return i
	}
	return -1
}

// children returns the lines of b at its level (the column of its first
// line): mapping entries, or sequence items when the first is an item.
func (t *Outline) children(b block) (lines []int, seq bool) {
	f := t.first(b)
	if f < 0 {
		return nil, false
	}
	level, seq := t.eff(b, f)
	for i := f; i < b.to; i++ {
		if t.lines[i].skip {
			continue
		}
		col, dash := t.eff(b, i)
		if col < level {
			break
		}
		if col == level && dash == seq && (seq || t.lines[i].hasKey) {
			lines = append(lines, i)
		}
	}
	return lines, seq
}

// entryBlock returns the value lines of the mapping entry on line i of b:
// the lines after it that are indented more, or sequence items at its
// column (YAML's indentless sequences).
func (t *Outline) entryBlock(b block, i int) block {
	col, _ := t.eff(b, i)
	j := i + 1
	for ; j < b.to; j++ {
		l := t.lines[j]
		if l.skip {
			continue
		}
		if l.col < col || l.col == col && !l.dash {
			break
		}
	}
	return block{from: i + 1, to: j}
}

// itemBlock returns the sequence item on line i of b: its dash line and
// the lines indented more than the dash.
func (t *Outline) itemBlock(b block, i int) block {
	col, _ := t.eff(b, i)
	j := i + 1
	for ; j < b.to; j++ {
		if l := t.lines[j]; !l.skip && l.col <= col {
			break
		}
	}
	return block{from: i, to: j, item: true}
}

// value returns the literal value written on line i (unquoted), and
// whether there is one.
func (t *Outline) value(i int) (string, bool) {
	l := t.lines[i]
	if !l.literal || l.valueEnd <= l.valueStart {
		return "", false
	}
	return unquote(t.valueText(i, l)), true
}

// Locate resolves the field path p of a rendered object, whose node tree
// is root, in the template segment seg; atKey asks for the key rather
// than a scalar value.
func (t *Outline) locate(seg segment, root *yaml.Node, p analyzer.Path, atKey bool) (analyzer.Range, Quality) {
	nodes := renderedPath(root, p)
	depth := len(nodes) - 1 // elements of p that exist in the rendered object
	cur := block{from: seg.start, to: seg.end}
	at, reached, byIndex := -1, 0, false
	for k := 0; k < depth; k++ {
		lines, seq := t.children(cur)
		var pick int
		if p[k].IsIndex {
			if !seq {
				break
			}
			pick = t.pickItem(cur, lines, nodes[k+1], p[k].Index, at)
		} else {
			if seq {
				break
			}
			pick = t.pickEntry(cur, lines, p[k].Key, nodes[k], nodes[k+1])
		}
		if pick < 0 {
			break
		}
		at, reached, byIndex = pick, k+1, p[k].IsIndex
		if byIndex {
			cur = t.itemBlock(cur, pick)
		} else {
			cur = t.entryBlock(cur, pick)
		}
	}
	if at < 0 {
		q := AtObject
		if depth == 0 {
			q = AtKey // the finding is about the object itself
		}
		first := t.firstLine(seg)
		if first < 0 {
			return analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}, End: analyzer.Position{Line: 1, Column: 2}}, AtObject
		}
		return t.lineRange(first, t.lines[first].col), q
	}
	l := t.lines[at]
	q := AtKey
	if reached < depth {
		q = AtAncestor
		// The rest of the path is in a value written on the same line: in
		// a flow collection written literally ("verbs: [get, list]"), the
		// element; in one an action writes, the value.
		if n := t.flow(at); n != nil {
			return t.File.LocateNode(n, p[reached:], atKey), AtKey
		}
		if l.valueEnd > l.valueStart {
			if l.literal {
				q = AtKey
			}
			return t.byteRange(at, l.valueStart, l.valueEnd), q
		}
	}
	final := nodes[reached]
	scalar := final != nil && final.Kind == yaml.ScalarNode
	switch {
	case reached == len(p) && scalar && !atKey && l.valueEnd > l.valueStart:
		return t.byteRange(at, l.valueStart, l.valueEnd), q
	case byIndex && l.hasKey:
		return t.lineRange(at, l.content), q
	case byIndex:
		if l.valueEnd > l.valueStart {
			return t.byteRange(at, l.valueStart, l.valueEnd), q
		}
		return t.lineRange(at, l.col), q
	}
	return t.byteRange(at, l.keyStart, l.keyEnd), q
}

// pickEntry chooses among the entries of a mapping (lines of b) the one
// for key, whose rendered mapping is parent and value rendered: when
// several branches write it ({{ if }} ... {{ else }}), the one whose
// literal value is the rendered one, or for a mapping or list the one
// that writes the most of its keys and values, else the first. When the
// rendered mapping holds the key more than once (a duplicate-key error),
// the copies are written one after the other and the decoder reads the
// last: the last whose literal value is the rendered one, else the last.
func (t *Outline) pickEntry(b block, lines []int, key string, parent, rendered *yaml.Node) int {
	var found []int
	for _, i := range lines {
		if l := t.lines[i]; !l.templated && l.key == key {
			found = append(found, i)
		}
	}
	if len(found) == 0 {
		return -1
	}
	if len(found) == 1 {
		return found[0]
	}
	if repeated(parent, key) {
		slices.Reverse(found)
	}
	rendered = deref(rendered)
	switch {
	case rendered == nil:
	case rendered.Kind == yaml.ScalarNode:
		for _, i := range found {
			if v, ok := t.value(i); ok && v == rendered.Value {
				return i
			}
		}
	case !repeated(parent, key):
		want := map[string]bool{}
		renderedTokens(rendered, want)
		best, bestScore := found[0], -1
		for _, i := range found {
			eb := t.entryBlock(b, i)
			eb.from = i // the entry's own line too: a flow value written there
			// What it writes of the rendered value, less what it writes
			// that was not rendered (the branch that did not run).
			matched, extra := t.blockScore(eb, want)
			if sc := matched - extra; sc > bestScore || bestScore < 0 {
				best, bestScore = i, sc
			}
		}
		return best
	}
	return found[0]
}

// repeated reports whether the mapping m holds key more than once.
func repeated(m *yaml.Node, key string) bool {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return false
	}
	n := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			n++
		}
	}
	return n > 1
}

// pickItem chooses the template item for a rendered sequence item: the
// one whose literal name (or scalar value) is the rendered one; else, of
// the items whose name is not a literal other one, the one that writes
// the most of the rendered item's keys and values less what it writes
// that the rendered item does not hold (items in {{ if }} blocks that did
// not render shift positions); else by position, an item inside a
// {{ range }} standing for all it renders.
func (t *Outline) pickItem(b block, items []int, rendered *yaml.Node, index, parent int) int {
	want, named := itemName(rendered)
	var other []int // items named otherwise: never the rendered one
	if named {
		var same []int
		for _, i := range items {
			switch names, known := t.itemNames(b, i); {
			case slices.Contains(names, want):
				same = append(same, i)
			case known:
				other = append(other, i)
			}
		}
		switch len(same) {
		case 0:
		case 1:
			return same[0]
		default:
			// Items of the same name in {{ if }} ... {{ else }} branches:
			// the one that writes the most of the rendered item.
			items, other = same, nil
			index = -1
		}
	}
	pos := -1
	parentInRange := parent >= 0 && t.lines[parent].inRange
	n := 0
	for _, i := range items {
		if t.lines[i].inRange && !parentInRange || n == index {
			pos = i
			break
		}
		n++
	}
	if slices.Contains(other, pos) {
		pos = -1
	}
	if len(items) < 2 {
		return pos
	}
	tokens := map[string]bool{}
	renderedTokens(rendered, tokens)
	best, bestScore := pos, 0
	if pos >= 0 {
		bestScore = t.score(b, pos, tokens)
	}
	for _, i := range items {
		if slices.Contains(other, i) {
			continue
		}
		if sc := t.score(b, i, tokens); best < 0 || sc > bestScore {
			best, bestScore = i, sc
		}
	}
	return best
}

// score counts the keys and values of the rendered item (want) that the
// template item on line i writes literally, less those it writes that
// are not in want.
func (t *Outline) score(b block, i int, want map[string]bool) int {
	matched, extra := t.blockScore(t.itemBlock(b, i), want)
	return matched - extra
}

// blockScore counts the keys and values of a rendered node (want) that
// the lines of b write literally, those of flow collections included, and
// those they write that are not in want.
func (t *Outline) blockScore(b block, want map[string]bool) (matched, extra int) {
	got := map[string]bool{}
	for j := b.from; j < b.to; j++ {
		l := t.lines[j]
		if l.skip {
			continue
		}
		if l.hasKey && !l.templated {
			got["k:"+l.key] = true
		}
		if n := t.flow(j); n != nil {
			renderedTokens(n, got)
		} else if v, ok := t.value(j); ok {
			for _, tok := range strings.Split(strings.Trim(v, "[]{} "), ",") {
				got["v:"+unquote(strings.TrimSpace(tok))] = true
			}
		}
	}
	for tok := range got {
		if want[tok] {
			matched++
		} else {
			extra++
		}
	}
	return matched, extra
}

// renderedTokens collects the keys and scalar values of a rendered node.
func renderedTokens(n *yaml.Node, into map[string]bool) {
	n = deref(n)
	switch n.Kind {
	case yaml.ScalarNode:
		into["v:"+n.Value] = true
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			into["k:"+n.Content[i].Value] = true
			renderedTokens(n.Content[i+1], into)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			renderedTokens(c, into)
		}
	}
}

// itemNames returns the names that item line i writes literally (or its
// literal scalar value), and whether every name it may render is among
// them. Any of the item's name lines counts: {{ if }} branches may write
// one each, and of a name written twice the rendered item has the last.
func (t *Outline) itemNames(b block, i int) (names []string, known bool) {
	l := t.lines[i]
	if !l.hasKey {
		if n := t.flow(i); n != nil {
			// - {name: a, image: "a:1"}
			if name, ok := itemName(n); ok && n.Kind == yaml.MappingNode {
				return []string{name}, true
			}
			return nil, false
		}
		v, ok := t.scalar(i)
		if !ok {
			return nil, false
		}
		return []string{v}, true
	}
	known = true
	lines, _ := t.children(t.itemBlock(b, i))
	for _, j := range lines {
		if t.lines[j].key != "name" {
			continue
		}
		v, ok := t.scalar(j)
		if !ok {
			known = false
			continue
		}
		names = append(names, v)
	}
	return names, known && len(names) > 0
}

// scalar returns the scalar written literally and whole as the value on
// line i, as YAML reads it (quotes and escapes resolved); ok is false for
// a templated value, a collection, a block scalar, or a value that goes
// on over the next lines.
func (t *Outline) scalar(i int) (string, bool) {
	l := t.lines[i]
	if !l.literal || l.valueEnd <= l.valueStart || t.flow(i) != nil {
		return "", false
	}
	for j := i + 1; j < len(t.lines); j++ {
		if n := t.lines[j]; !n.skip {
			if n.col > l.col && !n.dash && !n.hasKey {
				return "", false // a plain or quoted scalar continued
			}
			break
		}
	}
	text := t.valueText(i, l)
	if isBlockIndicator([]byte(text)) {
		return "", false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.ScalarNode {
		return "", false
	}
	return doc.Content[0].Value, true
}

// flow returns the node of a flow collection written literally as the
// value on line i (`- {name: a, image: "a:1"}`, `verbs: [get, list]`,
// or one going on over the next lines), or nil.
func (t *Outline) flow(i int) *yaml.Node { return t.flows[i] }

// parseFlows parses the flow collections written literally as line
// values (see Outline.flows). The lines a collection goes on over are
// its value's, so they are skipped: none is a key or item of its own.
func (t *Outline) parseFlows() map[int]*yaml.Node {
	var out map[int]*yaml.Node
	for i := 0; i < len(t.lines); i++ {
		l := t.lines[i]
		if l.skip || !l.literal || l.valueEnd <= l.valueStart {
			continue
		}
		text := t.valueText(i, l)
		if text[0] != '{' && text[0] != '[' {
			continue
		}
		last := t.flowEnd(i)
		if last < 0 {
			continue
		}
		for j := i + 1; j <= last; j++ {
			text += "\n" + string(t.File.Line(j+1))
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil || len(doc.Content) == 0 {
			continue
		}
		if n := doc.Content[0]; n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			if out == nil {
				out = map[int]*yaml.Node{}
			}
			// The positions of the value's text, made the template's.
			moveNodes(n, i, t.File.Column(i+1, l.valueStart)-1)
			out[i] = n
			for j := i + 1; j <= last; j++ {
				t.lines[j].skip = true
			}
			i = last
		}
	}
	return out
}

// flowEnd returns the index of the line on which the flow collection
// that the value of line i opens is closed, or -1 when a template action,
// a document separator or the end of the file comes first.
func (t *Outline) flowEnd(i int) int {
	depth := 0
	var quote byte
	for j := i; j < len(t.lines); j++ {
		text, from := t.File.Line(j+1), 0
		if j == i {
			text, from = text[:t.lines[i].valueEnd], t.lines[i].valueStart
		} else if t.lines[j].sep || bytes.Contains(text, []byte("{{")) {
			return -1
		}
		prev := byte(' ')
	scan:
		for k := from; k < len(text); k++ {
			c := text[k]
			switch {
			case quote == '"' && c == '\\':
				k++
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				if strings.IndexByte(" \t[{,:'", prev) >= 0 {
					quote = c
				}
			case c == '#' && (prev == ' ' || prev == '\t'):
				break scan // a comment
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				if depth--; depth <= 0 {
					return j
				}
			}
			prev = c
		}
	}
	return -1
}

// moveNodes moves the positions of a node tree parsed from text that
// starts on line index i of the template, lines more down, and the
// columns of its first line more to the right (the text's other lines
// are the template's whole lines).
func moveNodes(n *yaml.Node, lines, columns int) {
	if n.Line == 1 {
		n.Column += columns
	}
	n.Line += lines
	for _, c := range n.Content {
		moveNodes(c, lines, columns)
	}
}

// renderedPath follows p in a rendered node tree and returns the nodes
// along it: the root, then one per element that exists.
func renderedPath(root *yaml.Node, p analyzer.Path) []*yaml.Node {
	nodes := []*yaml.Node{root}
	n := root
	for _, e := range p {
		n = deref(n)
		var next *yaml.Node
		switch {
		case n == nil:
		case e.IsIndex && n.Kind == yaml.SequenceNode && e.Index >= 0 && e.Index < len(n.Content):
			next = deref(n.Content[e.Index])
		case !e.IsIndex && n.Kind == yaml.MappingNode:
			// The decoder's copy of a duplicated key: the last.
			_, next = analyzer.LookupKey(n, e.Key)
		}
		if next == nil {
			break
		}
		nodes = append(nodes, next)
		n = next
	}
	return nodes
}

// itemName returns the name of a rendered sequence item: its "name" key
// (the last, of a duplicated one, as the decoder reads it), or its value
// when it is a scalar.
func itemName(n *yaml.Node) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value, true
	case yaml.MappingNode:
		if _, v := analyzer.LookupKey(n, "name"); v != nil && deref(v).Kind == yaml.ScalarNode {
			return deref(v).Value, true
		}
	}
	return "", false
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
