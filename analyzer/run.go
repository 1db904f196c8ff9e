package analyzer

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/kvet-dev/kvet/internal/pack"
)

// Options tune a run. The zero value runs every rule with its defaults.
type Options struct {
	// Params holds configured parameter values, by rule ID and name.
	Params map[string]map[string]any
	// Severity overrides the severity of rules, by rule ID.
	Severity map[string]Severity
	// KubeVersion is the Kubernetes release the manifests target; zero
	// means NewestKubeVersion. Rules read it with Pass.KubeVersion.
	KubeVersion KubeVersion
	// Off are the rules the configuration leaves out, by ID (those of the
	// catalog that do not run): Rating says their findings are not
	// reported.
	Off map[string]bool
}

// Rating says how a run rates the findings of a rule: their severity (the
// rule's default sev, or the one the configuration sets) and false when
// the run leaves the rule out. Rules and reports that rate what another
// rule would find (workload-excessive-permissions and kvet access rate
// the RBAC rules' findings) rate it through the run's Rating, so that
// they agree with the configuration.
type Rating func(ruleID string, sev Severity) (Severity, bool)

// Rating returns the Rating of a run with the options: Off, then
// Severity, then the default.
func (o Options) Rating() Rating {
	return func(id string, sev Severity) (Severity, bool) {
		if o.Off[id] {
			return sev, false
		}
		if s, ok := o.Severity[id]; ok {
			return s, true
		}
		return sev, true
	}
}

// Result is the outcome of a run.
type Result struct {
	// Diagnostics are sorted by file, line, column and rule ID.
	Diagnostics []Diagnostic
	// Errors are failures of the run itself (a rule that crashed, a
	// cancelled context); they are not findings.
	Errors []error
}

// engine runs one rule list with one set of options.
type engine struct {
	opts    Options
	enabled map[string]*Rule
	// anyKind are the per-document rules of every kind; byKind, those a
	// document of a kind runs (anyKind's, then the kind's own).
	anyKind  []*Rule
	byKind   map[string][]*Rule
	setRules []*Rule
	// setKinds are the kinds whose typed objects set rules read (all kinds
	// when one of them declares none); set rules with facts read those
	// instead. facts are the facts of the set rules, by kind.
	setKinds map[string]bool
	allKinds bool
	facts    map[string][]*Fact
	// extractors are the extraction functions of the facts for this run
	// (Fact.ForRun, else Fact.Extract); the facts and positions that
	// extract keeps live until the set rules have run, among the garbage
	// of the per-document phase, so they are packed (see pack.Pack).
	extractors map[*Fact]func(*Document) (any, []Path)
	factValues pack.Pack[factValue]
	located    pack.Pack[locatedPath]
	// intern shares the equal messages and paths of the run's diagnostics.
	intern *interner
	// contents, lines and kept pack what Lint keeps of each file once its
	// documents are checked (see pack.Pack).
	contents pack.Pack[byte]
	lines    pack.Pack[int]
	kept     pack.Pack[keptDiag]
	// scratch holds Lint's per-file buffers (*scratch) for the next file.
	scratch sync.Pool

	mu   sync.Mutex // guards errs
	errs []error
}

func newEngine(rules []*Rule, opts Options) *engine {
	e := &engine{opts: opts, enabled: map[string]*Rule{}, byKind: map[string][]*Rule{}, intern: newInterner()}
	for _, r := range rules {
		e.enabled[r.ID] = r
		switch {
		case r.Run != nil && len(r.Kinds) == 0:
			e.anyKind = append(e.anyKind, r)
		case r.Run != nil:
			for _, k := range r.Kinds {
				e.byKind[k] = append(e.byKind[k], r)
			}
		case r.RunSet != nil && len(r.Facts) > 0:
			e.setRules = append(e.setRules, r)
			e.addFacts(r.Facts)
		case r.RunSet != nil:
			e.setRules = append(e.setRules, r)
			e.allKinds = e.allKinds || len(r.Kinds) == 0
			for _, k := range r.Kinds {
				if e.setKinds == nil {
					e.setKinds = map[string]bool{}
				}
				e.setKinds[k] = true
			}
		}
	}
	for k, rules := range e.byKind {
		e.byKind[k] = slices.Concat(e.anyKind, rules)
	}
	return e
}

