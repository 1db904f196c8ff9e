package analyzer

import (
	"fmt"
	"slices"
	"strings"
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
}

// locatedPath is a position resolved before the node tree was released.
type locatedPath struct {
	path string
	rng  Range
}

// Fact returns the value f extracted from d: the one Lint kept, or, for
// documents whose node tree and typed object are still loaded (Load and
// Run, the language server), a fresh extraction. It is nil when d is not
// of one of f's kinds.
func (d *Document) Fact(f *Fact) any {
	if v, ok := d.facts[f.Name]; ok {
		return v
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
	seen := map[string]bool{}
	for _, f := range facts {
		var value any
		var paths []Path
		if err := protect(func() { value, paths = f.Extract(doc) }); err != nil {
			e.fail(fmt.Errorf("fact %s of %s (document %d, %s %s): %w", f.Name, doc.File.Path, doc.Index+1, doc.Kind, doc.Name, err))
			continue
		}
		if doc.facts == nil {
			doc.facts = map[string]any{}
		}
		doc.facts[f.Name] = value
		for _, p := range paths {
			key := p.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			doc.located = append(doc.located, locatedPath{path: key, rng: doc.Locate(p, false)})
		}
	}
	slices.SortFunc(doc.located, func(a, b locatedPath) int { return strings.Compare(a.path, b.path) })
}

// locatedAt returns the position of p resolved at extraction, if any.
func (d *Document) locatedAt(p Path) (Range, bool) {
	if len(d.located) == 0 {
		return Range{}, false
	}
	key := p.String()
	i, ok := slices.BinarySearchFunc(d.located, key, func(l locatedPath, k string) int { return strings.Compare(l.path, k) })
	if !ok {
		return Range{}, false
	}
	return d.located[i].rng, true
}
