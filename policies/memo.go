package policies

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Memoizing functions across documents. OPA caches the result of a
// function call with ground arguments for the rest of one evaluation. kvet
// evaluates the same functions on many documents, often with the same
// arguments (a Role's rule entry such as {apiGroups: [""], resources:
// [pods], verbs: [get]} recurs in most repositories), so a function whose
// result depends only on its arguments (it reads no input, directly or
// through the rules it uses; data holds only the policies and their
// parameters, which do not change during a run) keeps its results for the
// whole run: the program's memo, shared by every evaluation.

// maxMemoEntries bounds a program's memo; once full, results are cached
// for one evaluation only, as OPA does.
const maxMemoEntries = 200_000

// memo is the run-wide cache of the results of pure function calls, keyed
// by the call (the function's ref and its ground arguments).
type memo struct {
	pure    map[int][]ast.Ref // pure functions' refs by hash
	trivial map[int][]ast.Ref // refs of functions with no body, by hash
	// calls says, by the term that names the function at a call site
	// (the same term at every evaluation of the site), what it calls: one
	// lookup instead of hashing and comparing the ref.
	calls     sync.Map // *ast.Term → callKind
	callSites atomic.Int64

	mu      sync.RWMutex
	entries int
	results map[int][]memoEntry // by the call's hash
}

type memoEntry struct {
	call  ast.Ref
	value *ast.Term // nil: undefined
}

// newMemo finds the pure functions of the compiled policies: functions
// whose rules, and the rules they depend on (transitively), read no input.
// Functions that only build their value from their arguments (`at(path,
// msg) := {"msg": msg, "path": path}`, no body) are not cached at all
// (trivialCall): building their value again costs less than caching it,
// and their arguments rarely recur.
func newMemo(c *ast.Compiler) *memo {
	return newMemoOf(memoFunctions(c))
}

// newMemoOf returns the memo of the given pure and trivial functions (by
// their refs).
func newMemoOf(pure, trivial []ast.Ref) *memo {
	m := &memo{pure: map[int][]ast.Ref{}, trivial: map[int][]ast.Ref{}, results: map[int][]memoEntry{}}
	for _, p := range pure {
		m.pure[p.Hash()] = append(m.pure[p.Hash()], p)
	}
	for _, p := range trivial {
		m.trivial[p.Hash()] = append(m.trivial[p.Hash()], p)
	}
	return m
}

// memoFunctions returns the refs of the pure functions of c's modules
// and of those without a body (see newMemo), each sorted. It reads the
// compiler's dependency graph.
func memoFunctions(c *ast.Compiler) (pure, trivial []ast.Ref) {
	impure := map[*ast.Rule]bool{}
	var visit func(r *ast.Rule, seen map[*ast.Rule]bool) bool
	visit = func(r *ast.Rule, seen map[*ast.Rule]bool) bool {
		if v, ok := impure[r]; ok {
			return v
		}
		if seen[r] {
			return true // recursion is a compile error; be safe
		}
		seen[r] = true
		bad := readsInput(r)
		for dep := range c.Graph.Dependencies(r) {
			if d, ok := dep.(*ast.Rule); !ok || visit(d, seen) {
				bad = true
			}
		}
		impure[r] = bad
		return bad
	}
	byPath := map[string][]*ast.Rule{}
	for _, mod := range c.Modules {
		ast.WalkRules(mod, func(r *ast.Rule) bool {
			if len(r.Head.Args) > 0 {
				p := r.Ref()
				byPath[p.String()] = append(byPath[p.String()], r)
			}
			return false
		})
	}
	for _, rules := range byPath {
		isPure, isTrivial := true, true
		for _, r := range rules {
			if visit(r, map[*ast.Rule]bool{}) {
				isPure = false
			}
			isTrivial = isTrivial && headOnly(r)
		}
		p := rules[0].Ref()
		switch {
		case isTrivial:
			trivial = append(trivial, p)
		case isPure:
			pure = append(pure, p)
		}
	}
	byRef := func(a, b ast.Ref) int { return a.Compare(b) }
	slices.SortFunc(pure, byRef)
	slices.SortFunc(trivial, byRef)
	return pure, trivial
}

