package analyzer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"reflect"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// IDRenderFailed is the diagnostic of a kustomization or chart that could
// not be rendered.
const IDRenderFailed = "render-failed"

// Renderer is the render stage, between discovery and loading: it finds
// the roots (kustomizations, Helm charts) among the discovered files,
// renders them, and leaves the other files to be linted as they are.
// Package render implements it.
type Renderer interface {
	// Names are file names without a .yaml, .yml or .json extension that
	// discovery must report too (kustomize's "Kustomization").
	Names() []string
	// Render renders the roots found among files (discovered, in order)
	// and returns the renderings and the files that no rendering read, in
	// their original order. errs are failures that are not diagnostics
	// (kvet then exits with status 2).
	Render(ctx context.Context, l *Loader, files []string) (renderings []*Rendering, rest []string, errs []error)
}

// StdinRenderer is a Renderer that also recognises rendered output read
// on standard input (helm template output, whose "# Source:" comments
// name the templates).
type StdinRenderer interface {
	// RenderStdin returns the rendering of standard input f, or nil to
	// lint it as it is.
	RenderStdin(ctx context.Context, l *Loader, f *File) *Rendering
}

// Rendering is one rendered root: a kustomization built or a chart
// templated. Its documents are linted like any other, but their positions
// resolve, through each document's SourceMap, in the source files the
// rendering read, never in the rendered text.
type Rendering struct {
	// Root is the root's directory as discovered (slash-separated).
	Root string
	// Kind names roots of this kind in messages: "overlay", "chart".
	Kind string
	// Templates tells that the source files are Go templates (a chart's
	// templates), where a line holding only template actions is not
	// content: a kvet:ignore-file comment after {{- if }} is at the top.
	Templates bool
	// Namespace is the namespace that the rendered objects without
	// metadata.namespace are created in when the root itself decides it
	// (a chart's release namespace, as configured), "" when it is wherever
	// the root is applied.
	Namespace string
	// Docs are the rendered objects; each has Source and Rendering set.
	Docs []*Document
	// Files are the source files the rendering read. They are linted only
	// through it (suppression comments in them apply to the findings that
	// resolve there); the renderer shares one *File per path between
	// renderings.
	Files []*File
	// Unrendered are source files of the root that no rendered object
	// came from (the templates of a chart that did not render, or that
	// render nothing with the values given): they are not linted as they
	// are either, and their suppressions are not judged.
	Unrendered []*File
	// Diagnostics are the rendering's own findings (render-failed) and the
	// loader's diagnostics of its documents.
	Diagnostics []Diagnostic
	// Partial are the files, as discovered (slash-separated), that a root
	// that did not render would have read as resources (a kustomization
	// that names remote content, or that kustomize refuses): they are
	// linted as they are, but without what the root would have added (its
	// remote bases, ...), so their documents' set is known to be partial
	// (see Document.Partial).
	Partial []string
	// Rerender, when set, renders the root again with the text of its
	// source file f replaced by content, and returns the rendered text
	// (every object, in the order of Docs), or ok false when the root
	// does not render so. A fix of a rendered object is offered only when
	// it renders as the fix says (see checkFixes); a renderer that cannot
	// render again leaves it nil.
	Rerender func(ctx context.Context, f *File, content []byte) (text []byte, ok bool)

	// folder is Root, resolved (see Folder).
	folder realDir
}

// Folder returns the root's directory, absolute and with its symbolic
// links resolved, as File.Folder does a file's.
func (r *Rendering) Folder() string { return r.folder.of(r.Root) }

// SourceMap maps the field paths of a rendered document to the source
// files it was rendered from. Document.Position consults it, so rules,
// policies, suppressions and baselines see source positions.
type SourceMap interface {
	// Source returns where the value at field path p of the rendered
	// document d is written, or for a path that is missing in d, where its
	// nearest existing ancestor is. atKey asks for the field's key rather
	// than its value (as Locate's atKey); it matters only to a source map
	// that returns a Range itself.
	Source(d *Document, p Path, atKey bool) Source
}

