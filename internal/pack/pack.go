// Package pack copies values that live to the end of a run into large
// shared blocks (see Pack).
package pack

import (
	"sync"
	"unsafe"
)

// Block is the size in bytes of the largest blocks a pack fills. Its
// first block is Block/64, and each next one twice the last, so that a
// run over one small file does not allocate whole blocks for a few values.
const Block = 256 << 10

// Pack copies values that a run keeps to its end (file contents, line
// indexes, each file's diagnostics, messages, the set rules' facts) into
// large shared blocks.
// Kept alone, each is a small allocation made between the much larger
// garbage of checking its file (node trees, decoded objects, Rego inputs):
// the collector frees that garbage but not the memory pages that also hold
// one kept value, so the heap in use grew to half again what was live (201
// MB in use for 128 MB live after linting 50,000 documents), and the soft
// memory limit had to leave room for it. Packed, the kept values fill their
// pages. A value of more than a quarter of a block fills its own pages:
// it is kept as it is, or copied when it has much room to spare. A Pack is
// safe for concurrent use; a nil *Pack allocates each value alone.
type Pack[T any] struct {
	mu    sync.Mutex
	block []T
	next  int // elements in the next block; 0 before the first
}

// Keep returns v, or a copy of it in the pack, with no room to append
// into the next values (nil for an empty v): a large v that has little
// room to spare is kept as it is (copying a large file's content would
// double it for a while).
func (p *Pack[T]) Keep(v []T) []T {
	if len(v) > packed[T]()/4 && cap(v)-len(v) <= len(v)/8 {
		return v[:len(v):len(v)]
	}
	return p.Clone(v)
}

// Clone returns a copy of v in the pack (or of its own, when v is large),
// with no room to append into the next values (nil for an empty v). It
// does not retain v, which may be a buffer on the caller's stack.
func (p *Pack[T]) Clone(v []T) []T {
	s := p.Take(len(v))
	copy(s, v)
	return s
}

// Take returns n zero values in the pack (of their own, when n is large
// or p is nil), with no room to append into the next values (nil for n
// of 0), for values built in place.
func (p *Pack[T]) Take(n int) []T {
	per := packed[T]()
	switch {
	case n <= 0:
		return nil
	case p == nil || n > per/4:
		return make([]T, n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(p.block)-len(p.block) < n {
		if p.next == 0 {
			p.next = max(1, per/64)
		}
		p.block = make([]T, 0, max(p.next, n))
		p.next = min(per, 2*p.next)
	}
	start := len(p.block)
	p.block = p.block[:start+n]
	return p.block[start : start+n : start+n]
}

// packed returns the number of elements of type T in a full block.
func packed[T any]() int {
	var v T
	return max(1, Block/int(unsafe.Sizeof(v)))
}

// String returns a copy of s in a byte pack. The pack's bytes are
// never written again once handed out, so they can back a string.
func String(p *Pack[byte], s string) string {
	if s == "" {
		return ""
	}
	b := p.Keep(unsafe.Slice(unsafe.StringData(s), len(s)))
	return unsafe.String(unsafe.SliceData(b), len(b))
}
