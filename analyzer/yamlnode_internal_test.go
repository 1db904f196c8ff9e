package analyzer

import (
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// TestEachEntry checks the entries eachEntry gives (key=value, in order)
// on mappings with nested merges, merge lists, overridden and repeated
// keys, and a merge cycle: explicit keys first, then those of the merge
// sources in order, a key taken once (earlier sources win), a mapping's
// own repeated keys both. Stopping after k entries gives the first k.
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
- &outer {h: 14, <<: *deep}
- {<<: *outer, i: 15}
- {x: 1, x: 2}
- {j: 16}
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	_, cases := lookup(doc.Content[0], "cases")
	// The last case merges itself (the parser refuses such an alias, so
	// the cycle is made here): its merge adds nothing.
	last := cases.Content[len(cases.Content)-1]
	last.Content = append(last.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!merge", Value: "<<"}, &yaml.Node{Kind: yaml.AliasNode, Alias: last})
	want := []string{
		"a=1 b=2",
		"a=9 a=10 b=2",
		"f=11 d=6 a=7 b=2",
		"b=12 e=8 c=4 a=1 d=6",
		"g=13 e=8 b=3 c=4 a=1 d=6",
		"h=14 e=8 b=3 c=4 a=1 d=6",
		"i=15 h=14 e=8 b=3 c=4 a=1 d=6",
		"x=1 x=2",
		"j=16",
	}
	entries := func(m *yaml.Node, stopAfter int) []string {
		var out []string
		eachEntry(m, func(k, v *yaml.Node) bool {
			out = append(out, k.Value+"="+v.Value)
			return len(out) != stopAfter
		})
		return out
	}
	for i, m := range cases.Content {
		all := entries(m, 0)
		if got := strings.Join(all, " "); got != want[i] {
			t.Errorf("case %d: entries %s, want %s", i, got, want[i])
		}
		for stop := 1; stop < len(all); stop++ {
			if got := entries(m, stop); strings.Join(got, " ") != strings.Join(all[:stop], " ") {
				t.Errorf("case %d, stopping after %d: entries %v, want %v", i, stop, got, all[:stop])
			}
		}
	}
}
