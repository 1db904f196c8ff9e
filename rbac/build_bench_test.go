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
