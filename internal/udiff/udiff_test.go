package udiff_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/udiff"
)

func TestUnified(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"equal", a, a, ""},
		{"one insertion", "a\nb\n", "a\nx\nb\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+x\n b\n"},
		{"two hunks", a, strings.Replace(strings.Replace(a, "2\n", "two\n", 1), "14\n", "14\nfourteen+\n", 1),
			"--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -12,4 +12,5 @@\n 12\n 13\n 14\n+fourteen+\n 15\n"},
		{"no newline at end", "a\nb", "a\nc", "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"},
		{"from empty", "", "a\n", "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := udiff.Unified("a/f", "b/f", []byte(tc.a), []byte(tc.b)); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestPatchApplies checks the diffs with patch(1), the consumer: applying
// each to the old text must give the new one.
func TestPatchApplies(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch(1) is not installed")
	}
	var lines []string
	for i := range 200 {
		lines = append(lines, strings.Repeat("x", i%7)+"line\n")
	}
	old := strings.Join(lines, "")
	edits := []func(string) string{
		func(s string) string { return strings.Replace(s, "xxline\n", "changed\n", 3) },
		func(s string) string { return "head\n" + s + "tail" },
		func(s string) string { return strings.ReplaceAll(s, "xxxxxxline\n", "") },
		func(s string) string { return strings.Replace(s, "line\n", "line\r\nextra\r\n", 5) },
	}
	for i, edit := range edits {
		dir := t.TempDir()
		f := filepath.Join(dir, "m.yaml")
		if err := os.WriteFile(f, []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		want := edit(old)
		d := udiff.Unified("a/m.yaml", "b/m.yaml", []byte(old), []byte(want))
		cmd := exec.Command(patch, "-p1", "--quiet")
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(d)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("edit %d: patch: %v\n%s\n%s", i, err, out, d)
		}
		got, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("edit %d: patched file differs from the new text\n%s", i, d)
		}
	}
}
