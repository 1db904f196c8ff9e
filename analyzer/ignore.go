package analyzer

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// IDs of the diagnostics produced by the suppression step.
const (
	IDUnusedSuppression        = "unused-suppression"
	IDSuppressionReasonMissing = "suppression-reason-missing"
)

// IgnoreAnnotation is the annotation that suppresses rules on one object:
// kvet.dev/ignore: "RULE[,RULE] [-- reason]".
const IgnoreAnnotation = "kvet.dev/ignore"

// SuppressionRules returns the metadata of the diagnostics produced by
// Suppress (they have no Run function).
func SuppressionRules() []*Rule {
	return []*Rule{
		{
			ID:       IDUnusedSuppression,
			Title:    "kvet:ignore comment or kvet.dev/ignore annotation that suppresses nothing",
			Severity: SeverityInfo,
			Source:   "engine",
			Rationale: "A suppression outlives the finding it was written for: once the manifest is fixed " +
				"or moved, a stale kvet:ignore would silently hide the next, unrelated problem of that " +
				"rule at that place. A misspelt rule ID or a misplaced comment suppresses nothing at all, nor " +
				"does a kvet.dev/ annotation on a List's own metadata, which kubectl drops (it applies the " +
				"items, and kvet lints them, each as an object of its own).",
			Remediation: "Remove the suppression, or move it to the line kvet reports (a comment applies to " +
				"its own line when it follows code, and to the next line when it stands alone); move an " +
				"annotation from a List's metadata to its items (a kvet:ignore-document comment in a List's " +
				"document applies to every item). " +
				"Suppressions naming a rule that did not run (disabled by configuration) are not reported.",
			Doc: "Forms (YAML comments; JSON has no comments, so only the annotation works in JSON " +
				"files):\n\n" +
				"    image: app:latest   # kvet:ignore image-tag-mutable -- pinned by the deploy tool\n" +
				"    # kvet:ignore resource-limits-missing,resource-requests-missing -- sized by VPA\n" +
				"    - name: worker\n" +
				"    # kvet:ignore-document cronjob-timezone-missing   (anywhere in a YAML document)\n" +
				"    # kvet:ignore-file job-ttl-missing               (in the comments at the top of a file)\n" +
				"    metadata:\n" +
				"      annotations:\n" +
				"        kvet.dev/ignore: \"job-ttl-missing,job-backoff-limit-unset -- managed by Argo\"\n",
		},
		{
			ID:                IDSuppressionReasonMissing,
			Title:             "kvet:ignore comment or kvet.dev/ignore annotation without a reason",
			Severity:          SeverityError,
			Source:            "engine",
			DisabledByDefault: true,
			Rationale: "A suppression without a reason cannot be reviewed: nobody can later tell whether " +
				"the finding was a false positive, an accepted risk or a shortcut.",
			Remediation: "Add the reason after `--`: `# kvet:ignore RULE -- why it does not apply`. The rule " +
				"is off by default; `kvet lint --require-reason`, `require-reason: true` in .kvet.yaml or " +
				"enabling the rule turns it on. The finding stays suppressed either way.",
		},
	}
}

// SuppressConfig tells Suppress which rules ran and which exist.
type SuppressConfig struct {
	// Rules are the rules of the run. A suppression naming a rule that did
	// not run (for example one disabled by configuration) is not reported
	// as unused; unused-suppression and suppression-reason-missing are
	// reported only when they are among Rules.
	Rules []*Rule
	// Known are every rule kvet knows, enabled or not. A suppression naming
	// an ID outside it is reported as unknown. Nil disables that check.
	Known []*Rule
	// Severity overrides the severity of the suppression rules, by ID.
	Severity map[string]Severity
}

// scope is what a suppression applies to.
type scope int

const (
	scopeLine     scope = iota // one line
	scopeObject                // one object (the annotation)
	scopeDocument              // one YAML document
	scopeFile                  // the whole file
)

func (s scope) where() string {
	switch s {
	case scopeLine:
		return "on the line it applies to"
	case scopeObject:
		return "on this object"
	case scopeDocument:
		return "in this document"
	}
	return "in this file"
}

// named is one rule ID written in a suppression, with its position.
type named struct {
	id   string
	rng  Range
	used bool
}

