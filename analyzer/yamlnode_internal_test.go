package analyzer

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// eachEntryReference is eachEntry as it was written first, with a set of
// seen keys per merging mapping and a filtering closure per level: the
// specification that TestEachEntry holds the one-set version to.
func eachEntryReference(m *yaml.Node, fn func(k, v *yaml.Node) bool, visiting map[*yaml.Node]bool) bool {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || visiting[m] {
		return true
	}
	hasMerge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(m.Content[i]) {
			hasMerge = true
			continue
		}
		if !fn(m.Content[i], m.Content[i+1]) {
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
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			seen[m.Content[i].Value] = true
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
			ok := eachEntryReference(s, func(k, v *yaml.Node) bool {
				if seen[k.Value] {
					return true
				}
				seen[k.Value] = true
				return fn(k, v)
			}, visiting)
			if !ok {
				return false
			}
		}
	}
	return true
}

// TestEachEntry checks eachEntry's entries (key, value line) against the
// reference on mappings with nested merges, merge lists, overridden and
// repeated keys, and a merge cycle, and that stopping early stops.
func TestEachEntry(t *testing.T) {
	src := `
base: &base {a: 1, b: 2}
more: &more {<<: *base, b: 3, c: 4, c: 5}
other: &other {d: 6, a: 7}
deep: &deep {<<: [*more, *other], e: 8}
cases:
- {<<: *base}
- {<<: *base, a: 9, a: 10}
- {<<: [*other, *base], f: 11}
- {<<: *deep, b: 12}
- {<<: [*deep, *more], g: 13, <<: *other}
- &loop {h: 14, <<: *deep}
- {<<: *loop, i: 15}
- {x: 1, x: 2}
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	_, cases := lookup(doc.Content[0], "cases")
	list := func(each func(fn func(k, v *yaml.Node) bool), stopAfter int) string {
		var out []string
		each(func(k, v *yaml.Node) bool {
			out = append(out, fmt.Sprintf("%s@%d", k.Value, v.Line))
			return len(out) != stopAfter
		})
		return strings.Join(out, " ")
	}
	for i, m := range cases.Content {
		for _, stop := range []int{0, 1, 2, 3} {
			got := list(func(fn func(k, v *yaml.Node) bool) { eachEntry(m, fn) }, stop)
			want := list(func(fn func(k, v *yaml.Node) bool) { eachEntryReference(m, fn, nil) }, stop)
			if got != want {
				t.Errorf("case %d, stopping after %d: entries %s, want %s", i, stop, got, want)
			}
			if stop == 0 && i == 4 && !slices.Contains(strings.Fields(got), "d@4") {
				t.Errorf("case %d: entries %s, want d from the merge of a merge list", i, got)
			}
		}
	}
}
