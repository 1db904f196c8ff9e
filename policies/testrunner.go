package policies

// kvet policy test runs the tests itself, on OPA's evaluator (topdown), as
// lint evaluates policies, instead of with OPA's test runner (package
// tester): the runner evaluates through OPA's rego package, which links
// OPA's Wasm compiler (with about 780 KB of embedded Wasm), bundles and
// protobuf code into every kvet binary: 6 MB more binary and about 3 % more
// CPU for every kvet command. The semantics are those of the runner of OPA
// v1.22 (v1/tester/runner.go, Apache License 2.0), which the tests compare
// this runner with: rules named test_* are tests, todo_test_* are skipped,
// a test passes when its value is true, duplicate names get a #NN suffix,
// and a partial-object test (test_x[name] if ...) fails when any of its
// cases fails, including a case whose body failed after it was named (the
// compiler stage injectTestCaseFunc records each case's name as soon as it
// is bound).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"
)

const (
	// testPrefix begins the name of a test rule.
	testPrefix = "test_"
	// skipTestPrefix begins the name of a test that is skipped.
	skipTestPrefix = "todo_test_"
)

// testRun is what the tests of one `kvet policy test` share: the compiler
// of their modules and an empty store.
type testRun struct {
	compiler *ast.Compiler
	store    storage.Store
	timeout  time.Duration
}

// runTests compiles modules with c, with the compiler stages of OPA's test
// runner, and runs the tests (rules named test_* or todo_test_*) whose
// name, data.package.test_name, matches the regular expression filter (all
// when it is empty), as many at a time as there are CPUs, each within
// timeout. An invalid filter or a compile error is an error (the
// compiler's ast.Errors); results come in no particular order. When ctx is
// cancelled, the tests not started are left out.
func runTests(ctx context.Context, c *ast.Compiler, modules map[string]*ast.Module, timeout time.Duration, filter string) ([]TestResult, error) {
	var re *regexp.Regexp
	if filter != "" {
		var err error
		if re, err = regexp.Compile(filter); err != nil {
			return nil, err
		}
	}
	c.WithStageAfterID(ast.StageRewriteRuleHeadRefs, ast.CompilerStageDefinition{
		Name:       "RewriteDuplicateTestNames",
		MetricName: "rewrite_duplicate_test_names",
		Stage:      rewriteDuplicateTestNames,
	})
	c.WithStageAfterID(ast.StageRewriteLocalVars, ast.CompilerStageDefinition{
		Name:       "InjectTestCaseFunc",
		MetricName: "inject_test_case_func",
		Stage:      injectTestCaseFunc,
	})
	if c.Compile(modules); c.Failed() {
		return nil, c.Errors
	}
	var tests []*ast.Rule
	for _, name := range sortedKeys(c.Modules) {
		for _, rule := range c.Modules[name].Rules {
			if isTest(rule, re) {
				tests = append(tests, rule)
			}
		}
	}
	run := &testRun{compiler: c, store: inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false)), timeout: timeout}
	return run.all(ctx, tests), nil
}

// all runs tests, as many at a time as there are CPUs. A test cancelled
// by ctx (not by its own time limit) stops the run: the tests not started
// are left out.
func (r *testRun) all(ctx context.Context, tests []*ast.Rule) []TestResult {
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	var (
		mu      sync.Mutex
		results []TestResult
		next    int
		wg      sync.WaitGroup
	)
	for range min(runtime.NumCPU(), len(tests)) {
		wg.Go(func() {
			for {
				mu.Lock()
				if next == len(tests) || stopCtx.Err() != nil {
					mu.Unlock()
					return
				}
				rule := tests[next]
				next++
				mu.Unlock()
				res, cancelled := r.one(ctx, rule)
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
				if cancelled {
					stop()
				}
			}
		})
	}
	wg.Wait()
	return results
}

