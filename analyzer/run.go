package analyzer

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
)

// Options tune a run. The zero value runs every rule with its defaults.
type Options struct {
	// Params holds configured parameter values, by rule ID and name.
	Params map[string]map[string]any
	// Severity overrides the severity of rules, by rule ID.
	Severity map[string]Severity
}

// Result is the outcome of a run.
type Result struct {
	// Diagnostics are sorted by file, line, column and rule ID.
	Diagnostics []Diagnostic
	// Errors are failures of the run itself (a rule that crashed, a
	// cancelled context); they are not findings.
	Errors []error
}

// Run runs rules over the documents of set. Per-document rules run in
// parallel over documents (bounded by GOMAXPROCS); set rules see every
// document. The loader's own diagnostics are kept for the engine rules
// present in rules, so disabling a rule works the same way for all of them.
func Run(ctx context.Context, set *Set, rules []*Rule, opts Options) *Result {
	enabled := map[string]*Rule{}
	byKind := map[string][]*Rule{}
	var anyKind, setRules []*Rule
	for _, r := range rules {
		enabled[r.ID] = r
		switch {
		case r.Run != nil && len(r.Kinds) == 0:
			anyKind = append(anyKind, r)
		case r.Run != nil:
			for _, k := range r.Kinds {
				byKind[k] = append(byKind[k], r)
			}
		case r.RunSet != nil:
			setRules = append(setRules, r)
		}
	}
	res := &Result{}
	var mu sync.Mutex // guards res.Errors
	fail := func(err error) {
		mu.Lock()
		res.Errors = append(res.Errors, err)
		mu.Unlock()
	}

	for _, d := range set.Diagnostics {
		if r := enabled[d.RuleID]; r != nil {
			d.Severity = severityOf(r, 0, opts)
			res.Diagnostics = append(res.Diagnostics, d)
		}
	}

	perDoc := make([][]Diagnostic, len(set.Docs))
	parallel(ctx, len(set.Docs), func(i int) {
		doc := set.Docs[i]
		report := func(r *Rule) func(*Document, Finding) {
			return func(d *Document, f Finding) { perDoc[i] = append(perDoc[i], resolve(r, d, f, opts)) }
		}
		for _, r := range slices.Concat(anyKind, byKind[doc.Kind]) {
			pass := &Pass{Rule: r, Doc: doc, params: opts.Params[r.ID], report: report(r)}
			if err := protect(func() { r.Run(pass) }); err != nil {
				fail(fmt.Errorf("rule %s on %s (document %d, %s %s): %w", r.ID, doc.File.Path, doc.Index+1, doc.Kind, doc.Name, err))
			}
		}
	})
	for _, ds := range perDoc {
		res.Diagnostics = append(res.Diagnostics, ds...)
	}

	for _, r := range setRules {
		if ctx.Err() != nil {
			break
		}
		var found []Diagnostic
		pass := &SetPass{Rule: r, Docs: set.Docs, params: opts.Params[r.ID], report: func(d *Document, f Finding) {
			found = append(found, resolve(r, d, f, opts))
		}}
		if err := protect(func() { r.RunSet(pass) }); err != nil {
			fail(fmt.Errorf("rule %s: %w", r.ID, err))
		}
		res.Diagnostics = append(res.Diagnostics, found...)
	}
	if err := ctx.Err(); err != nil {
		fail(err)
	}
	Sort(res.Diagnostics)
	return res
}

// Sort orders diagnostics deterministically (see Less).
func Sort(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		switch {
		case Less(&a, &b):
			return -1
		case Less(&b, &a):
			return 1
		}
		return 0
	})
}

func severityOf(r *Rule, found Severity, opts Options) Severity {
	if s, ok := opts.Severity[r.ID]; ok && s != 0 {
		return s
	}
	if found != 0 {
		return found
	}
	return r.Severity
}

// resolve turns a rule's finding into a positioned diagnostic.
func resolve(r *Rule, d *Document, f Finding, opts Options) Diagnostic {
	return Diagnostic{
		RuleID:   r.ID,
		Severity: severityOf(r, f.Severity, opts),
		Message:  f.Message,
		File:     d.File.Path,
		Range:    d.Locate(f.Path, f.AtKey),
		Path:     f.Path,
		Object:   d.Ref(),
		Fix:      f.Fix,
	}
}

// protect runs fn and turns a panic into an error, so that one faulty rule
// cannot take down a run.
func protect(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v\n%s", p, debug.Stack())
		}
	}()
	fn()
	return nil
}
