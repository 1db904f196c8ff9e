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

// eachEntry calls fn for each key/value pair of mapping m as kubectl reads
// it; fn returns false to stop. Values are returned as written (possibly
// aliases). A mapping without `<<` merge keys, nearly every one, gives its
// entries in document order, a key written twice (a duplicate-key error)
// both times: its callers keep the last, as kubectl does. A mapping with
// merge keys is read as kubectl's YAML library (go.yaml.in/yaml/v2, under
// sigs.k8s.io/yaml) reads it, not as the YAML merge-key specification
// says: its entries are applied in document order, a merge key applying
// its mapping's entries (of a sequence of mappings, the last first, so
// that the earlier win), each entry replacing the one of its key before
// it. So an explicit key before a merge key that also sets it is
// replaced (duplicateKeys reports it), and of two merge keys the later
// wins. fn sees each key once, with the entry that won, in the order the
// keys first appeared. A merge that refers back to a mapping being merged
// (a cycle through aliases) adds nothing. fn is only called, never kept,
// so a caller's closure stays on its stack.
func eachEntry(m *yaml.Node, fn func(k, v *yaml.Node) bool) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	if !hasMergeKey(m) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !fn(m.Content[i], m.Content[i+1]) {
				return
			}
		}
		return
	}
	for _, e := range mergedEntries(m) {
		if !fn(e[0], e[1]) {
			return
		}
	}
}

// hasMergeKey reports whether mapping m has a `<<` merge key of its own.
func hasMergeKey(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(m.Content[i]) {
			return true
		}
	}
	return false
}

// mergedEntries returns the key/value pairs of mapping m, which has merge
// keys, as eachEntry gives them.
func mergedEntries(m *yaml.Node) [][2]*yaml.Node {
	var entries [][2]*yaml.Node
	at := map[string]int{} // the index in entries of each scalar key
	visiting := map[*yaml.Node]bool{}
	var apply func(n *yaml.Node)
	apply = func(n *yaml.Node) {
		n = deref(n)
		if n == nil || n.Kind != yaml.MappingNode || visiting[n] {
			return
		}
		visiting[n] = true
		defer delete(visiting, n)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !isMergeKey(k) {
				if j, ok := at[k.Value]; ok && k.Kind == yaml.ScalarNode {
					entries[j] = [2]*yaml.Node{k, v}
					continue
				}
				if k.Kind == yaml.ScalarNode {
					at[k.Value] = len(entries)
				}
				entries = append(entries, [2]*yaml.Node{k, v})
				continue
			}
			if !mergeable(v) {
				continue // kubectl refuses the file: duplicateKeys reports it
			}
			if src := deref(v); src != nil && src.Kind == yaml.SequenceNode {
				for j := len(src.Content) - 1; j >= 0; j-- {
					apply(src.Content[j])
				}
			} else {
				apply(src)
			}
		}
	}
	apply(m)
	return entries
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
	// From the end: an explicit key after every merge key wins (see
	// eachEntry); one before a merge key may be replaced by the merge.
	merges := false
	for i := len(n.Content)&^1 - 2; i >= 0; i -= 2 {
		switch {
		case isMergeKey(n.Content[i]):
			merges = true
		case n.Content[i].Value == key && !merges:
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