// addFacts records the facts of a set rule by kind, once per name.
func (e *engine) addFacts(facts []*Fact) {
	if e.facts == nil {
		e.facts = map[string][]*Fact{}
	}
	if e.extractors == nil {
		e.extractors = map[*Fact]func(*Document) (any, []Path){}
	}
	for _, f := range facts {
		for _, k := range f.Kinds {
			if !slices.ContainsFunc(e.facts[k], func(g *Fact) bool { return g.Name == f.Name }) {
				e.facts[k] = append(e.facts[k], f)
			}
		}
		if _, ok := e.extractors[f]; ok {
			continue
		}
		e.extractors[f] = f.Extract
		if f.ForRun != nil {
			e.extractors[f] = f.ForRun()
		}
	}
}

// release frees what no later step needs once the per-document rules have
// run on doc: the node tree, and the typed object unless a set rule reads
// documents of its kind.
func (e *engine) release(doc *Document) {
	doc.release()
	if !e.allKinds && !e.setKinds[doc.Kind] {
		doc.Object = nil
	}
}

func (e *engine) fail(err error) {
	e.mu.Lock()
	e.errs = append(e.errs, err)
	e.mu.Unlock()
}

// loadDiagnostics keeps the loader's diagnostics of enabled engine rules,
// with configured severities.
func (e *engine) loadDiagnostics(ds []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if r := e.enabled[d.RuleID]; r != nil {
			d.Severity = severityOf(r, 0, e.opts)
			out = append(out, d)
		}
	}
	return out
}

// keep packs what a run keeps of f once its documents are checked: its
// content and line index, which positions, suppressions and reports read
// (see pack.Pack).
func (e *engine) keep(f *File) {
	starts := f.lineStarts()
	f.Content = e.contents.Keep(f.Content)
	f.lines = e.lines.Keep(starts)
}

// runDocument runs the per-document rules on doc and appends their
// diagnostics to out. A rule that panics is recorded as an error and the
// remaining rules still run.
func (e *engine) runDocument(ctx context.Context, doc *Document, out []Diagnostic) []Diagnostic {
	rules, ok := e.byKind[doc.Kind]
	if !ok {
		rules = e.anyKind
	}
	pass := &Pass{Doc: doc, ctx: ctx, kube: e.opts.KubeVersion.OrNewest()}
	pass.report = func(d *Document, f Finding) { out = append(out, e.resolve(pass.Rule, d, f)) }
	pass.fail = func(err error) {
		e.fail(fmt.Errorf("rule %s on %s (document %d, %s %s): %w", pass.Rule.ID, doc.File.Path, doc.Index+1, doc.Kind, doc.Name, err))
	}
	for i := 0; i < len(rules); {
		i = e.runFrom(pass, rules, i)
	}
	return out
}

// runFrom runs rules[i:] on the pass's document and returns the index at
// which to continue: len(rules), or the one after a rule that panicked.
func (e *engine) runFrom(pass *Pass, rules []*Rule, i int) (next int) {
	defer func() {
		if p := recover(); p != nil {
			doc := pass.Doc
			e.fail(fmt.Errorf("rule %s on %s (document %d, %s %s): internal error: %v\n%s",
				rules[i].ID, doc.File.Path, doc.Index+1, doc.Kind, doc.Name, p, debug.Stack()))
			next = i + 1
		}
	}()
	for ; i < len(rules); i++ {
		pass.Rule, pass.params = rules[i], e.opts.Params[rules[i].ID]
		rules[i].Run(pass)
	}
	return i
}

