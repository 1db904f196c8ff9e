//go:build unix

package main

// Hostile and unlucky inputs, end to end: signals, pipes, devices, huge
// files. Each runs the built binary as a user (or a CI runner) would.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

const oldContent = "{\"version\": 1, \"findings\": []} (the previous file)\n"

// startKvet starts kvet in dir with stdin, a pipe the test keeps open and
// never writes to, so a run that reads it blocks until it is signalled.
func startKvet(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	cmd := exec.Command(kvetBin, args...)
	cmd.Dir = dir
	cmd.Env = kvetEnv(nil)
	cmd.Stdin = r
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stdout, &stderr
}

// interrupt sends sig to a kvet blocked on a read and returns its exit
// code. A kvet that ignores the signal is killed after 30 s (test failure).
func interrupt(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) int {
	t.Helper()
	// Give the process time to install its handler and reach the read.
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				t.Fatalf("kvet was killed by %v instead of handling it", ws.Signal())
			}
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("kvet ignored %v for 30 s (then: %v)", sig, <-done)
		return -1
	}
}

func workdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "warnings.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "warnings.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func wantFile(t *testing.T, path, content string) {
	t.Helper()
	if data, err := os.ReadFile(path); err != nil || string(data) != content {
		t.Errorf("%s = %q (%v), want it unchanged: %q", path, data, err, content)
	}
}

// TestInterruptWritesNothing: Ctrl-C (SIGINT) or SIGTERM while kvet is
// still reading its input leaves the baseline or report file as it was,
// says so, prints no summary, and exits 130 (SIGINT) or 2 (SIGTERM).
func TestInterruptWritesNothing(t *testing.T) {
	for _, c := range []struct {
		name string
		sig  syscall.Signal
		code int
		args []string
		file string
		says string
	}{
		{"baseline/SIGINT", syscall.SIGINT, 130, []string{"--write-baseline", "b.json"}, "b.json",
			"kvet: interrupted: baseline b.json not written; it keeps its previous content\n"},
		{"baseline/SIGTERM", syscall.SIGTERM, 2, []string{"--write-baseline", "b.json"}, "b.json",
			"kvet: interrupted: baseline b.json not written; it keeps its previous content\n"},
		{"report/SIGINT", syscall.SIGINT, 130, []string{"-f", "sarif", "-o", "r.sarif"}, "r.sarif",
			"kvet: interrupted: report not written to r.sarif; it keeps its previous content\n"},
		{"stdout/SIGINT", syscall.SIGINT, 130, nil, "",
			"kvet: interrupted: no report written\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := workdir(t)
			if c.file != "" {
				if err := os.WriteFile(filepath.Join(dir, c.file), []byte(oldContent), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// warnings.yaml is linted while /dev/stdin (and "-") block.
			args := append(append([]string{"lint"}, c.args...), "warnings.yaml", "/dev/stdin")
			cmd, stdout, stderr := startKvet(t, dir, args...)
			code := interrupt(t, cmd, c.sig)
			if code != c.code || stdout.String() != "" || stderr.String() != c.says {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, no output and %q", code, stdout, stderr, c.code, c.says)
			}
			if c.file != "" {
				wantFile(t, filepath.Join(dir, c.file), oldContent)
			}
			want := 1 // warnings.yaml
			if c.file != "" {
				want++
			}
			if entries, _ := os.ReadDir(dir); len(entries) != want {
				t.Errorf("files left behind: %v", entries)
			}
		})
	}
}

// TestInterruptWhileWritingToPipe: a report written to a named pipe waits
// for a reader; Ctrl-C ends the wait (kvet used to ignore it there).
func TestInterruptWhileWritingToPipe(t *testing.T) {
	dir := workdir(t)
	if err := syscall.Mkfifo(filepath.Join(dir, "r.fifo"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cmd, stdout, stderr := startKvet(t, dir, "lint", "-o", "r.fifo", "warnings.yaml")
	code := interrupt(t, cmd, syscall.SIGINT)
	if want := "kvet: interrupted: report not written to r.fifo\n"; code != 130 || stdout.String() != "" || stderr.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 130 and %q", code, stdout, stderr, want)
	}
}

// TestInterruptDuringKustomizeBuild: kustomize takes no context, and a
// tree of bases each included twice, twelve levels deep (38 files, 4,096
// objects), keeps it busy for most of a minute; Ctrl-C must not wait for
// it.
func TestInterruptDuringKustomizeBuild(t *testing.T) {
	dir := t.TempDir()
	kustomizeTree(t, dir, 12)
	cmd, stdout, stderr := startKvet(t, dir, "lint", "l12")
	start := time.Now()
	code := interrupt(t, cmd, syscall.SIGINT)
	// interrupt waits 500 ms before it signals.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("kvet exited %v after Ctrl-C: it waited for kustomize", took-500*time.Millisecond)
	}
	if want := "kvet: interrupted: no report written\n"; code != 130 || stdout.String() != "" || stderr.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 130 and %q", code, stdout, stderr, want)
	}
}

