package policies

import (
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"
)

// toValue converts a document's generic value (analyzer.Document.Value)
// to the AST value OPA evaluates, without a round trip through JSON.
func toValue(v any) ast.Value {
	switch x := v.(type) {
	case map[string]any:
		terms := make([][2]*ast.Term, 0, len(x))
		for k, e := range x {
			terms = append(terms, [2]*ast.Term{ast.StringTerm(k), ast.NewTerm(toValue(e))})
		}
		return ast.NewObject(terms...)
	case []any:
		terms := make([]*ast.Term, len(x))
		for i, e := range x {
			terms[i] = ast.NewTerm(toValue(e))
		}
		return ast.NewArray(terms...)
	case string:
		return ast.String(x)
	case int64:
		return ast.Number(strconv.FormatInt(x, 10))
	case float64:
		return ast.Number(strconv.FormatFloat(x, 'g', -1, 64))
	case bool:
		return ast.Boolean(x)
	}
	return ast.Null{}
}