// runSet runs the rules that see every document: once on the documents
// read as they are, and once on the documents of each rendering. The rules
// of one set share the values built with SetPass.Shared.
func (e *engine) runSet(ctx context.Context, docs []*Document) []Diagnostic {
	return e.runSetChunks(ctx, docs).appendTo(nil)
}

// diagChunks collects diagnostics without moving them, each chunk as large
// as those before it up to 512: appending thousands of findings to one
// slice grows it a quarter at a time and allocates about five times its
// final size, when the set rules run and the heap is at its largest; the
// chunks allocate at most 512 more than they hold. A finding on a
// document read as it is, nearly all, is kept compact, as Lint keeps the
// per-document findings (keptDiag: 120 bytes, not 224); the others are
// kept whole, in order.
type diagChunks struct {
	chunks [][]keptDiag
	others []Diagnostic
	n      int
}

// add keeps d, reported on doc.
func (c *diagChunks) add(doc *Document, d Diagnostic) {
	kd, ok := compact(doc, d)
	if !ok {
		c.others = append(c.others, d)
	}
	n := len(c.chunks)
	if n == 0 || len(c.chunks[n-1]) == cap(c.chunks[n-1]) {
		c.chunks = append(c.chunks, make([]keptDiag, 0, min(512, max(16, c.n))))
		n++
	}
	c.chunks[n-1] = append(c.chunks[n-1], kd)
	c.n++
}

// len returns the number of diagnostics kept.
func (c *diagChunks) len() int { return c.n }

// join moves the diagnostics of other after those of c.
func (c *diagChunks) join(other *diagChunks) {
	c.chunks = append(c.chunks, other.chunks...)
	c.others = append(c.others, other.others...)
	c.n += other.n
}

// appendTo appends the diagnostics to out, in the order added.
func (c *diagChunks) appendTo(out []Diagnostic) []Diagnostic {
	others := c.others
	for _, ch := range c.chunks {
		out, others = appendKept(out, ch, others)
	}
	return out
}

// runSetChunks is runSet with the diagnostics in chunks. The set rules
// run once per set of documents (renderedSets), the sets one after the
// other and the rules of a set concurrently (bounded by GOMAXPROCS), each
// into chunks of its own; the chunks are then joined in the order of the
// sets and rules, so the diagnostics come in the same order as if the
// rules had run one after the other. On 50,000 generated documents the set
// rules took about 0.4 s, most of which one core spent while the other
// waited.
func (e *engine) runSetChunks(ctx context.Context, docs []*Document) *diagChunks {
	out := &diagChunks{}
	if len(e.setRules) == 0 {
		return out
	}
	found := make([]*diagChunks, len(e.setRules))
	for _, set := range renderedSets(docs) {
		shared := &sharedValues{}
		clear(found)
		parallel(ctx, len(e.setRules), func(i int) {
			found[i] = e.runSetRule(e.setRules[i], set, shared)
		})
		for _, c := range found {
			if c != nil { // nil: not run, the run was cancelled
				out.join(c)
			}
		}
	}
	return out
}

// runSetRule runs the set rule r on the documents of one set, whose rules
// share the values in shared, and returns its diagnostics.
func (e *engine) runSetRule(r *Rule, set []*Document, shared *sharedValues) *diagChunks {
	out := &diagChunks{}
	// Findings of set rules often share their related places (the same
	// chain explains many workloads): resolve each shared list once.
	type relatedKey struct {
		first *Related
		n     int
	}
	resolved := map[relatedKey][]RelatedLocation{}
	pass := &SetPass{Rule: r, Docs: set, params: e.opts.Params[r.ID], kube: e.opts.KubeVersion.OrNewest(), rate: e.opts.Rating(), shared: shared, report: func(d *Document, f Finding) {
		rel := f.Related
		key := relatedKey{n: len(rel)}
		if len(rel) > 0 {
			key.first = &rel[0]
		}
		f.Related = nil
		// Not interned: a set rule's messages name the objects they are
		// about, so they hardly ever repeat, and the interner's map would
		// grow by thousands of entries when the heap is at its largest.
		diag := e.resolveMessage(r, d, f, f.Message)
		if len(rel) > 0 {
			if diag.Related = resolved[key]; diag.Related == nil {
				diag.Related = e.resolveRelated(rel)
				resolved[key] = diag.Related
			}
		}
		out.add(d, diag)
	}}
	if err := protect(func() { r.RunSet(pass) }); err != nil {
		e.fail(fmt.Errorf("rule %s: %w", r.ID, err))
	}
	return out
}

