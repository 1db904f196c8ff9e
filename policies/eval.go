package policies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/kvet-dev/kvet/analyzer"
)

// The engine's own modules: the aggregation of every result rule under
// data.kvet.engine.out, and the parameters under data.kvet.params.
const (
	engineFile = "<kvet engine>"
	paramsFile = "<kvet parameters>"
	outQuery   = "data.kvet.engine.out"
)

// program is the compiled form of an engine's policies.
type program struct {
	compiler *ast.Compiler
	entries  []*entry
	// modules are the compiled modules but the aggregation, which is
	// regenerated without the disabled entries.
	modules map[string]*ast.Module

	// query evaluates every entry at once; it is replaced (under mu) when
	// an entry is disabled after exceeding the time limit.
	query    atomic.Pointer[rego.PreparedEvalQuery]
	mu       sync.Mutex
	disabled map[int]bool
	single   map[int]*rego.PreparedEvalQuery
}

// compile compiles the sources with the engine's aggregation and parameter
// modules, in the sandbox, and prepares the query.
func compile(ctx context.Context, sources []*source, entries []*entry, params map[string]map[string]any) (*program, error) {
	modules := map[string]*ast.Module{}
	for _, s := range sources {
		if !s.test {
			modules[s.name] = s.module
		}
	}
	pm, err := paramsModule(params)
	if err != nil {
		return nil, err
	}
	modules[paramsFile] = pm
	p := &program{entries: entries, modules: modules, disabled: map[int]bool{}, single: map[int]*rego.PreparedEvalQuery{}}
	c, err := p.compileWith(nil)
	if err != nil {
		return nil, err
	}
	p.compiler = c
	q, err := prepare(ctx, c, outQuery)
	if err != nil {
		return nil, err
	}
	p.query.Store(q)
	return p, nil
}

// compileWith compiles the modules with the aggregation of the entries
// that are not disabled.
func (p *program) compileWith(disabled map[int]bool) (*ast.Compiler, error) {
	agg, err := ast.ParseModuleWithOpts(engineFile, aggregation(p.entries, disabled), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("internal error: aggregation module: %w", err)
	}
	modules := maps.Clone(p.modules)
	modules[engineFile] = agg
	c := ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(false)
	if c.Compile(modules); c.Failed() {
		return nil, formatErrors(c.Errors)
	}
	return c, nil
}

func prepare(ctx context.Context, c *ast.Compiler, query string) (*rego.PreparedEvalQuery, error) {
	q, err := rego.New(rego.Compiler(c), rego.Query(query)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing the policy query: %w", formatErrors(err))
	}
	return &q, nil
}

// aggregation generates the module that collects every result rule but
// the disabled ones, as [entry index, value] pairs, for the kinds its
// policy declares:
//
//	out contains [3, x] if {
//		input.kind == "Role"
//		not exempt[3]
//		x := data.main.deny_foo
//	}
//
//	exempt[3] if {
//		some names in data.main.exception
//		"foo" in names
//	}
//
// All of them are rules of one partial set, which OPA indexes on the
// input.kind conditions: a document only evaluates the rules of its kind.
// A disabled entry is left out rather than tested in each body, which
// would cost every document an evaluation per entry.
func aggregation(entries []*entry, disabled map[int]bool) string {
	var b strings.Builder
	b.WriteString("package kvet.engine\n")
	for _, en := range entries {
		if disabled[en.index] {
			continue
		}
		kinds := en.policy.rule.Kinds
		if len(kinds) == 0 {
			kinds = []string{""}
		}
		for _, kind := range kinds {
			fmt.Fprintf(&b, "\nout contains [%d, x] if {\n", en.index)
			if kind != "" {
				fmt.Fprintf(&b, "\tinput.kind == %s\n", strconv.Quote(kind))
			}
			if en.exception != nil {
				fmt.Fprintf(&b, "\tnot exempt[%d]\n", en.index)
			}
			fmt.Fprintf(&b, "\tx := %s\n}\n", en.ref())
		}
		if en.exception != nil {
			fmt.Fprintf(&b, "\nexempt[%d] if {\n\tsome names in %s\n\t%s in names\n}\n",
				en.index, en.policy.pkg+".exception", strconv.Quote(*en.exception))
		}
	}
	return b.String()
}