// Source is where a rendered field comes from. Either Doc and Path are
// set (a node tree of a source file: the position is resolved there by
// Locate's conventions), or File and Range (a renderer that resolves
// positions itself, such as in Helm template text).
type Source struct {
	// Doc is a document of a source file (a resource, a patch, a
	// kustomization), see SourceDocuments.
	Doc *Document
	// Path is the path in Doc.
	Path Path
	// Ancestor is set when Path is an ancestor of the rendered field (the
	// field, or the part of it in Doc, is missing): the position is then
	// that of Path's key, item line or object start, whatever lies under
	// it in Doc.
	Ancestor bool
	// Exact is set when the value at Path in Doc is the rendered value, so
	// that a suggested fix editing it there changes the rendered object
	// the same way. Fixes are offered only on exact sources.
	Exact bool

	File  *File
	Range Range
}

// Position resolves field path p of the document to the file and range it
// points at (see Locate): in the document's own file, or, for a rendered
// document, in the source file its SourceMap names.
func (d *Document) Position(p Path, atKey bool) (*File, Range) {
	file, rng, _ := d.position(p, atKey)
	return file, rng
}

// position is Position, and for a rendered document the source document
// the position is in (nil when the source map resolves the position
// itself, as in Helm template text, and for a document read as it is).
func (d *Document) position(p Path, atKey bool) (*File, Range, *Document) {
	if d.Source == nil {
		return d.File, d.Locate(p, atKey), nil
	}
	s := d.Source.Source(d, p, atKey)
	switch {
	case s.Doc != nil:
		return s.Doc.File, s.Doc.Locate(s.Path, atKey || s.Ancestor), s.Doc
	case s.File != nil:
		return s.File, s.Range, nil
	}
	return d.File, d.Locate(p, atKey), nil
}

// editTarget returns the document and path that a suggested fix at path p
// of d must edit: d and p themselves, or for a rendered document the exact
// source (ok is false when there is none).
func editTarget(d *Document, p Path) (*Document, Path, bool) {
	if d.Source == nil {
		return d, p, true
	}
	s := d.Source.Source(d, p, false)
	if s.Doc == nil || !s.Exact || s.Ancestor {
		return nil, nil, false
	}
	return s.Doc, s.Path, true
}

// fixIn returns fix, a fix of a finding on d, when all its edits apply to
// file, else nil: a rendered document's fix whose edits land in another
// source file than the diagnostic (or in several), or whose edit does not
// say which file it edits (its offsets would be the rendered text's), is
// dropped, and so is any fix on a file that Parse transcoded (its offsets
// are in the UTF-8 text, not the file's bytes: applied, they would
// corrupt it).
func fixIn(fix *SuggestedFix, d *Document, file *File) *SuggestedFix {
	if fix == nil || file != nil && file.Encoding != "" {
		return nil
	}
	for _, e := range fix.Edits {
		if e.file != nil && e.file != file || e.file == nil && d.Source != nil {
			return nil
		}
	}
	return fix
}

// SourceDocuments parses a source file into one document per YAML
// document, whatever it holds (a resource, a strategic-merge or JSON 6902
// patch, a kustomization), for source maps to resolve positions in. Index
// is the YAML document's index, Item is -1; APIVersion, Kind, Name and
// Namespace are filled when present. Documents that do not parse are left
// out.
func SourceDocuments(f *File) []*Document {
	var docs []*Document
	parseNodes(context.Background(), f, func(index int, node *yaml.Node) {
		if node.Kind != yaml.DocumentNode || len(node.Content) == 0 {
			return
		}
		d := SourceDocument(f, deref(node.Content[0]))
		d.Index = index
		docs = append(docs, d)
	}, func(Range, string) {})
	return docs
}

