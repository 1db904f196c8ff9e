package rbac

import (
	"os"
	"reflect"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/rbac/internal/bootstrap"
)

// TestBuiltinTableMatchesSource checks that the generated table is the
// bootstrap policy files, role for role (names, labels, aggregation rules,
// rules); annotations are left out of the table. Run `go generate ./rbac`
// after updating the files.
func TestBuiltinTableMatchesSource(t *testing.T) {
	var roles []rbacv1.ClusterRole
	for _, r := range builtinRoles() {
		roles = append(roles, rbacv1.ClusterRole{TypeMeta: r.TypeMeta, ObjectMeta: r.ObjectMeta, Rules: r.Rules})
	}
	for _, tt := range []struct {
		kind  string
		files []string
		table []rbacv1.ClusterRole
		least int
	}{
		{"ClusterRole", bootstrap.Files(), builtinClusterRoles(), 70},
		{"Role", bootstrap.RoleFiles(), roles, 7},
	} {
		n := 0
		for _, name := range tt.files {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			roles, err := bootstrap.Parse(name, data, tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range roles {
				if n >= len(tt.table) {
					t.Fatalf("the table has %d %ss; %s has more (run go generate ./rbac)", len(tt.table), tt.kind, name)
				}
				got := tt.table[n]
				n++
				want.TypeMeta, want.Annotations = got.TypeMeta, got.Annotations
				if !reflect.DeepEqual(got, want) {
					t.Errorf("table entry %d (%s) differs from %s's %s (run go generate ./rbac):\n got %+v\nwant %+v", n-1, got.Name, name, want.Name, got, want)
				}
			}
		}
		if n != len(tt.table) {
			t.Errorf("the table has %d %ss, the bootstrap files %d (run go generate ./rbac)", len(tt.table), tt.kind, n)
		}
		if n < tt.least {
			t.Errorf("only %d built-in %ss", n, tt.kind)
		}
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
