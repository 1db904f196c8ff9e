package analyzer

import (
	"bytes"

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