// one runs the test rule within the time limit and reports whether it was
// cancelled by ctx.
func (r *testRun) one(ctx context.Context, rule *ast.Rule) (TestResult, bool) {
	name, ref := testRuleName(rule.Head)
	res := TestResult{Name: strings.TrimPrefix(rule.Module.Package.Path.String(), "data.") + "." + ref.String()}
	if loc := rule.Loc(); loc != nil {
		res.File, res.Line = loc.File, loc.Row
	}
	if strings.HasPrefix(name, skipTestPrefix) {
		res.Skip = true
		return res, false
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	ctx = ast.WithCompiler(ctx, r.compiler)
	partial := rule.Head.DocKind() == ast.PartialObjectDoc
	var cases *testCaseTracer
	if partial {
		cases = &testCaseTracer{}
	}
	var out bytes.Buffer
	start := time.Now()
	values, err := r.eval(ctx, rule.Module.Package.Path.Extend(ref), &out, cases)
	res.Duration = time.Since(start)
	res.Output = out.Bytes()
	switch {
	case err != nil:
		res.Err = err
		return res, topdown.IsCancel(err) && ctx.Err() != context.DeadlineExceeded
	case len(values) == 0:
		res.Fail = true // undefined
	case partial:
		res.Fail = casesFailed(values[0], cases.events())
	default:
		pass, ok := values[0].(bool)
		res.Fail = !ok || !pass
	}
	return res, false
}

// eval evaluates the document at path, printing to out and tracing to
// tracer (when not nil), and returns its values as JSON (none when it is
// undefined), as OPA's rego package returns them to the test runner.
func (r *testRun) eval(ctx context.Context, path ast.Ref, out *bytes.Buffer, tracer *testCaseTracer) ([]any, error) {
	qc := r.compiler.QueryCompiler()
	v := ast.Var("__kvet_test__")
	body, err := qc.Compile(ast.NewBody(ast.Equality.Expr(ast.NewTerm(v), ast.RefTerm(path.Copy()...))))
	if err != nil {
		return nil, err
	}
	txn, err := r.store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer r.store.Abort(ctx, txn)
	cancel := topdown.NewCancel()
	defer context.AfterFunc(ctx, cancel.Cancel)()
	q := topdown.NewQuery(body).
		WithCompiler(r.compiler).
		WithQueryCompiler(qc).
		WithStore(r.store).
		WithTransaction(txn).
		WithCancel(cancel).
		WithMetrics(metrics.NoOp()).
		WithPrintHook(topdown.NewPrintHook(out))
	if tracer != nil {
		q = q.WithQueryTracer(tracer)
	}
	var values []any
	err = q.Iter(ctx, func(qr topdown.QueryResult) error {
		j, err := ast.JSON(qr[v].Value)
		if err != nil {
			return err
		}
		values = append(values, j)
		return nil
	})
	return values, err
}

// testCaseTracer keeps the events of internal.test_case calls: the names
// of a partial-object test's cases, each as soon as it is bound.
type testCaseTracer struct {
	topdown.BufferTracer
}

// TraceEvent keeps e if it is a test case's.
func (t *testCaseTracer) TraceEvent(e topdown.Event) {
	if e.Op == topdown.TestCaseOp {
		t.BufferTracer.TraceEvent(e)
	}
}

func (t *testCaseTracer) events() []*topdown.Event { return t.BufferTracer }

// casesFailed reports whether a partial-object test with value v failed:
// when a case's value is not true (an object value fails when one of its
// values does; null passes, as in OPA), or when a case named by a
// test_case event has no value (its body failed after it was named).
func casesFailed(v any, events []*topdown.Event) bool {
	if v == nil {
		return true
	}
	obj, _ := v.(map[string]any)
	for _, x := range obj {
		if caseFailed(x) {
			return true
		}
	}
	for _, e := range events {
		expr, ok := e.Node.(*ast.Expr)
		if !ok {
			continue
		}
		if path, ok := expr.Operand(0).Value.(*ast.Array); ok && !hasCase(obj, path) {
			return true
		}
	}
	return false
}

// caseFailed reports whether a case's value fails.
func caseFailed(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case map[string]any:
		for _, y := range x {
			if caseFailed(y) {
				return true
			}
		}
		return false
	case bool:
		return !x
	}
	return true
}

