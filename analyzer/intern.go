package analyzer

import (
	"slices"
	"sync"

	"github.com/kvet-dev/kvet/internal/pack"
)

// interner shares the equal messages and paths of one run's diagnostics.
// A run keeps every diagnostic until it is reported, and rules report the
// same few dozen paths and, on similar objects, the same messages many
// times over: each finding would otherwise keep its own copy (tens of
// megabytes on 50,000 documents, which the collector marks again and
// again). It is safe for concurrent use.
type interner struct {
	mu       sync.Mutex
	messages map[string]string
	paths    map[uint64][]Path // by pathHash; a collision keeps both
	// text and elems hold the copies (see pack.Pack).
	text  pack.Pack[byte]
	elems pack.Pack[PathElem]
}

func newInterner() *interner {
	return &interner{messages: map[string]string{}, paths: map[uint64][]Path{}}
}

// message returns the run's copy of s.
func (in *interner) message(s string) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if m, ok := in.messages[s]; ok {
		return m
	}
	s = pack.String(&in.text, s)
	in.messages[s] = s
	return s
}

// path returns the run's copy of p, with no spare capacity: an append to
// a shared path copies it.
func (in *interner) path(p Path) Path {
	if len(p) == 0 {
		return p
	}
	h := pathHash(p)
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, q := range in.paths[h] {
		if slices.Equal(p, q) {
			return q
		}
	}
	p = in.elems.Keep(p)
	in.paths[h] = append(in.paths[h], p)
	return p
}
