package analyzer

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Finding is what a rule reports: a field path and a message. The engine
// resolves the path to a range following the catalog's conventions.
type Finding struct {
	Path    Path
	Message string
	// AtKey points at the key of the field rather than its value.
	AtKey bool
	// Severity overrides the rule's default severity when non-zero (for
	// rules whose severity depends on the object, e.g. Role vs ClusterRole).
	Severity Severity
	Fix      *SuggestedFix
	// Related are other places, in this document or any other of the set,
	// that explain the finding, in the order a reader follows them: the
	// hops of a chain across documents (a workload's serviceAccountName,
	// the binding's subject entry, its roleRef, the granting rule). The
	// engine resolves each path like the finding's own.
	Related []Related
}

// Related is a place that explains a finding: a field path in a document
// of the set and what it says there.
type Related struct {
	Doc  *Document
	Path Path
	// AtKey points at the key of the field rather than its value.
	AtKey   bool
	Message string
}

// Pass is the context of one rule running on one document.
type Pass struct {
	Rule   *Rule
	Doc    *Document
	ctx    context.Context
	params map[string]any
	kube   KubeVersion
	report func(*Document, Finding)
	fail   func(error)
	// shared holds the values of Shared for this document.
	shared map[any]any
}

// Report records a finding on the pass's document.
func (p *Pass) Report(f Finding) { p.report(p.Doc, f) }

// Shared returns the value build returns for key, built once per document
// and shared by the per-document rules that run on it (the evaluation of
// every policy, which each policy's rule reads its findings from). It is
// dropped once those rules have run, so a run does not keep it for every
// document. build must depend only on the document.
func (p *Pass) Shared(key any, build func() any) any {
	if v, ok := p.shared[key]; ok {
		return v
	}
	v := build()
	if p.shared == nil {
		p.shared = map[any]any{}
	}
	p.shared[key] = v
	return v
}

// Context returns the run's context: a rule that works long (a policy
// evaluation) stops when it is done.
func (p *Pass) Context() context.Context {
	if p.ctx == nil {
		return context.Background()
	}
	return p.ctx
}

// Fail records a failure of the run itself (not a finding) for this rule on
// this document, such as a policy evaluation that exceeded its time limit.
// The run goes on; the error names the rule and the document and lands in
// Result.Errors (kvet then exits with status 2).
func (p *Pass) Fail(err error) {
	if p.fail == nil {
		panic(err)
	}
	p.fail(err)
}

// Reportf records a finding at path with a formatted message.
func (p *Pass) Reportf(path Path, format string, args ...any) {
	p.report(p.Doc, Finding{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Param returns the rule's parameter value: the configured one, else the
// default declared on the rule.
func (p *Pass) Param(name string) any { return paramValue(p.Rule, p.params, name) }

// KubeVersion returns the Kubernetes release the run targets
// (Options.KubeVersion, else NewestKubeVersion).
func (p *Pass) KubeVersion() KubeVersion { return p.kube.OrNewest() }

// SetPass is the context of a rule that sees every document at once.
type SetPass struct {
	Rule   *Rule
	Docs   []*Document
	params map[string]any
	kube   KubeVersion
	rate   Rating
	report func(*Document, Finding)
	shared *sharedValues
}

// sharedValues are the values of SetPass.Shared for one set: the set's
// rules run concurrently, and a value is built once, by the first rule
// that asks for it, while the others that ask wait for it.
type sharedValues struct {
	mu     sync.Mutex
	values map[string]*sharedValue
}

// sharedValue is one value of sharedValues; built tells whether build
// returned (a build that panicked is tried again by the next rule).
type sharedValue struct {
	mu    sync.Mutex
	built bool
	v     any
}

// get returns the value of key, built once.
func (s *sharedValues) get(key string, build func() any) any {
	s.mu.Lock()
	if s.values == nil {
		s.values = map[string]*sharedValue{}
	}
	sv := s.values[key]
	if sv == nil {
		sv = &sharedValue{}
		s.values[key] = sv
	}
	s.mu.Unlock()
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if !sv.built {
		sv.v = build()
		sv.built = true
	}
	return sv.v
}

// Shared returns the value build returns for key, built once per run and
// shared by the set rules of the run: a model of the whole set that several
// rules consult (the RBAC graph) is built once. build must depend only on
// the documents, not on the rule or its parameters. The set rules of a run
// run concurrently: the value must be safe for concurrent reads, and a
// rule that asks while another builds it waits.
func (p *SetPass) Shared(key string, build func() any) any {
	if p.shared == nil {
		return build()
	}
	return p.shared.get(key, build)
}

// Report records a finding on doc, which must be one of p.Docs.
func (p *SetPass) Report(doc *Document, f Finding) { p.report(doc, f) }

// Param returns the rule's parameter value (configured, else default).
func (p *SetPass) Param(name string) any { return paramValue(p.Rule, p.params, name) }

// KubeVersion returns the Kubernetes release the run targets.
func (p *SetPass) KubeVersion() KubeVersion { return p.kube.OrNewest() }

// Rating returns how the run rates the findings of the rules (see
// Options.Rating).
func (p *SetPass) Rating() Rating { return p.rate }

func paramValue(r *Rule, params map[string]any, name string) any {
	if v, ok := params[name]; ok {
		return v
	}
	return r.Param(name)
}

// IntParam returns an int parameter, or 0 when it is missing or of another type.
func IntParam(v any) int {
	n, _ := v.(int)
	return n
}

// IntRangeParam returns an inclusive range parameter given as a two-element
// []int such as []int{3, 7}; ok is false when the value has another shape or
// lo > hi.
func IntRangeParam(v any) (lo, hi int, ok bool) {
	r, _ := v.([]int)
	if len(r) != 2 || r[0] > r[1] {
		return 0, 0, false
	}
	return r[0], r[1], true
}

// StringsParam returns a []string parameter (sorted copy), or nil.
func StringsParam(v any) []string {
	s, _ := v.([]string)
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
