package analyzer

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// Checks of a YAML document that the YAML library does not make but the
// API server's decoder does.

// foreignAlias returns the first alias of doc that refers to an anchor
// defined outside it (in an earlier document of the stream: the YAML
// library keeps anchors across documents, Kubernetes' decoder and YAML 1.2
// do not), or nil.
func foreignAlias(doc *yaml.Node) *yaml.Node {
	own := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node) *yaml.Node
	walk = func(n *yaml.Node) *yaml.Node {
		if n.Kind == yaml.AliasNode {
			if !own[n.Alias] {
				return n
			}
			return nil
		}
		if n.Anchor != "" {
			own[n] = true
		}
		for _, c := range n.Content {
			if a := walk(c); a != nil {
				return a
			}
		}
		return nil
	}
	return walk(doc)
}

// tabHint explains a syntax error on a line indented with a tab, which
// YAML forbids; msg is the YAML library's message.
func tabHint(line []byte, msg string) string {
	indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
	if bytes.IndexByte(indent, '\t') < 0 {
		return msg
	}
	return "this line is indented with a tab, and YAML indents with spaces only (" + msg + ")"
}

// jsonEscapes are the escapes of JSON strings that YAML's double-quoted
// scalars do not have, with the YAML library's error on them and what to
// write instead: an error in YAML (kubectl's YAML decoder lacks them too),
// or in a JSON string that is not valid JSON (see jsonStrings).
var jsonEscapes = []struct {
	re        *regexp.Regexp
	err, hint string
}{
	{regexp.MustCompile(`\\/`), "found unknown escape character",
		`\/ is an escape of JSON that YAML does not have: write / instead`},
	{regexp.MustCompile(`(?i)\\ud[89a-f][0-9a-f]{2}`), "found invalid Unicode character escape code",
		`a UTF-16 surrogate escape (\ud83d\ude80) is JSON's way to write a character beyond U+FFFF, which YAML does not have: write the character itself, or \U0001F680`},
}

// jsonEscapeHint returns the range of a syntax error at line, with msg,
// the YAML library's message: the whole line, or, when the error is an
// escape of JSON that YAML lacks, that escape, with what to write instead.
func jsonEscapeHint(f *File, line int, msg string) (Range, string) {
	text := f.Line(line)
	for _, e := range jsonEscapes {
		if msg != e.err {
			continue
		}
		if loc := e.re.FindIndex(text); loc != nil {
			at := f.Offset(Position{Line: line, Column: 1})
			return Range{Start: f.Position(at + loc[0]), End: f.Position(at + loc[1])}, msg + " (" + e.hint + ")"
		}
	}
	return fullLineRange(f, line), msg
}

// duplicateKeys reports the keys that appear twice in one mapping of an
// object (root is its node, ref names it), at the second key, naming the
// line of the first. Aliased content is checked where it is defined, and
// `<<` merge keys may repeat.
func duplicateKeys(f *File, root *yaml.Node, ref ObjectRef) []Diagnostic {
	var out []Diagnostic
	path := make(Path, 0, 16) // the path of the node being walked; extended in place
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			earlier := earlierKey
			if len(n.Content) > 32 {
				earlier = keyIndex(n.Content)
			}
			merges := mergesOf(n)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if first := earlier(n.Content, i); first != nil {
					out = append(out, Diagnostic{
						RuleID: IDDuplicateKey, Severity: SeverityError, File: f.Path, Range: f.tokenRange(k),
						Path: slices.Clone(path).Key(k.Value), Object: ref,
						Message: fmt.Sprintf("key %q appears twice in this mapping (first at line %d): kubectl keeps only this one and silently drops the first, and kustomize rejects the file; keep one",
							k.Value, first.Line),
					})
				}
				if merge := merges.over(i); merge != nil {
					out = append(out, Diagnostic{
						RuleID: IDDuplicateKey, Severity: SeverityError, File: f.Path, Range: f.tokenRange(k),
						Path: slices.Clone(path).Key(k.Value), Object: ref,
						Message: fmt.Sprintf("key %q is set again by the merge key \"<<\" after it (line %d): kubectl applies merge keys in order, so it keeps the merged value%s and silently drops this one, while the YAML merge-key specification and kustomize keep this one; put \"<<\" before the keys meant to override what it merges",
							k.Value, merge.Line, mergedAt(merge, merges.winner[k.Value])),
					})
				}
				if isMergeKey(k) && !mergeable(n.Content[i+1]) {
					v := n.Content[i+1]
					out = append(out, Diagnostic{
						RuleID: IDYAMLSyntax, Severity: SeverityError, File: f.Path, Range: f.tokenRange(v),
						Path: slices.Clone(path).Key(k.Value), Object: ref,
						Message: "the value of the merge key \"<<\" is not a mapping, an alias of one, or a sequence of them: kubectl's YAML library rejects the file (\"map merge requires map or sequence of maps as the value\"); kvet merges nothing from it",
					})
				}
				path = append(path, PathElem{Key: k.Value})
				walk(n.Content[i+1])
				path = path[:len(path)-1]
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				path = append(path, PathElem{Index: i, IsIndex: true})
				walk(c)
				path = path[:len(path)-1]
			}
		}
	}
	walk(root)
	return out
}

