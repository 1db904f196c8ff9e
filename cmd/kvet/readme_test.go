package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestQuickStart checks what the README's quick start promises: the Go
// version go.mod needs, and that linting the bundled examples exits 1 on
// purpose (examples/bad has findings).
func TestQuickStart(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	_, quick, _ := strings.Cut(string(readme), "\n## Quick start\n")
	quick, _, _ = strings.Cut(quick, "\n## ")
	if want := "kvet needs Go " + string(goLine[1]) + " or newer"; !strings.Contains(quick, want) {
		t.Errorf("the quick start does not say %q (go.mod: go %s)", want, goLine[1])
	}
	if !strings.Contains(quick, "go run ./cmd/kvet lint examples/      # lint the bundled examples: exits 1 on purpose") {
		t.Errorf("the quick start does not say that linting the examples exits 1:\n%s", quick)
	}
	o := kvet(t, run{args: []string{"lint", "examples/"}, dir: root})
	if o.code != 1 || !strings.Contains(o.stdout, "examples/bad/") || strings.Contains(o.stdout, "examples/good/") {
		t.Errorf("kvet lint examples/: exit %d, want 1 with findings in examples/bad only:\n%s", o.code, o.stdout)
	}
}

// TestReadmeAccessExample checks that the README's `kvet access` example is
// what kvet prints for examples/rbac-teams, byte for byte.
func TestReadmeAccessExample(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const prompt = "```\n$ kvet access examples/rbac-teams\n"
	_, example, ok := strings.Cut(string(readme), prompt)
	if !ok {
		t.Fatalf("the README has no example starting %q", prompt)
	}
	example, _, _ = strings.Cut(example, "```\n")
	o := kvet(t, run{args: []string{"access", "examples/rbac-teams"}, dir: root})
	if o.code != 0 || o.stdout != example {
		t.Errorf("kvet access examples/rbac-teams: exit %d, output\n%s\nthe README shows\n%s", o.code, o.stdout, example)
	}
}
