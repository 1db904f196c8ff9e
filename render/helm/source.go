package helm

import (
	"slices"
	"sync"

	"github.com/kvet-dev/kvet/analyzer"
)

// Source maps the objects rendered from one template back to the template
// text. Add each rendered object in order, then Locate resolves field
// paths of any of them.
type Source struct {
	outline *Outline

	mu   sync.Mutex
	docs []*analyzer.Document
	// segOf maps a rendered YAML document index to its segment (-1: none);
	// computed on first use, after every document was added.
	segOf map[int]int
}

// NewSource returns the source map of the template file f.
func NewSource(f *analyzer.File) *Source {
	return &Source{outline: ParseOutline(f)}
}

// File returns the template file.
func (s *Source) File() *analyzer.File { return s.outline.File }

// Add records a rendered object of the template, in rendering order.
func (s *Source) Add(d *analyzer.Document) {
	s.mu.Lock()
	s.docs = append(s.docs, d)
	s.segOf = nil
	s.mu.Unlock()
}

// Locate resolves field path p of the rendered object d in the template
// (see Outline.locate): the key, value or item line when the template
// writes it, else the nearest ancestor it writes, else the object's first
// line.
func (s *Source) Locate(d *analyzer.Document, p analyzer.Path, atKey bool) (analyzer.Range, Quality) {
	seg := s.segment(d)
	if seg < 0 {
		return s.outline.lineRange(0, 0), AtObject
	}
	return s.outline.locate(s.outline.segments[seg], d.Root(), p, atKey)
}

// segment returns the index of the template segment that rendered d.
func (s *Source) segment(d *analyzer.Document) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.segOf == nil {
		s.segOf = s.outline.matchSegments(s.docs)
	}
	seg, ok := s.segOf[d.Index]
	if !ok {
		return -1
	}
	return seg
}

// matchSegments pairs rendered documents with the template's segments:
// one to one when the counts, kinds and names agree; otherwise by kind
// and name, each object going to a segment after its kind's previous one
// that may render it (or, past them, to the last: a {{ range }} rendering
// several objects from one segment), then to a segment whose kind is
// templated. A segment whose name is known (literal, or literal around
// template actions) takes only the objects its name matches; of several
// segments that may render an object (names an include writes), the one
// whose literal keys and values are most the object's, less those it
// writes that the object does not hold, else the first. Either way an
// object that an {{ if }} dropped leaves its segment empty instead of
// shifting the later ones.
func (t *Outline) matchSegments(docs []*analyzer.Document) map[int]int {
	segs := t.segments
	type doc struct {
		index      int
		kind, name string
		d          *analyzer.Document
	}
	var rendered []doc
	for _, d := range docs {
		if !slices.ContainsFunc(rendered, func(r doc) bool { return r.index == d.Index }) {
			rendered = append(rendered, doc{d.Index, d.Kind, d.Name, d})
		}
	}
	out := map[int]int{}
	compatible := func(s segment, kind string) bool {
		return slices.Contains(s.kinds, kind) || s.templatedKind || len(s.kinds) == 0
	}
	if len(rendered) == len(segs) {
		ok := true
		for i, r := range rendered {
			ok = ok && compatible(segs[i], r.kind) && segs[i].renders(r.name)
		}
		if ok {
			for i, r := range rendered {
				out[r.index] = i
			}
			return out
		}
	}
	last := map[string]int{} // per kind, the segment of its previous object
	for _, r := range rendered {
		var cands []int
		for i, s := range segs {
			if slices.Contains(s.kinds, r.kind) {
				cands = append(cands, i)
			}
		}
		if len(cands) == 0 {
			for i, s := range segs {
				if compatible(s, r.kind) {
					cands = append(cands, i)
				}
			}
		}
		if named := slices.DeleteFunc(slices.Clone(cands), func(i int) bool { return !segs[i].renders(r.name) }); len(named) > 0 {
			cands = named
		}
		prev, seen := last[r.kind]
		if !seen {
			prev = -1
		}
		switch {
		case len(cands) > 0:
			next := cands[len(cands)-1]
			if k := slices.IndexFunc(cands, func(i int) bool { return i > prev }); k >= 0 {
				next = t.pickSegment(cands[k:], r.d)
			}
			out[r.index] = next
			last[r.kind] = next
		case len(segs) == 1:
			out[r.index] = 0
		default:
			out[r.index] = -1
		}
	}
	return out
}

// pickSegment chooses among the segments cands (indices in template
// order) the one that rendered the object d: the one that writes the
// most of its keys and values, less what it writes that the object does
// not hold (the document of an {{ if }} that did not run), else the
// first.
func (t *Outline) pickSegment(cands []int, d *analyzer.Document) int {
	best := cands[0]
	if len(cands) < 2 {
		return best
	}
	want := map[string]bool{}
	renderedTokens(d.Root(), want)
	bestScore := 0
	for k, i := range cands {
		matched, extra := t.blockScore(block{from: t.segments[i].start, to: t.segments[i].end}, want)
		if sc := matched - extra; k == 0 || sc > bestScore {
			best, bestScore = i, sc
		}
	}
	return best
}
