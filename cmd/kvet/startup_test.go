package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestHelmNotLinked keeps Helm (and client-go, which it pulls in) out of
// kvet's binary: their package initialisation would add ~10 ms to every
// start, so charts are rendered by the kvet-helm command instead.
func TestHelmNotLinked(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "helm.sh/") || strings.HasPrefix(pkg, "k8s.io/client-go/") {
			t.Errorf("kvet links %s; only cmd/kvet-helm may link Helm", pkg)
		}
	}
}
