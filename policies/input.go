package policies

import (
	"encoding/json"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/analyzer"
)

// input builds the Rego input of a document, the object as written with
// aliases and merges expanded (see analyzer.Document.Value), directly as
// OPA's AST: no Go maps in between, and the strings, small integers and
// booleans OPA interns are not allocated again.
func input(doc *analyzer.Document) *ast.Term {
	return analyzer.BuildValue(doc, astTerms{})
}

// astTerms builds OPA terms.
type astTerms struct{}

func (astTerms) Null() *ast.Term           { return ast.InternedNullTerm }
func (astTerms) Bool(v bool) *ast.Term     { return ast.InternedTerm(v) }
func (astTerms) String(v string) *ast.Term { return ast.InternedTerm(v) }
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

func (astTerms) Object(keys []string, values []*ast.Term) *ast.Term {
	o := ast.NewObjectWithCapacity(len(keys))
	for i, k := range keys {
		o.Insert(ast.InternedTerm(k), values[i])
	}
	return ast.NewTerm(o)
}
