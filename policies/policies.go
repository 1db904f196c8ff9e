// Package policies runs Rego policies as kvet rules: the built-in policies
// embedded in the binary (the per-document RBAC rules of the catalog) and
// the user's policy directories, in kvet's convention or conftest's.
//
// Each policy is one *analyzer.Rule (Source "rego") whose metadata comes
// from OPA METADATA annotations, so `kvet rules`, `kvet explain`, SARIF and
// the generated docs treat it like a Go rule. An Engine reads the
// metadata when it is created (from builtin_table.go for the built-in
// policies, by parsing the user's) and compiles the policies only when a
// document first needs them, once; every document is then evaluated against
// all the policies of its kind in one evaluation of one prepared query
// (or two, skipping the policies whose guard says they report nothing: see
// guard.go), whose results each rule's Run picks up. Results carry a field path that
// the analyzer resolves to a position like a Go rule's.
//
// Policies run in a sandbox: the builtins that reach the network, the
// environment or the file system are not available (see Sandbox), and each
// evaluation has a time limit.
package policies

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
)

// builtinFS holds the built-in policies with their *_test.rego unit tests,
// and the shared library under lib/.
//
//go:embed lib/*.rego rbac/*/*.rego
var builtinFS embed.FS

// DefaultTimeout bounds the evaluation of all the policies on one
// document.
const DefaultTimeout = 5 * time.Second

// Options choose the policies of an Engine.
type Options struct {
	// Dirs are user policy directories (searched recursively for .rego
	// files, skipping hidden directories and *_test.rego) or .rego files.
	Dirs []string
	// NoBuiltin leaves kvet's built-in policies out. The shared library
	// (data.kvet.lib) stays available to user policies.
	NoBuiltin bool
	// Timeout bounds the evaluation of the policies on one document, all
	// of them together (DefaultTimeout when zero).
	Timeout time.Duration
	// ReservedIDs are rule IDs that policies may not use (the Go rules').
	ReservedIDs []string
	// MaxFileSize bounds the size of each .rego file read (0: the default
	// of safefile.Read); a larger file, or one that is not a regular file,
	// is an error.
	MaxFileSize int64
}

// Engine evaluates one set of policies. Its rules share it: create one per
// run (or per rule list); it is safe for concurrent use by the goroutines
// of a run.
type Engine struct {
	timeout time.Duration
	// builtin says whether the built-in policies are loaded; user holds
	// the user's parsed files. The built-in files are parsed only when the
	// policies are compiled.
	builtin  bool
	user     []*source
	policies []*policy
	entries  []*entry
	rules    []*analyzer.Rule

	mu     sync.Mutex // guards params until compilation
	params map[string]map[string]any

	compileOnce     sync.Once
	prog            *program
	compileErr      error
	compileReported atomic.Bool
}

// New loads the policies: the built-in ones (unless opts.NoBuiltin), whose
// metadata comes from a generated table, and the user's, which are parsed
// for theirs. Syntax errors and invalid metadata are reported here, with
// file:line:col; type errors and sandbox violations when the policies are
// compiled (see Compile).
func New(opts Options) (*Engine, error) {
	e := &Engine{timeout: opts.Timeout, builtin: !opts.NoBuiltin}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	user, err := userSources(context.Background(), opts.Dirs, false, opts.MaxFileSize)
	e.user = user
	if err := errors.Join(err, e.catalog(e.builtin, user, opts.ReservedIDs)); err != nil {
		return nil, err
	}
	return e, nil
}

// Builtin returns the rules of kvet's built-in policies, in catalog order,
// with a fresh engine that compiles them on first use.
func Builtin() []*analyzer.Rule {
	e, err := New(Options{})
	if err != nil {
		panic(fmt.Sprintf("built-in policies: %v", err)) // the embedded policies are tested
	}
	return e.Rules()
}

// Rules returns one rule per policy: the built-in ones in catalog order,
// then the user's in the order of their files. The rules are bound to e.
func (e *Engine) Rules() []*analyzer.Rule { return e.rules }

// SetParams sets the configured parameter values of the policies (by rule
// ID and name), which policies read as data.kvet.params[id][name] over
// the defaults of their METADATA. It must be called before the run: the
// values are compiled in with the policies.
func (e *Engine) SetParams(params map[string]map[string]any) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.prog != nil || e.compileErr != nil {
		return errors.New("policy parameters set after the policies were compiled")
	}
	e.params = params
	return nil
}

// Compile compiles the policies now rather than when a document first
// needs them, so that type errors and sandbox violations are reported
// before linting starts. Compilation happens once per engine.
func (e *Engine) Compile() error {
	_, err := e.program()
	return err
}

// program compiles the policies once.
func (e *Engine) program() (*program, error) {
	e.compileOnce.Do(func() {
		e.mu.Lock()
		params := e.params
		e.mu.Unlock()
		prog, err := e.compile(params)
		e.mu.Lock()
		e.prog, e.compileErr = prog, err
		e.mu.Unlock()
	})
	return e.prog, e.compileErr
}

// compile compiles the policies: kvet's own alone, without parameters,
// from their precompiled form (see precompiled) when it matches the
// embedded sources, else from source.
func (e *Engine) compile(configured map[string]map[string]any) (*program, error) {
	params := e.paramValues(configured)
	if e.builtin && len(e.user) == 0 && len(params) == 0 {
		c, m, err := precompiled()
		if err != nil {
			return nil, err
		}
		if c != nil {
			return newProgramMemo(c, e.entries, m), nil
		}
	}
	srcs, err := builtinSources(e.builtin, false, false)
	if err != nil {
		return nil, err
	}
	return compile(append(srcs, e.user...), e.entries, params)
}

// paramValues merges configured parameters over the METADATA defaults.
func (e *Engine) paramValues(configured map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, p := range e.policies {
		vals := map[string]any{}
		for _, prm := range p.rule.Params {
			vals[prm.Name] = prm.Default
		}
		for name, v := range configured[p.rule.ID] {
			vals[name] = v
		}
		if len(vals) > 0 {
			out[p.rule.ID] = vals
		}
	}
	return out
}

// run is the Run function of the rule of policy p: it takes the findings
// of p from the document's (cached) evaluation.
func (e *Engine) run(p *policy) func(*analyzer.Pass) {
	return func(pass *analyzer.Pass) {
		if _, err := e.program(); err != nil {
			if e.compileReported.CompareAndSwap(false, true) {
				pass.Fail(err)
			}
			return
		}
		// The first rule of a document evaluates every policy; the others
		// read the result, which goes away with the document's pass.
		res := pass.Shared(e, func() any {
			res := &docResult{}
			e.evaluate(pass.Context(), pass.Doc, res)
			return res
		}).(*docResult)
		if res.err != nil {
			if res.reported.CompareAndSwap(false, true) {
				pass.Fail(res.err)
			}
			return
		}
		for _, f := range res.findings[p.index] {
			pass.Report(f)
		}
		if err := res.errs[p.index]; err != nil {
			pass.Fail(err)
		}
	}
}