// kustomizeTree writes under dir a tree of kustomizations levels deep,
// l0 to lLEVELS, each level including the one below twice (with the name
// prefixes a- and b-): lLEVELS renders 2^levels ConfigMaps from 3 × levels
// + 2 files, and kustomize's build time grows faster than that.
func kustomizeTree(t *testing.T, dir string, levels int) {
	t.Helper()
	write := func(name, content string) {
		analyzertest.WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	write("l0/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n")
	write("l0/kustomization.yaml", "resources:\n- cm.yaml\n")
	for k := 1; k <= levels; k++ {
		for _, half := range []string{"a", "b"} {
			write(fmt.Sprintf("l%d/%s/kustomization.yaml", k, half), fmt.Sprintf("namePrefix: %s-\nresources:\n- ../../l%d\n", half, k-1))
		}
		write(fmt.Sprintf("l%d/kustomization.yaml", k), "resources:\n- a\n- b\n")
	}
}

// TestKustomizeTimeout: a kustomize build that runs longer than
// kustomize: timeout: is stopped (abandoned) and is one render-failed at
// the kustomization; the run goes on and ends.
func TestKustomizeTimeout(t *testing.T) {
	dir := t.TempDir()
	kustomizeTree(t, dir, 12)
	analyzertest.WriteFile(t, filepath.Join(dir, ".kvet.yaml"), "kustomize:\n  timeout: 1s\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "role.yaml"),
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n")
	start := time.Now()
	o := kvet(t, run{dir: dir, args: []string{"lint", "l12", "role.yaml"}})
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("kvet took %v: the build was not stopped after 1s", took)
	}
	if o.code != 1 {
		t.Errorf("exit %d, want 1\n%s", o.code, o)
	}
	wantLines(t, o.stdout, []*regexp.Regexp{
		regexp.MustCompile(`^l12/kustomization\.yaml:1:1: warning: kustomize build l12 stopped: it ran longer than 1s \(bases included many times over\?\); kustomize: timeout: in \.kvet\.yaml raises the limit \(render-failed\)$`),
		regexp.MustCompile(`^role\.yaml:7:15: warning: .* \(rbac-secrets-access\)$`),
	})
}

// TestFixRefusesStreams: kvet fix reads a process substitution (a pipe
// named /dev/fd/N) but has nowhere to write its fixes: it used to write the
// fixed text into the pipe, where kvet itself read it back as "what
// remains", and to block forever (ignoring the first Ctrl-C) once the
// text was larger than the pipe's buffer. It is now a usage error, before
// anything is read; --diff still reads it.
func TestFixRefusesStreams(t *testing.T) {
	dir := workdir(t)
	manifest := readFile(t, filepath.Join(dir, "warnings.yaml"))
	big := strings.Repeat(manifest+"---\n", 200) // 200 CronJobs with fixes, over 64 KiB
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"fix", "/dev/fd/3"}, 2, "kvet: cannot write fixes back to /dev/fd/3: it is a named pipe, not a file; " +
			"use kvet fix --diff to see them, or kvet fix - to read standard input and write the fixed text to standard output\n" +
			"Run 'kvet fix --help' for usage.\n"},
		{[]string{"fix", "--diff", "-q", "/dev/fd/3"}, 1, ""},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		cmd := exec.CommandContext(ctx, kvetBin, c.args...)
		cmd.Dir = dir
		cmd.Env = kvetEnv(nil)
		cmd.ExtraFiles = []*os.File{r}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		_ = r.Close()
		go func() { _, _ = io.WriteString(w, big); _ = w.Close() }()
		err = cmd.Wait()
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			t.Fatalf("kvet %v did not finish in %v", c.args, runTimeout)
		}
		var exit *exec.ExitError
		code := 0
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		if code != c.code || (c.says != "" && stderr.String() != c.says) {
			t.Errorf("kvet %v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr.String(), c.code, c.says)
		}
		if c.code == 1 && strings.Count(stdout.String(), "+  concurrencyPolicy: Forbid\n") != 200 {
			t.Errorf("kvet %v: the diff does not fix the 200 CronJobs:\n%.2000s", c.args, stdout.String())
		}
	}
}