// earlierKey returns the key before index i of a mapping's content with
// the same text as the key at i, or nil. Merge keys and keys that are not
// scalars are never duplicates.
func earlierKey(content []*yaml.Node, i int) *yaml.Node {
	k := content[i]
	if !comparableKey(k) {
		return nil
	}
	for j := 0; j < i; j += 2 {
		if e := content[j]; comparableKey(e) && e.Value == k.Value {
			return e
		}
	}
	return nil
}

// keyIndex is earlierKey for large mappings: it indexes the first key of
// each text once.
func keyIndex(content []*yaml.Node) func([]*yaml.Node, int) *yaml.Node {
	first := make(map[string]int, len(content)/2)
	for j := 0; j+1 < len(content); j += 2 {
		if k := content[j]; comparableKey(k) {
			if _, seen := first[k.Value]; !seen {
				first[k.Value] = j
			}
		}
	}
	return func(content []*yaml.Node, i int) *yaml.Node {
		if j, ok := first[content[i].Value]; ok && j < i && comparableKey(content[i]) {
			return content[j]
		}
		return nil
	}
}

// mergedAt says where the value that merge key merge brings in for key k
// is written, when not on the merge key's line.
func mergedAt(merge, k *yaml.Node) string {
	if k.Line == merge.Line {
		return ""
	}
	return fmt.Sprintf(" (line %d)", k.Line)
}

// merges says, of a mapping's keys, which a later merge key replaces (see
// eachEntry). The zero value, for a mapping without merge keys, replaces
// none.
type merges struct {
	content []*yaml.Node
	// winner is the key node that wins each key, as kubectl reads the
	// mapping; own holds the keys that the mapping's own entries win (a
	// key written after the merges); last is the index in content of the
	// last merge key whose entries hold each key.
	winner map[string]*yaml.Node
	own    map[string]bool
	last   map[string]int
}

// mergesOf returns the merges of mapping n: each of its sources read once,
// so that a mapping of many keys stays linear.
func mergesOf(n *yaml.Node) merges {
	if !hasMergeKey(n) {
		return merges{}
	}
	m := merges{content: n.Content, winner: map[string]*yaml.Node{}, own: map[string]bool{}, last: map[string]int{}}
	for _, e := range mergedEntries(n) {
		if e[0].Kind == yaml.ScalarNode {
			m.winner[e[0].Value] = e[0]
		}
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if k := n.Content[j]; comparableKey(k) && m.winner[k.Value] == k {
			m.own[k.Value] = true
		}
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if !isMergeKey(n.Content[j]) || !mergeable(n.Content[j+1]) {
			continue
		}
		src := deref(n.Content[j+1])
		sources := []*yaml.Node{src}
		if src != nil && src.Kind == yaml.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			eachEntry(s, func(k, _ *yaml.Node) bool {
				m.last[k.Value] = j
				return true
			})
		}
	}
	return m
}

// over returns the merge key after the key at index i whose entries
// replace it, or nil.
func (m merges) over(i int) *yaml.Node {
	if m.winner == nil || !comparableKey(m.content[i]) {
		return nil
	}
	k := m.content[i]
	// The key itself, or a later copy of it (a duplicate), wins.
	if j, ok := m.last[k.Value]; ok && j > i && !m.own[k.Value] {
		return m.content[j]
	}
	return nil
}

// mergeable reports whether v can be the value of a merge key as kubectl's
// YAML library reads it: a mapping, or a sequence of mappings, each
// possibly an alias of one.
func mergeable(v *yaml.Node) bool {
	if v.Kind == yaml.AliasNode && v.Alias != nil && v.Alias.Kind != yaml.MappingNode {
		return false
	}
	switch v = deref(v); {
	case v == nil:
		return true
	case v.Kind == yaml.MappingNode:
		return true
	case v.Kind == yaml.SequenceNode:
		for _, c := range v.Content {
			if deref(c) == nil || deref(c).Kind != yaml.MappingNode {
				return false
			}
		}
		return true
	}
	return false
}

func comparableKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && !isMergeKey(k) }
