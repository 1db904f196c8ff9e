package policies

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/kvet-dev/kvet/analyzer"
)

// flatCache answers as OPA's virtual cache does, for every sequence of
// operations: values and undefined results by reference, in the frame on
// top (a frame pushed by `with` starts empty, popping it brings back the
// one below), an undefined result that stays undefined, and Keys.
func TestFlatCacheActsAsOPAs(t *testing.T) {
	ref := ast.MustParseRef
	val := ast.StringTerm
	type op struct {
		do  string // put, get, push, pop, keys
		ref string
		val string // put: "" for undefined
	}
	tests := []struct {
		name string
		ops  []op
	}{
		{"values by reference", []op{
			{"put", "data.a.b", "1"}, {"put", "data.a.c", "2"}, {"put", `data.f["x"]`, "3"},
			{"get", "data.a.b", ""}, {"get", "data.a.c", ""}, {"get", "data.a", ""}, {"get", "data.a.b.c", ""},
			{"get", `data.f["x"]`, ""}, {"get", `data.f["y"]`, ""}, {"keys", "", ""},
		}},
		{"overwrite", []op{{"put", "data.a", "1"}, {"put", "data.a", "2"}, {"get", "data.a", ""}}},
		{"undefined stays undefined", []op{
			{"put", "data.a", ""}, {"get", "data.a", ""}, {"put", "data.a", "1"}, {"get", "data.a", ""}, {"keys", "", ""},
			{"put", "data.b", "1"}, {"put", "data.b", ""}, {"get", "data.b", ""}, {"keys", "", ""},
		}},
		{"frames", []op{
			{"put", "data.a", "1"}, {"push", "", ""}, {"get", "data.a", ""}, {"keys", "", ""},
			{"put", "data.a", "2"}, {"put", "data.b", ""}, {"get", "data.a", ""}, {"get", "data.b", ""},
			{"push", "", ""}, {"get", "data.a", ""}, {"pop", "", ""}, {"get", "data.a", ""},
			{"pop", "", ""}, {"get", "data.a", ""}, {"get", "data.b", ""}, {"keys", "", ""},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var flat flatCache
			opa := topdown.NewVirtualCache()
			for i, o := range tc.ops {
				var got, want string
				switch o.do {
				case "put":
					var v *ast.Term
					if o.val != "" {
						v = val(o.val)
					}
					flat.Put(ref(o.ref), v)
					opa.Put(ref(o.ref), v)
				case "get":
					v, u := flat.Get(ref(o.ref))
					got = fmt.Sprint(v, u)
					v, u = opa.Get(ref(o.ref))
					want = fmt.Sprint(v, u)
				case "push":
					flat.Push()
					opa.Push()
				case "pop":
					flat.Pop()
					opa.Pop()
				case "keys":
					got, want = refs(flat.Keys()), refs(opa.Keys())
				}
				if got != want {
					t.Errorf("op %d %s %s: got %s, want %s", i, o.do, o.ref, got, want)
				}
			}
		})
	}
}

func refs(rs []ast.Ref) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.String())
	}
	slices.Sort(s)
	return strings.Join(s, " ")
}

// A cached reference is the cache's own copy: the evaluator reuses the
// slice it passes (a function call's key).
func TestFlatCacheCopiesReference(t *testing.T) {
	var c flatCache
	key := ast.MustParseRef("data.f.g")
	c.Put(key, ast.StringTerm("v"))
	key[2] = ast.StringTerm("h")
	if v, _ := c.Get(ast.MustParseRef("data.f.g")); v == nil || !v.Equal(ast.StringTerm("v")) {
		t.Errorf("data.f.g = %v after the caller's slice changed", v)
	}
}

// The memo classifies each call site once: evaluating the same documents
// again adds none (the terms it keeps are the policies' own, not terms
// built during an evaluation).
func TestMemoCallSites(t *testing.T) {
	e := builtinEngine(t)
	fixtures, err := filepath.Glob("rbac/*/testdata/*.yaml")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("fixtures %v, %v", fixtures, err)
	}
	var docs []*analyzer.Document
	for _, f := range readFiles(t, fixtures) {
		d, _ := analyzer.NewLoader(nil).Parse(f)
		docs = append(docs, d...)
	}
	pass := func() int64 {
		for _, d := range docs {
			if d.Kind != "" {
				var res docResult
				e.evaluate(context.Background(), d, &res)
			}
		}
		return e.prog.memo.callSites.Load()
	}
	first := pass()
	if first == 0 {
		t.Fatal("no call site classified")
	}
	if again := pass(); again != first {
		t.Errorf("call sites: %d after the first pass, %d after the second", first, again)
	}
}
