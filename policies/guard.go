package policies

import (
	"errors"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Guards: evaluating only the entries that can report something.
//
// Most policies report nothing on most documents, yet evaluating a result
// rule that yields nothing still costs OPA a few microseconds. kvet's
// built-in policies all start by reading what they report from a value the
// library computes once per document (`some i, _ in
// rbac.found["rbac-pod-exec"]`): when that value has no such key, the
// policy's rules fail at their first expression and yield nothing. Such a
// first expression is the entry's guard. A document is then evaluated in
// steps sharing one virtual cache (so the library's value is computed
// once): the first query evaluates the values that the guards read (their
// bases, e.g. data.kvet.lib.rbac.found) and the entries without a guard;
// then only the guarded entries whose key is in their base are evaluated,
// each by its own query. The findings are those of evaluating every entry,
// since a skipped entry's rules fail before anything else in them is
// evaluated. Any policy can have a guard, the user's too: it is found in
// the compiled rules, not declared.

// plan is how the documents of one kind are evaluated.
type plan struct {
	// all evaluates every entry of the kind.
	all *query
	// first evaluates the guards' bases, one per line, and the entries
	// without a guard, in the entries' order; nil when no entry has a
	// guard (all is evaluated alone). The entry of a base's line is the
	// first entry it guards, so that a time limit exceeded on that line
	// blames it, as evaluating every entry would.
	first *query
	// line[i] is the line of first that entry i of all is read from: its
	// guard's base when key[i] is set, its value otherwise.
	line []int
	key  []*ast.Term
}

// guard is the first expression of an entry's rules when it reads the
// value of base at a constant key.
type guard struct {
	base ast.Ref
	key  *ast.Term
}

// planFor returns the plan of kind, preparing it on first use.
func (p *program) planFor(kind string) (*plan, error) {
	all, err := p.queryFor(kind)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pl := p.plans[kind]; pl != nil {
		return pl, nil
	}
	pl := &plan{all: all}
	if err := p.guardPlan(pl); err != nil {
		return nil, err
	}
	if pl.first == nil {
		// Every document evaluates all first: its errors are the kind's.
		if _, err := all.compiled(); err != nil {
			return nil, err
		}
	}
	if p.plans == nil {
		p.plans = map[string]*plan{}
	}
	p.plans[kind] = pl
	return pl, nil
}

// guardPlan prepares pl.first when some entry of pl.all has a guard. Its
// lines follow the entries' order (a base where the first entry it guards
// is), so that a time limit exceeded in it blames the entry that
// evaluating every entry would.
func (p *program) guardPlan(pl *plan) error {
	n := len(pl.all.entries)
	pl.line, pl.key = make([]int, n), make([]*ast.Term, n)
	var bases []ast.Ref
	var baseLine []int
	var entries []*entry // of first's lines
	var values []string
	for i, en := range pl.all.entries {
		g := p.guardOf(en)
		if g == nil {
			pl.line[i] = len(entries)
			entries, values = append(entries, en), append(values, "")
			continue
		}
		b := 0
		for b < len(bases) && !bases[b].Equal(g.base) {
			b++
		}
		if b == len(bases) {
			bases, baseLine = append(bases, g.base), append(baseLine, len(entries))
			entries, values = append(entries, en), append(values, g.base.String())
		}
		pl.line[i], pl.key[i] = baseLine[b], g.key
	}
	if len(bases) == 0 {
		pl.line, pl.key = nil, nil
		return nil
	}
	first, err := p.prepareLines(entries, values)
	if err != nil {
		return err
	}
	pl.first = first
	return nil
}

// guardOf returns the guard of en, or nil: every rule of its result rule
// (a rule without arguments, default value or else) must begin with an
// expression that reads base[key]... as an operand, base being a complete
// rule of its own (no rule below it) and key a constant. The expression's
// value, and so the rule's body, is undefined when base has no key.
func (p *program) guardOf(en *entry) *guard {
	ref := p.entryRef(en)
	if ref == nil {
		return nil
	}
	c := p.compiler
	rules := c.GetRulesExact(ref)
	if len(rules) == 0 || len(c.GetRulesWithPrefix(ref)) != len(rules) {
		return nil
	}
	var g *guard
	for _, r := range rules {
		if r.Default || r.Else != nil || len(r.Head.Args) > 0 || len(r.Body) == 0 {
			return nil
		}
		rg := guardIn(c, r.Body[0])
		if rg == nil || g != nil && (!g.base.Equal(rg.base) || !g.key.Equal(rg.key)) {
			return nil
		}
		g = rg
	}
	return g
}

// entryRef returns the ref of en's rules as parsing en.ref() as a query
// gives it (without locations), or nil when it does not parse as a ref.
// Parsing is what a run with few documents would spend most of guardOf
// on: when en's file is a module of the program whose package is en's and
// en's name is an identifier that is no keyword, the ref is the package's
// path and the name, and nothing is parsed.
func (p *program) entryRef(en *entry) ast.Ref {
	if m := p.compiler.Modules[en.policy.file]; m != nil && m.Package != nil &&
		ast.IsVarCompatibleString(en.name) &&
		!ast.IsKeywordInRegoVersion(en.name, ast.RegoV1) && !ast.IsKeywordInRegoVersion(en.name, ast.RegoV2) &&
		m.Package.Path.String() == en.policy.pkg {
		return m.Package.Path.Append(ast.StringTerm(en.name))
	}
	return p.parseEntryRef(en)
}

// parseEntryRef is entryRef by parsing en.ref().
func (p *program) parseEntryRef(en *entry) ast.Ref {
	body, err := ast.ParseBodyWithOpts(en.ref(), p.parserOptions())
	if err != nil || len(body) != 1 {
		return nil
	}
	t, ok := body[0].Terms.(*ast.Term)
	if !ok {
		return nil
	}
	ref, _ := t.Value.(ast.Ref)
	return ref
}

// guardIn returns the guard an expression makes: an operand of a call (or
// of an equality) that is a reference base[key]... into data, and the
// first such reference: OPA evaluates an equality's left side first, and
// a reference before the guard may raise an error (a conflict) or exceed
// the time limit even when the guard is undefined.
func guardIn(c *ast.Compiler, expr *ast.Expr) *guard {
	if expr.Negated || len(expr.With) > 0 {
		return nil
	}
	var operands []*ast.Term
	switch t := expr.Terms.(type) {
	case *ast.Term:
		operands = []*ast.Term{t}
	case []*ast.Term:
		if len(t) > 0 {
			operands = t[1:]
		}
	}
	for _, op := range operands {
		ref, ok := op.Value.(ast.Ref)
		if !ok || !ref.HasPrefix(ast.DefaultRootRef) {
			continue
		}
		for n := 2; n < len(ref); n++ {
			base := ref[:n]
			if !base.IsGround() {
				break
			}
			rules := c.GetRulesExact(base)
			if len(rules) == 0 {
				continue
			}
			if !completeRules(c, base, rules) || !ref[n].IsGround() {
				break
			}
			return &guard{base: base.Copy(), key: ref[n].Copy()}
		}
		return nil
	}
	return nil
}

// completeRules reports whether rules, the rules at base, define one value
// as a whole: single-value rules without arguments and no rule below base.
// Evaluating base then evaluates all of them, as reading base[key] does.
func completeRules(c *ast.Compiler, base ast.Ref, rules []*ast.Rule) bool {
	if len(c.GetRulesWithPrefix(base)) != len(rules) {
		return false
	}
	for _, r := range rules {
		if r.Head.RuleKind() != ast.SingleValue || len(r.Head.Args) > 0 {
			return false
		}
	}
	return true
}

// evalPlan evaluates the entries of pl in ev and returns the value of
// each entry of pl.all (nil for an entry skipped by its guard, which
// collect reads as no result). Errors are those of eval; on an error other
// than a time limit or a cancellation in the first step, every entry is
// evaluated together, so that the error is the one evaluating them without
// guards gives.
func (p *program) evalPlan(ev *evaluation, pl *plan) ([]ast.Value, *entry, error) {
	cache := p.memo.cache()
	if pl.first == nil {
		return p.eval(ev, pl.all, cache)
	}
	first, culprit, err := p.eval(ev, pl.first, cache)
	switch {
	case err != nil && (ev.ctx.Err() != nil || errors.Is(err, errTimeout)):
		return nil, culprit, err
	case err != nil || first == nil:
		// An error, or a base is undefined (the query failed): evaluate
		// every entry, as without guards.
		return p.eval(ev, pl.all, p.memo.cache())
	}
	vals := make([]ast.Value, len(pl.all.entries))
	for i, key := range pl.key {
		if key == nil {
			vals[i] = first[pl.line[i]]
		}
	}
	// Each guarded entry that may fire is evaluated by its own query (one
	// entry rarely fires without a few others, and the queries of the sets
	// that do would be compiled for each new set: more than the evaluations
	// cost on a repository's documents).
	for i, key := range pl.key {
		if key == nil || !mayHave(first[pl.line[i]], key) {
			continue
		}
		q, err := p.singleQuery(pl.all.entries[i])
		if err != nil {
			return nil, nil, err
		}
		rest, culprit, err := p.eval(ev, q, cache)
		if err != nil {
			return nil, culprit, err
		}
		vals[i] = rest[0]
	}
	return vals, nil, nil
}

// mayHave reports whether reading base[key] may be defined: base is not an
// object or a set, or it has key.
func mayHave(base ast.Value, key *ast.Term) bool {
	switch b := base.(type) {
	case ast.Object:
		return b.Get(key) != nil
	case ast.Set:
		return b.Contains(key)
	}
	return true
}
