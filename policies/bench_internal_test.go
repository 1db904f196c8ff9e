package policies

import (
	"context"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// Per-document cost of one evaluation of the built-in policies, for
// several shapes of document: a ClusterRole with findings, an empty and a
// clean one, a RoleBinding, and a kind no policy declares (the query
// alone).
//
//	go test ./policies -run '^$' -bench Micro -benchmem -cpu 1

func microDoc(b *testing.B, src string) *analyzer.Document {
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.yaml", Content: []byte(src)})
	return docs[0]
}

// benchEval measures what the first policy rule of a document pays:
// building the input, evaluating the query of its kind and collecting the
// findings.
func benchEval(b *testing.B, src string) {
	e, _ := New(Options{})
	if err := e.Compile(); err != nil {
		b.Fatal(err)
	}
	doc := microDoc(b, src)
	for b.Loop() {
		var res docResult
		e.evaluate(context.Background(), doc, &res)
		if res.err != nil || len(res.errs) > 0 {
			b.Fatal(res.err, res.errs)
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

// BenchmarkFirstRole is what the policies cost a run that lints one Role
// (scripts/bench.sh's role.yaml): an engine, its compilation, and the
// first evaluation, which prepares the query and guards of the kind.
//
//	go test ./policies -run '^$' -bench FirstRole -benchmem -cpu 1
func BenchmarkFirstRole(b *testing.B) {
	doc := microDoc(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: apps\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"configmaps\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n- apiGroups: [\"apps\"]\n  resources: [\"deployments\"]\n  verbs: [\"get\"]\n")
	for b.Loop() {
		e, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Compile(); err != nil {
			b.Fatal(err)
		}
		var res docResult
		e.evaluate(context.Background(), doc, &res)
		if res.err != nil || len(res.errs) > 0 {
			b.Fatal(res.err, res.errs)
		}
	}
}