// directive is one kvet:ignore comment or kvet.dev/ignore annotation.
type directive struct {
	scope  scope
	form   string // "kvet:ignore", "kvet:ignore-document", ... or the annotation
	file   string
	rng    Range // the comment, or the annotation's value
	names  []named
	reason string
	// bad describes a directive that cannot work (unknown form, misplaced,
	// no rule); it is reported as unused-suppression.
	bad string
	doc *Document // scopeObject; for comments, the enclosing object if any
	// value is the annotation's text; located tells whether its positions
	// have been resolved (see locate).
	value   string
	located bool
	span    int // scopeLine and scopeDocument: index of the YAML document
	line    int // scopeLine: the line it applies to
	// in is the index of the comment's file (nil for an annotation).
	in *fileIndex
	// broken is set when the directive's document (or file, for
	// kvet:ignore-file) has a yaml-syntax error, so rules may not have run.
	broken bool
}

// fileIndex holds the suppressions of one file.
type fileIndex struct {
	file    *File
	docs    []*Document // in order of position
	seps    []int       // lines of "---" separators
	leading bool        // lines before the first separator have no content
	byLine  map[int][]*directive
	byDoc   map[int][]*directive
	whole   []*directive
	byObj   map[*Document]*directive

	// Built on first use, so that each lookup is a binary search or a map
	// access and the step stays linear in the size of the file.
	bySpan map[int][]*Document     // the objects of each YAML document, in order
	byRef  map[ObjectRef]*Document // the first object with each reference
}

// Suppress applies kvet:ignore comments and kvet.dev/ignore annotations to
// diags (the result of Run on set), in place: the suppressed diagnostics
// of diags get a Suppression. It returns diags with the unused-suppression
// and suppression-reason-missing diagnostics merged in when those rules
// are in cfg.Rules (a new slice when it adds any), sorted. Comments are
// read from the raw lines of YAML files; JSON files have no comments, so
// only the annotation applies to them.
//
// The unused-suppression and suppression-reason-missing diagnostics are
// merged into diags' array when it has room: use only the returned slice.
//
// It marks diags rather than a copy: the callers (lint, fix, the language
// server) never read the unmarked diagnostics again, and copying them cost
// more than the rest of the step. Copying a large slice of diagnostics is
// one bulk copy that the collector cannot interrupt, so a collection that
// began meanwhile spins until it ends: on the 10k benchmark corpus, one
// kvet:ignore comment made the whole run take 1.12 times as long (1.16 at
// 50,000 documents).
func Suppress(set *Set, diags []Diagnostic, cfg SuppressConfig) []Diagnostic {
	idx := buildIndex(set, diags)
	if idx.empty() {
		return diags // nothing can be suppressed or unused
	}
	out := diags
	for i := range out {
		idx.match(&out[i])
	}

	ran := map[string]bool{}
	for _, r := range cfg.Rules {
		ran[r.ID] = true
	}
	var known map[string]bool
	if cfg.Known != nil {
		known = map[string]bool{}
		for _, r := range cfg.Known {
			known[r.ID] = true
		}
	}
	opts := Options{Severity: cfg.Severity}
	rule := func(id string) *Rule {
		for _, r := range cfg.Rules {
			if r.ID == id {
				return r
			}
		}
		return nil
	}

	all := idx.directives()
	if r := rule(IDSuppressionReasonMissing); r != nil {
		var found []Diagnostic
		for _, d := range all {
			if d.bad == "" && d.reason == "" {
				found = append(found, d.diagnostic(r, opts, fmt.Sprintf(
					"%s without a reason: add one after \"--\" (%s RULE -- why it does not apply)", d.form, d.form)))
			}
		}
		for i := range found {
			idx.match(&found[i])
		}
		out = mergeSorted(out, found)
	}
	if r := rule(IDUnusedSuppression); r != nil {
		// Made from out as it is now: mergeSorted may have moved its
		// diagnostics within its array, where unusedCheck points.
		u := unusedCheck{ran: ran, known: known, diags: out}
		var found []Diagnostic
		for _, d := range all {
			found = append(found, u.unused(d, r, opts)...)
		}
		for i := range found {
			idx.match(&found[i])
		}
		out = mergeSorted(out, found)
	}
	return out
}