// SourceDocument returns a source document of f rooted at root, a node
// tree whose positions are positions in f: a document of f, an item of a
// List, or a patch written inline in a kustomization (parsed from the
// block scalar and shifted to its place in f).
func SourceDocument(f *File, root *yaml.Node) *Document {
	d := &Document{File: f, Item: -1, root: root, line: root.Line, column: root.Column}
	if root.Kind == yaml.MappingNode {
		_, av := lookup(root, "apiVersion")
		_, k := lookup(root, "kind")
		d.APIVersion, _ = scalarString(av)
		d.Kind, _ = scalarString(k)
		if _, md := lookup(root, "metadata"); md != nil {
			_, name := lookup(md, "name")
			d.Name, _ = scalarString(name)
			_, ns := lookup(md, "namespace")
			d.Namespace, _ = scalarString(ns)
		}
	}
	return d
}

// isKustomization reports whether apiVersion names kustomize's own
// configuration (Kustomization, Component), which is not a Kubernetes
// object.
func isKustomization(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/")
}

// ParseRendered parses the rendered text f of a rendering into documents,
// like Parse, but each document gets its source map (source(d) is called
// once the document's metadata is read, before it is decoded) and belongs
// to r, so that every diagnostic, including the loader's, resolves in the
// source files.
func (l *Loader) ParseRendered(f *File, r *Rendering, source func(*Document) SourceMap) ([]*Document, []Diagnostic) {
	return l.parse(context.Background(), f, func(d *Document) {
		d.Rendering = r
		d.Source = source(d)
	}, nil)
}

// tagged returns the rendering's diagnostics marked as reported by it, so
// that those several renderings report at one place merge.
func (r *Rendering) tagged() []Diagnostic {
	out := slices.Clone(r.Diagnostics)
	for i := range out {
		// The loader's diagnostics of r's documents keep their document
		// (its kvet.dev/ignore annotation applies to them).
		o := origin{from: r}
		if out[i].origin != nil {
			o = *out[i].origin
			o.from = r
		}
		out[i].origin = &o
	}
	return out
}

// renderedSets groups documents for the set rules: the documents of each
// rendering form one set, the documents read as they are another. Without
// renderings (most runs), docs is the one set as it is: copying it a
// pointer at a time cost tens of thousands of appends when the heap is at
// its largest.
func renderedSets(docs []*Document) [][]*Document {
	if !slices.ContainsFunc(docs, func(d *Document) bool { return d.Rendering != nil }) {
		return [][]*Document{slices.Clip(docs)}
	}
	var plain []*Document
	var order []*Rendering
	byRendering := map[*Rendering][]*Document{}
	for _, d := range docs {
		if d.Rendering == nil {
			plain = append(plain, d)
			continue
		}
		if _, ok := byRendering[d.Rendering]; !ok {
			order = append(order, d.Rendering)
		}
		byRendering[d.Rendering] = append(byRendering[d.Rendering], d)
	}
	sets := [][]*Document{plain}
	for _, r := range order {
		sets = append(sets, byRendering[r])
	}
	return sets
}