// paramsModule defines data.kvet.params[rule ID][name].
func paramsModule(params map[string]map[string]any) (*ast.Module, error) {
	v, err := ast.InterfaceToValue(params)
	if err != nil {
		return nil, fmt.Errorf("policy parameters: %w", err)
	}
	src := "package kvet\n\nparams := " + v.String() + "\n"
	m, err := ast.ParseModuleWithOpts(paramsFile, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("policy parameters: %w", err)
	}
	return m, nil
}

// docResult is the outcome of evaluating the policies on one document.
type docResult struct {
	once     sync.Once
	findings map[int][]analyzer.Finding // by policy index
	errs     map[int]error              // by policy index
	// err fails the whole document (its input could not be built).
	err      error
	reported atomic.Bool
}

// docCache keeps each document's result while the document is alive: the
// first rule of a document evaluates every policy, the others read the
// result. Entries go away with their documents (weak keys), so an engine
// that outlives many runs does not grow.
type docCache struct {
	mu sync.Mutex
	m  map[weak.Pointer[analyzer.Document]]*docResult
}

func (c *docCache) get(doc *analyzer.Document, eval func(*analyzer.Document, *docResult)) *docResult {
	key := weak.Make(doc)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[weak.Pointer[analyzer.Document]]*docResult{}
	}
	r := c.m[key]
	if r == nil {
		r = &docResult{}
		c.m[key] = r
		runtime.AddCleanup(doc, c.drop, key)
	}
	c.mu.Unlock()
	r.once.Do(func() { eval(doc, r) })
	return r
}

func (c *docCache) drop(key weak.Pointer[analyzer.Document]) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// evaluate evaluates every policy that applies to doc in one query. When
// that fails (a policy exceeded the time limit or raised an error), each
// entry is evaluated on its own, so that the error names its policy and the
// other policies' findings are kept; an entry that exceeds the time limit
// is disabled for the rest of the run.
func (e *Engine) evaluate(doc *analyzer.Document, res *docResult) {
	res.findings, res.errs = map[int][]analyzer.Finding{}, map[int]error{}
	prog := e.prog
	v, err := doc.Value()
	if err != nil {
		res.err = err
		return
	}
	input := toValue(v)
	out, err := e.eval(prog.query.Load(), input)
	if err == nil {
		pairs, _ := out.([]any)
		for _, p := range pairs {
			pair, _ := p.([]any)
			if len(pair) != 2 {
				continue
			}
			i, err := strconv.Atoi(fmt.Sprint(pair[0]))
			if err != nil || i < 0 || i >= len(prog.entries) {
				continue
			}
			e.collect(res, prog.entries[i], pair[1])
		}
		return
	}
	for _, en := range prog.entries {
		if !en.policy.rule.AppliesTo(doc.Kind) || prog.isDisabled(en.index) {
			continue
		}
		q, err := prog.singleQuery(en)
		if err == nil {
			var val any
			if val, err = e.eval(q, input); err == nil {
				if val != nil {
					e.collect(res, en, val)
				}
				continue
			}
		}
		p := en.policy.index
		if errors.Is(err, context.DeadlineExceeded) {
			prog.disable(en.index)
			err = fmt.Errorf("evaluating %s (%s) exceeded the time limit of %s; it is not evaluated on the remaining documents",
				en, en.policy.file, e.timeout)
		} else {
			err = fmt.Errorf("evaluating %s (%s): %w", en, en.policy.file, err)
		}
		res.errs[p] = errors.Join(res.errs[p], err)
	}
}