// headOnly reports whether r has no body (the compiler gives it `true`).
func headOnly(r *ast.Rule) bool {
	if len(r.Body) != 1 {
		return false
	}
	t, ok := r.Body[0].Terms.(*ast.Term)
	return ok && ast.BooleanTerm(true).Equal(t)
}

// readsInput reports whether rule r refers to input, or uses `with` (which
// can replace data a function reads).
func readsInput(r *ast.Rule) bool {
	found := false
	ast.WalkTerms(r, func(t *ast.Term) bool {
		if found {
			return true
		}
		switch v := t.Value.(type) {
		case ast.Var:
			found = v.Equal(ast.InputRootDocument.Value)
		case ast.Ref:
			found = v.HasPrefix(ast.InputRootRef)
		}
		return found
	})
	ast.WalkExprs(r, func(e *ast.Expr) bool {
		found = found || len(e.With) > 0
		return found
	})
	return found
}

// callKind is what a cache key calls.
type callKind uint8

const (
	otherCall   callKind = iota // not a function call, or one OPA caches for one evaluation
	pureCall                    // a pure function, cached for the run
	trivialCall                 // a function with no body, not cached at all
)

// kindOf says what key, a cache key, calls: [function ref, arguments...]
// for a call. A pure function's call is a pureCall only with ground
// arguments.
func (m *memo) kindOf(key ast.Ref) callKind {
	if len(key) < 2 {
		return otherCall
	}
	fn, ok := key[0].Value.(ast.Ref)
	if !ok {
		return otherCall
	}
	var kind callKind
	if k, ok := m.calls.Load(key[0]); ok {
		kind = k.(callKind)
	} else {
		kind = otherCall
		switch {
		case refIn(m.trivial, fn):
			kind = trivialCall
		case refIn(m.pure, fn):
			kind = pureCall
		}
		if m.callSites.Add(1) <= maxCallSites {
			m.calls.Store(key[0], kind)
		}
	}
	if kind == pureCall && !key.IsGround() {
		return otherCall
	}
	return kind
}

// maxCallSites bounds memo.calls: the call sites of the policies and
// queries, a few hundred; terms built during evaluation are not kept
// beyond it.
const maxCallSites = 10_000

// refIn reports whether refs (by hash) hold fn.
func refIn(refs map[int][]ast.Ref, fn ast.Ref) bool {
	if len(refs) == 0 {
		return false
	}
	for _, p := range refs[fn.Hash()] {
		if p.Equal(fn) {
			return true
		}
	}
	return false
}

func (m *memo) get(key ast.Ref) (*ast.Term, bool, bool) {
	h := key.Hash()
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, e := range m.results[h] {
		if e.call.Equal(key) {
			return e.value, e.value == nil, true
		}
	}
	return nil, false, false
}

// putAll adds the results of one evaluation (by hash, their keys copied
// already), under one lock.
func (m *memo) putAll(results map[int][]memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for h, es := range results {
	next:
		for _, e := range es {
			if m.entries >= maxMemoEntries {
				return
			}
			for _, have := range m.results[h] {
				if have.call.Equal(e.call) {
					continue next
				}
			}
			m.results[h] = append(m.results[h], e)
			m.entries++
		}
	}
}

// memoCache is the virtual cache of one evaluation (of one document: see
// evalPlan): a stack of frames like OPA's own, except for the calls of pure
// functions outside `with` (which may replace what a function reads), kept
// in the program's memo, and the calls of functions without a body (`at(path,
// msg) := {"msg": msg, "path": path}`), not kept at all: building their
// value again costs less than caching it.
type memoCache struct {
	local flatCache
	memo  *memo
	depth int // frames pushed by `with`
	// pending are the pure calls' results of the evaluation under way,
	// by hash: they reach the memo only when it succeeds (commit). OPA
	// puts a function's value in its cache before it has checked the
	// function's other rules, and an evaluation that then fails (a
	// conflict, a time limit) would leave a value no evaluation confirmed,
	// which later documents would read.
	pending map[int][]memoEntry
}