// mergeRendered keeps one diagnostic per source position and problem when
// several rendered objects report it (a base shared by overlays, or
// instantiated several times by one): the first one, standing for the
// others (see Objects), its message naming the roots that render the
// problem ("in overlays production, staging") when the source file is read
// by more than one rendering. Diagnostics merge when they have the same
// rule, range and message, and their objects carry the same
// kvet.dev/ignore annotation, so that suppressing works alike on each.
// A merged diagnostic keeps a fix only when it is exact for every object
// the source file renders (see checkFixes). diags must be sorted; the
// result is.
func mergeRendered(ctx context.Context, diags []Diagnostic, renderings []*Rendering) []Diagnostic {
	readers := map[string][]*Rendering{}
	for _, r := range renderings {
		for _, f := range r.Files {
			readers[f.Path] = append(readers[f.Path], r)
		}
	}
	type key struct {
		rule, file, message, ignore string
		rng                         Range
	}
	out := diags[:0:0]
	groups := map[key]int{}
	roots := map[int][]*Rendering{}
	// merged are the objects of each diagnostic of out that others merged
	// into, whose origin (and its list of objects) is then its own: a
	// template ranging over thousands of values renders thousands of
	// objects with one finding at one line, and checking and copying the
	// list at each merge made that quadratic.
	merged := map[int]map[ObjectRef]bool{}
	// fixes are the fixes of the diagnostics merged into each one, its own
	// first.
	fixes := map[int][]*SuggestedFix{}
	for _, d := range diags {
		if d.origin == nil || d.origin.from == nil {
			out = append(out, d)
			continue
		}
		r := d.origin.from
		k := key{rule: d.RuleID, file: d.File, message: d.Message, rng: d.Range}
		if doc := d.origin.doc; doc != nil {
			k.ignore = doc.Annotations[IgnoreAnnotation]
		}
		i, ok := groups[k]
		if !ok {
			i = len(out)
			groups[k] = i
			out = append(out, d)
			if d.Fix != nil {
				fixes[i] = []*SuggestedFix{d.Fix}
			}
		} else {
			if out[i].Fix != nil && (d.Fix == nil || !slices.EqualFunc(out[i].Fix.Edits, d.Fix.Edits, sameEdit)) {
				out[i].Fix = nil
			}
			if out[i].Fix != nil {
				fixes[i] = append(fixes[i], d.Fix)
			}
			objects := merged[i]
			if objects == nil {
				objects = map[ObjectRef]bool{}
				for _, o := range out[i].Objects() {
					objects[o] = true
				}
				merged[i] = objects
				// A copy: the diagnostic merged into may share its origin.
				o := *out[i].origin
				o.also = slices.Clone(o.also)
				out[i].origin = &o
			}
			if !objects[d.Object] {
				objects[d.Object] = true
				out[i].origin.also = append(out[i].origin.also, d.Object)
			}
		}
		if !slices.Contains(roots[i], r) {
			roots[i] = append(roots[i], r)
		}
	}
	var candidates []int // the diagnostics whose fix is checked
	for i, rs := range roots {
		if len(readers[out[i].File]) > 1 {
			out[i].Message += " (in " + rootNames(rs, readers[out[i].File]) + ")"
		}
		// A fix edits the source file every rendering that reads it
		// renders: offered only when each of them has the finding, so
		// that fixing one overlay's problem in a shared base cannot
		// change another overlay that has no such problem (one that
		// patches the field, or suppresses the finding).
		if out[i].Fix != nil && len(rs) < len(readers[out[i].File]) {
			out[i].Fix = nil
		}
		if out[i].Fix != nil {
			candidates = append(candidates, i)
		}
	}
	slices.Sort(candidates)
	checkFixes(ctx, out, candidates, fixes, readers)
	return out
}

