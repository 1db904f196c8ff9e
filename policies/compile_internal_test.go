package policies

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// kvet's own policies pass every stage of the compiler, and the stages
// compile skips for them (checkOnlyStages) change nothing: the compiled
// modules are the same with and without them. The skipped CheckTypes
// leaves the compiler's type environment without the rules' types, which
// evaluation reads only for `with`: no built-in module may use it.
func TestBuiltinAllStages(t *testing.T) {
	parse := func() []*source {
		srcs, err := builtinSources(true, false, false)
		if err != nil {
			t.Fatal(err)
		}
		return srcs
	}
	full := ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(false)
	modules := map[string]*ast.Module{}
	for _, s := range parse() {
		modules[s.name] = s.module
	}
	pm, err := paramsModule(nil)
	if err != nil {
		t.Fatal(err)
	}
	modules[paramsFile] = pm
	if full.Compile(modules); full.Failed() {
		t.Fatalf("the built-in policies fail a compiler stage:\n%v", formatErrors(full.Errors))
	}
	prog, err := compile(parse(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(prog.compiler.Modules) != len(full.Modules) {
		t.Fatalf("%d modules compiled, want %d", len(prog.compiler.Modules), len(full.Modules))
	}
	for name, want := range full.Modules {
		got := prog.compiler.Modules[name]
		if got == nil || !got.Equal(want) || got.String() != want.String() {
			t.Errorf("%s compiles differently without %v:\n%v\nwant:\n%v", name, checkOnlyStages, got, want)
		}
		ast.WalkExprs(want, func(e *ast.Expr) bool {
			if len(e.With) > 0 {
				t.Errorf("%s: %s uses with, which needs the type check that compile skips for built-in policies", e.Location, e)
			}
			return false
		})
	}
}

// The stages skipped for kvet's own policies are all checks; a user's
// policy gets every one of them, also when compiled with the built-in
// ones: a type error is reported with its position.
func TestUserPoliciesGetEveryCheck(t *testing.T) {
	for _, s := range checkOnlyStages {
		if !slices.Contains(ast.AllStages(), s) {
			t.Errorf("%s is not a compiler stage", s)
		}
	}
	p := write(t, "typo.rego", "package typo\n\nimport rego.v1\n\ndeny contains msg if {\n\tmsg := 1 + \"a\"\n}\n")
	e, err := New(Options{Dirs: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	err = e.Compile()
	if err == nil || !strings.Contains(err.Error(), "typo.rego:6:9: error: plus: invalid argument(s) (rego_type_error)") {
		t.Fatalf("got %v, want a type error at typo.rego:6:9", err)
	}
}