// TestRunErrorWritesNothing: a run with an error (here an input that does
// not exist) writes no baseline and no report file: a baseline without the
// findings of the missing input would silently drop them. The report of
// the inputs that were read goes to standard output instead.
func TestRunErrorWritesNothing(t *testing.T) {
	dir := workdir(t)
	for _, name := range []string{"b.json", "r.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(oldContent), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o := kvet(t, run{dir: dir, args: []string{"lint", "--write-baseline", "b.json", "warnings.yaml", "missing.yaml"}})
	want := "kvet: reading missing.yaml: no such file or directory\n" +
		"kvet: baseline b.json not written because of the errors above; it keeps its previous content; the report went to standard output instead\n" +
		"kvet: 0 errors, 2 warnings, 0 info in 1 file (1 document); 2 fixable with kvet fix\n"
	if o.code != 2 || o.stderr != want {
		t.Errorf("--write-baseline: %s\nwant exit 2 and stderr %q", o, want)
	}
	wantLines(t, o.stdout, warningsFindings("warnings.yaml"))
	wantFile(t, filepath.Join(dir, "b.json"), oldContent)

	// The report of the inputs that were read goes to stdout instead.
	o = kvet(t, run{dir: dir, args: []string{"lint", "-o", "r.txt", "warnings.yaml", "missing.yaml"}})
	want = "kvet: reading missing.yaml: no such file or directory\n" +
		"kvet: report not written to r.txt because of the errors above; it keeps its previous content; it went to standard output instead\n"
	if o.code != 2 || !strings.HasPrefix(o.stderr, want) {
		t.Errorf("-o: %s\nwant exit 2 and stderr %q", o, want)
	}
	wantLines(t, o.stdout, warningsFindings("warnings.yaml"))
	wantFile(t, filepath.Join(dir, "r.txt"), oldContent)

	// Without errors both are written; the report keeps the file's mode.
	o = kvet(t, run{dir: dir, args: []string{"lint", "-o", "r.txt", "warnings.yaml"}})
	if o.code != 1 {
		t.Errorf("-o without errors: %s", o)
	}
	if fi, err := os.Stat(filepath.Join(dir, "r.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("r.txt mode %v (%v), want 0600 kept", fi.Mode().Perm(), err)
	}
	wantLines(t, readFile(t, filepath.Join(dir, "r.txt")), warningsFindings("warnings.yaml"))
	o = kvet(t, run{dir: dir, args: []string{"lint", "--write-baseline", "b.json", "warnings.yaml"}})
	if o.code != 0 || o.stderr != "kvet: recorded 2 findings in b.json\n" {
		t.Errorf("--write-baseline without errors: %s", o)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSpecialFiles: a FIFO named *.yaml in a folder, a link to /dev/zero
// and a link to a directory named *.yaml are skipped (the first two with a
// note); named on the command line, a FIFO or a device is an error, while
// /dev/stdin is read. Nothing blocks or grows without bound.
func TestSpecialFiles(t *testing.T) {
	dir := workdir(t)
	if err := os.Mkdir(filepath.Join(dir, "k8s"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "k8s", "fifo.yaml"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Rename(filepath.Join(dir, "warnings.yaml"), filepath.Join(dir, "k8s", "warnings.yaml")); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"k8s/zero.yaml": "/dev/zero", "k8s/dir.yaml": "."} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	o := kvet(t, run{dir: dir, args: []string{"lint", "k8s"}})
	if o.code != 1 {
		t.Errorf("exit %d, want 1\n%s", o.code, o)
	}
	wantLines(t, o.stdout, warningsFindings("k8s/warnings.yaml"))
	wantLines(t, o.stderr, []*regexp.Regexp{
		regexp.MustCompile(`^kvet: note: skipped k8s/fifo.yaml: not a regular file \(a named pipe\)$`),
		regexp.MustCompile(`^kvet: note: skipped k8s/zero.yaml: not a regular file \(a character device\)$`),
		regexp.MustCompile(`^kvet: 0 errors, 2 warnings, 0 info in 1 file \(1 document\); 2 fixable with kvet fix$`),
	})

	o = kvet(t, run{dir: dir, args: []string{"lint", "k8s/fifo.yaml", "k8s/zero.yaml", "k8s/warnings.yaml"}})
	if o.code != 2 {
		t.Errorf("named FIFO and device: exit %d, want 2\n%s", o.code, o)
	}
	containsLines(t, o.stderr,
		regexp.MustCompile(`^kvet: reading k8s/fifo.yaml: not a regular file \(a named pipe\); kvet reads pipes and devices only as -, /dev/stdin or a process substitution <\(command\)$`),
		regexp.MustCompile(`^kvet: reading k8s/zero.yaml: not a regular file \(a character device\); `))
	wantLines(t, o.stdout, warningsFindings("k8s/warnings.yaml"))

	manifest := readFile(t, filepath.Join(dir, "k8s", "warnings.yaml"))
	o = kvet(t, run{dir: dir, args: []string{"lint", "/dev/stdin"}, stdin: manifest})
	if o.code != 1 {
		t.Errorf("/dev/stdin: %s", o)
	}
	wantLines(t, o.stdout, warningsFindings("/dev/stdin"))
}

// TestBoundedReads: no file kvet reads can grow without bound: a manifest
// over --max-file-size is one file-too-large finding (the rest is linted);
// .kvet.yaml, --config, --baseline and --policy are refused when they are
// devices (a link to /dev/zero) or over the limit.
func TestBoundedReads(t *testing.T) {
	dir := workdir(t)
	big := strings.Repeat("# padding\n", 300) // 3000 bytes
	for name, content := range map[string]string{"big.yaml": big, "big.rego": "package big\n" + big, "big.json": big} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "policy"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, link := range []string{"zero.yaml", "policy/zero.rego"} {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}

	o := kvet(t, run{dir: dir, args: []string{"lint", "--max-file-size", "2KiB", "big.yaml", "warnings.yaml"}})
	if o.code != 1 {
		t.Errorf("exit %d, want 1\n%s", o.code, o)
	}
	wantLines(t, o.stdout, append([]*regexp.Regexp{
		regexp.MustCompile(`^big.yaml:1:1: error: file is 2.9 KiB, over the 2 KiB limit \(--max-file-size\): not read, so nothing in it was checked; split the file or raise --max-file-size \(file-too-large\)$`),
	}, warningsFindings("warnings.yaml")...))

	refused := regexp.MustCompile(`not a regular file \(a character device\)`)
	tooLarge := regexp.MustCompile(`file is 2.9 KiB, over the 2 KiB limit \(--max-file-size\)`)
	for _, c := range []struct {
		args []string
		want *regexp.Regexp
	}{
		{[]string{"--config", "zero.yaml"}, refused},
		{[]string{"--baseline", "zero.yaml"}, refused},
		{[]string{"--policy", "zero.yaml"}, refused},
		{[]string{"--policy", "policy"}, refused},
		{[]string{"--max-file-size", "2KiB", "--config", "big.yaml"}, tooLarge},
		{[]string{"--max-file-size", "2KiB", "--baseline", "big.json"}, tooLarge},
		{[]string{"--max-file-size", "2KiB", "--policy", "big.rego"}, tooLarge},
	} {
		o := kvet(t, run{dir: dir, args: append(append([]string{"lint"}, c.args...), "warnings.yaml")})
		if o.code != 2 || !c.want.MatchString(o.stderr) {
			t.Errorf("%v: %s\nwant exit 2 and %s", c.args, o, c.want)
		}
	}

	// A .kvet.yaml found by discovery is bounded the same way.
	if err := os.Symlink("/dev/zero", filepath.Join(dir, ".kvet.yaml")); err != nil {
		t.Fatal(err)
	}
	o = kvet(t, run{dir: dir, args: []string{"lint", "warnings.yaml"}})
	if o.code != 2 || o.stderr != "kvet: reading configuration .kvet.yaml: not a regular file (a character device)\n" {
		t.Errorf("discovered .kvet.yaml -> /dev/zero: %s", o)
	}
}

// TestFindingsCap: at most --max-findings findings of one rule in one file
// are shown, then one saying how many more there are; the summary and the
// exit status count them all.
func TestFindingsCap(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  serviceAccountName: app\n  containers:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  - name: c%d\n    image: app:latest\n    resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := kvet(t, run{dir: dir, args: []string{"lint", "--max-findings", "5", "pod.yaml"}})
	var want []*regexp.Regexp
	for i := range 5 {
		want = append(want, finding("pod.yaml", 9+3*i, 12, "warning", "image-tag-mutable"))
	}
	want = append(want, regexp.MustCompile(`^pod.yaml:24:12: warning: 7 more image-tag-mutable findings in this file from here on are not shown: kvet shows at most 5 per rule per file \(--max-findings, or max-findings: in .kvet.yaml; 0 shows all\) \(image-tag-mutable\)$`))
	wantLines(t, o.stdout, want)
	if o.code != 1 || o.stderr != "kvet: 0 errors, 12 warnings, 0 info in 1 file (1 document)\n" {
		t.Errorf("summary or exit: %s", o)
	}
	o = kvet(t, run{dir: dir, args: []string{"lint", "--max-findings", "0", "pod.yaml"}})
	if n := len(lines(o.stdout)); n != 12 {
		t.Errorf("--max-findings 0: %d lines, want 12\n%s", n, o)
	}
	// Three Jobs, each with two findings kvet fix fixes: the summary
	// counts the fixable findings it does not show too.
	var jobs []string
	for _, name := range []string{"a", "b", "c"} {
		jobs = append(jobs, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: "+name+
			"\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: x:1\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "jobs.yaml"), []byte(strings.Join(jobs, "---\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	const summary = "kvet: 0 errors, 12 warnings, 6 info in 1 file (3 documents); 6 fixable with kvet fix\n"
	for _, limit := range []string{"0", "1"} {
		o = kvet(t, run{dir: dir, args: []string{"lint", "--max-findings", limit, "jobs.yaml"}})
		if o.stderr != summary {
			t.Errorf("--max-findings %s: summary %q, want %q", limit, o.stderr, summary)
		}
	}
	if o = kvet(t, run{dir: dir, args: []string{"fix", "--diff", "jobs.yaml"}}); !strings.Contains(o.stderr, "would fix 6 findings") {
		t.Errorf("kvet fix --diff does not fix the 6 findings the summary counts:\n%s", o.stderr)
	}
}

// TestUTF16: a manifest saved as UTF-16 (either byte order, with its byte
// order mark) gets the findings of its UTF-8 text, at the same lines and
// columns, with its suppressions applied, but no fix (the offsets would be
// those of the UTF-8 text, not of the file's bytes), and kvet fix leaves
// it alone.
func TestUTF16(t *testing.T) {
	text := "# Überwachung: nightly report\n" +
		"apiVersion: batch/v1\n" +
		"kind: CronJob\n" +
		"metadata: {name: café-report, namespace: reports}\n" +
		"spec:\n" +
		"  schedule: \"0 2 * * *\"\n" +
		"  timeZone: europe/paris  # kvet:ignore cronjob-timezone-invalid -- zürich wants it so\n" +
		"  jobTemplate:\n" +
		"    spec:\n" +
		"      template:\n" +
		"        spec:\n" +
		"          restartPolicy: Always\n" +
		"          containers:\n" +
		"          - {name: ünïcödé, image: \"app:latest\"}\n"
	dir := t.TempDir()
	files := map[string][]byte{"utf8.yaml": []byte(text), "le.yaml": utf16Bytes(text, false), "be.yaml": utf16Bytes(text, true)}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type diag struct {
		Rule        string          `json:"rule"`
		Range       json.RawMessage `json:"range"`
		Fix         json.RawMessage `json:"fix"`
		Suppression json.RawMessage `json:"suppression"`
	}
	findings := func(name string) []diag {
		o := kvet(t, run{dir: dir, args: []string{"lint", "-f", "json", "--show-suppressed", "--enable", "cronjob-timezone-invalid", name}})
		var rep struct{ Diagnostics []diag }
		if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil || len(rep.Diagnostics) == 0 {
			t.Fatalf("%s: %v\n%s", name, err, o)
		}
		return rep.Diagnostics
	}
	want := findings("utf8.yaml")
	fixes, suppressed := 0, 0
	for _, d := range want {
		if string(d.Fix) != "null" {
			fixes++
		}
		if string(d.Suppression) != "null" {
			suppressed++
		}
	}
	if fixes == 0 || suppressed != 1 {
		t.Fatalf("the UTF-8 file should have fixes and one suppressed finding: %+v", want)
	}
	for _, name := range []string{"le.yaml", "be.yaml"} {
		got := findings(name)
		if len(got) != len(want) {
			t.Errorf("%s: %d findings, want %d", name, len(got), len(want))
			continue
		}
		for i := range want {
			w, g := want[i], got[i]
			if g.Rule != w.Rule || string(g.Range) != string(w.Range) || string(g.Suppression) != string(w.Suppression) || string(g.Fix) != "null" {
				t.Errorf("%s: finding %d = %s %s fix %s suppression %s; want %s %s fix null suppression %s",
					name, i, g.Rule, g.Range, g.Fix, g.Suppression, w.Rule, w.Range, w.Suppression)
			}
		}
		o := kvet(t, run{dir: dir, args: []string{"fix", name}})
		if data, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(data, files[name]) {
			t.Errorf("kvet fix %s changed the file (%v)\n%s", name, err, o)
		}
	}
}

// utf16Bytes encodes s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	units := append([]uint16{0xfeff}, utf16.Encode([]rune(s))...)
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestLongValueInMessage: a 2 MB image string is quoted in the message up
// to 200 characters, followed by its length, not echoed whole.
func TestLongValueInMessage(t *testing.T) {
	dir := t.TempDir()
	image := strings.Repeat("r", 2<<20) + ":latest"
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  serviceAccountName: app\n  containers:\n  - name: c\n    image: " + image +
		"\n    resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}\n"
	if err := os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	o := kvet(t, run{dir: dir, args: []string{"lint", "pod.yaml"}})
	want := regexp.MustCompile(`^pod.yaml:8:12: warning: container "c" image "r{200}"… \(2097159 characters\) is tagged latest, .{0,300}\(image-tag-mutable\)$`)
	wantLines(t, o.stdout, []*regexp.Regexp{want})
}