// checkFixes keeps the fix of each diagnostic of out at candidates (its
// fixes, one for each object it stands for) only when it is exact (see
// fixesRender), else sets it to nil. The fixes of one source file are
// checked together: when they are all right, which is the rule, each root
// that reads the file renders once more for all of them, not once for
// each (a base of 200 Jobs without backoffLimit has 400 fixes); when not,
// each half is checked on its own, down to the fixes at fault. A fix that
// makes an edit another diagnostic's fix makes too is checked alone: the
// two would pass together (a patch shared by two objects) while either
// changes the other's object, whose finding may be suppressed and never
// fixed.
func checkFixes(ctx context.Context, out []Diagnostic, candidates []int, fixes map[int][]*SuggestedFix, readers map[string][]*Rendering) {
	bySource := map[*File][]int{}
	var sources []*File // in the order of candidates
	for _, i := range candidates {
		f := fixes[i][0]
		if len(f.Edits) == 0 || f.Edits[0].file == nil {
			out[i].Fix = nil
			continue
		}
		src := f.Edits[0].file
		if bySource[src] == nil {
			sources = append(sources, src)
		}
		bySource[src] = append(bySource[src], i)
	}
	type edit struct {
		offset, end int
		text        string
	}
	for _, src := range sources {
		var together, alone []int
		shared := map[edit]int{} // the diagnostics that make each edit
		for _, i := range bySource[src] {
			own := map[edit]bool{}
			for _, e := range fixes[i][0].Edits {
				if k := (edit{e.Offset, e.End, e.NewText}); !own[k] {
					own[k] = true
					shared[k]++
				}
			}
		}
		for _, i := range bySource[src] {
			if slices.ContainsFunc(fixes[i][0].Edits, func(e TextEdit) bool { return shared[edit{e.Offset, e.End, e.NewText}] > 1 }) {
				alone = append(alone, i)
			} else {
				together = append(together, i)
			}
		}
		var check func(group []int)
		check = func(group []int) {
			for len(group) > 0 {
				ok, wrong := false, []int(nil)
				if ctx.Err() == nil {
					ok, wrong = fixesRender(ctx, src, group, fixes, readers[out[group[0]].File])
				}
				if ok {
					for _, i := range group {
						out[i].Fix = sourceFix(fixes[i][0])
					}
					return
				}
				if len(wrong) == 0 || ctx.Err() != nil {
					break // not told which: by halves
				}
				// The objects that did not render as their fixes say are
				// those fixes' doing: the others are checked again without
				// them (one more rendering, not one for each fix, when
				// every fix of a base is overridden by the overlay).
				for _, i := range wrong {
					out[i].Fix = nil
				}
				group = slices.DeleteFunc(slices.Clone(group), func(i int) bool { return slices.Contains(wrong, i) })
			}
			switch {
			case len(group) == 0:
			case len(group) == 1 || ctx.Err() != nil:
				for _, i := range group {
					out[i].Fix = nil
				}
			default:
				check(group[:len(group)/2])
				check(group[len(group)/2:])
			}
		}
		if len(together) > 0 {
			check(together)
		}
		for _, i := range alone {
			check([]int{i})
		}
	}
}

// sourceFix returns fix with its edits of the source file only.
func sourceFix(fix *SuggestedFix) *SuggestedFix {
	edits := make([]TextEdit, len(fix.Edits))
	for i, e := range fix.Edits {
		edits[i] = e
		edits[i].rendered = nil
	}
	return &SuggestedFix{Message: fix.Message, Edits: edits}
}

// sameEdit reports whether two edits make the same change to the same
// file (their edits of rendered objects aside).
func sameEdit(a, b TextEdit) bool {
	a.rendered, b.rendered = nil, nil
	return a == b
}

// fixesRender reports whether applying the fixes of the diagnostics of
// group (each with fixes, one for each object it stands for, whose edits
// of the source file src are the same) to src makes each of the renderings
// that read it render exactly what the fixes' edits of those objects'
// rendered text make of them, and nothing else: no other object changes,
// and the root still renders. Otherwise, or when kvet cannot render again
// to check, the fixes are not exact (a patch, a replacement or another
// object of the file may be what decides). When they are not and every
// object that renders otherwise is one that some of the fixes edit, wrong
// are those fixes (their objects changed, or not, otherwise than they
// say); when another object changed, or the root did not render, wrong is
// empty: kvet cannot tell which fix did it.
func fixesRender(ctx context.Context, src *File, group []int, fixes map[int][]*SuggestedFix, readers []*Rendering) (ok bool, wrong []int) {
	var edits []TextEdit
	want := map[*File][]TextEdit{}
	for _, i := range group {
		edits = append(edits, sourceFix(fixes[i][0]).Edits...)
		for _, f := range fixes[i] {
			for _, e := range f.Edits {
				if e.rendered == nil {
					return false, nil
				}
				want[e.rendered.file] = append(want[e.rendered.file], *e.rendered)
			}
		}
	}
	edited, err := ApplyEdits(src.Content, edits)
	if err != nil {
		return false, nil
	}
	for _, r := range readers {
		if r.Rerender == nil {
			continue // its source map's word is all there is
		}
		var before []byte
		var changes []TextEdit
		if len(r.Docs) > 0 {
			rendered := r.Docs[0].File
			before, changes = rendered.Content, want[rendered]
		}
		expected, err := ApplyEdits(before, changes)
		if err != nil {
			return false, nil
		}
		got, ok := r.Rerender(ctx, src, edited)
		if !ok {
			return false, nil
		}
		now, okNow := decodeStream(got)
		want, okWant := decodeStream(expected)
		if !okNow || !okWant || len(now) != len(want) {
			return false, nil
		}
		if differ := differingDocs(now, want); len(differ) > 0 {
			return false, fixesOf(differ, before, now, group, fixes)
		}
	}
	return true, nil
}