func (e *engine) result(ctx context.Context, diags []Diagnostic, renderings []*Rendering) *Result {
	if err := ctx.Err(); err != nil {
		e.fail(err)
	}
	return &Result{Diagnostics: MergeRendered(ctx, diags, renderings), Errors: e.errs}
}

// MergeRendered sorts diags (see Sort) and, where several of renderings
// report one rule at one source position (a base shared by overlays),
// keeps one diagnostic whose message names the roots that render the
// problem ("in overlays production, staging"). renderings are every
// rendering of the run: those that read a file decide whether its
// messages name roots. A fix of rendered objects is kept only where it
// renders as it says (ctx bounds the renderings that check it). Lint's
// result is merged this way.
func MergeRendered(ctx context.Context, diags []Diagnostic, renderings []*Rendering) []Diagnostic {
	Sort(diags)
	if len(renderings) == 0 {
		return diags
	}
	return mergeRendered(ctx, diags, renderings)
}

// Run runs rules over the documents of an already loaded set. Per-document
// rules run in parallel over documents (bounded by GOMAXPROCS); set rules
// see every document. The loader's own diagnostics are kept for the engine
// rules present in rules, so disabling a rule works the same way for all.
func Run(ctx context.Context, set *Set, rules []*Rule, opts Options) *Result {
	e := newEngine(rules, opts)
	diags := e.loadDiagnostics(set.Diagnostics)
	perDoc := make([][]Diagnostic, len(set.Docs))
	parallel(ctx, len(set.Docs), func(i int) { perDoc[i] = e.runDocument(ctx, set.Docs[i], nil) })
	diags = append(diags, slices.Concat(perDoc...)...)
	diags = e.runSetChunks(ctx, set.Docs).appendTo(diags)
	return e.result(ctx, diags, set.Renderings)
}

