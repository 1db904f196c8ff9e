package main

import (
	"os/exec"
	"strings"
	"testing"
)

// linked returns the packages kvet's binary links (go list -deps), or
// skips the test when the go command is missing.
func linked(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is missing: cannot list the packages kvet links")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	return strings.Fields(string(out))
}

// TestHelmNotLinked keeps Helm (and client-go, which it pulls in) out of
// kvet's binary: their package initialisation would add ~10 ms to every
// start, so charts are rendered by the kvet-helm command instead.
func TestHelmNotLinked(t *testing.T) {
	for _, pkg := range linked(t) {
		if strings.HasPrefix(pkg, "helm.sh/") || strings.HasPrefix(pkg, "k8s.io/client-go/") {
			t.Errorf("kvet links %s; only cmd/kvet-helm may link Helm", pkg)
		}
	}
}

// TestOPARegoNotLinked keeps OPA's rego package (and its test runner,
// which uses it) out of kvet's binary: it links OPA's Wasm compiler (about
// 780 KB of embedded Wasm), bundles and their protobuf code: 6 MB more
// binary and about 3 % more CPU for every kvet command (`kvet version`:
// 10.26 M instead of 9.76 M instructions). Policies are evaluated, and
// their tests run, with OPA's topdown evaluator directly
// (policies/testrunner.go).
func TestOPARegoNotLinked(t *testing.T) {
	banned := map[string]string{
		"github.com/open-policy-agent/opa/v1/rego":                "OPA's rego package",
		"github.com/open-policy-agent/opa/v1/tester":              "OPA's test runner",
		"github.com/open-policy-agent/opa/v1/bundle":              "OPA's bundles",
		"github.com/open-policy-agent/opa/internal/compiler/wasm": "OPA's Wasm compiler",
	}
	for _, pkg := range linked(t) {
		if what, ok := banned[pkg]; ok {
			t.Errorf("kvet links %s (%s): evaluate with topdown instead (see policies/testrunner.go)", pkg, what)
		}
	}
}
