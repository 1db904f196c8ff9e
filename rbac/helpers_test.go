package rbac_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// docs parses manifests given as file name and content pairs, in order.
// Load diagnostics fail the test, except the invalid-value of what the
// API server rejects in RBAC objects (analyzer.RBACRejections): the tests
// give such objects on purpose, which the model must leave out.
func docs(t *testing.T, files ...string) []*analyzer.Document {
	t.Helper()
	if len(files)%2 != 0 {
		t.Fatalf("docs: %d arguments, want file name and content pairs", len(files))
	}
	l := analyzer.NewLoader(nil)
	var out []*analyzer.Document
	for i := 0; i+1 < len(files); i += 2 {
		ds, diags := l.Parse(&analyzer.File{Path: files[i], Content: []byte(files[i+1])})
		type at struct {
			obj  analyzer.ObjectRef
			path string
		}
		rejected := map[at]bool{}
		for _, d := range ds {
			for _, r := range analyzer.RBACRejections(d.Object) {
				rejected[at{d.Ref(), r.Path.String()}] = true
			}
		}
		for _, d := range diags {
			if d.RuleID == analyzer.IDInvalidValue && rejected[at{d.Object, d.Path.String()}] {
				continue
			}
			t.Fatalf("%s:%d: %s (%s)", d.File, d.Range.Start.Line, d.Message, d.RuleID)
		}
		out = append(out, ds...)
	}
	return out
}

func build(t *testing.T, files ...string) *rbac.Model {
	t.Helper()
	return rbac.Build(docs(t, files...))
}

// yamlDocs joins YAML documents.
func yamlDocs(ds ...string) string { return strings.Join(ds, "---\n") }

func role(kind, ns, name, rules string) string {
	s := "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s + "rules:\n" + rules
}

func binding(kind, ns, name, subjects, roleKind, roleName string) string {
	s := "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n"
	if ns != "" {
		s += "  namespace: " + ns + "\n"
	}
	return s + "subjects:\n" + subjects + "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: " + roleKind + "\n  name: " + roleName + "\n"
}

func problems(m *rbac.Model) []string {
	var out []string
	for _, p := range m.Problems {
		out = append(out, p.String())
	}
	slices.Sort(out)
	return out
}
