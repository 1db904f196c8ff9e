package analyzer

import (
	"reflect"

	yaml "go.yaml.in/yaml/v3"
)

// Helpers over go.yaml.in/yaml/v3 node trees that follow aliases and `<<`
// merge keys the way YAML decoders do, so every consumer (decoder, locator,
// Rego input) sees the same mapping.

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge"
}

// eachEntry calls fn for each key/value pair of mapping m, explicit keys
// first in document order, then keys brought in by `<<` merges that are not
// already present (earlier merge sources win). fn returns false to stop.
// Values are returned as written (possibly aliases). A merge that refers
// back to a mapping being merged (a cycle through aliases) is ignored.
// fn is only called, never kept, so a caller's closure stays on its stack.
func eachEntry(m *yaml.Node, fn func(k, v *yaml.Node) bool) {
	eachEntryOnce(m, fn, nil, nil)
}

// eachEntryOnce calls fn for the entries of m as eachEntry does. Within a
// merge (seen not nil), a key already in seen is skipped and the others are
// added: seen holds the keys of the mapping that merges, and of every
// entry taken so far, which includes the keys of each nested merge's own
// mapping once they are taken, so one set serves every level.
func eachEntryOnce(m *yaml.Node, fn func(k, v *yaml.Node) bool, seen map[string]bool, visiting map[*yaml.Node]bool) bool {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || visiting[m] {
		return true
	}
	hasMerge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMergeKey(k) {
			hasMerge = true
			continue
		}
		if seen != nil {
			if seen[k.Value] {
				continue
			}
			seen[k.Value] = true
		}
		if !fn(k, m.Content[i+1]) {
			return false
		}
	}
	if !hasMerge {
		return true
	}
	if visiting == nil {
		visiting = map[*yaml.Node]bool{}
	}
	visiting[m] = true
	defer delete(visiting, m)
	if seen == nil {
		seen = map[string]bool{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !isMergeKey(m.Content[i]) {
				seen[m.Content[i].Value] = true
			}
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		src := deref(m.Content[i+1])
		if src == nil {
			continue
		}
		sources := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			sources = src.Content
		}
		for _, s := range sources {
			if !eachEntryOnce(s, fn, seen, visiting) {
				return false
			}
		}
	}
	return true
}

// lookup returns the key and value nodes of key in mapping m (following
// merges), or nils. Of a key written twice (a duplicate-key error), the
// last is the one decoders keep, and so the one kvet's decoder, its Rego
// input and kubectl read: positions and fixes go to it. Mappings without
// merge keys, nearly all, are scanned without allocating: the locator
// calls lookup for every step of every path it resolves.
func lookup(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	n := deref(m)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	merges := false
	for i := len(n.Content)&^1 - 2; i >= 0; i -= 2 {
		switch {
		case isMergeKey(n.Content[i]):
			merges = true
		case n.Content[i].Value == key:
			return n.Content[i], n.Content[i+1]
		}
	}
	if !merges {
		return nil, nil
	}
	return lookupMerged(n, key)
}

// LookupKey returns the key and value nodes of key in the mapping m, or
// nils, as kvet's decoder, locator and fixes read them: aliases and `<<`
// merge keys followed, and of a key written twice the last copy, the one
// kubectl keeps. The value is returned as written (possibly an alias).
// Packages that resolve fields in node trees of their own (rendered
// templates, an editor's buffer) use it to agree with the decoder.
func LookupKey(m *yaml.Node, key string) (k, v *yaml.Node) {
	return lookup(m, key)
}

// lookupMerged is lookup for a mapping with merge keys.
func lookupMerged(m *yaml.Node, key string) (k, v *yaml.Node) {
	eachEntry(m, func(kn, vn *yaml.Node) bool {
		if kn.Value == key {
			k, v = kn, vn
			return false
		}
		return true
	})
	return k, v
}

// scalarString returns the value of a scalar node (following aliases).
func scalarString(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// Lookup returns the node at path under the document root (following
// aliases and merges), or nil when some step is missing.
func (d *Document) Lookup(p Path) *yaml.Node {
	n, _, depth := walk(d.Root(), p)
	if depth < len(p) {
		return nil
	}
	return n
}

// Unset reports whether the field at p is absent or null, i.e. unset for
// the API server. A field present with a value of the wrong type is not
// unset: the loader reports it as invalid-value, and rules about missing
// fields stay quiet about it.
func (d *Document) Unset(p Path) bool {
	n := deref(d.Lookup(p))
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// Decodes decodes the field at p into v (a pointer) as the loader decodes
// the object, and reports whether the field is set and decodes without a
// problem. Rules use it to tell a value written validly from one the loader
// reported as invalid-value and left at its zero value in the typed object
// (`cpu: 0x10` is 16, as kubectl reads it; `cpu: lots` is invalid).
func (d *Document) Decodes(p Path, v any) bool {
	if d.Unset(p) {
		return false
	}
	dec := &decoder{types: newTypeCache()}
	n := d.Lookup(p)
	dec.decode(n, n, reflect.ValueOf(v).Elem(), dec.path[:0])
	return len(dec.problems) == 0
}

// HasString reports whether the field at p is a string scalar.
func (d *Document) HasString(p Path) bool {
	n := deref(d.Lookup(p))
	return n != nil && n.Kind == yaml.ScalarNode && n.Tag == "!!str"
}

// walk follows p from root as far as it exists. It returns the deepest
// node reached, the key node that led to it (nil if it was reached by an
// index or is the root), and how many path elements were consumed.
func walk(root *yaml.Node, p Path) (node, key *yaml.Node, depth int) {
	node = root
	for i, e := range p {
		cur := deref(node)
		if cur == nil {
			return node, key, i
		}
		if e.IsIndex {
			if cur.Kind != yaml.SequenceNode || e.Index < 0 || e.Index >= len(cur.Content) {
				return node, key, i
			}
			node, key = cur.Content[e.Index], nil
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return node, key, i
		}
		k, v := lookup(cur, e.Key)
		if k == nil {
			return node, key, i
		}
		node, key = v, k
	}
	return node, key, len(p)
}
