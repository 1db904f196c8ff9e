package pack

import (
	"reflect"
	"testing"
)

// TestPackClone checks that pack copies values, that a copy cannot be
// appended into the next one, that a large value is kept out of the
// blocks, and that Clone (unlike Keep) never returns its argument.
func TestPackClone(t *testing.T) {
	var p Pack[byte]
	a := p.Clone([]byte("first"))
	b := p.Clone([]byte("second"))
	if string(a) != "first" || string(b) != "second" || cap(a) != len(a) {
		t.Fatalf("clone gave %q (cap %d) and %q", a, cap(a), b)
	}
	_ = append(a, 'X')
	if string(b) != "second" {
		t.Errorf("appending to one copy changed the next: %q", b)
	}
	if &a[len(a)-1] != &p.block[len(a)-1] {
		t.Error("a small value was not copied into the block")
	}
	large := make([]byte, Block/2, Block/2+1)
	if c := p.Keep(large); len(c) != len(large) || cap(c) != len(c) || &c[0] != &large[0] || len(p.block) != len(a)+len(b) {
		t.Error("Keep: a large value was not kept as it is, clipped")
	}
	if c := p.Clone(large); len(c) != len(large) || cap(c) != len(c) || &c[0] == &large[0] || len(p.block) != len(a)+len(b) {
		t.Error("Clone: a large value was not copied on its own")
	}
	roomy := make([]byte, Block/2, Block)
	if c := p.Keep(roomy); len(c) != len(roomy) || cap(c) != len(c) || &c[0] == &roomy[0] || len(p.block) != len(a)+len(b) {
		t.Error("Keep: a large value with much room to spare was not copied on its own")
	}
	small := []byte("small")
	if c := p.Keep(small); string(c) != "small" || &c[0] == &small[0] {
		t.Error("Keep: a small value was not copied into the block")
	}
	if p.Clone(nil) != nil || p.Keep(nil) != nil {
		t.Error("an empty value was not nil")
	}
	in := "message"
	if s := String(&p, in); s != in || String(&p, "") != "" {
		t.Errorf("String gave %q", s)
	}
}

// TestPackGrows checks that a pack's blocks start small and double up to
// Block, so that a run over one small file does not allocate whole
// blocks, and that a value larger than the next block gets a block of its
// size.
func TestPackGrows(t *testing.T) {
	var p Pack[byte]
	var caps []int
	for range 2000 {
		v := p.Clone(make([]byte, 1000))
		if len(caps) == 0 || cap(p.block) != caps[len(caps)-1] {
			caps = append(caps, cap(p.block))
		}
		if len(v) != 1000 {
			t.Fatalf("clone gave %d bytes", len(v))
		}
	}
	want := []int{Block / 64, Block / 32, Block / 16, Block / 8, Block / 4, Block / 2, Block}
	if !reflect.DeepEqual(caps, want) {
		t.Errorf("block sizes %v, want %v", caps, want)
	}
	var q Pack[byte]
	q.Clone(make([]byte, 10))
	if v := q.Clone(make([]byte, Block/8)); cap(q.block) != Block/8 || &v[0] != &q.block[0] {
		t.Errorf("a value larger than the next block got a block of %d bytes, want %d", cap(q.block), Block/8)
	}
}

// TestPackTake checks that Take hands out zero values that no other call
// shares, and that a nil pack allocates them alone.
func TestPackTake(t *testing.T) {
	type obj struct {
		name string
		n    int
	}
	var p Pack[obj]
	a := p.Take(1)
	a[0] = obj{"a", 1}
	b := p.Take(2)
	if len(b) != 2 || cap(b) != 2 || b[0] != (obj{}) || b[1] != (obj{}) || &b[0] != &p.block[1] {
		t.Fatalf("Take(2) gave %v (cap %d): want two zero values after the first in the block", b, cap(b))
	}
	if p.Take(0) != nil {
		t.Error("Take(0) was not nil")
	}
	var none *Pack[obj]
	if c := none.Take(3); len(c) != 3 || c[2] != (obj{}) {
		t.Errorf("a nil pack's Take(3) gave %v", c)
	}
	if c := none.Clone([]obj{{"x", 2}}); len(c) != 1 || c[0].name != "x" {
		t.Errorf("a nil pack's Clone gave %v", c)
	}
}
