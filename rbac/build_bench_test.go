package rbac_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// BenchmarkBuildLoaded builds the model of documents whose trees are
// loaded (the language server's set rules, Run): each document's fact is
// extracted on demand, so the cost is dominated by extraction.
func BenchmarkBuildLoaded(b *testing.B) {
	var parts []string
	for i := range 200 {
		parts = append(parts,
			role("Role", "team", fmt.Sprintf("r%d", i), "- apiGroups: [\"\"]\n  resources: [secrets, pods, configmaps]\n  verbs: [get, list, watch]\n"),
			binding("RoleBinding", "team", fmt.Sprintf("b%d", i), "- kind: ServiceAccount\n  name: sa\n", "Role", fmt.Sprintf("r%d", i)))
	}
	ds, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "rbac.yaml", Content: []byte(strings.Join(parts, "---\n"))})
	b.ReportAllocs()
	for b.Loop() {
		rbac.Build(ds)
	}
}

// BenchmarkAggregationScale builds the model of N ClusterRoles that all
// aggregate each other, each with a selector of its own (so that no two
// share a match), N from 250 to 2,000: the walk from each role takes
// what it reaches 64 roles at a time, and ns/unit (per pair of roles)
// stays about flat. Walking role by role it grew with N (2,000 such roles
// took 470 s to lint, and 1.4 GB). Run with
//
//	go test ./rbac -run '^$' -bench AggregationScale -benchtime 1x
func BenchmarkAggregationScale(b *testing.B) {
	for _, n := range []int{250, 500, 1000, 2000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var parts []string
			for i := range n {
				parts = append(parts, fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: a%d\n  labels: {x: y}\n"+
					"aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {x: y}\n    matchExpressions: [{key: n%d, operator: DoesNotExist}]\n"+
					"rules:\n- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n", i, i))
			}
			ds, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "rbac.yaml", Content: []byte(strings.Join(parts, "---\n"))})
			for b.Loop() {
				m := rbac.Build(ds)
				if len(m.Effective(m.ClusterRole("a0"))) != 0 {
					b.Fatal("a0 aggregates rules: only aggregating roles select it")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n*n), "ns/unit")
		})
	}
}
