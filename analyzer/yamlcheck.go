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
				if merge := mergedOver(n, i); merge != nil {
					wk, _ := lookup(n, k.Value)
					out = append(out, Diagnostic{
						RuleID: IDDuplicateKey, Severity: SeverityError, File: f.Path, Range: f.tokenRange(k),
						Path: slices.Clone(path).Key(k.Value), Object: ref,
						Message: fmt.Sprintf("key %q is set again by the merge key \"<<\" after it (line %d): kubectl applies merge keys in order, so it keeps the merged value%s and silently drops this one, while the YAML merge-key specification and kustomize keep this one; put \"<<\" before the keys meant to override what it merges",
							k.Value, merge.Line, mergedAt(merge, wk)),
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

// mergedOver returns the merge key after the key at index i of mapping
// n's content whose entries replace it as kubectl reads n (see eachEntry),
// or nil.
func mergedOver(n *yaml.Node, i int) *yaml.Node {
	k := n.Content[i]
	if !comparableKey(k) || !hasMergeKey(n) {
		return nil
	}
	if wk, _ := lookup(n, k.Value); wk == nil || slices.Contains(n.Content, wk) {
		return nil // this key, or a later copy of it, wins
	}
	var last *yaml.Node
	for j := i + 2; j+1 < len(n.Content); j += 2 {
		if !isMergeKey(n.Content[j]) {
			continue
		}
		src := deref(n.Content[j+1])
		sources := []*yaml.Node{src}
		if src != nil && src.Kind == yaml.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			if sk, _ := lookup(s, k.Value); sk != nil {
				last = n.Content[j]
			}
		}
	}
	return last
}

func comparableKey(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && !isMergeKey(k) }