// mergeSorted returns sorted and extra in the order of Sort: it sorts
// extra and merges it into sorted (a run's result is already sorted, so
// this is linear), or sorts everything when sorted is not. When sorted has
// room for extra (Lint leaves some, see resultRoom), the merge happens in
// its array, from the end, moving each diagnostic once: a new slice of
// every diagnostic, allocated when the heap is at its largest, made one
// stale kvet:ignore comment cost 1.13 times the run on the 10k benchmark
// corpus. The caller must use the returned slice only.
func mergeSorted(sorted, extra []Diagnostic) []Diagnostic {
	if len(extra) == 0 {
		return sorted
	}
	for k := 1; k < len(sorted); k++ {
		if Less(&sorted[k], &sorted[k-1]) {
			all := slices.Concat(sorted, extra)
			Sort(all)
			return all
		}
	}
	Sort(extra)
	// From the end, into sorted's array when it has room (else a new
	// one): the larger of the two goes last; on a tie, extra's, so that
	// equal diagnostics keep sorted's before extra's. In sorted's array a
	// diagnostic is read before its place is written.
	n, m := len(sorted), len(extra)
	var out []Diagnostic
	inPlace := cap(sorted)-n >= m
	if inPlace {
		out = sorted[:n+m]
	} else {
		out = make([]Diagnostic, n+m)
	}
	i, j := n-1, m-1
	for k := n + m - 1; j >= 0; k-- {
		if i >= 0 && Less(&extra[j], &sorted[i]) {
			out[k] = sorted[i]
			i--
		} else {
			out[k] = extra[j]
			j--
		}
	}
	if !inPlace {
		// What is left of sorted comes first, in place (one element at a
		// time: see Suppress).
		for ; i >= 0; i-- {
			out[i] = sorted[i]
		}
	}
	return out
}

// unusedCheck finds the suppressions that suppress nothing.
type unusedCheck struct {
	ran, known map[string]bool // known is nil when unknown IDs are not checked
	diags      []Diagnostic    // every diagnostic of the run, sorted
	knownIDs   []string        // sorted, for suggestions; built when needed
	// byObject holds the diagnostics of diags by file, rule and object, in
	// order of line, and byRule by file and rule; built when needed (see
	// nearest).
	byObject, byRule map[objectRule][]*Diagnostic
}

// objectRule identifies the diagnostics of one rule on one object.
type objectRule struct {
	file, rule string
	object     ObjectRef
}

// unused returns the unused-suppression diagnostics of one directive.
func (u *unusedCheck) unused(d *directive, r *Rule, opts Options) []Diagnostic {
	d.locate()
	if d.bad != "" {
		return []Diagnostic{d.diagnostic(r, opts, d.bad)}
	}
	var out []Diagnostic
	for _, n := range d.names {
		var msg string
		switch {
		case u.known != nil && !u.known[n.id]:
			msg = fmt.Sprintf("%s names unknown rule %q, so it suppresses nothing%s (run 'kvet rules' for the list)", d.form, n.id, u.suggest(n.id))
		case n.used || !u.ran[n.id] || d.broken || n.id == IDUnusedSuppression:
			continue
		case d.scope == scopeLine:
			msg = fmt.Sprintf("%s names %s, which reported nothing on line %d, the line it applies to", d.form, n.id, d.line)
			if near := u.nearest(d, n.id); near != nil {
				msg += fmt.Sprintf("; %s reported on line %d of this object: move the comment to the line above that one (or after its code there)", n.id, near.Range.Start.Line)
			} else {
				msg += ": remove it"
			}
		default:
			msg = fmt.Sprintf("%s names %s, which reported nothing %s: remove it", d.form, n.id, d.scope.where())
		}
		diag := d.diagnostic(r, opts, msg)
		diag.Range = n.rng
		out = append(out, diag)
	}
	return out
}