// differingDocs returns the indexes of the documents of two decoded YAML
// streams of as many documents whose values differ (key order, styles and
// comments aside).
func differingDocs(a, b []any) (differ []int) {
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			differ = append(differ, i)
		}
	}
	return differ
}

// fixesOf returns the members of group whose fixes did nothing to their
// objects: each is the only one whose fixes edit the rendered text
// (before, a "---"-separated stream) of one of the documents differ, and
// that document rendered again (now, decoded) as it was. It is nil when that cannot
// be told of every document of differ: one that no member edits (another
// fix changed it), that several edit, or that changed otherwise.
func fixesOf(differ []int, before []byte, now []any, group []int, fixes map[int][]*SuggestedFix) []int {
	was, ok := decodeStream(before)
	if !ok || len(was) != len(now) {
		return nil
	}
	// starts are the offsets of the documents after the first.
	var starts []int
	for at := 0; ; {
		i := bytes.Index(before[at:], []byte("\n---\n"))
		if i < 0 {
			break
		}
		at += i + len("\n---\n")
		starts = append(starts, at)
	}
	editors := map[int][]int{} // by document of differ, the members that edit it
	for _, i := range group {
		for _, f := range fixes[i] {
			for _, e := range f.Edits {
				k, _ := slices.BinarySearch(starts, e.rendered.Offset+1)
				if slices.Contains(differ, k) && !slices.Contains(editors[k], i) {
					editors[k] = append(editors[k], i)
				}
			}
		}
	}
	var wrong []int
	for _, k := range differ {
		if len(editors[k]) != 1 || !reflect.DeepEqual(was[k], now[k]) {
			return nil
		}
		if !slices.Contains(wrong, editors[k][0]) {
			wrong = append(wrong, editors[k][0])
		}
	}
	return wrong
}

// decodeStream decodes every document of a YAML stream.
func decodeStream(text []byte) ([]any, bool) {
	var out []any
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var v any
		switch err := dec.Decode(&v); {
		case errors.Is(err, io.EOF):
			return out, true
		case err != nil:
			return nil, false
		}
		out = append(out, v)
	}
}

// rootNames names the roots rs, relative to the deepest directory shared
// by every root in all: "overlays production, staging".
func rootNames(rs, all []*Rendering) string {
	common := ""
	for i, r := range all {
		if i == 0 {
			common = r.Root
			continue
		}
		for common != "." && common != "/" && common != "" && r.Root != common && !strings.HasPrefix(r.Root, common+"/") {
			common = path.Dir(common)
		}
	}
	var names []string
	for _, r := range rs {
		n := strings.TrimPrefix(strings.TrimPrefix(r.Root, common), "/")
		if n == "" || common == "." || common == "" {
			n = r.Root
		}
		names = append(names, n)
	}
	slices.Sort(names)
	kind := rs[0].Kind
	if len(names) > 1 {
		kind += "s"
	}
	return kind + " " + strings.Join(names, ", ")
}
