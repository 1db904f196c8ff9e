package analyzer

import (
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// Value returns the object as the generic value that decoding its JSON form
// would give: map[string]any, []any, string, int64, float64, bool or nil,
// with aliases and `<<` merge keys expanded the way the decoder and the
// locator see them, built from the node tree without parsing the file
// again (unless Lint released the tree, see Root). The loader refuses
// documents whose aliases expand too much, so the value is bounded.
func (d *Document) Value() any { return BuildValue(d, goValues{}) }

// ValueBuilder makes the values of a document for BuildValue: T is the
// representation of a value (Go's generic values for Value, OPA's AST for
// the Rego input).
type ValueBuilder[T any] interface {
	Null() T
	Bool(bool) T
	Int(int64) T
	Float(float64) T
	String(string) T
	// Array receives the items; the slice is the builder's to keep.
	Array(items []T) T
	// Object receives the keys and values in document order, explicit
	// keys first, then those brought in by `<<` merges; a key written
	// twice comes twice, and the later value wins. It must not keep the
	// slices, which BuildValue reuses.
	Object(keys []string, values []T) T
}

// BuildValue builds the object's value with b, expanding aliases and `<<`
// merge keys the way Value does.
func BuildValue[T any](d *Document, b ValueBuilder[T]) T {
	return buildValue(d.Root(), b, new(entryStack[T]), 0)
}

// entryStack holds the keys and values of the mappings being built, one
// region per mapping under construction: a mapping appends each entry once
// its value is built (the value's own mappings have given their regions
// back by then), so its entries are contiguous, and building a value
// allocates no slices for its mappings.
type entryStack[T any] struct {
	keys []string
	vals []T
}

// maxValueDepth bounds the nesting BuildValue follows.
const maxValueDepth = 10_000

func buildValue[T any](n *yaml.Node, b ValueBuilder[T], st *entryStack[T], depth int) T {
	n = deref(n)
	if n == nil || depth > maxValueDepth {
		return b.Null()
	}
	switch n.Kind {
	case yaml.MappingNode:
		mark := len(st.keys)
		eachEntry(n, func(k, v *yaml.Node) bool {
			val := buildValue(v, b, st, depth+1)
			st.keys = append(st.keys, k.Value)
			st.vals = append(st.vals, val)
			return true
		})
		out := b.Object(st.keys[mark:], st.vals[mark:])
		clear(st.vals[mark:])
		st.keys, st.vals = st.keys[:mark], st.vals[:mark]
		return out
	case yaml.SequenceNode:
		items := make([]T, len(n.Content))
		for i, c := range n.Content {
			items[i] = buildValue(c, b, st, depth+1)
		}
		return b.Array(items)
	case yaml.ScalarNode:
		// A value of a tag that does not parse is the string written.
		switch n.Tag {
		case "!!null":
			return b.Null()
		case "!!bool":
			if v, err := strconv.ParseBool(n.Value); err == nil {
				return b.Bool(v)
			}
		case "!!int":
			if v, err := parseYAMLInt(n); err == nil {
				return b.Int(v)
			}
		case "!!float":
			if v, err := parseYAMLFloat(n); err == nil {
				return b.Float(v)
			}
		case "!!str":
			// A plain yes, no, on, off, y or n is a boolean to kubectl
			// and conftest (YAML 1.1), and so to policies.
			if v, ok := yaml11Bool(n); ok {
				return b.Bool(v)
			}
		}
		return b.String(n.Value)
	}
	return b.Null()
}

// goValues builds Go's generic values.
type goValues struct{}

func (goValues) Null() any             { return nil }
func (goValues) Bool(v bool) any       { return v }
func (goValues) Int(v int64) any       { return v }
func (goValues) Float(v float64) any   { return v }
func (goValues) String(v string) any   { return v }
func (goValues) Array(items []any) any { return items }

func (goValues) Object(keys []string, values []any) any {
	m := make(map[string]any, len(keys))
	for i, k := range keys {
		m[k] = values[i]
	}
	return m
}