// suggest returns `; did you mean "x"?` for the known rule ID closest to
// id, or "".
func (u *unusedCheck) suggest(id string) string {
	if u.knownIDs == nil {
		for k := range u.known {
			u.knownIDs = append(u.knownIDs, k)
		}
		slices.Sort(u.knownIDs)
	}
	if best, _ := Closest(id, u.knownIDs); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// nearest returns the diagnostic of rule id in the object of a line
// directive that is closest to the line the directive applies to, or nil.
// In a file read only through renderings (a Kustomize base), whose
// findings are about the rendered objects, the object is the YAML
// document the comment is in.
func (u *unusedCheck) nearest(d *directive, id string) *Diagnostic {
	var cands []*Diagnostic // sorted by line
	switch {
	case d.doc != nil:
		if u.byObject == nil {
			u.byObject = map[objectRule][]*Diagnostic{}
			for i := range u.diags {
				c := &u.diags[i]
				k := objectRule{c.File, c.RuleID, c.Object}
				u.byObject[k] = append(u.byObject[k], c)
			}
		}
		cands = u.byObject[objectRule{d.file, id, d.doc.Ref()}]
	case d.in != nil && len(d.in.docs) == 0:
		if u.byRule == nil {
			u.byRule = map[objectRule][]*Diagnostic{}
			for i := range u.diags {
				c := &u.diags[i]
				k := objectRule{file: c.File, rule: c.RuleID}
				u.byRule[k] = append(u.byRule[k], c)
			}
		}
		cands = u.byRule[objectRule{file: d.file, rule: id}]
		// The document's findings are a run of them: spanOf grows with
		// the line.
		from := sort.Search(len(cands), func(k int) bool { return d.in.spanOf(cands[k].Range.Start.Line) >= d.span })
		to := sort.Search(len(cands), func(k int) bool { return d.in.spanOf(cands[k].Range.Start.Line) > d.span })
		cands = cands[from:to]
	default:
		return nil
	}
	// The closest is at the insertion point or before it; on a tie, the
	// earlier one.
	i, _ := slices.BinarySearchFunc(cands, d.line, func(c *Diagnostic, line int) int { return c.Range.Start.Line - line })
	var best *Diagnostic
	for _, k := range []int{i - 1, i} {
		if k < 0 || k >= len(cands) {
			continue
		}
		if c := cands[k]; best == nil || abs(c.Range.Start.Line-d.line) < abs(best.Range.Start.Line-d.line) {
			best = c
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// diagnostic returns a diagnostic of rule r at the directive.
func (d *directive) diagnostic(r *Rule, opts Options, msg string) Diagnostic {
	d.locate()
	diag := Diagnostic{
		RuleID: r.ID, Severity: severityOf(r, 0, opts), Message: msg, File: d.file, Range: d.rng,
	}
	if d.doc != nil {
		diag.Object = d.doc.Ref()
		if d.scope == scopeObject {
			diag.Path = ignoreAnnotationPath()
		}
	}
	return diag
}

func ignoreAnnotationPath() Path { return NewPath("metadata", "annotations", IgnoreAnnotation) }

// index holds the suppressions of a set: by file path (files without any
// are absent), and the kvet.dev/ignore annotations of rendered documents,
// which apply to their object wherever its findings resolve.
type index struct {
	files    map[string]*fileIndex
	rendered map[*Document]*directive
}

func (idx index) empty() bool { return len(idx.files) == 0 && len(idx.rendered) == 0 }

// buildIndex finds the suppressions of every file of set. The yaml-syntax
// diagnostics of the set or of diags tell which documents are broken.
func buildIndex(set *Set, diags []Diagnostic) index {
	idx := index{rendered: renderedDirectives(set.Docs)}
	// Only files with an annotated object or kvet:ignore text are indexed.
	candidate := map[*File]bool{}
	for _, d := range set.Docs {
		if _, ok := d.Annotations[IgnoreAnnotation]; ok && d.Rendering == nil {
			candidate[d.File] = true
		}
	}
	for _, f := range set.Files {
		if mayHaveDirectives(f) {
			candidate[f] = true
		}
	}
	if len(candidate) == 0 {
		return idx
	}
	docsOf := map[*File][]*Document{}
	for _, d := range set.Docs {
		if candidate[d.File] && d.Rendering == nil {
			docsOf[d.File] = append(docsOf[d.File], d)
		}
	}
	broken := map[string][]int{} // file → lines of yaml-syntax errors
	for _, ds := range [][]Diagnostic{set.Diagnostics, diags} {
		for i := range ds {
			if ds[i].RuleID == IDYAMLSyntax {
				broken[ds[i].File] = append(broken[ds[i].File], ds[i].Range.Start.Line)
			}
		}
	}
	templates := map[*File]bool{}
	for _, r := range set.Renderings {
		if r.Templates {
			for _, f := range r.Files {
				templates[f] = true
			}
		}
	}
	idx.files = map[string]*fileIndex{}
	for _, f := range set.Files {
		if !candidate[f] {
			continue
		}
		comments := mayHaveDirectives(f)
		fi := &fileIndex{file: f, docs: docsOf[f]}
		slices.SortStableFunc(fi.docs, func(a, b *Document) int { return comparePos(a.Start(), b.Start()) })
		has := false
		for _, d := range fi.docs {
			if dir := annotationDirective(d); dir != nil {
				if fi.byObj == nil {
					fi.byObj = map[*Document]*directive{}
				}
				fi.byObj[d] = dir
				has = true
			}
		}
		if comments && fi.scanComments(broken[f.Path], templates[f]) {
			has = true
		}
		if has {
			idx.files[f.Path] = fi
		}
	}
	return idx
}

// renderedDirectives returns the kvet.dev/ignore annotations of rendered
// documents. The overlays that render one source object share one
// directive (by the annotation's source position), so that it is reported
// unused only once.
func renderedDirectives(docs []*Document) map[*Document]*directive {
	var out map[*Document]*directive
	type at struct {
		file  string
		rng   Range
		value string
	}
	shared := map[at]*directive{}
	for _, d := range docs {
		if d.Rendering == nil {
			continue
		}
		dir := annotationDirective(d)
		if dir == nil {
			continue
		}
		dir.locate()
		k := at{dir.file, dir.rng, dir.value}
		if s := shared[k]; s != nil {
			dir = s
		} else {
			shared[k] = dir
		}
		if out == nil {
			out = map[*Document]*directive{}
		}
		out[d] = dir
	}
	return out
}

// directives returns every directive in a deterministic order.
func (idx index) directives() []*directive {
	var all []*directive
	seen := map[*directive]bool{}
	for _, d := range idx.rendered {
		if !seen[d] {
			seen[d] = true
			all = append(all, d)
		}
	}
	for _, fi := range idx.files {
		for _, ds := range fi.byLine {
			all = append(all, ds...)
		}
		for _, ds := range fi.byDoc {
			all = append(all, ds...)
		}
		all = append(all, fi.whole...)
		for _, d := range fi.byObj {
			all = append(all, d)
		}
	}
	slices.SortFunc(all, func(a, b *directive) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return comparePos(a.rng.Start, b.rng.Start)
	})
	return all
}

// match marks d as suppressed by the first matching directive, most
// specific first (line, object, document, file), and marks every matching
// directive as used.
func (idx index) match(d *Diagnostic) {
	var cands []*directive
	if fi := idx.files[d.File]; fi != nil {
		if fi.byLine != nil {
			cands = append(cands, fi.byLine[d.Range.Start.Line]...)
		}
		if fi.byObj != nil {
			if doc := fi.docOf(d); doc != nil && fi.byObj[doc] != nil {
				cands = append(cands, fi.byObj[doc])
			}
		}
		if fi.byDoc != nil {
			cands = append(cands, fi.byDoc[fi.spanOf(d.Range.Start.Line)]...)
		}
		cands = append(cands, fi.whole...)
	}
	if doc := d.renderedDoc(); doc != nil && idx.rendered[doc] != nil {
		// The annotation of a rendered object, after the comments of the
		// line: it applies wherever the object's findings resolve.
		cands = append(cands, idx.rendered[doc])
	}
	for _, dir := range cands {
		if dir.bad != "" {
			continue // reported as suppressing nothing, so it does not
		}
		for i := range dir.names {
			if dir.names[i].id != d.RuleID {
				continue
			}
			dir.names[i].used = true
			if d.Suppression == nil {
				d.Suppression = &Suppression{Kind: SuppressionInSource, Justification: dir.reason}
			}
		}
	}
}

// docOf returns the object a diagnostic is about: the last object of the
// file starting at or before the diagnostic with the same reference, else
// any object of the file with that reference.
func (fi *fileIndex) docOf(d *Diagnostic) *Document {
	i, _ := slices.BinarySearchFunc(fi.docs, d.Range.Start, func(doc *Document, p Position) int {
		if comparePos(doc.Start(), p) <= 0 {
			return -1
		}
		return 1
	})
	if i > 0 && fi.docs[i-1].Ref() == d.Object {
		return fi.docs[i-1]
	}
	if fi.byRef == nil {
		fi.byRef = map[ObjectRef]*Document{}
		for _, doc := range fi.docs {
			if _, ok := fi.byRef[doc.Ref()]; !ok {
				fi.byRef[doc.Ref()] = doc
			}
		}
	}
	return fi.byRef[d.Object]
}

// spanOf returns the index of the YAML document that contains line.
func (fi *fileIndex) spanOf(line int) int {
	k, _ := slices.BinarySearch(fi.seps, line+1) // separators at or before line
	if k == 0 && fi.leading && len(fi.seps) > 0 {
		return 1
	}
	return k
}

func comparePos(a, b Position) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Column - b.Column
}

// scanComments finds the kvet:ignore comments of a YAML file. syntaxErrs
// are the lines of its yaml-syntax diagnostics; template tells that the
// file is Go template text (a chart's template), where a line that holds
// only template actions ({{- if }}, {{- end }}) is not content. It reports
// whether it found any.
func (fi *fileIndex) scanComments(syntaxErrs []int, template bool) bool {
	f := fi.file
	n := f.LineCount()
	inBlock := f.blockLines // marked by Parse
	if inBlock == nil {
		// A file that did not come from Parse: Root re-parses it if the
		// engine has released its trees.
		inBlock = make([]bool, n+2)
		for _, d := range fi.docs {
			markBlockScalars(f, d.Root(), inBlock)
		}
	}
	// One pass finds the document separators, the first line of content
	// and the lines that may hold a directive.
	firstContent := 0
	var candidates []int
	for l := 1; l <= n; l++ {
		if inBlock[l] {
			continue
		}
		line := f.Line(l)
		if isDocSeparator(line) {
			fi.seps = append(fi.seps, l)
		} else if firstContent == 0 && !isBlankOrComment(line) && !bytes.HasPrefix(line, []byte("%")) && (!template || !onlyActions(line)) {
			firstContent = l
		}
		if bytes.Contains(line, []byte("kvet:ignore")) {
			candidates = append(candidates, l)
		}
	}
	fi.leading = len(fi.seps) > 0 && (firstContent == 0 || firstContent > fi.seps[0])
	brokenSpans := map[int]bool{}
	for _, l := range syntaxErrs {
		brokenSpans[fi.spanOf(l)] = true
	}

	found := false
	nextContent := 0 // the target of the last own-line comment (see below)
	for _, l := range candidates {
		line := f.Line(l)
		c := commentStart(line)
		if c < 0 {
			continue
		}
		dir := parseComment(f.Path, l, line, c)
		if dir == nil {
			continue
		}
		found = true
		dir.in = fi
		dir.span = fi.spanOf(l)
		switch dir.scope {
		case scopeLine:
			target := l
			if isBlankOrComment(line) {
				// A comment on its own line applies to the next line of
				// content. The lines between an earlier own-line comment
				// and its target are blank or comments, so a comment among
				// them has the same target: each line is looked at once.
				if l < nextContent {
					target = nextContent
				} else {
					for target = l + 1; target <= n && isBlankOrComment(f.Line(target)); target++ {
					}
					nextContent = target
				}
			}
			dir.doc = fi.docAt(dir.span, target)
			dir.line = target
			dir.broken = brokenSpans[dir.span]
			if fi.byLine == nil {
				fi.byLine = map[int][]*directive{}
			}
			fi.byLine[target] = append(fi.byLine[target], dir)
		case scopeDocument:
			dir.doc = fi.docAt(dir.span, 0)
			dir.broken = brokenSpans[dir.span]
			if fi.byDoc == nil {
				fi.byDoc = map[int][]*directive{}
			}
			fi.byDoc[dir.span] = append(fi.byDoc[dir.span], dir)
		case scopeFile:
			dir.broken = len(syntaxErrs) > 0
			if firstContent != 0 && l > firstContent && dir.bad == "" {
				where := fmt.Sprintf("before line %d, its first line of content", firstContent)
				if firstContent == 1 {
					where = "above its first line of content"
				}
				dir.bad = "kvet:ignore-file must be in the comments at the top of the file, " + where + "; here it suppresses nothing"
			}
			fi.whole = append(fi.whole, dir)
		}
	}
	return found
}

// mayHaveDirectives reports whether f can hold kvet:ignore comments: a YAML
// file (JSON has no comments) whose text contains "kvet:ignore".
func mayHaveDirectives(f *File) bool {
	return !strings.EqualFold(filepath.Ext(f.Path), ".json") && bytes.Contains(f.Content, []byte("kvet:ignore"))
}

// docAt returns the object of YAML document span that contains line (the
// last one starting at or before it), else the document's first object, or
// nil when the document has none.
func (fi *fileIndex) docAt(span, line int) *Document {
	if fi.bySpan == nil {
		fi.bySpan = map[int][]*Document{}
		for _, d := range fi.docs {
			s := fi.spanOf(d.Line())
			fi.bySpan[s] = append(fi.bySpan[s], d)
		}
	}
	docs := fi.bySpan[span] // in order of position
	if len(docs) == 0 {
		return nil
	}
	i, _ := slices.BinarySearchFunc(docs, line, func(d *Document, line int) int {
		if d.Line() <= line {
			return -1
		}
		return 1
	})
	if i > 0 {
		return docs[i-1] // the last one starting at or before line
	}
	return docs[0]
}

// markBlockScalars marks the content lines of literal and folded scalars,
// whose text may contain "#" without being a comment.
func markBlockScalars(f *File, n *yaml.Node, in []bool) {
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && n.Value != "" {
		indent := -1
		for l := n.Line + 1; l <= f.LineCount(); l++ {
			line := f.Line(l)
			if len(bytes.TrimSpace(line)) == 0 {
				in[l] = true
				continue
			}
			ind := len(line) - len(bytes.TrimLeft(line, " "))
			if indent < 0 {
				indent = ind
			}
			if ind < indent {
				break
			}
			in[l] = true
		}
		return
	}
	for _, c := range n.Content {
		markBlockScalars(f, c, in)
	}
}

// onlyActions reports whether line holds Go template actions and nothing
// else ({{- if .Values.x }}, {{ end }}{{/* a comment */}}).
func onlyActions(line []byte) bool {
	t := bytes.TrimSpace(line)
	for len(t) > 0 {
		if !bytes.HasPrefix(t, []byte("{{")) {
			return false
		}
		end := bytes.Index(t, []byte("}}"))
		if end < 0 {
			return false
		}
		t = bytes.TrimSpace(t[end+2:])
	}
	return true
}

func isBlankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) == 0 || t[0] == '#'
}

