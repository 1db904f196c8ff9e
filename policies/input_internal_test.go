package policies

import (
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/analyzer"
)

// The Rego input of a document is its value as OPA's AST, whatever the
// shape of its objects: distinct keys (built in one block), a key written
// twice (the later value wins), more keys than distinct checks, strings
// longer than the term cache keeps; and documents built one after another
// with one program share nothing but equal strings.
func TestInputIsValue(t *testing.T) {
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("k%d: %d", i, i)
	}
	long := strings.Repeat("x", maxCachedStringLen+1)
	srcs := []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {team: data, tier: web}\n  annotations:\n    <<: *l\n    team: override\ndata:\n  n: 3\n  f: 0.5\n  b: true\n  z: null\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  key: first\n  other: x\n  key: second\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: {" + strings.Join(many, ", ") + "}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + long + "\ndata:\n  " + long + ": " + long + "\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {team: data, tier: web}\n",
	}
	p := &program{}
	for _, src := range srcs {
		docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.yaml", Content: []byte(src)})
		if len(docs) != 1 {
			t.Fatalf("%d documents in\n%s", len(docs), src)
		}
		want, err := ast.InterfaceToValue(docs[0].Value())
		if err != nil {
			t.Fatal(err)
		}
		got := p.input(docs[0])
		if ast.Compare(got.Value, want) != 0 || !ast.ValueEqual(got.Value, want) || got.Value.Hash() != want.Hash() {
			t.Errorf("input of\n%s\n= %v\nwant %v", src, got, want)
		}
	}
}

func TestDistinct(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want bool
	}{
		{nil, true},
		{[]string{"a"}, true},
		{[]string{"a", "b", "c"}, true},
		{[]string{"a", "b", "a"}, false},
		{[]string{"a", "a"}, false},
		{strings.Split("a b c d e f g h i j k l m n o p q", " "), false}, // 17 keys: not compared
	} {
		if got := distinct(tc.keys); got != tc.want {
			t.Errorf("distinct(%q) = %v, want %v", tc.keys, got, tc.want)
		}
	}
}