// hasCase reports whether obj has a value at path, whose elements are
// named as OPA's runner names them. (A path that goes below a value that
// is not an object makes OPA's runner panic; here it is a missing case.)
func hasCase(obj map[string]any, path *ast.Array) bool {
	if path.Len() == 0 {
		return false
	}
	var node any = obj
	for i := range path.Len() {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		if node, ok = m[caseName(path.Elem(i))]; !ok {
			return false
		}
	}
	return true
}

// caseName names a case as OPA's runner does: a string is itself, another
// value its JSON, a reference UNKNOWN.
func caseName(t *ast.Term) string {
	v, err := ast.ValueToInterface(t.Value, unknownRefs{})
	if err != nil {
		return "INVALID"
	}
	if s, ok := v.(string); ok {
		return s
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return "INVALID"
	}
	return strings.TrimSpace(buf.String())
}

type unknownRefs struct{}

func (unknownRefs) Resolve(ast.Ref) (any, error) { return "UNKNOWN", nil }

// isTest reports whether rule is a test (one of the terms of its head's
// ground prefix begins with test_ or todo_test_) whose name matches re.
func isTest(rule *ast.Rule, re *regexp.Regexp) bool {
	prefix := rule.Head.Ref().GroundPrefix()
	for i, t := range prefix {
		if n := termName(t); strings.HasPrefix(n, testPrefix) || strings.HasPrefix(n, skipTestPrefix) {
			return re == nil || re.MatchString(rule.Module.Package.Path.Extend(prefix[:i+1]).String())
		}
	}
	return false
}

// testRuleName returns the name of a test rule (p.q.test_r is test_r) and
// its reference up to that name: the ground prefix of its head up to the
// first term named test_* or todo_test_* (all of it when none is).
func testRuleName(h *ast.Head) (string, ast.Ref) {
	prefix := h.Ref().GroundPrefix()
	var name string
	i := 0
	for i = range prefix {
		name = termName(prefix[i])
		if strings.HasPrefix(name, testPrefix) || strings.HasPrefix(name, skipTestPrefix) {
			break
		}
	}
	return name, prefix[:i+1]
}