// commentStart returns the byte offset of the "#" that starts a YAML
// comment on line, or -1. A comment starts at a "#" at the start of the line
// or after white space, outside quoted scalars.
func commentStart(line []byte) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '"':
			switch c {
			case '\\':
				i++
			case '"':
				quote = 0
			}
		case quote == '\'':
			if c == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
				} else {
					quote = 0
				}
			}
		case c == '#':
			if i == 0 || line[i-1] == ' ' || line[i-1] == '\t' {
				return i
			}
		case c == '"' || c == '\'':
			if i == 0 || bytes.IndexByte([]byte(" \t[{,"), line[i-1]) >= 0 {
				quote = c
			}
		}
	}
	return -1
}

// parseComment parses the comment starting at byte c of line l, or returns
// nil when it is not a kvet:ignore directive.
func parseComment(file string, l int, line []byte, c int) *directive {
	text := line[c:]
	body := bytes.TrimLeft(bytes.TrimLeft(text, "#"), " \t")
	if !bytes.HasPrefix(body, []byte("kvet:ignore")) {
		return nil
	}
	start := len(line) - len(body) // byte offset of "kvet:ignore"
	end := start
	for end < len(line) && (line[end] == '-' || line[end] == ':' || line[end] >= 'a' && line[end] <= 'z') {
		end++
	}
	form := string(line[start:end])
	col := func(off int) int { return 1 + utf8.RuneCount(line[:off]) }
	dir := &directive{
		form: form, file: file,
		rng: Range{
			Start: Position{Line: l, Column: col(c)},
			End:   Position{Line: l, Column: col(len(bytes.TrimRight(line, " \t")))},
		},
	}
	switch form {
	case "kvet:ignore":
		dir.scope = scopeLine
	case "kvet:ignore-document":
		dir.scope = scopeDocument
	case "kvet:ignore-file":
		dir.scope = scopeFile
	default:
		dir.scope = scopeLine
		dir.bad = fmt.Sprintf("unknown directive %s (want kvet:ignore, kvet:ignore-document or kvet:ignore-file), so it suppresses nothing", form)
		return dir
	}
	dir.names, dir.reason = parseNames(line, end, l)
	if len(dir.names) == 0 {
		dir.bad = fmt.Sprintf("%s names no rule, so it suppresses nothing (write %s RULE[,RULE] [-- reason])", form, form)
	}
	return dir
}

