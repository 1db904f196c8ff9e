package analyzer

import (
	"sync"
	"unsafe"
)

// packBlock is the size in bytes of the blocks a pack fills.
const packBlock = 256 << 10

// pack copies values that a run keeps to its end (file contents, line
// indexes, each file's diagnostics, messages) into large shared blocks.
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
}

// clone returns a copy of v in the pack, with no room to append into the
// next values (nil for an empty v).
func (p *pack[T]) clone(v []T) []T {
	if len(v) == 0 {
		return nil
	}
	per := max(1, packBlock/int(unsafe.Sizeof(v[0])))
	if len(v) > per/4 {
		if cap(v)-len(v) <= len(v)/8 {
			return v[:len(v):len(v)] // copying a large file's content would double it for a while
		}
		return append(make([]T, 0, len(v)), v...)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if cap(p.block)-len(p.block) < len(v) {
		p.block = make([]T, 0, per)
	}
	n := len(p.block)
	p.block = append(p.block, v...)
	return p.block[n:len(p.block):len(p.block)]
}

// cloneString returns a copy of s in a byte pack. The pack's bytes are
// never written again once handed out, so they can back a string.
func cloneString(p *pack[byte], s string) string {
	if s == "" {
		return ""
	}
	b := p.clone(unsafe.Slice(unsafe.StringData(s), len(s)))
	return unsafe.String(unsafe.SliceData(b), len(b))
}