func (m *memo) cache() *memoCache {
	return &memoCache{memo: m}
}

func (c *memoCache) Push() { c.depth++; c.local.Push() }
func (c *memoCache) Pop()  { c.depth--; c.local.Pop() }

func (c *memoCache) Get(ref ast.Ref) (*ast.Term, bool) {
	switch c.memo.kindOf(ref) {
	case trivialCall:
		return nil, false
	case pureCall:
		if c.depth > 0 {
			break
		}
		if v, undefined, ok := c.memo.get(ref); ok {
			return v, undefined
		}
		for _, e := range c.pending[ref.Hash()] {
			if e.call.Equal(ref) {
				return e.value, e.value == nil
			}
		}
		return nil, false
	}
	return c.local.Get(ref)
}

func (c *memoCache) Put(ref ast.Ref, value *ast.Term) {
	switch c.memo.kindOf(ref) {
	case trivialCall:
		return
	case pureCall:
		if c.depth > 0 {
			break
		}
		h := ref.Hash()
		for _, e := range c.pending[h] {
			if e.call.Equal(ref) {
				return
			}
		}
		if c.pending == nil {
			c.pending = map[int][]memoEntry{}
		}
		// The key is the evaluator's scratch slice: keep a copy.
		c.pending[h] = append(c.pending[h], memoEntry{call: append(ast.Ref(nil), ref...), value: value})
		return
	}
	c.local.Put(ref, value)
}

// commit keeps the pure calls' results of an evaluation that succeeded
// for the rest of the run; discard drops those of one that failed.
func (c *memoCache) commit() {
	if len(c.pending) > 0 {
		c.memo.putAll(c.pending)
		c.pending = nil
	}
}

func (c *memoCache) discard() { c.pending = nil }

func (c *memoCache) Keys() []ast.Ref { return c.local.Keys() }

var _ topdown.VirtualCache = (*memoCache)(nil)

// flatCache is what OPA's virtual cache does (topdown.NewVirtualCache: the
// values of references in the frame on top of a stack, nil for undefined),
// with one hash map per frame instead of a tree of them, one level per
// term of a reference: a document's evaluation caches a few dozen
// references, and the tree allocated a node and a map for each of their
// terms.
type flatCache struct {
	top    flatFrame
	frames []flatFrame // below top
}

// flatFrame maps a reference's hash to the references cached with it.
type flatFrame map[int][]flatEntry

// flatEntry is a cached reference: its value, and whether it was recorded
// undefined (which, as in OPA's cache, a later value does not undo).
type flatEntry struct {
	ref       ast.Ref
	value     *ast.Term
	undefined bool
}

func (c *flatCache) Push() {
	c.frames = append(c.frames, c.top)
	c.top = nil
}

func (c *flatCache) Pop() {
	if n := len(c.frames); n > 0 {
		c.top, c.frames = c.frames[n-1], c.frames[:n-1]
		return
	}
	c.top = nil
}

func (c *flatCache) Get(ref ast.Ref) (*ast.Term, bool) {
	for _, e := range c.top[ref.Hash()] {
		if e.ref.Equal(ref) {
			if e.undefined {
				return nil, true
			}
			return e.value, false
		}
	}
	return nil, false
}

func (c *flatCache) Put(ref ast.Ref, value *ast.Term) {
	if c.top == nil {
		c.top = flatFrame{}
	}
	h := ref.Hash()
	entries := c.top[h]
	i := 0
	for i < len(entries) && !entries[i].ref.Equal(ref) {
		i++
	}
	if i == len(entries) {
		// The reference may be the evaluator's scratch slice: keep a copy.
		entries = append(entries, flatEntry{ref: append(ast.Ref(nil), ref...)})
		c.top[h] = entries
	}
	if value != nil {
		entries[i].value = value
	} else {
		entries[i].undefined = true
	}
}

func (c *flatCache) Keys() []ast.Ref {
	var keys []ast.Ref
	for _, entries := range c.top {
		for _, e := range entries {
			if e.value != nil {
				keys = append(keys, e.ref)
			}
		}
	}
	return keys
}
