package analyzer

import (
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Locate resolves a field path to a range by the catalog's conventions:
//   - a present scalar value: the value itself (the "*" inside verbs);
//   - a present mapping or sequence, or any field when atKey is set: its key;
//   - a sequence item that is a collection: the item's first line (the line
//     of "- name:");
//   - a missing field: the key of its nearest existing ancestor, the item
//     line when that ancestor is a sequence item, or the start of the
//     object when nothing of the path exists.
//
// Once Lint has released the node tree, the paths that set rules' facts
// named are answered from the positions resolved before the release; other
// paths re-parse the file (see Root).
func (d *Document) Locate(p Path, atKey bool) Range {
	if d.root == nil && !atKey {
		if r, ok := d.locatedAt(p); ok {
			return r
		}
	}
	return d.File.LocateNode(d.Root(), p, atKey)
}

// LocateNode resolves field path p in root, a node tree whose positions
// are in the file's text, by Locate's conventions. A renderer that finds
// a literal part of a rendered object in its source (a flow collection
// written in a Helm template) resolves the rest of a path with it.
func (f *File) LocateNode(root *yaml.Node, p Path, atKey bool) Range {
	node, key, depth := walk(root, p)
	if depth == len(p) && !atKey {
		if node.Kind == yaml.ScalarNode || node.Kind == yaml.AliasNode {
			return f.tokenRange(node)
		}
	}
	if key != nil {
		return f.tokenRange(key)
	}
	return f.lineRange(node)
}

// tokenRange covers one scalar or alias token as written in the source.
func (d *Document) tokenRange(n *yaml.Node) Range { return d.File.tokenRange(n) }

// tokenRange covers one scalar or alias token of the file.
func (f *File) tokenRange(n *yaml.Node) Range {
	start := Position{Line: n.Line, Column: n.Column}
	rest := f.restOfLine(n.Line, n.Column)
	var width int // in code points; 0 means "to the end of the line"
	switch {
	case n.Kind == yaml.AliasNode:
		width = 1 + utf8.RuneCountInString(n.Value)
	case n.Style&yaml.TaggedStyle != 0, n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		width = 0
	case n.Style&yaml.DoubleQuotedStyle != 0:
		width = quotedWidth(rest, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		width = quotedWidth(rest, '\'')
	default:
		if v := n.Value; !containsNewline(v) && len(rest) >= len(v) && string(rest[:len(v)]) == v {
			width = utf8.RuneCountInString(n.Value)
		}
	}
	if width == 0 {
		width = f.widthToEnd(n.Line, n.Column)
	}
	if width == 0 {
		width = 1
	}
	return Range{Start: start, End: Position{Line: n.Line, Column: n.Column + width}}
}

// lineRange covers from the node's start to the end of its line.
func (d *Document) lineRange(n *yaml.Node) Range { return d.File.lineRange(n) }

// lineRange covers from the node's start to the end of its line.
func (f *File) lineRange(n *yaml.Node) Range {
	start := Position{Line: n.Line, Column: n.Column}
	width := max(1, f.widthToEnd(n.Line, n.Column))
	return Range{Start: start, End: Position{Line: n.Line, Column: n.Column + width}}
}

// fullLineRange covers line n from its first column to its end.
func fullLineRange(f *File, n int) Range {
	end := f.Column(n, len(f.Line(n)))
	return Range{Start: Position{Line: n, Column: 1}, End: Position{Line: n, Column: max(2, end)}}
}

// quotedWidth returns the width in code points of the quoted token at the
// start of s, or 0 when it does not close on this line.
func quotedWidth(s []byte, q byte) int {
	if len(s) == 0 || s[0] != q {
		return 0
	}
	if end := quotedEnd(s, 0); end >= 0 {
		return utf8.RuneCount(s[:end+1])
	}
	return 0
}

func containsNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return true
		}
	}
	return false
}
