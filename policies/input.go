package policies

import (
	"encoding/json"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/analyzer"
	rbacv1 "k8s.io/api/rbac/v1"
)

// input builds the Rego input of a document, the object as written with
// aliases and merges expanded (see analyzer.Document.Value), directly as
// OPA's AST: no Go maps in between, and the strings, small integers and
// booleans OPA interns are not allocated again, nor the short strings
// documents built before had (keys such as "apiGroups", values such as
// "get"): see termCache. A rule entry of a Role or ClusterRole that the
// API server rejects is null: see leaveOutRejectedRules.
func (p *program) input(doc *analyzer.Document) *ast.Term {
	tc, _ := p.terms.Get().(*termCache)
	if tc == nil {
		tc = &termCache{strings: map[string]*ast.Term{}}
	}
	in := analyzer.BuildValue(doc, astTerms{tc})
	p.terms.Put(tc)
	return leaveOutRejectedRules(in, doc.Object)
}

// rulesKey is the key of a role's rule entries.
var rulesKey = ast.StringTerm("rules")

// leaveOutRejectedRules returns in, the input of a document whose decoded
// object is obj, with null for every rule entry, at its index, when the
// API server rejects the Role or ClusterRole (analyzer.RBACRejections: an
// entry of both resources and non-resource URLs, or without verbs, a name
// that is no path segment, an invalid aggregation selector ...). The role
// is never created and the loader's invalid-value says why: that is the
// one finding about it, since it grants nothing, and the policies that
// judge what an entry grants (which skip entries that are not objects) do
// not describe any of its entries as granting something.
func leaveOutRejectedRules(in *ast.Term, obj any) *ast.Term {
	switch obj.(type) {
	case *rbacv1.Role, *rbacv1.ClusterRole:
	default:
		return in
	}
	rejected := len(analyzer.RBACRejections(obj)) > 0
	if !rejected {
		return in
	}
	o, ok := in.Value.(ast.Object)
	if !ok {
		return in
	}
	t := o.Get(rulesKey)
	if t == nil {
		return in
	}
	rules, ok := t.Value.(*ast.Array)
	if !ok {
		return in
	}
	items := make([]*ast.Term, rules.Len())
	for i := range items {
		items[i] = ast.InternedNullTerm
	}
	out := o.Copy()
	out.Insert(rulesKey, ast.NewTerm(ast.NewArray(items...)))
	return ast.NewTerm(out)
}

// termCache is the state of building inputs that a program keeps between
// documents, one per goroutine at work (a sync.Pool): the terms of the
// short strings met so far, so that a string that recurs is one term for
// the whole run, and a scratch slice for building objects. Terms are never
// modified once built (OPA shares its own interned terms the same way), so
// inputs evaluated at once may share them.
type termCache struct {
	strings map[string]*ast.Term
	pairs   [][2]*ast.Term
}

// Bounds of a termCache: the strings it keeps and their length.
const (
	maxCachedStrings   = 8192
	maxCachedStringLen = 64
)

// astTerms builds OPA terms.
type astTerms struct{ tc *termCache }

func (astTerms) Null() *ast.Term       { return ast.InternedNullTerm }
func (astTerms) Bool(v bool) *ast.Term { return ast.InternedTerm(v) }

func (b astTerms) String(v string) *ast.Term {
	if len(v) > maxCachedStringLen {
		return ast.StringTerm(v)
	}
	if t := b.tc.strings[v]; t != nil {
		return t
	}
	t := ast.InternedTerm(v)
	if len(b.tc.strings) < maxCachedStrings {
		b.tc.strings[v] = t
	}
	return t
}

func (astTerms) Int(v int64) *ast.Term {
	if int64(int(v)) == v {
		return ast.InternedTerm(int(v))
	}
	return ast.NumberTerm(json.Number(strconv.FormatInt(v, 10)))
}

func (astTerms) Float(v float64) *ast.Term {
	return ast.NumberTerm(json.Number(strconv.FormatFloat(v, 'g', -1, 64)))
}

func (astTerms) Array(items []*ast.Term) *ast.Term { return ast.NewTerm(ast.NewArray(items...)) }

// Object builds the object in one block (ast.NewObject) when its keys are
// distinct, as they almost always are; a key written twice is inserted
// again, so that the later value wins.
func (b astTerms) Object(keys []string, values []*ast.Term) *ast.Term {
	if !distinct(keys) {
		o := ast.NewObjectWithCapacity(len(keys))
		for i, k := range keys {
			o.Insert(b.String(k), values[i])
		}
		return ast.NewTerm(o)
	}
	pairs := b.tc.pairs[:0]
	for i, k := range keys {
		pairs = append(pairs, [2]*ast.Term{b.String(k), values[i]})
	}
	o := ast.NewObject(pairs...)
	clear(pairs)
	b.tc.pairs = pairs[:0]
	return ast.NewTerm(o)
}

// distinct reports whether keys has no key twice; past a few keys, it
// says no rather than compare them all (the caller then inserts them one
// by one).
func distinct(keys []string) bool {
	if len(keys) > 16 {
		return false
	}
	for i := 1; i < len(keys); i++ {
		for _, k := range keys[:i] {
			if k == keys[i] {
				return false
			}
		}
	}
	return true
}
