package policies

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/kvet-dev/kvet/analyzer"
)

// paramsFile names the engine's module that holds the policies'
// parameters under data.kvet.params.
const paramsFile = "<kvet parameters>"

// program is the compiled form of an engine's policies, with the queries
// that evaluate them.
type program struct {
	compiler *ast.Compiler
	entries  []*entry
	// store is empty: policies read only input and their own rules.
	store storage.Store
	// memo keeps the results of pure functions for the whole run.
	memo *memo

	mu     sync.Mutex
	byKind map[string]*query // every entry that applies to a kind
	single map[int]*query    // one entry alone, by entry index
	plans  map[string]*plan  // by kind (see guard.go)

	terms sync.Pool // of *termCache, for input
}

// query is a compiled query that evaluates some entries: its i-th
// expression (on line i+1 of its text) binds the value of entries[i] to
// vars[i], so an error's stack trace tells which entry was evaluated. (The
// first query of a plan begins with lines that bind the bases of guards
// instead; their entries are those blamed for them.)
type query struct {
	text    string
	qc      ast.QueryCompiler
	entries []*entry
	vars    []ast.Var

	// body is text compiled, on the first call of compiled; err is why
	// it could not be.
	once sync.Once
	body ast.Body
	err  error
	opts ast.ParserOptions
}

// compiled returns the query's compiled body (see prepareLines).
func (q *query) compiled() (ast.Body, error) {
	q.once.Do(func() {
		body, err := ast.ParseBodyWithOpts(q.text, q.opts)
		if err != nil {
			q.err = fmt.Errorf("internal error: policy query: %w", err)
			return
		}
		if q.body, err = q.qc.Compile(body); err != nil {
			q.err = fmt.Errorf("preparing the policy query: %w", formatErrors(err))
		}
	})
	return q.body, q.err
}

// checkOnlyStages are the compiler stages that only look for errors: they
// change neither the modules nor what evaluation reads. They are skipped
// when kvet's own policies are compiled without any of the user's: those
// pass every stage in their tests (TestBuiltinAllStages), so the checks
// would find nothing, at about a quarter of the compile time of every run
// that meets an RBAC object. The user's policies always get every check.
var checkOnlyStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckSafetyRuleHeads,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
}

// compile compiles the sources with the parameter module, in the sandbox.
// The policies are the compiler's only modules: no module of kvet's refers
// to them, so a policy may read any part of data (even all of it) without
// making a cycle. Sources that are all kvet's own skip checkOnlyStages.
func compile(sources []*source, entries []*entry, params map[string]map[string]any) (*program, error) {
	var policies []*source
	builtinOnly := true
	for _, s := range sources {
		if !s.test {
			policies = append(policies, s)
			builtinOnly = builtinOnly && s.builtin
		}
	}
	modules := moduleMap(policies)
	pm, err := paramsModule(params)
	if err != nil {
		return nil, err
	}
	modules[paramsFile] = pm
	c := newCompiler(builtinOnly)
	if c.Compile(modules); c.Failed() {
		return nil, formatErrors(c.Errors)
	}
	return newProgram(c, entries), nil
}

// newProgram returns the program of a compiler whose modules evaluate
// entries.
func newProgram(c *ast.Compiler, entries []*entry) *program {
	return newProgramMemo(c, entries, newMemo(c))
}

// newProgramMemo is newProgram with the memo of the compiler's modules.
func newProgramMemo(c *ast.Compiler, entries []*entry, m *memo) *program {
	return &program{compiler: c, entries: entries, store: inmem.New(), memo: m,
		byKind: map[string]*query{}, single: map[int]*query{}}
}

