//go:build unix

package analyzer_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

const serviceAccount = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n"

func writeManifest(t *testing.T, path, name string) {
	t.Helper()
	analyzertest.WriteFile(t, path, strings.ReplaceAll(serviceAccount, "%s", name))
}

func names(set *analyzer.Set) string {
	var out []string
	for _, d := range set.Docs {
		out = append(out, d.Name)
	}
	return strings.Join(out, " ")
}

// TestSpecialFilesInDirectories: a walk reads regular files only. A FIFO
// named *.yaml never blocks, a link to /dev/zero never grows without bound:
// both are skipped with a note; a link to a directory named *.yaml is
// skipped like a directory (not followed); a link to a file found too is
// read once; the other files are linted.
func TestSpecialFilesInDirectories(t *testing.T) {
	dir := t.TempDir()
	writeManifest(t, filepath.Join(dir, "a.yaml"), "a")
	writeManifest(t, filepath.Join(dir, "sub/z.yaml"), "z")
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for link, target := range map[string]string{"zero.yaml": "/dev/zero", "dir.yaml": "sub", "b.yaml": "a.yaml"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	set, res := analyzertest.LintWithin(t, analyzer.NewLoader(nil), []string{dir}, time.Minute)
	if len(set.Errors) != 0 || len(res.Errors) != 0 || len(res.Diagnostics) != 0 {
		t.Errorf("errors %v %v, diagnostics %v", set.Errors, res.Errors, res.Diagnostics)
	}
	if got := names(set); got != "a z" { // a.yaml (and b.yaml -> a.yaml, the same file), sub/z.yaml
		t.Errorf("documents %q, want a z", got)
	}
	d := filepath.ToSlash(dir)
	want := []string{
		"skipped " + d + "/fifo.yaml: not a regular file (a named pipe)",
		"skipped " + d + "/zero.yaml: not a regular file (a character device)",
	}
	if strings.Join(set.Notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(set.Notes, "\n"), strings.Join(want, "\n"))
	}
}

// TestSpecialFilesNamed: a pipe or device named on the command line is
// an error (it would block or never end), unless it is a stream the user
// meant: /dev/stdin or a process substitution (/dev/fd/N, /proc/self/fd/N).
func TestSpecialFilesNamed(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	good := filepath.Join(dir, "good.yaml")
	writeManifest(t, good, "good")

	set, _ := analyzertest.LintWithin(t, analyzer.NewLoader(nil), []string{fifo, "/dev/zero", good}, time.Minute)
	var errs []string
	for _, err := range set.Errors {
		errs = append(errs, err.Error())
	}
	suffix := "; kvet reads pipes and devices only as -, /dev/stdin or a process substitution <(command)"
	want := []string{
		"reading " + fifo + ": not a regular file (a named pipe)" + suffix,
		"reading /dev/zero: not a regular file (a character device)" + suffix,
	}
	if strings.Join(errs, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(errs, "\n"), strings.Join(want, "\n"))
	}
	if names(set) != "good" {
		t.Errorf("documents %q, want good", names(set))
	}

	// <(cat sa.yaml): a pipe named /proc/self/fd/N.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = w.WriteString(strings.ReplaceAll(serviceAccount, "%s", "piped"))
		_ = w.Close()
	}()
	set, _ = analyzertest.LintWithin(t, analyzer.NewLoader(nil), []string{"/proc/self/fd/" + strconv.Itoa(int(r.Fd())), good}, time.Minute)
	if len(set.Errors) != 0 || names(set) != "piped good" {
		t.Errorf("process substitution: errors %v, documents %q", set.Errors, names(set))
	}
}

// TestFileTooLarge: a file over the limit is one file-too-large diagnostic
// at 1:1 naming the limit; the other files are linted. Standard input is
// bounded the same way.
func TestFileTooLarge(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	content := strings.ReplaceAll(serviceAccount, "%s", "big") + strings.Repeat("# padding\n", 300)
	if err := os.WriteFile(big, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	writeManifest(t, filepath.Join(dir, "small.yaml"), "small")
	l := analyzer.NewLoader(strings.NewReader(content))
	l.MaxFileSize = 2048
	set, res := analyzertest.LintWithin(t, l, []string{dir, "-"}, time.Minute)
	if len(set.Errors) != 0 || len(res.Errors) != 0 {
		t.Fatalf("errors %v %v", set.Errors, res.Errors)
	}
	if names(set) != "small" {
		t.Errorf("documents %q, want small", names(set))
	}
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, d.File+":"+strconv.Itoa(d.Range.Start.Line)+":"+strconv.Itoa(d.Range.Start.Column)+": "+d.RuleID+": "+d.Message)
	}
	tail := " over the 2 KiB limit (--max-file-size): not read, so nothing in it was checked; split the file or raise --max-file-size"
	want := []string{
		filepath.ToSlash(big) + ":1:1: file-too-large: file is 3 KiB," + tail,
		analyzer.StdinName + ":1:1: file-too-large: file is" + tail,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
