package analyzer

import (
	"cmp"
	"fmt"
	"slices"
)

// Fact is what set rules need from each document of some kinds, taken
// while the document's node tree and typed object are loaded. Lint extracts
// the facts of its set rules in the per-document phase and then releases
// the tree and the typed object, so that a set rule over a large set keeps
// neither every object in memory nor parses files again to report
// positions: set rules read Document.Fact, and Document.Locate answers from
// the positions resolved at extraction.
type Fact struct {
	// Name identifies the fact: set rules that declare facts of the same
	// name share one extracted value per document.
	Name string
	// Kinds are the kinds of the documents the fact is taken from.
	Kinds []string
	// Extract returns the fact of one document, or nil, and the paths of
	// the document that set rules may report or relate to; the engine
	// resolves them at once (Document.Locate, pointing at values, not keys).
	// It must only read the document.
	Extract func(*Document) (value any, paths []Path)
	// ForRun, when set, returns the Extract that Lint uses for the
	// documents of one run (from several goroutines at once), so that
	// the facts of a run can be allocated together (see pack.Pack);
	// Document.Fact on loaded documents calls Extract.
	ForRun func() func(*Document) (value any, paths []Path)
}

// factValue is the value of one fact of a document.
type factValue struct {
	name  string
	value any
}

// locatedPath is a position resolved before the node tree was released,
// kept small (a set may have tens of thousands): the path by its 64-bit
// FNV-1a hash (paths of one document do not collide in practice), and the
// range in 32-bit integers.
type locatedPath struct {
	hash                                 uint64
	startLine, startCol, endLine, endCol int32
}

func (l locatedPath) rng() Range {
	return Range{
		Start: Position{Line: int(l.startLine), Column: int(l.startCol)},
		End:   Position{Line: int(l.endLine), Column: int(l.endCol)},
	}
}

// pathHash is the FNV-1a hash of a path's elements.
func pathHash(p Path) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, e := range p {
		if e.IsIndex {
			h = (h ^ uint64(e.Index) ^ 0xff) * prime
			continue
		}
		for i := 0; i < len(e.Key); i++ {
			h = (h ^ uint64(e.Key[i])) * prime
		}
		h = (h ^ 0xfe) * prime
	}
	return h
}

// Fact returns the value f extracted from d: the one Lint kept for its set
// rules (until they have run), or, for documents whose node tree and typed
// object are still loaded (Load and Run, the language server), a fresh
// extraction. It is nil when d is not of one of f's kinds.
func (d *Document) Fact(f *Fact) any {
	for _, v := range d.facts {
		if v.name == f.Name {
			return v.value
		}
	}
	if !slices.Contains(f.Kinds, d.Kind) || d.root == nil && d.Object == nil {
		return nil
	}
	v, _ := f.Extract(d)
	return v
}

// extract takes the facts of doc (Lint's per-document phase) and resolves
// the paths they name, so that Locate still answers once the tree is gone.
func (e *engine) extract(doc *Document) {
	facts := e.facts[doc.Kind]
	if len(facts) == 0 {
		return
	}
	var valueBuf [2]factValue
	var locatedBuf [16]locatedPath
	values, located := valueBuf[:0], locatedBuf[:0]
	// seen holds the hashes of located once there are many (a binding of
	// thousands of subjects names a path per subject): looking each path
	// up in located made the document quadratic.
	var seen map[uint64]struct{}
	for _, f := range facts {
		extract := e.extractors[f]
		var value any
		var paths []Path
		if err := protect(func() { value, paths = extract(doc) }); err != nil {
			e.fail(fmt.Errorf("fact %s of %s (document %d, %s %s): %w", f.Name, doc.File.Path, doc.Index+1, doc.Kind, doc.Name, err))
			continue
		}
		values = append(values, factValue{f.Name, value})
		if doc.Source != nil {
			continue // positions come from the source map (Position)
		}
		for _, p := range paths {
			h := pathHash(p)
			if seen == nil && len(located) >= len(locatedBuf) {
				seen = make(map[uint64]struct{}, 2*len(located))
				for _, l := range located {
					seen[l.hash] = struct{}{}
				}
			}
			if _, ok := seen[h]; ok || (seen == nil && slices.ContainsFunc(located, func(l locatedPath) bool { return l.hash == h })) {
				continue
			}
			if seen != nil {
				seen[h] = struct{}{}
			}
			r := doc.Locate(p, false)
			located = append(located, locatedPath{h, int32(r.Start.Line), int32(r.Start.Column), int32(r.End.Line), int32(r.End.Column)})
		}
	}
	slices.SortFunc(located, func(a, b locatedPath) int { return cmp.Compare(a.hash, b.hash) })
	doc.facts = e.factValues.Clone(values)
	doc.located = e.located.Clone(located)
}

// locatedAt returns the position of p resolved at extraction, if any.
func (d *Document) locatedAt(p Path) (Range, bool) {
	if len(d.located) == 0 {
		return Range{}, false
	}
	h := pathHash(p)
	i, ok := slices.BinarySearchFunc(d.located, h, func(l locatedPath, h uint64) int { return cmp.Compare(l.hash, h) })
	if !ok {
		return Range{}, false
	}
	return d.located[i].rng(), true
}
