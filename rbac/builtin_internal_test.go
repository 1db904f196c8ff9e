package rbac

import (
	"os"
	"reflect"
	"testing"

	"github.com/kvet-dev/kvet/rbac/internal/bootstrap"
)

// TestBuiltinTableMatchesSource checks that the generated table is the
// bootstrap policy files, role for role (names, labels, aggregation rules,
// rules); annotations are left out of the table. Run `go generate ./rbac`
// after updating the files.
func TestBuiltinTableMatchesSource(t *testing.T) {
	table := builtinClusterRoles()
	n := 0
	for _, name := range bootstrap.Files() {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		roles, err := bootstrap.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range roles {
			if n >= len(table) {
				t.Fatalf("the table has %d roles; %s has more (run go generate ./rbac)", len(table), name)
			}
			got := table[n]
			n++
			want.TypeMeta, want.Annotations = got.TypeMeta, got.Annotations
			if !reflect.DeepEqual(got, want) {
				t.Errorf("table entry %d (%s) differs from %s's %s (run go generate ./rbac):\n got %+v\nwant %+v", n-1, got.Name, name, want.Name, got, want)
			}
		}
	}
	if n != len(table) {
		t.Errorf("the table has %d roles, the bootstrap files %d (run go generate ./rbac)", len(table), n)
	}
	if n < 70 {
		t.Errorf("only %d built-in ClusterRoles", n)
	}
}

// TestBuiltinRisks checks that the built-in roles' Risks, computed on first
// use and shared by every model, are those Risks computes for each rule.
func TestBuiltinRisks(t *testing.T) {
	m := Build(nil)
	for _, cr := range builtinClusterRoles() {
		role := m.BuiltinClusterRole(cr.Name)
		for i, rule := range role.Rules {
			if got, want := rule.Risks(), Risks(KindClusterRole, &cr.Rules[i]); !reflect.DeepEqual(got, want) {
				t.Errorf("%s rules[%d]: Risks() = %+v, want %+v", cr.Name, i, got, want)
			}
		}
	}
}
