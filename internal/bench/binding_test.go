package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

// BenchmarkBindingScale shows that linting is linear in the subjects of
// one binding: a RoleBinding of N ServiceAccounts (N from 2,000 to 32,000),
// the Role it binds and a Job running as the last ServiceAccount, linted
// with the Go rules (the cross-document rules locate a path per subject
// before the document's node tree is released). ns/unit (per subject)
// stays flat; it grew with N while each located path was looked up among
// those of the document before it (32,000 subjects took 0.8 s, 128,000
// 10.4 s; 0.2 s and 1.2 s since). Run with
//
//	go test ./internal/bench -run '^$' -bench BindingScale -benchtime 1x
func BenchmarkBindingScale(b *testing.B) {
	for _, n := range []int{2000, 8000, 32000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "rbac.yaml")
			if err := os.WriteFile(path, bigBinding(n), 0o644); err != nil {
				b.Fatal(err)
			}
			all := rules.All()
			// The last subject's name is the binding's last line.
			wantLine := 7 + 3*n
			b.ResetTimer()
			for b.Loop() {
				_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{path}, all, analyzer.Options{})
				if line := grantLine(res.Diagnostics); line != wantLine {
					b.Fatalf("the Job's grant is related to line %d, want %d (%d findings)", line, wantLine, len(res.Diagnostics))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/unit")
		})
	}
}

// bigBinding returns a RoleBinding of n ServiceAccount subjects (sa0 to
// sa<n-1>) of Role reader, which reads secrets, and a Job running as the
// last of them.
func bigBinding(n int) []byte {
	var s strings.Builder
	s.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: readers\n  namespace: a\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n")
	for i := range n {
		fmt.Fprintf(&s, "- kind: ServiceAccount\n  namespace: a\n  name: sa%d\n", i)
	}
	s.WriteString("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: a}\nrules:\n- {apiGroups: [\"\"], resources: [secrets], verbs: [get]}\n")
	fmt.Fprintf(&s, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa%d, namespace: a}\n", n-1)
	fmt.Fprintf(&s, "---\napiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: a}\nspec:\n  template:\n    spec:\n      serviceAccountName: sa%d\n      restartPolicy: Never\n      containers: [{name: a, image: a:1}]\n", n-1)
	return []byte(s.String())
}

// grantLine returns the line of the subject entry that
// workload-excessive-permissions relates the Job's grant to, or 0.
func grantLine(diags []analyzer.Diagnostic) int {
	for _, d := range diags {
		if d.RuleID != "workload-excessive-permissions" {
			continue
		}
		for _, r := range d.Related {
			if r.Object.Kind == "RoleBinding" {
				return r.Range.Start.Line
			}
		}
	}
	return 0
}