// newCompiler returns the compiler of policies in the sandbox, without
// print statements; builtinOnly skips checkOnlyStages.
func newCompiler(builtinOnly bool) *ast.Compiler {
	c := ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(false)
	if builtinOnly {
		c = c.WithSkipStages(checkOnlyStages...)
	}
	return c
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

// queryFor returns the query that evaluates every entry that applies to
// kind, preparing it on first use. Its body is compiled when it is first
// evaluated (planFor compiles it at once when no guard plan is evaluated
// before it): with a guard plan, a document evaluates it only when a
// guard's base is undefined, so a run often never does.
func (p *program) queryFor(kind string) (*query, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.byKind[kind]; q != nil {
		return q, nil
	}
	var entries []*entry
	for _, en := range p.entries {
		if en.policy.rule.AppliesTo(kind) {
			entries = append(entries, en)
		}
	}
	q := p.queryLines(entries, nil)
	p.byKind[kind] = q
	return q, nil
}

// singleQuery returns the query that evaluates entry en alone.
func (p *program) singleQuery(en *entry) (*query, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if q := p.single[en.index]; q != nil {
		return q, nil
	}
	q, err := p.prepare([]*entry{en})
	if err != nil {
		return nil, err
	}
	p.single[en.index] = q
	return q, nil
}

// prepare compiles the query of entries, one expression per line:
//
//	__kvet0__ = data.main.deny
//	__kvet1__ = [x | x := data.main.warn_foo; not "foo" in {n | some names in data.main.exception; some n in names}]
//
// A result rule that may be undefined (a complete rule such as `deny :=
// true if ...`) or has an exception is wrapped in an array comprehension,
// so that the query always succeeds; a partial set is always defined.
func (p *program) prepare(entries []*entry) (*query, error) {
	return p.prepareLines(entries, nil)
}

// prepareLines compiles a query with a line per entry: the line binds
// values[i] when it is set (its entry is the one blamed for it), else the
// entry's value as prepare writes it.
func (p *program) prepareLines(entries []*entry, values []string) (*query, error) {
	q := p.queryLines(entries, values)
	if _, err := q.compiled(); err != nil {
		return nil, err
	}
	return q, nil
}

// queryLines is prepareLines without compiling the query (see compiled).
func (p *program) queryLines(entries []*entry, values []string) *query {
	q := &query{entries: entries, qc: p.compiler.QueryCompiler(), opts: p.parserOptions()}
	lines := make([]string, 0, len(q.entries))
	for i, en := range q.entries {
		v := ast.Var("__kvet" + strconv.Itoa(i) + "__")
		q.vars = append(q.vars, v)
		if i < len(values) && values[i] != "" {
			lines = append(lines, string(v)+" = "+values[i])
			continue
		}
		expr := en.ref()
		switch {
		case en.exception != nil:
			expr = fmt.Sprintf("[x | x := %s; not %s in {n | some names in %s; some n in names}]",
				en.ref(), strconv.Quote(*en.exception), en.policy.pkg+".exception")
		case !en.multiValue:
			expr = fmt.Sprintf("[x | x := %s]", en.ref())
		}
		lines = append(lines, string(v)+" = "+expr)
	}
	if len(lines) == 0 {
		lines = append(lines, "true")
	}
	q.text = strings.Join(lines, "\n")
	return q
}

// parserOptions are the options of parsing queries: Rego v1 with the
// compiler's capabilities (the parser reads only their keywords and
// features; without them, every parse builds the default capabilities
// anew, a copy of every builtin's signature, sorted).
func (p *program) parserOptions() ast.ParserOptions {
	return ast.ParserOptions{RegoVersion: ast.RegoV1, Capabilities: p.compiler.Capabilities()}
}

// prepareError is the error of a query that could not be compiled, when
// it is first evaluated (query.compiled): the document gets that one
// error, as when the query is compiled before evaluating.
type prepareError struct{ err error }

func (e prepareError) Error() string { return e.err.Error() }
func (e prepareError) Unwrap() error { return e.err }

// errTimeout is the error of an evaluation that exceeded the time limit.
var errTimeout = errors.New("time limit exceeded")

// evaluation is what the queries evaluating one document share: its input,
// its time limit (a timer that cancels them at the deadline), the
// cancellation of the run, and a transaction on the (empty) store.
type evaluation struct {
	ctx      context.Context
	input    *ast.Term
	cancel   topdown.Cancel
	timedOut atomic.Bool
	timer    *time.Timer
	stop     func() bool
	txn      storage.Transaction
}

// begin starts evaluating input until deadline or until ctx is done
// (checked between expressions, so within milliseconds); end releases it.
func (p *program) begin(ctx context.Context, input *ast.Term, deadline time.Time) (*evaluation, error) {
	txn, err := p.store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	ev := &evaluation{ctx: ctx, input: input, cancel: topdown.NewCancel(), txn: txn}
	ev.timer = time.AfterFunc(time.Until(deadline), func() {
		ev.timedOut.Store(true)
		ev.cancel.Cancel()
	})
	ev.stop = context.AfterFunc(ctx, ev.cancel.Cancel)
	return ev, nil
}

func (p *program) end(ev *evaluation) {
	ev.timer.Stop()
	ev.stop()
	p.store.Abort(ev.ctx, ev.txn)
}

// eval evaluates q in ev and returns the value of each entry. A
// comprehension-wrapped entry's value is the array of its values (empty
// when undefined). cache is the evaluation's virtual cache (one per
// document: see evalPlan). On a timeout, the error wraps errTimeout and
// the entry that was being evaluated is returned with it.
func (p *program) eval(ev *evaluation, q *query, cache *memoCache) ([]ast.Value, *entry, error) {
	body, err := q.compiled()
	if err != nil {
		return nil, nil, prepareError{err}
	}
	tq := topdown.NewQuery(body).
		WithCompiler(p.compiler).
		WithQueryCompiler(q.qc).
		WithStore(p.store).
		WithTransaction(ev.txn).
		WithInput(ev.input).
		WithCancel(ev.cancel).
		WithVirtualCache(cache).
		WithMetrics(metrics.NoOp()).
		WithStackTraces(true)
	var vals []ast.Value
	err = tq.Iter(ev.ctx, func(r topdown.QueryResult) error {
		vals = make([]ast.Value, len(q.vars))
		for i, v := range q.vars {
			if t := r[v]; t != nil {
				vals[i] = t.Value
			}
		}
		return nil
	})
	if err == nil {
		cache.commit()
		return vals, nil, nil
	}
	cache.discard()
	if topdown.IsCancel(err) {
		if err := ev.ctx.Err(); err != nil {
			return nil, nil, err
		}
		if ev.timedOut.Load() {
			return nil, q.culprit(err), errTimeout
		}
	}
	return nil, q.culprit(err), err
}

// culprit returns the entry whose expression of q an evaluation error was
// raised in, from its stack trace (the outermost frame is the query's
// expression, on the entry's line), or nil when it does not say.
func (q *query) culprit(err error) *entry {
	var te *topdown.Error
	if !errors.As(err, &te) || len(te.StackTrace) == 0 {
		if len(q.entries) == 1 {
			return q.entries[0]
		}
		return nil
	}
	loc := te.StackTrace[len(te.StackTrace)-1].Location
	if loc == nil || loc.Row < 1 || loc.Row > len(q.entries) {
		return nil
	}
	return q.entries[loc.Row-1]
}

// docResult is the outcome of evaluating the policies on one document.
type docResult struct {
	findings map[int][]analyzer.Finding // by policy index
	errs     map[int]error              // by policy index
	// err fails the whole document (its query could not be prepared).
	err      error
	reported atomic.Bool
}

// evaluate evaluates every policy that applies to doc in one query (two
// when some have guards, see guard.go), within the time limit for the
// document as a whole. When the query fails for
// another reason than time (a policy raised an error), each entry is
// evaluated on its own with the time left, so that the error names its
// policy and the other policies' findings are kept. A policy that exceeds
// the time limit is reported on this document only: every document gets
// the whole time limit, so findings never depend on the documents before.
func (e *Engine) evaluate(ctx context.Context, doc *analyzer.Document, res *docResult) {
	res.findings, res.errs = map[int][]analyzer.Finding{}, map[int]error{}
	prog := e.prog
	in := prog.input(doc)
	pl, err := prog.planFor(doc.Kind)
	if err != nil {
		res.err = err
		return
	}
	q := pl.all
	// The time limit starts here: preparing the kind's queries (once per
	// run) and building the input are not evaluating the policies.
	ev, err := prog.begin(ctx, in, time.Now().Add(e.timeout))
	if err != nil {
		res.err = err
		return
	}
	defer prog.end(ev)
	vals, culprit, err := prog.evalPlan(ev, pl)
	if err == nil {
		for i, en := range q.entries {
			e.collect(res, en, vals[i])
		}
		return
	}
	if ctx.Err() != nil {
		return // the run was cancelled: no finding of this document is complete
	}
	if errors.Is(err, errTimeout) {
		e.timeoutError(res, q, culprit)
		return
	}
	if pe := (prepareError{}); errors.As(err, &pe) {
		res.err = pe.err
		return
	}
	for _, en := range q.entries {
		sq, err := prog.singleQuery(en)
		var vals []ast.Value
		if err == nil {
			vals, _, err = prog.eval(ev, sq, prog.memo.cache())
		}
		switch {
		case err == nil:
			e.collect(res, en, vals[0])
			continue
		case ctx.Err() != nil:
			return
		case errors.Is(err, errTimeout):
			e.timeoutError(res, sq, en)
			return
		}
		p := en.policy.index
		res.errs[p] = errors.Join(res.errs[p], fmt.Errorf("evaluating %s (%s): %w", en, en.policy.file, formatEvalError(err)))
	}
}

// timeoutError records that the evaluation of q on a document exceeded the
// time limit while evaluating culprit (nil when unknown: the first entry of
// q is blamed).
func (e *Engine) timeoutError(res *docResult, q *query, culprit *entry) {
	if culprit == nil {
		culprit = q.entries[0]
	}
	p := culprit.policy.index
	msg := fmt.Sprintf("evaluating %s (%s) exceeded the time limit of %s (policy-timeout) on this document", culprit, culprit.policy.file, e.timeout)
	if len(q.entries) > 1 {
		msg += "; no policy finding is reported for it"
	}
	res.errs[p] = errors.Join(res.errs[p], errors.New(msg))
}

// formatEvalError renders an evaluation error with its position; the
// stack trace (kept for timeouts) is left out.
func formatEvalError(err error) error {
	var te *topdown.Error
	if errors.As(err, &te) {
		cpy := *te
		cpy.StackTrace = nil
		return &cpy
	}
	return err
}

// collect turns the value of a result rule into findings of its policy: a
// set or array of strings (messages) or of objects with msg and optionally
// path and severity; a single such value; or true.
func (e *Engine) collect(res *docResult, en *entry, val ast.Value) {
	if val == nil {
		return // skipped by its guard (see evalPlan)
	}
	p := en.policy.index
	values := []ast.Value{val}
	if en.wrapped() {
		// The array of the rule's values (none when it is undefined).
		values = values[:0]
		if arr, ok := val.(*ast.Array); ok {
			arr.Foreach(func(t *ast.Term) { values = append(values, t.Value) })
		}
	}
	var items []ast.Value
	for _, v := range values {
		switch v := v.(type) {
		case nil:
		case ast.Set:
			v.Foreach(func(t *ast.Term) { items = append(items, t.Value) })
		case *ast.Array:
			v.Foreach(func(t *ast.Term) { items = append(items, t.Value) })
		case ast.Boolean:
			if v {
				items = append(items, ast.String(en.String()+" is true"))
			}
		default:
			items = append(items, v)
		}
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
func finding(item ast.Value, severity analyzer.Severity) (analyzer.Finding, error) {
	f := analyzer.Finding{Severity: severity}
	switch v := item.(type) {
	case ast.String:
		f.Message = analyzer.Shorten(string(v), analyzer.MaxMessage)
		return f, nil
	case ast.Object:
		msg, ok := stringAt(v, "msg")
		if !ok {
			return f, fmt.Errorf("result %s has no msg string", short(v))
		}
		msg = analyzer.Shorten(msg, analyzer.MaxMessage)
		f.Message = msg
		if raw := v.Get(ast.InternedTerm("path")); raw != nil {
			if _, null := raw.Value.(ast.Null); !null {
				path, err := resultPath(raw.Value)
				if err != nil {
					return f, fmt.Errorf("result %q: %w", msg, err)
				}
				f.Path = path
			}
		}
		if raw := v.Get(ast.InternedTerm("severity")); raw != nil {
			s, _ := raw.Value.(ast.String)
			sev, err := analyzer.ParseSeverity(string(s))
			if err != nil {
				return f, fmt.Errorf("result %q: severity: %w", msg, err)
			}
			f.Severity = sev
		}
		return f, nil
	}
	return f, fmt.Errorf("result %s is neither a message string nor an object with msg", short(item))
}

func stringAt(o ast.Object, key string) (string, bool) {
	t := o.Get(ast.InternedTerm(key))
	if t == nil {
		return "", false
	}
	s, ok := t.Value.(ast.String)
	return string(s), ok
}

// resultPath converts a result's path: an array of keys (strings) and
// indices (non-negative integers).
func resultPath(raw ast.Value) (analyzer.Path, error) {
	elems, ok := raw.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("path %s is not an array of keys and indices", short(raw))
	}
	path := make(analyzer.Path, 0, elems.Len())
	for i := range elems.Len() {
		switch x := elems.Elem(i).Value.(type) {
		case ast.String:
			path = append(path, analyzer.PathElem{Key: string(x)})
		case ast.Number:
			n, ok := x.Int()
			if !ok || n < 0 {
				return nil, fmt.Errorf("path element %s is not a key or an index", x)
			}
			path = append(path, analyzer.PathElem{Index: n, IsIndex: true})
		default:
			return nil, fmt.Errorf("path element %s is not a key or an index", short(x))
		}
	}
	return path, nil
}

// short renders a value as compact JSON for messages, truncated.
func short(v ast.Value) string {
	s := v.String()
	if j, err := ast.JSON(v); err == nil {
		if b, err := json.Marshal(j); err == nil {
			s = string(b)
		}
	}
	return analyzer.Shorten(s, 80)
}
