package analyzer

import "context"

// Checker runs the steps of a run one at a time, for callers that keep
// documents between runs and re-check only what changed (the language
// server re-checks the edited file and gives the set rules the other files'
// documents, parsed once). Run and Lint are made of the same steps.
type Checker struct{ e *engine }

// NewChecker returns a Checker of rules with opts. A Checker collects the
// errors of the rules it runs (see Errors); use a new one for each run.
func NewChecker(rules []*Rule, opts Options) *Checker {
	return &Checker{e: newEngine(rules, opts)}
}

// LoadDiagnostics keeps the loader's diagnostics (Parse's) of the engine
// rules among the checker's rules, with their configured severities.
func (c *Checker) LoadDiagnostics(ds []Diagnostic) []Diagnostic { return c.e.loadDiagnostics(ds) }

// Document runs the per-document rules on doc. A rule that panics is
// recorded as an error and the remaining rules still run; ctx stops a long
// evaluation (a policy's).
func (c *Checker) Document(ctx context.Context, doc *Document) []Diagnostic {
	return c.e.runDocument(ctx, doc, nil)
}

// Set runs the rules that see every document on docs.
func (c *Checker) Set(ctx context.Context, docs []*Document) []Diagnostic {
	return c.e.runSet(ctx, docs)
}

// Rendering runs the rules on the rendering r: its own diagnostics
// (render-failed, the loader's) of the engine rules among the checker's
// rules, the per-document rules on its documents and the set rules on them
// as one set, as Lint does. The diagnostics are marked as r's, so that
// MergeRendered merges those that several renderings report at one source
// position.
func (c *Checker) Rendering(ctx context.Context, r *Rendering) []Diagnostic {
	diags := c.e.loadDiagnostics(r.tagged())
	for _, d := range r.Docs {
		diags = c.e.runDocument(ctx, d, diags)
	}
	return append(diags, c.e.runSet(ctx, r.Docs)...)
}

// Errors returns the failures of the rules run so far (a rule that
// panicked), in no particular order.
func (c *Checker) Errors() []error {
	c.e.mu.Lock()
	defer c.e.mu.Unlock()
	return append([]error(nil), c.e.errs...)
}