// Lint loads paths and runs rules over them, streaming: each file is read,
// parsed and checked by the per-document rules on one of GOMAXPROCS
// goroutines, after which the facts of the set rules are extracted and its
// node trees are released, and its typed objects too unless a set rule
// without facts declares their kind, so memory does not grow with the YAML
// trees (the documents of a large file are each checked and released as
// soon as they are parsed: see streamFrom). Set rules then see every
// document (Document.Fact; Document.Locate answers the facts' paths
// without the tree, and Root re-parses a file on demand for others). The returned set's documents keep their metadata,
// annotations and file, not their facts (Fact returns nil). What it keeps
// of a checked file until every file is done (its content, line index and
// findings) is packed into shared blocks, the findings in a compact form
// (see pack.Pack, keptDiag). With a Renderer, the rendered documents are checked
// the same way (each rendering is one set for the set rules), and findings
// that several renderings report at one source position are merged into
// one.
func Lint(ctx context.Context, l *Loader, paths []string, rules []*Rule, opts Options) (*Set, *Result) {
	e := newEngine(rules, opts)
	files, set := l.open(ctx, paths)
	type fileResult struct {
		docs  []*Document
		diags keptDiags
		err   error
	}
	results := make([]fileResult, len(files))
	parallel(ctx, len(files), func(i int) {
		f, readDiags, err := l.read(ctx, files[i])
		if err != nil {
			results[i].err = err
			return
		}
		s := e.getScratch()
		checked := keptDiags{diags: s.kept}
		check := func(d *Document) {
			if ctx.Err() != nil {
				return // interrupted: the run reports it
			}
			s.diags = e.runDocument(ctx, d, s.diags[:0])
			for _, diag := range s.diags {
				checked.add(d, diag)
			}
			s.used = max(s.used, len(s.diags))
			e.extract(d)
			e.release(d)
		}
		// A large file's documents are each checked as soon as it is
		// parsed (see streamFrom); a smaller file's once all are parsed.
		var each func(*Document)
		if len(f.Content) >= streamFrom {
			each = check
		}
		docs, loadDiags := l.parse(ctx, f, nil, each)
		if each == nil {
			for _, d := range docs {
				check(d)
			}
		}
		// The loader's diagnostics come first, as they did when the file
		// was parsed whole before its documents were checked.
		var kept keptDiags
		for _, d := range e.loadDiagnostics(append(readDiags, loadDiags...)) {
			kept.add(nil, d)
		}
		e.keep(f)
		files[i].file = f
		// Kept until every file is done: compact and packed.
		s.kept = checked.diags
		packed := e.kept.Take(len(kept.diags) + len(checked.diags))
		copy(packed[copy(packed, kept.diags):], checked.diags)
		kept.diags, kept.others = packed, slices.Clip(append(kept.others, checked.others...))
		e.putScratch(s)
		results[i] = fileResult{docs: docs, diags: kept}
	})
	rendered := make([][]Diagnostic, len(set.Renderings))
	parallel(ctx, len(set.Renderings), func(i int) {
		r := set.Renderings[i]
		diags := e.loadDiagnostics(r.tagged())
		for _, d := range r.Docs {
			if ctx.Err() != nil {
				break // interrupted: the run reports it
			}
			diags = e.runDocument(ctx, d, diags)
			e.extract(d)
			e.release(d)
		}
		rendered[i] = diags
	})
	n := 0
	for i, r := range results {
		if r.err != nil {
			set.Errors = append(set.Errors, r.err)
			continue
		}
		if files[i].file == nil {
			continue // not reached: cancelled
		}
		set.Files = append(set.Files, files[i].file)
		set.Docs = append(set.Docs, r.docs...)
		n += len(r.diags.diags)
	}
	set.addRenderings()
	setDiags := e.runSetChunks(ctx, set.Docs)
	// Only set rules read the facts: once they have run, the facts (a
	// tenth of what is live at 10,000 documents) go before the result is
	// assembled. Positions the facts named stay resolved (Locate).
	for _, d := range set.Docs {
		d.facts = nil
	}
	// One allocation for every diagnostic: a large run has tens of
	// thousands.
	for _, r := range rendered {
		n += len(r)
	}
	diags := make([]Diagnostic, 0, n+setDiags.len()+resultRoom)
	for i := range results {
		diags = results[i].diags.appendTo(diags)
	}
	for _, r := range rendered {
		diags = append(diags, r...)
	}
	diags = setDiags.appendTo(diags)
	return set, e.result(ctx, diags, set.Renderings)
}

// streamFrom is the size (bytes) from which Lint checks each document of
// a file as soon as it is parsed, and releases its tree before the next is
// parsed, so that the file's trees and typed objects are never alive
// together: a 34 MB file's live heap peaked at 538 MB when its documents
// were all parsed first, 160 MB this way (peak RSS 1,675 against 557
// MiB; 100 MB: 4,748 against 1,366 MiB). A smaller file is parsed whole
// first: alternating the YAML parser and the checks of each document took
// 3-4 % more CPU on the 10k RBAC benchmark corpus (files of 4 KB).
const streamFrom = 256 << 10

// resultRoom is the room Lint leaves after its diagnostics for the few
// that Suppress adds (unused suppressions), so that it merges them in place
// (see mergeSorted).
const resultRoom = 64

// scratch is a file's buffers in Lint's per-file phase: the diagnostics
// of one document, and the file's kept diagnostics until they are packed.
// Reused from file to file, they save growing two slices per file: that
// growth was about 9% of the bytes Lint allocated on the 10k corpus.
type scratch struct {
	diags []Diagnostic
	used  int // the most of diags used (cleared up to it)
	kept  []keptDiag
}

