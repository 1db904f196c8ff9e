package policies

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// short, which renders a policy's malformed result in an error message,
// cuts a long value at a character, never inside one.
func TestShort(t *testing.T) {
	tests := []struct {
		value ast.Value
		want  string
	}{
		{ast.String("no msg key"), `"no msg key"`},
		{ast.NewObject(ast.Item(ast.StringTerm("message"), ast.StringTerm("x"))), `{"message":"x"}`},
		{ast.String(strings.Repeat("é", 100)), `"` + strings.Repeat("é", 79) + "… (102 characters)"},
	}
	for _, tt := range tests {
		got := short(tt.value)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("short(%v) = %q, want %q", tt.value, got, tt.want)
		}
	}
}
