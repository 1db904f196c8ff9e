# Helpers for the built-in policies' unit tests.
package kvet.lib.fixtures

role(kind, rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": kind,
	"metadata": {"name": "r", "namespace": "ns"},
	"rules": rules,
}

binding(kind, subjects, ref_kind, ref_name) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": kind,
	"metadata": {"name": "b", "namespace": "ns"},
	"subjects": subjects,
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
}

# paths is the set of paths of a policy's results.
paths(results) := {r.path | some r in results}
