package policies

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kvet-dev/kvet/analyzer"
)

// Per-document cost of one evaluation of the built-in policies (the
// prepared query alone, input already converted), for several shapes of
// document: a ClusterRole with findings, an empty and a clean one, a
// RoleBinding, and a kind no policy declares (the aggregation alone).
//
//	go test ./policies -run '^$' -bench Micro -benchmem -cpu 1

func microDoc(b *testing.B, src string) any {
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.yaml", Content: []byte(src)})
	v, err := docs[0].Value()
	if err != nil {
		b.Fatal(err)
	}
	return v
}

func benchEval(b *testing.B, src string) {
	e, _ := New(Options{})
	if err := e.Compile(); err != nil {
		b.Fatal(err)
	}
	in := toValue(microDoc(b, src))
	q := e.prog.query.Load()
	for b.Loop() {
		if _, err := q.Eval(context.Background(), rego.EvalParsedInput(in)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMicroBinding(b *testing.B) {
	benchEval(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\nsubjects:\n- kind: ServiceAccount\n  name: default\nroleRef:\n  kind: ClusterRole\n  name: view\n")
}

func BenchmarkMicroRole(b *testing.B) {
	benchEval(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [\"secrets\", \"pods/exec\"]\n  verbs: [\"get\", \"list\"]\n- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"get\"]\n")
}

func BenchmarkMicroOther(b *testing.B) {
	benchEval(b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
}

// BenchmarkParseMetadata is what reading the built-in rules' metadata
// costs by parsing their Rego (the alternative to builtin_table.go, which
// BenchmarkLoadMetadata measures).
func BenchmarkParseMetadata(b *testing.B) {
	for b.Loop() {
		srcs, err := builtinSources(true, false, true)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := policiesFromSources(srcs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMicroEmptyRole is the fixed cost of a Role: every policy of the
// kind evaluated on an object with no rule entry.
func BenchmarkMicroEmptyRole(b *testing.B) {
	benchEval(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules: []\n")
}

// BenchmarkMicroCleanRole is a Role with one harmless entry (no finding).
func BenchmarkMicroCleanRole(b *testing.B) {
	benchEval(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [\"configmaps\"]\n  verbs: [\"get\"]\n")
}
