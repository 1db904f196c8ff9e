package rbac

import (
	"hash/maphash"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// TestKeepLastHashCollision drives keepLast through its map of colliding
// keys, which a 64-bit hash practically never reaches: a key whose hash an
// earlier key holds is listed as an object of its own, and its later
// definition replaces it (a duplicate) like any other's.
func TestKeepLastHashCollision(t *testing.T) {
	doc := func(name string) *analyzer.Document {
		return &analyzer.Document{Kind: KindServiceAccount, Name: name, File: &analyzer.File{Path: name + ".yaml", Content: []byte("kind: ServiceAccount\n")}}
	}
	sa := func(d *analyzer.Document) *ServiceAccount {
		return &ServiceAccount{Namespace: DefaultNamespace, Name: d.Name, Doc: d}
	}
	m := &Model{others: map[*analyzer.Document][]*analyzer.Document{}}
	seen := &seenKeys{seed: maphash.MakeSeed(), at: map[uint64]int32{}}
	add := func(d *analyzer.Document) {
		v := sa(d)
		keepLast(m, seen, &m.ServiceAccounts, v.key(), v, d, (*ServiceAccount).key, func(sa *ServiceAccount) *analyzer.Document { return sa.Doc })
	}
	a, b, b2, a2 := doc("a"), doc("b"), doc("b"), doc("a")
	add(a)
	// b's hash now leads to a: as if the two keys collided.
	seen.at[maphash.Comparable(seen.seed, sa(b).key())] = 0
	add(b)
	add(b2)
	add(a2)
	if len(m.ServiceAccounts) != 2 || m.ServiceAccounts[0].Doc != a2 || m.ServiceAccounts[1].Doc != b2 {
		t.Fatalf("ServiceAccounts = %v, want the later definitions of a and b, in that order", m.ServiceAccounts)
	}
	if len(seen.other) != 1 {
		t.Errorf("keys by key = %v, want b's alone", seen.other)
	}
	if len(m.Problems) != 2 || !strings.Contains(m.Problems[0].Message, "ServiceAccount default/b is defined twice") ||
		m.Problems[0].Doc != b2 || m.Problems[0].Other != b ||
		!strings.Contains(m.Problems[1].Message, "ServiceAccount default/a is defined twice") || m.Problems[1].Doc != a2 || m.Problems[1].Other != a {
		t.Errorf("Problems = %v, want b then a defined twice", m.Problems)
	}
	if o := m.Others(b2); len(o) != 1 || o[0] != b {
		t.Errorf("Others(b2) = %v, want b", o)
	}
}