// eval runs a prepared query on input within the time limit and returns
// the value of its expression, or nil when it is undefined.
func (e *Engine) eval(q *rego.PreparedEvalQuery, input ast.Value) (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e.timeout)
	defer cancel()
	rs, err := q.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		if ctx.Err() != nil && topdown.IsCancel(err) {
			return nil, context.DeadlineExceeded
		}
		return nil, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[len(rs[0].Expressions)-1].Value, nil
}

func (p *program) isDisabled(i int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.disabled[i]
}

// disable removes entry i from the aggregated query: the policies are
// compiled again with an aggregation that leaves it out (this happens only
// when a policy exceeds the time limit). The single queries keep the
// first compilation.
func (p *program) disable(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.disabled[i] {
		return
	}
	p.disabled[i] = true
	c, err := p.compileWith(p.disabled)
	if err != nil {
		return
	}
	if q, err := prepare(context.Background(), c, outQuery); err == nil {
		p.query.Store(q)
	}
}

// singleQuery returns the query that evaluates entry en alone (without
// the kind check: callers only ask for entries of the document's kind),
// preparing it on first use.
func (p *program) singleQuery(en *entry) (*rego.PreparedEvalQuery, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.single[en.index]; q != nil {
		return q, nil
	}
	query := en.ref()
	if en.exception != nil {
		query = fmt.Sprintf("not data.kvet.engine.exempt[%d]; %s", en.index, query)
	}
	q, err := prepare(context.Background(), p.compiler, query)
	if err != nil {
		return nil, err
	}
	p.single[en.index] = q
	return q, nil
}

// collect turns the value of a result rule into findings of its policy:
// a set or array of strings (messages) or of objects with msg and
// optionally path and severity; a single such value; or true.
func (e *Engine) collect(res *docResult, en *entry, val any) {
	p := en.policy.index
	var items []any
	switch v := val.(type) {
	case []any:
		items = v
	case bool:
		if v {
			items = []any{en.String() + " is true"}
		}
	default:
		items = []any{v}
	}
	for _, item := range items {
		f, err := finding(item, en.severity)
		if err != nil {
			res.errs[p] = errors.Join(res.errs[p], fmt.Errorf("%s (%s): %w", en, en.policy.file, err))
			continue
		}
		res.findings[p] = append(res.findings[p], f)
	}
}

// finding converts one result.
func finding(item any, severity analyzer.Severity) (analyzer.Finding, error) {
	f := analyzer.Finding{Severity: severity}
	switch v := item.(type) {
	case string:
		f.Message = v
		return f, nil
	case map[string]any:
		msg, ok := v["msg"].(string)
		if !ok {
			return f, fmt.Errorf("result %s has no msg string", short(v))
		}
		f.Message = msg
		if raw, ok := v["path"]; ok && raw != nil {
			path, err := resultPath(raw)
			if err != nil {
				return f, fmt.Errorf("result %q: %w", msg, err)
			}
			f.Path = path
		}
		if raw, ok := v["severity"]; ok {
			s, _ := raw.(string)
			sev, err := analyzer.ParseSeverity(s)
			if err != nil {
				return f, fmt.Errorf("result %q: severity: %w", msg, err)
			}
			f.Severity = sev
		}
		return f, nil
	}
	return f, fmt.Errorf("result %s is neither a message string nor an object with msg", short(item))
}

// resultPath converts a result's path: an array of keys (strings) and
// indices (non-negative integers).
func resultPath(raw any) (analyzer.Path, error) {
	elems, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("path %s is not an array of keys and indices", short(raw))
	}
	path := make(analyzer.Path, 0, len(elems))
	for _, el := range elems {
		switch x := el.(type) {
		case string:
			path = append(path, analyzer.PathElem{Key: x})
		case json.Number:
			i, err := strconv.Atoi(string(x))
			if err != nil || i < 0 {
				return nil, fmt.Errorf("path element %s is not a key or an index", x)
			}
			path = append(path, analyzer.PathElem{Index: i, IsIndex: true})
		default:
			return nil, fmt.Errorf("path element %s is not a key or an index", short(x))
		}
	}
	return path, nil
}

func short(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
