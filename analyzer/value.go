package analyzer

import (
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// Value returns the object as the generic value that decoding its JSON form
// would give: map[string]any, []any, string, int64, float64, bool or nil,
// with aliases and `<<` merge keys expanded the way the decoder and the
// locator see them. It is what Rego policies receive as `input`, built from
// the node tree without parsing the file again (unless Lint released the
// tree, see Root).
//
// It fails when alias expansion makes the object larger than the decoder's
// node budget (a "billion laughs" document).
func (d *Document) Value() (any, error) {
	b := valueBuilder{budget: maxDecodeNodes}
	v := b.value(d.Root(), 0)
	if b.budget < 0 {
		return nil, fmt.Errorf("%s: document %d (%s %s) expands to more than %d nodes", d.File.Path, d.Index+1, d.Kind, d.Name, maxDecodeNodes)
	}
	return v, nil
}

// valueBuilder converts node trees with a bound on the number of nodes
// produced, counting every expansion of an alias.
type valueBuilder struct{ budget int }

func (b *valueBuilder) value(n *yaml.Node, depth int) any {
	n = deref(n)
	b.budget--
	if n == nil || b.budget < 0 || depth > 10_000 {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		eachEntry(n, func(k, v *yaml.Node) bool {
			m[k.Value] = b.value(v, depth+1)
			return b.budget >= 0
		})
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = b.value(c, depth+1)
			if b.budget < 0 {
				break
			}
		}
		return s
	case yaml.ScalarNode:
		return scalarValue(n)
	}
	return nil
}