// columnCounter returns the columns (code points, 1-based) of byte
// offsets of one line, counting each from the offset before it when it is
// not smaller: the names of a directive, left to right, cost the line's
// length once (counted from the line's start each, a kvet:ignore naming
// 40,000 rules took 11 s).
type columnCounter struct {
	line     []byte
	off, col int
}

func newColumnCounter(line []byte) *columnCounter {
	return &columnCounter{line: line, col: 1}
}

// at returns the column of byte offset off.
func (c *columnCounter) at(off int) int {
	if off < c.off {
		c.off, c.col = 0, 1
	}
	c.col += utf8.RuneCount(c.line[c.off:off])
	c.off = off
	return c.col
}

// parseNames parses `RULE[,RULE]... [-- reason]` from byte offset from of
// line (line l), returning the rule IDs with their ranges and the reason.
func parseNames(line []byte, from, l int) ([]named, string) {
	rest := line[from:]
	reason := ""
	if i := bytes.Index(rest, []byte("--")); i >= 0 {
		reason = string(bytes.TrimSpace(rest[i+2:]))
		rest = rest[:i]
	}
	var names []named
	col := newColumnCounter(line).at
	for i := 0; i < len(rest); {
		if isSep(rest[i]) {
			i++
			continue
		}
		j := i
		for j < len(rest) && !isSep(rest[j]) {
			j++
		}
		s, e := from+i, from+j
		names = append(names, named{
			id:  string(rest[i:j]),
			rng: Range{Start: Position{Line: l, Column: col(s)}, End: Position{Line: l, Column: col(e)}},
		})
		i = j
	}
	return names, reason
}

