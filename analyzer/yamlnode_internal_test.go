package analyzer

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestEachEntry checks the entries eachEntry gives (key=value, in order)
// on mappings with nested merges, merge lists, overridden and repeated
// keys, and a merge cycle: as kubectl's YAML library reads them (see
// eachEntry), which the test checks against sigs.k8s.io/yaml, each key
// once with the entry that won, in the order keys first appear; a mapping
// without merge keys gives its repeated keys both. Stopping after k
// entries gives the first k.
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
		"a=10 b=2",
		"a=7 b=2 d=6 f=11",
		"d=6 a=1 b=12 c=5 e=8",
		"a=7 b=3 c=5 d=6 e=8 g=13",
		"h=14 d=6 a=1 b=3 c=5 e=8",
		"h=14 d=6 a=1 b=3 c=5 e=8 i=15",
		"x=1 x=2",
		"j=16",
	}
	// What kubectl reads: the same mappings through sigs.k8s.io/yaml (all
	// but the last, whose cycle its parser refuses).
	js, err := sigsyaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var kubectl struct{ Cases []map[string]any }
	if err := json.Unmarshal(js, &kubectl); err != nil {
		t.Fatal(err)
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
		if i < len(kubectl.Cases) {
			got := map[string]string{}
			for _, e := range all {
				k, v, _ := strings.Cut(e, "=")
				got[k] = v // the last of a repeated key, as kubectl keeps
			}
			if want := fmt.Sprint(kubectl.Cases[i]); fmt.Sprint(got) != want {
				t.Errorf("case %d: entries %v, kubectl reads %s", i, got, want)
			}
		}
		for stop := 1; stop < len(all); stop++ {
			if got := entries(m, stop); strings.Join(got, " ") != strings.Join(all[:stop], " ") {
				t.Errorf("case %d, stopping after %d: entries %v, want %v", i, stop, got, all[:stop])
			}
		}
	}
}
