//go:build unix

package safefile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(p, []byte("kind: Job\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{p, link} {
		got, err := Read(context.Background(), name, 0)
		if err != nil || string(got) != "kind: Job\n" {
			t.Errorf("Read(%s) = %q, %v", name, got, err)
		}
	}
	if _, err := Read(context.Background(), filepath.Join(dir, "missing.yaml"), 0); !errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), dir) {
		t.Errorf("missing file: %v, want a not-exist error without the path", err)
	}
}

func TestReadTooLarge(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(p, bytes.Repeat([]byte("a"), 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(context.Background(), p, 1024)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != 2048 || tl.Limit != 1024 {
		t.Fatalf("err = %v, want TooLargeError{2048, 1024}", err)
	}
	if want := "file is 2 KiB, over the 1 KiB limit (--max-file-size)"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	if got, err := Read(context.Background(), p, 2048); err != nil || len(got) != 2048 {
		t.Errorf("at the limit: %d bytes, %v", len(got), err)
	}
	// A stream has no size: the limit applies to what is read, which is
	// returned (the limit and a byte), the rest left in the stream.
	stream := strings.NewReader(strings.Repeat("b", 5000))
	got, err := ReadStream(context.Background(), stream, 4096)
	if !errors.As(err, &tl) || tl.Size != 0 || tl.Limit != 4096 {
		t.Errorf("stream: err = %v, want TooLargeError{0, 4096}", err)
	}
	if len(got) != 4097 || stream.Len() != 5000-4097 {
		t.Errorf("stream over the limit: %d bytes returned, %d left, want 4097 and %d", len(got), stream.Len(), 5000-4097)
	}
}

// TestReadRefusesSpecialFiles: devices, pipes and directories are refused
// at once, whether named directly or through a symbolic link (x.yaml ->
// /dev/zero would otherwise grow without bound, a FIFO block forever).
func TestReadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		fifo:        "not a regular file (a named pipe)",
		zero:        "not a regular file (a character device)",
		"/dev/null": "not a regular file (a character device)",
		dir:         "not a regular file (a directory)",
	} {
		done := make(chan error, 1)
		go func() { _, err := Read(context.Background(), name, 0); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || err.Error() != want {
				t.Errorf("Read(%s) = %v, want %q", name, err, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Read(%s) blocked", name)
		}
	}
}

// TestReadStreams: process substitutions and /dev/stdin are read although
// they are pipes, and a read that never ends stops when the context does.
func TestReadStreams(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"/dev/stdin", true}, {"/dev/fd/63", true}, {"/proc/self/fd/11", true}, {"/proc/123/fd/4", true},
		{"/dev/fd/", false}, {"/dev/zero", false}, {"/dev/fd/3/x", false}, {"fd/3", false}, {"-", false},
	} {
		if got := IsStreamName(c.name); got != c.want {
			t.Errorf("IsStreamName(%q) = %v", c.name, got)
		}
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	name := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))
	go func() { _, _ = w.WriteString("kind: Role\n"); _ = w.Close() }()
	got, err := Read(context.Background(), name, 0)
	if err != nil || string(got) != "kind: Role\n" {
		t.Errorf("Read(%s) = %q, %v", name, got, err)
	}

	// A pipe nobody closes: cancelling returns at once, with what was
	// read.
	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	defer w2.Close()
	if _, err := w2.WriteString("kind: Role\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Cancelled when the written text is read and the read waits for more.
	var read int
	waiting := readerFunc(func(p []byte) (int, error) {
		if read == len("kind: Role\n") {
			cancel()
		}
		n, err := r2.Read(p)
		read += n
		return n, err
	})
	if got, err := ReadStream(ctx, waiting, 0); !errors.Is(err, context.Canceled) || string(got) != "kind: Role\n" {
		t.Errorf("ReadStream on an open pipe after cancel: %q, %v; want what was written and context.Canceled", got, err)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestParseFormatSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"100", 100}, {"64MiB", 64 << 20}, {"64M", 64 << 20}, {"64mb", 64 << 20}, {"1 GiB", 1 << 30},
		{"512k", 512 << 10}, {"7b", 7},
	} {
		if got, err := ParseSize(c.in); err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "MiB", "-1", "0", "12 parsecs", "1.5MiB", "99999999999999999999"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q): no error", bad)
		}
	}
	for n, want := range map[int64]string{300: "300 bytes", 1536: "1.5 KiB", 64 << 20: "64 MiB", 3 << 30: "3 GiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.json")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	ctx := context.Background()

	if err := WriteAtomic(ctx, p, write("one")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "one", 0o644)

	// A 0600 target stays 0600.
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(ctx, p, write("two")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "two", 0o600)

	// A failing writer or a cancelled context keeps the old content.
	boom := errors.New("boom")
	err := WriteAtomic(ctx, p, func(w io.Writer) error { _, _ = io.WriteString(w, "partial"); return boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := WriteAtomic(cancelled, p, write("three")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	checkFile(t, p, "two", 0o600)

	// A symbolic link stays a link to the new content.
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("report.json", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(ctx, link, write("four")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi, err)
	}
	checkFile(t, p, "four", 0o600)

	// A device is written to, not replaced.
	if err := WriteAtomic(ctx, "/dev/null", write("five")); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", fi, err)
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func checkFile(t *testing.T, p, content string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil || string(data) != content {
		t.Errorf("%s = %q, %v; want %q", p, data, err, content)
	}
	if fi, err := os.Stat(p); err == nil && fi.Mode().Perm() != mode { // a missing file is reported above
		t.Errorf("%s mode = %v; want %v", p, fi.Mode().Perm(), mode)
	}
}

func TestReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	ctx := context.Background()
	if err := os.WriteFile(p, []byte("read"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink("job.yaml", link); err != nil {
		t.Fatal(err)
	}

	// Unchanged since it was read: replaced, through the link, mode kept.
	if err := Replace(ctx, link, []byte("read"), []byte("fixed")); err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, "fixed", 0o640)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced: %v %v", fi, err)
	}

	// Changed since it was read (an editor saved it while kvet ran): the
	// change is kept, whether the file is shorter, as long or longer.
	for _, now := range []string{"user", "users edit", "a longer edit by the user"} {
		if err := os.WriteFile(p, []byte(now), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := Replace(ctx, p, []byte("fixed"+"   "), []byte("fixed again")); !errors.Is(err, ErrChanged) {
			t.Errorf("file now %q: err = %v, want ErrChanged", now, err)
		}
		checkFile(t, p, now, 0o640)
	}

	// Gone since it was read: not created again.
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := Replace(ctx, p, []byte("read"), []byte("fixed")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removed file: err = %v, want not-exist", err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removed file was written again: %v", err)
	}

	// A named pipe (what a process substitution is) is refused without
	// being opened: nothing would read what kvet wrote.
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	var nr *NotRegularError
	if err := Replace(ctx, fifo, []byte("read"), []byte("fixed")); !errors.As(err, &nr) {
		t.Errorf("named pipe: err = %v, want NotRegularError", err)
	}

	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestReplaceHardLinked: a file with other hard links is rewritten in
// place, so that every name still names the one file, with the fixed
// content and its mode; a change made since kvet read it is kept as for
// any file; no backup is left behind.
func TestReplaceHardLinked(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	other := filepath.Join(dir, "other.yaml")
	ctx := context.Background()
	if err := os.WriteFile(p, []byte("read"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(p, other); err != nil {
		t.Skip(err)
	}
	sameFile := func() {
		t.Helper()
		a, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.Stat(other)
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(a, b) {
			t.Errorf("%s and %s are no longer one file", p, other)
		}
	}

	if err := Replace(ctx, other, []byte("read"), []byte("fixed, and longer")); err != nil {
		t.Fatal(err)
	}
	sameFile()
	checkFile(t, p, "fixed, and longer", 0o640)
	if err := Replace(ctx, p, []byte("fixed, and longer"), []byte("short")); err != nil {
		t.Fatal(err)
	}
	sameFile()
	checkFile(t, other, "short", 0o640)

	if err := os.WriteFile(p, []byte("users edit"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Replace(ctx, other, []byte("short"), []byte("fixed again")); !errors.Is(err, ErrChanged) {
		t.Errorf("changed file: err = %v, want ErrChanged", err)
	}
	checkFile(t, other, "users edit", 0o640)

	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("backup or temporary files left behind: %v", entries)
	}
}

// TestReplaceHardLinkedWriteFails: when rewriting a file with other hard
// links in place fails part-way, the content kvet read is written back and
// the backup removed, and Replace returns the write's error; when writing
// it back fails too, the backup is kept, holding that content, and named
// in a *BackupError. The failing writes are made by the write function
// replaceInPlace is given.
func TestReplaceHardLinkedWriteFails(t *testing.T) {
	write := overwrite
	errFull := errors.New("no space left on device")
	for _, restores := range []bool{true, false} {
		dir := t.TempDir()
		p := filepath.Join(dir, "job.yaml")
		if err := os.WriteFile(p, []byte("kvet read this"), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(p, filepath.Join(dir, "other.yaml")); err != nil {
			t.Skip(err)
		}
		calls := 0
		failing := func(f *os.File, content []byte) error {
			calls++
			if calls == 2 && restores {
				return write(f, content)
			}
			if err := write(f, content[:3]); err != nil { // part-written
				return err
			}
			return errFull
		}
		unchanged := func(string) error { return nil }
		err := replaceInPlace(context.Background(), p, []byte("kvet read this"), []byte("the fixed content"), unchanged, failing)
		entries, _ := os.ReadDir(dir)
		var be *BackupError
		switch {
		case calls != 2:
			t.Errorf("restores=%t: %d writes, want the new content's then the old's", restores, calls)
		case restores:
			if !errors.Is(err, errFull) || errors.As(err, &be) || err.Error() != "no space left on device" {
				t.Errorf("restored: err = %v, want the write's error alone", err)
			}
			checkFile(t, p, "kvet read this", 0o640)
			if len(entries) != 2 {
				t.Errorf("restored: the backup was left behind: %v", entries)
			}
		case !errors.As(err, &be) || !errors.Is(err, errFull):
			t.Errorf("not restored: err = %v, want a *BackupError wrapping the write's error", err)
		default:
			if filepath.Dir(be.Backup) != dir || !strings.HasPrefix(filepath.Base(be.Backup), ".job.yaml.kvet-backup-") {
				t.Errorf("not restored: backup %s, want .job.yaml.kvet-backup-* beside the file", be.Backup)
			}
			want := "no space left on device; the file may be left part-written: its content as kvet read it is in " + be.Backup
			if err.Error() != want {
				t.Errorf("not restored: err = %q, want %q", err, want)
			}
			checkFile(t, p, "kve", 0o640) // what the failed write back left
			checkFile(t, be.Backup, "kvet read this", 0o600)
			if len(entries) != 3 {
				t.Errorf("not restored: %v, want the file, its other name and the backup", entries)
			}
		}
	}
}

// TestWriteToPipeCancels: writing a report to a named pipe waits for a
// reader, which may never come; cancelling the context ends the wait.
func TestWriteToPipeCancels(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- WriteAtomic(ctx, fifo, func(w io.Writer) error { _, err := io.WriteString(w, "report"); return err })
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WriteAtomic still blocked 10 s after the context was cancelled")
	}
	// Unblock the abandoned open: read what it writes.
	r, err := os.OpenFile(fifo, os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r)
	_ = r.Close()
	if string(data) != "report" {
		t.Errorf("read %q from the pipe", data)
	}
}

// TestReplaceHardLinkedReadOnly: a file with other hard links that kvet
// may not write is left as it is, with an error that says why, and no
// backup beside it. Root writes read-only files: as root, the test runs
// itself as the user nobody (asNobody).
func TestReplaceHardLinkedReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		asNobody(t)
		return
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(p, []byte("read"), 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(p, filepath.Join(dir, "other.yaml")); err != nil {
		t.Skip(err)
	}
	err := Replace(context.Background(), p, []byte("read"), []byte("fixed"))
	if err == nil || !strings.Contains(err.Error(), "other hard links") {
		t.Errorf("Replace = %v, want an error naming the hard links", err)
	}
	entries, _ := os.ReadDir(dir)
	if got, _ := os.ReadFile(p); string(got) != "read" || len(entries) != 2 {
		t.Errorf("content %q and %d files after a refused write, want it unchanged and no backup", got, len(entries))
	}
}

// asNobody runs the calling test again as the user nobody, from a copy of
// the test binary that every user may run, with runuser (which only root
// may use), and fails with the run's output when it fails; it skips where
// that cannot be done (no runuser, no user nobody).
func asNobody(t *testing.T) {
	t.Helper()
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		t.Skip("running as root, and runuser is not installed to run the test as another user")
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "safefile.test")
	test, err := os.ReadFile(os.Args[0])
	if err == nil {
		err = os.WriteFile(bin, test, 0o755)
	}
	for _, d := range []string{tmp, dir, filepath.Dir(dir)} { // t.TempDir's are the owner's alone
		if err == nil {
			err = os.Chmod(d, 0o777)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(runuser, "-u", "nobody", "--", bin, "-test.run", "^"+t.Name()+"$", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	switch {
	case strings.Contains(string(out), "--- PASS: "+t.Name()):
	case err != nil && !strings.Contains(string(out), "--- "):
		t.Skipf("running as root, and the test could not run as nobody: %v: %s", err, out)
	default:
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}