func isSep(c byte) bool { return c == ',' || c == ' ' || c == '\t' }

// annotationDirective returns the kvet.dev/ignore annotation of d, or nil.
// d.Annotations is read at load time, so objects without the annotation
// never need their (possibly released) node tree; the positions of the
// annotation are resolved only when a diagnostic needs them (see locate).
func annotationDirective(d *Document) *directive {
	value, ok := d.Annotations[IgnoreAnnotation]
	if !ok {
		return nil
	}
	dir := &directive{scope: scopeObject, form: IgnoreAnnotation + " annotation", file: d.File.Path, doc: d, value: value}
	dir.names, dir.reason = parseNames([]byte(value), 0, 0)
	if len(dir.names) == 0 {
		dir.bad = fmt.Sprintf("%s names no rule, so it suppresses nothing (write %q)", dir.form, "RULE[,RULE] [-- reason]")
	}
	return dir
}

// listAnnotations returns an unused-suppression diagnostic at the key of
// each kvet annotation (kvet.dev/...) in the own metadata of list, a List:
// kubectl drops that metadata and applies each item as an object of its
// own, as kvet lints them, so such an annotation (a misplaced
// kvet.dev/ignore, most likely) would silently do nothing. Its severity
// and whether it is reported are the rule's (see loadDiagnostics).
func listAnnotations(f *File, list *yaml.Node) []Diagnostic {
	_, md := lookup(list, "metadata")
	_, ann := lookup(md, "annotations")
	_, kind := lookup(list, "kind")
	var out []Diagnostic
	eachEntry(ann, func(k, _ *yaml.Node) bool {
		if !strings.HasPrefix(k.Value, "kvet.dev/") {
			return true
		}
		effect := "has no effect"
		if k.Value == IgnoreAnnotation {
			effect = "suppresses nothing"
		}
		out = append(out, Diagnostic{
			RuleID: IDUnusedSuppression, Severity: SeverityInfo, File: f.Path, Range: f.tokenRange(k),
			Path: NewPath("metadata", "annotations", k.Value),
			Message: fmt.Sprintf("%s annotation on a %s %s: kubectl drops a List's own metadata and kvet lints each item "+
				"as an object of its own; annotate the items instead", k.Value, deref(kind).Value, effect),
		})
		return true
	})
	return out
}

// locate resolves the positions of an annotation directive: its value, and
// each rule ID inside it when the value is written on one line verbatim (a
// plain or quoted single-line string).
func (d *directive) locate() {
	if d.scope != scopeObject || d.located {
		return
	}
	d.located = true
	var file *File
	file, d.rng = d.doc.Position(ignoreAnnotationPath(), false)
	d.file = file.Path
	line := file.Line(d.rng.Start.Line)
	off := file.lineOffset(d.rng.Start.Line, d.rng.Start.Column)
	i := bytes.Index(line[off:], []byte(d.value))
	if i < 0 || strings.Contains(d.value, "\n") {
		for k := range d.names {
			d.names[k].rng = d.rng
		}
		return
	}
	names, _ := parseNames(line[:off+i+len(d.value)], off+i, d.rng.Start.Line)
	for k := range d.names {
		d.names[k].rng = names[k].rng
	}
}
