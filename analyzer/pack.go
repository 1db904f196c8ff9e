package analyzer

import (
	"sync"
	"unsafe"
)

// packBlock is the size in bytes of the largest blocks a pack fills. Its
// first block is packBlock/64, and each next one twice the last, so that a
// run over one small file does not allocate whole blocks for a few values.
const packBlock = 256 << 10

// pack copies values that a run keeps to its end (file contents, line
// indexes, each file's diagnostics, messages, the set rules' facts) into
// large shared blocks.
// Kept alone, each is a small allocation made between the much larger
// garbage of checking its file (node trees, decoded objects, Rego inputs):
// the collector frees that garbage but not the memory pages that also hold
// one kept value, so the heap in use grew to half again what was live (201
// MB in use for 128 MB live after linting 50,000 documents), and the soft
// memory limit had to leave room for it. Packed, the kept values fill their
// pages. A value of more than a quarter of a block fills its own pages:
// it is kept as it is, or copied when it has much room to spare. It is
// safe for concurrent use.
type pack[T any] struct {
	mu    sync.Mutex
	block []T
	next  int // elements in the next block; 0 before the first
}

// keep returns v, or a copy of it in the pack, with no room to append
// into the next values (nil for an empty v): a large v that has little
// room to spare is kept as it is (copying a large file's content would
// double it for a while).
func (p *pack[T]) keep(v []T) []T {
	if len(v) > packed[T]()/4 && cap(v)-len(v) <= len(v)/8 {
		return v[:len(v):len(v)]
	}
	return p.clone(v)
}

// clone returns a copy of v in the pack (or of its own, when v is large),
// with no room to append into the next values (nil for an empty v). It
// does not retain v, which may be a buffer on the caller's stack.
func (p *pack[T]) clone(v []T) []T {
	if len(v) == 0 {
		return nil
	}
	per := packed[T]()
	if len(v) > per/4 {
		return append(make([]T, 0, len(v)), v...)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(p.block)-len(p.block) < len(v) {
		if p.next == 0 {
			p.next = max(1, per/64)
		}
		p.block = make([]T, 0, max(p.next, len(v)))
		p.next = min(per, 2*p.next)
	}
	n := len(p.block)
	p.block = append(p.block, v...)
	return p.block[n:len(p.block):len(p.block)]
}

// packed returns the number of elements of type T in a full block.
func packed[T any]() int {
	var v T
	return max(1, packBlock/int(unsafe.Sizeof(v)))
}

// cloneString returns a copy of s in a byte pack. The pack's bytes are
// never written again once handed out, so they can back a string.
func cloneString(p *pack[byte], s string) string {
	if s == "" {
		return ""
	}
	b := p.keep(unsafe.Slice(unsafe.StringData(s), len(s)))
	return unsafe.String(unsafe.SliceData(b), len(b))
}
