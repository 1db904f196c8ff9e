package policies

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// builtin_compiled.bin is what compiling the built-in policies gives:
// rerun `go generate ./policies` (or this test with -update) after editing
// a .rego file or upgrading OPA. Until then kvet compiles them from source
// (TestPrecompiledStale).
func TestBuiltinCompiledUpToDate(t *testing.T) {
	c, err := compileBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	key, err := compiledKey()
	if err != nil {
		t.Fatal(err)
	}
	want, err := encodeCompiled(key, c)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(compiledFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal([]byte(builtinCompiled), want) {
		t.Fatalf("%s is stale: run `go generate ./policies`", compiledFile)
	}
}

// Decoding gives back the compiled modules exactly: values, every
// location (file, line, column, offset, text), the expressions' flags and
// the rewritten variables; and the compiler built from them has the same
// rules and indices' results as one that compiles the sources.
func TestPrecompiledSameAsCompiled(t *testing.T) {
	want, err := compileBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	got, gotMemo, err := precompiled()
	if err != nil || got == nil {
		t.Fatalf("no precompiled policies (%v): run `go generate ./policies`", err)
	}
	if len(got.Modules) != len(want.Modules) {
		t.Fatalf("%d modules, want %d", len(got.Modules), len(want.Modules))
	}
	for name, w := range want.Modules {
		g := got.Modules[name]
		if g == nil || !g.Equal(w) {
			t.Fatalf("%s decodes to\n%v\nwant\n%v", name, g, w)
		}
		if g.RegoVersionSpan() != w.RegoVersionSpan() {
			t.Errorf("%s: rego version %v, want %v", name, g.RegoVersionSpan(), w.RegoVersionSpan())
		}
		if d := diffNodes(g, w); d != "" {
			t.Errorf("%s: %s", name, d)
		}
		for i, r := range g.Rules {
			if r.Module != g || w.Rules[i].Module != w {
				t.Errorf("%s: rule %d is not in its module", name, i)
			}
		}
	}
	for k, v := range want.RewrittenVars {
		if got.RewrittenVars[k] != v {
			t.Errorf("rewritten var %s: %s, want %s", k, got.RewrittenVars[k], v)
		}
	}
	if len(got.RewrittenVars) != len(want.RewrittenVars) {
		t.Errorf("%d rewritten vars, want %d", len(got.RewrittenVars), len(want.RewrittenVars))
	}
	// The comprehension indices, term by term in walk order.
	for name, w := range want.Modules {
		g := got.Modules[name]
		wt, gt := comprehensions(w), comprehensions(g)
		if len(wt) != len(gt) {
			t.Fatalf("%s: %d comprehensions, want %d", name, len(gt), len(wt))
		}
		for i := range wt {
			if gi, wi := fmt.Sprint(got.ComprehensionIndex(gt[i])), fmt.Sprint(want.ComprehensionIndex(wt[i])); gi != wi {
				t.Errorf("%s: comprehension %v at %v: index %s, want %s", name, wt[i], wt[i].Location, gi, wi)
			}
		}
	}
	// The compiler's own structures: rules by path, their indices.
	for _, p := range ruleRefs(want) {
		g, w := got.GetRulesExact(p), want.GetRulesExact(p)
		if len(g) != len(w) {
			t.Errorf("%s: %d rules, want %d", p, len(g), len(w))
		}
		for i := range min(len(g), len(w)) {
			if !g[i].Equal(w[i]) {
				t.Errorf("%s: rule %d differs", p, i)
			}
		}
		if (got.RuleIndex(p) == nil) != (want.RuleIndex(p) == nil) {
			t.Errorf("%s: rule index %v, want %v", p, got.RuleIndex(p), want.RuleIndex(p))
		}
	}
	// The memo's functions, which the file records instead of the
	// dependency graph they are found with.
	pure, trivial := memoFunctions(want)
	if len(pure) == 0 || len(trivial) == 0 {
		t.Errorf("%d pure functions and %d without a body: the memo would have nothing to do", len(pure), len(trivial))
	}
	for _, c := range []struct {
		what string
		got  map[int][]ast.Ref
		want []ast.Ref
	}{{"pure", gotMemo.pure, pure}, {"trivial", gotMemo.trivial, trivial}} {
		n := 0
		for _, refs := range c.got {
			n += len(refs)
		}
		if n != len(c.want) {
			t.Errorf("%d %s functions, want %d", n, c.what, len(c.want))
		}
		for _, p := range c.want {
			if !refIn(c.got, p) {
				t.Errorf("%s function %v missing", c.what, p)
			}
		}
	}
	if got.Graph != nil {
		t.Errorf("the dependency graph of precompiled policies was built")
	}
}

// comprehensions returns the comprehension terms of m in walk order.
func comprehensions(m *ast.Module) []*ast.Term {
	var out []*ast.Term
	ast.WalkTerms(m, func(t *ast.Term) bool {
		switch t.Value.(type) {
		case *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension:
			out = append(out, t)
		}
		return false
	})
	return out
}

func ruleRefs(c *ast.Compiler) []ast.Ref {
	var out []ast.Ref
	for _, m := range c.Modules {
		ast.WalkRules(m, func(r *ast.Rule) bool {
			if !slices.ContainsFunc(out, func(p ast.Ref) bool { return p.Equal(r.Ref()) }) {
				out = append(out, r.Ref())
			}
			return false
		})
	}
	return out
}

// diffNodes compares what Equal does not: the locations of every node and
// the fields of expressions, in walk order.
func diffNodes(got, want *ast.Module) string {
	var g, w []string
	collect := func(m *ast.Module, out *[]string) {
		ast.NewGenericVisitor(func(x any) bool {
			var loc *ast.Location
			var extra string
			switch n := x.(type) {
			case *ast.Term:
				loc = n.Location
				extra = fmt.Sprintf("%T %v", n.Value, n.Value)
			case *ast.Expr:
				loc = n.Location
				extra = fmt.Sprintf("expr %d %v %v %v", n.Index, n.Generated, n.Negated, n)
			case *ast.Rule:
				// A rule's module is its own (compiled) module for the
				// rules of the module, and one with the same package for
				// else rules (after Compile's copy, the parsed module;
				// for precompiled ones, the module itself): what
				// evaluation reads of it is its package and Rego version.
				loc = n.Location
				mod := "<nil>"
				if n.Module != nil {
					mod = fmt.Sprintf("%v %v", n.Module.Package, n.Module.RegoVersionSpan())
				}
				extra = fmt.Sprintf("rule default=%v module=%s", n.Default, mod)
			case *ast.Head:
				loc = n.Location
				extra = fmt.Sprintf("head %v assign=%v", n.Name, n.Assign)
			case *ast.Package:
				loc, extra = n.Location, "package"
			case *ast.SomeDecl:
				loc, extra = n.Location, "some"
			case *ast.Every:
				loc, extra = n.Location, "every"
			case *ast.With:
				loc, extra = n.Location, "with"
			default:
				return false
			}
			s := extra + " at <nil>"
			if loc != nil {
				s = fmt.Sprintf("%s at %s:%d:%d+%d %q %v", extra, loc.File, loc.Row, loc.Col, loc.Offset, loc.Text, loc.Tabs)
			}
			*out = append(*out, s)
			return false
		}).Walk(m)
	}
	collect(got, &g)
	collect(want, &w)
	if gs, ws := strings.Join(g, "\n"), strings.Join(w, "\n"); gs != ws {
		return "nodes differ (one per line): " + analyzertest.LineDiff(ws, gs)
	}
	return ""
}

// A stale precompiled file (another key) is not used: the policies are
// compiled from source.
func TestPrecompiledStale(t *testing.T) {
	saved := builtinCompiled
	t.Cleanup(func() { builtinCompiled = saved })
	builtinCompiled = "stale" + saved
	c, _, err := precompiled()
	if err != nil || c != nil {
		t.Fatalf("a stale file gave %v, %v", c, err)
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil || e.prog == nil {
		t.Fatalf("compiling from source: %v", err)
	}
}

// BenchmarkCompileSource and BenchmarkCompilePrecompiled compare what a
// run pays for the built-in policies without and with
// builtin_compiled.bin (go test ./policies -run '^$' -bench 'Compile(Source|Precompiled)' -cpu 1).
func BenchmarkCompileSource(b *testing.B) {
	for b.Loop() {
		if _, err := compileBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompilePrecompiled(b *testing.B) {
	for b.Loop() {
		if c, _, err := precompiled(); err != nil || c == nil {
			b.Fatal(err)
		}
	}
}