// maxScratch is the most diagnostics a reused buffer holds: the buffers of
// a file with more are dropped, not kept for the next.
const maxScratch = 4096

func (e *engine) getScratch() *scratch {
	if s, ok := e.scratch.Get().(*scratch); ok {
		return s
	}
	return new(scratch)
}

// putScratch clears s (so that it holds on to no finding) and keeps it
// for the next file.
func (e *engine) putScratch(s *scratch) {
	if cap(s.diags) > maxScratch || cap(s.kept) > maxScratch {
		return
	}
	clear(s.diags[:s.used])
	clear(s.kept)
	s.diags, s.used, s.kept = s.diags[:0], 0, s.kept[:0]
	e.scratch.Put(s)
}

// Sort orders diagnostics deterministically (see Less); equal ones keep
// their order. It sorts indexes and moves each diagnostic once: a run may
// have tens of thousands, and a Diagnostic is large.
func Sort(ds []Diagnostic) {
	order := make([]int32, len(ds))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int {
		switch {
		case Less(&ds[i], &ds[j]):
			return -1
		case Less(&ds[j], &ds[i]):
			return 1
		}
		return 0
	})
	// Apply the permutation in place (ds[k] = old ds[order[k]]), one cycle
	// at a time.
	for i := range order {
		if order[i] == int32(i) {
			continue
		}
		tmp := ds[i]
		j := i
		for {
			k := int(order[j])
			order[j] = int32(j)
			if k == i {
				ds[j] = tmp
				break
			}
			ds[j] = ds[k]
			j = k
		}
	}
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

// resolve turns a rule's finding into a positioned diagnostic, resolving
// its related places with the same locator: in the document's file, or for
// a rendered document in the source file its source map names (a fix is
// kept only if it edits that file). Its message and path are the run's
// shared copies (see interner).
func (e *engine) resolve(r *Rule, d *Document, f Finding) Diagnostic {
	msg := f.Message
	if len(msg) > MaxDiagnosticMessage {
		msg = Shorten(msg, MaxDiagnosticMessage)
	}
	return e.resolveMessage(r, d, f, e.intern.message(msg))
}

// resolveMessage is resolve with the diagnostic's message given (set
// rules' messages are not interned).
func (e *engine) resolveMessage(r *Rule, d *Document, f Finding, message string) Diagnostic {
	if len(message) > MaxDiagnosticMessage {
		message = Shorten(message, MaxDiagnosticMessage)
	}
	file, rng, src := d.position(f.Path, f.AtKey)
	diag := Diagnostic{
		RuleID:   r.ID,
		Severity: severityOf(r, f.Severity, e.opts),
		Message:  message,
		File:     file.Path,
		Range:    rng,
		Path:     e.intern.path(f.Path),
		Object:   d.Ref(),
		Fix:      fixIn(f.Fix, d, file),
	}
	if d.Rendering != nil {
		diag.origin = &origin{doc: d, from: d.Rendering, source: src}
	}
	if len(f.Related) > 0 {
		diag.Related = e.resolveRelated(f.Related)
	}
	return diag
}

// resolveRelated resolves related places with the locator (through the
// source map of rendered documents), sharing their messages and paths.
func (e *engine) resolveRelated(related []Related) []RelatedLocation {
	out := make([]RelatedLocation, len(related))
	for i, rel := range related {
		if len(rel.Message) > MaxDiagnosticMessage {
			rel.Message = Shorten(rel.Message, MaxDiagnosticMessage)
		}
		file, rng := rel.Doc.Position(rel.Path, rel.AtKey)
		out[i] = RelatedLocation{
			File:    file.Path,
			Range:   rng,
			Path:    e.intern.path(rel.Path),
			Object:  rel.Doc.Ref(),
			Message: e.intern.message(rel.Message),
		}
	}
	return out
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
