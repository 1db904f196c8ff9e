package rbac

import (
	"hash/maphash"
	"strings"
	"testing"
	"unsafe"

	batchv1 "k8s.io/api/batch/v1"
	rbacv1 "k8s.io/api/rbac/v1"

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
		keepLast(m, seen, &m.ServiceAccounts, v.key(), v, d, (*ServiceAccount).key, func(sa *ServiceAccount) *analyzer.Document { return sa.Doc }, nil)
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

// The facts of one run share packs: two workloads are neighbours in one,
// the entries of two roles are neighbours in another; without chunks
// (Document.Fact on loaded documents) each object is allocated alone.
func TestChunksExtract(t *testing.T) {
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "set.yaml", Content: []byte(
		"apiVersion: batch/v1\nkind: Job\nmetadata: {name: a, namespace: x}\n---\n" +
			"apiVersion: batch/v1\nkind: Job\nmetadata: {name: b, namespace: x}\nspec: {template: {spec: {serviceAccountName: runner}}}\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: x}\n" +
			"rules: [{apiGroups: [''], resources: [pods], verbs: [get]}, {apiGroups: [''], resources: [secrets], verbs: [get]}]\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r2, namespace: x}\n" +
			"rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]\n")})
	c := new(chunks)
	a, _ := c.extract(docs[0])
	b, _ := c.extract(docs[1])
	wa, wb := a.(*Workload), b.(*Workload)
	if wa.Name != "a" || wb.Name != "b" || wb.Account != "runner" || !wb.Explicit || !next(wa, wb) {
		t.Errorf("workloads %+v and %+v, want a and b (runner) next to each other in the pack", wa, wb)
	}
	r, _ := c.extract(docs[2])
	role := r.(*Role)
	if role.Name != "r" || len(role.Rules) != 2 || role.Rules[1].Resources[0] != "secrets" || role.Rules[1].Role != role ||
		!next(role.Rules[0], role.Rules[1]) || len(role.Rules[1].Risks()) == 0 {
		t.Errorf("role %+v: want r with its two entries next to each other, the second reading secrets", role)
	}
	r2, _ := c.extract(docs[3])
	if role2 := r2.(*Role); !next(role, role2) || !next(role.Rules[1], role2.Rules[0]) || role2.Rules[0].Verbs[0] != "list" {
		t.Errorf("role %+v: want r2 and its entry after r's in the packs", role2)
	}
	// The facts' strings are the run's copies, not the decoded objects'.
	decoded := docs[1].Object.(*batchv1.Job).Spec.Template.Spec.ServiceAccountName
	decodedVerb := docs[2].Object.(*rbacv1.Role).Rules[1].Verbs[0]
	if unsafe.StringData(wb.Account) == unsafe.StringData(decoded) || unsafe.StringData(role.Rules[1].Verbs[0]) == unsafe.StringData(decodedVerb) ||
		role.Rules[1].Verbs[0] != decodedVerb {
		t.Errorf("facts share the decoded objects' strings (account %q, verb %q)", wb.Account, role.Rules[1].Verbs[0])
	}
	alone, _ := (*chunks)(nil).extract(docs[0])
	if w := alone.(*Workload); w == wa || w.Name != "a" {
		t.Errorf("without chunks: %+v, want a workload of its own", w)
	}
	packed := testing.AllocsPerRun(100, func() { c.extract(docs[1]) })
	single := testing.AllocsPerRun(100, func() { (*chunks)(nil).extract(docs[1]) })
	if packed >= single {
		t.Errorf("extracting a workload allocates %v times with chunks, %v without: want fewer", packed, single)
	}
}

// next reports whether b is the element after a in one array.
func next[T any](a, b *T) bool {
	return uintptr(unsafe.Pointer(b))-uintptr(unsafe.Pointer(a)) == unsafe.Sizeof(*a)
}