// termName is the name a variable or string term gives a rule, else "".
func termName(t *ast.Term) string {
	switch v := t.Value.(type) {
	case ast.Var:
		return string(v)
	case ast.String:
		return string(v)
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// rewriteDuplicateTestNames renames the second and later tests of the same
// name in a package test_x#01, test_x#02..., so that each runs on its own
// (modules in the order of their names; OPA's runner takes them in map
// order).
func rewriteDuplicateTestNames(c *ast.Compiler) *ast.Error {
	count := map[string]int{}
	for _, file := range sortedKeys(c.Modules) {
		mod := c.Modules[file]
		for _, rule := range mod.Rules {
			name, ref := testRuleName(rule.Head)
			if !strings.HasPrefix(name, testPrefix) {
				continue
			}
			key := mod.Package.Path.Extend(ref).String()
			if k, ok := count[key]; ok {
				head := slices.Clone(rule.Head.Ref())
				renamed := fmt.Sprintf("%s#%02d", name, k)
				if len(ref) == 1 {
					head[0] = ast.VarTerm(renamed)
				} else {
					head[len(ref)-1] = ast.StringTerm(renamed)
				}
				rule.Head.SetRef(head)
			}
			count[key]++
		}
	}
	return nil
}

// injectTestCaseFunc makes each partial-object test (test_x[name] if ...)
// call internal.test_case([name]) as early in its body as name is bound,
// so that a case whose body fails after that point is reported (a test
// that calls it itself is left alone). Generated assignments of the head's
// variables are moved up the body first, just below the expressions that
// bind the local variables they read, as OPA's runner does:
//
//	test_concat[tc.note] if { some tc in cases; array.concat(tc.a, tc.b) == tc.exp }
//
// becomes, after the compiler's rewriting of local variables,
//
//	__local3__ = cases[__local2__]
//	__local0__ = __local3__.note            # moved up
//	internal.test_case([__local0__])        # injected
//	array.concat(__local3__.a, __local3__.b, __local4__)
//	__local4__ = __local3__.exp
func injectTestCaseFunc(c *ast.Compiler) *ast.Error {
	for _, mod := range c.Modules {
		for _, rule := range mod.Rules {
			name, ref := testRuleName(rule.Head)
			if !strings.HasPrefix(name, testPrefix) || callsTestCase(rule.Body) {
				continue
			}
			head := rule.Head.Ref()
			if len(head) <= len(ref) {
				continue // no name of a case after the test's
			}
			args := head[len(ref):]
			for _, arg := range args {
				rule.Body = moveUpAssignment(rule.Body, arg)
			}
			// Inject below the first use of each variable of args.
			below := -1
			for _, arg := range args {
				first := -1
				for i, expr := range rule.Body {
					if first < 0 && usesVar(expr, arg.Value) {
						first = i
					}
				}
				below = max(below, first)
			}
			call := ast.NewExpr([]*ast.Term{
				ast.NewTerm(ast.Interned.Refs.InternalTestCase.Copy()),
				ast.NewTerm(ast.NewArray(args...)),
			})
			rule.Body = slices.Insert(rule.Body, min(below+1, len(rule.Body)), call)
		}
	}
	return nil
}

// callsTestCase reports whether body calls internal.test_case.
func callsTestCase(body ast.Body) bool {
	found := false
	ast.WalkExprs(body, func(expr *ast.Expr) bool {
		if expr.IsCall() && expr.Operator().Equal(ast.Interned.Refs.InternalTestCase) {
			found = true
			return true
		}
		return false
	})
	return found
}

// usesVar reports whether x mentions the variable v.
func usesVar(x any, v ast.Value) bool {
	found := false
	ast.WalkVars(x, func(w ast.Var) bool {
		if w.Equal(v) {
			found = true
		}
		return false
	})
	return found
}

// moveUpAssignment moves each generated assignment of arg (from the
// bottom of body up) just below the last of the expressions that first
// bind the local variables it reads (to the top when it reads none), as
// OPA's runner does.
func moveUpAssignment(body ast.Body, arg *ast.Term) ast.Body {
	for i := len(body) - 1; i >= 0; {
		expr := body[i]
		to := i
		if expr.Generated && (expr.IsEquality() || expr.IsAssignment()) && expr.Operand(0).Equal(arg) {
			reads := ast.NewVarSet()
			ast.WalkVars(expr.Operand(1), func(v ast.Var) bool {
				if strings.HasPrefix(string(v), ast.LocalVarPrefix) {
					reads.Add(v)
				}
				return false
			})
			if len(reads) == 0 {
				to = 0
			} else {
				// The highest index among the first uses of each variable
				// read; 0 when none is used above (so the expression goes
				// to index 1, as in OPA).
				first := map[ast.Var]int{}
				for j := i - 1; j >= 0; j-- {
					ast.WalkVars(body[j], func(v ast.Var) bool {
						if reads.Contains(v) {
							first[v] = j
							return true
						}
						return false
					})
				}
				highest := 0
				for _, j := range first {
					highest = max(highest, j)
				}
				if highest < i {
					to = highest + 1
				}
			}
		}
		if to == i {
			i--
			continue
		}
		// Moved: index i now holds the next expression up.
		body = slices.Insert(slices.Delete(body, i, i+1), to, expr)
	}
	return body
}
