package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/internal/cli"
)

// kvetStdin runs the command line with stdin as standard input.
func kvetStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// jobNoLimits is a Job whose only findings are job-backoff-limit-unset and
// job-ttl-missing (both info, both fixable), reported at spec (line 5).
const jobNoLimits = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  activeDeadlineSeconds: 600   # keep this comment
  template:
    spec:
      serviceAccountName: migrate
      restartPolicy: Never
      containers:
      - name: m
        image: m:1.0
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 100m, memory: 64Mi}
`

// jobFixed is jobNoLimits after kvet fix.
var jobFixed = strings.Replace(jobNoLimits, "spec:\n  activeDeadlineSeconds: 600   # keep this comment\n",
	"spec:\n  backoffLimit: 6\n  activeDeadlineSeconds: 600   # keep this comment\n  ttlSecondsAfterFinished: 86400\n", 1)

var fixedLine = regexp.MustCompile(`^(.+):(\d+):(\d+): (fixed|would fix|not applied): .+ \(([a-z0-9-]+)\)$`)

// fixedLines returns the "file:line rule verb" of each fix line of out.
func fixedLines(out string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if m := fixedLine.FindStringSubmatch(l); m != nil {
			got = append(got, m[1]+":"+m[2]+" "+m[5]+" "+m[4])
		}
	}
	return got
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestFixInPlace(t *testing.T) {
	dir := repo(t, map[string]string{"k8s/job.yaml": jobNoLimits, "k8s/pod.yaml": podLimits})
	job, pod := filepath.Join(dir, "k8s", "job.yaml"), filepath.Join(dir, "k8s", "pod.yaml")
	if err := os.Chmod(job, 0o640); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(pod, old, old); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := kvet(t, "fix", "k8s")
	wantFixed := []string{"k8s/job.yaml:5 job-backoff-limit-unset fixed", "k8s/job.yaml:5 job-ttl-missing fixed"}
	if got := fixedLines(stdout); !slices.Equal(got, wantFixed) {
		t.Errorf("fix lines %q, want %q\n%s", got, wantFixed, stdout)
	}
	// What remains is reported as lint does: pod.yaml's finding (no fix), so exit 1.
	if code != 1 || !strings.Contains(stdout, "k8s/pod.yaml:12:7: warning: ") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout)
	}
	if !strings.Contains(stderr, "kvet: fixed 2 findings in 1 file; remaining: 0 errors, 1 warning, 0 info in 2 files (2 documents)") {
		t.Errorf("summary: %q", stderr)
	}
	if got := read(t, job); got != jobFixed {
		t.Errorf("job.yaml after fix:\n%s\nwant:\n%s", got, jobFixed)
	}
	if info, err := os.Stat(job); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("mode of the fixed file: %v %v, want 0640", info.Mode(), err)
	}
	if info, err := os.Stat(pod); err != nil || !info.ModTime().Equal(old) || read(t, pod) != podLimits {
		t.Errorf("pod.yaml (no fixes) was touched: %v", info.ModTime())
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "k8s")); len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	// Idempotent: a second run changes nothing.
	_, stdout, stderr = kvet(t, "fix", "k8s")
	if got := fixedLines(stdout); len(got) != 0 || read(t, job) != jobFixed || !strings.Contains(stderr, "kvet: fixed 0 findings in 0 files;") {
		t.Errorf("second run: %q %q\n%s", got, stderr, read(t, job))
	}
	if code, stdout, _ := kvet(t, "fix", "--diff", "k8s"); code != 0 || stdout != "" {
		t.Errorf("--diff after fix: exit %d, %q", code, stdout)
	}
}

func TestFixDiff(t *testing.T) {
	dir := repo(t, map[string]string{"job.yaml": jobNoLimits})
	code, stdout, stderr := kvet(t, "fix", "--diff", "job.yaml")
	const want = `--- a/job.yaml
+++ b/job.yaml
@@ -3,7 +3,9 @@
 metadata:
   name: migrate
 spec:
+  backoffLimit: 6
   activeDeadlineSeconds: 600   # keep this comment
+  ttlSecondsAfterFinished: 86400
   template:
     spec:
       serviceAccountName: migrate
`
	if code != 1 || stdout != want {
		t.Errorf("exit %d (want 1), diff:\n%s\nwant:\n%s", code, stdout, want)
	}
	if got := fixedLines(stderr); !slices.Equal(got, []string{"job.yaml:5 job-backoff-limit-unset would fix", "job.yaml:5 job-ttl-missing would fix"}) || !strings.Contains(stderr, "kvet: kvet fix would fix 2 findings in 1 file") {
		t.Errorf("report on stderr: %q", stderr)
	}
	if read(t, filepath.Join(dir, "job.yaml")) != jobNoLimits {
		t.Error("--diff wrote the file")
	}
	// The diff is a patch: patch(1) turns the file into what kvet fix writes.
	if patch, err := exec.LookPath("patch"); err == nil {
		cmd := exec.Command(patch, "-p1", "--quiet")
		cmd.Stdin = strings.NewReader(stdout)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch: %v\n%s", err, out)
		}
		if read(t, filepath.Join(dir, "job.yaml")) != jobFixed {
			t.Error("patched file differs from kvet fix's result")
		}
	}
}

// fullWriter is standard output on a full disk (as /dev/full): every
// write fails.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestFixDiffWriteError: kvet fix --diff whose diff cannot be written (a
// full disk) fails with the error, exit 2, as the other commands do, for a
// file and for standard input.
func TestFixDiffWriteError(t *testing.T) {
	repo(t, map[string]string{"job.yaml": jobNoLimits})
	for _, args := range [][]string{{"fix", "--diff", "job.yaml"}, {"fix", "--diff", "-"}} {
		var errb bytes.Buffer
		code := cli.Main(context.Background(), args, strings.NewReader(jobNoLimits), fullWriter{}, &errb)
		if !strings.HasSuffix(errb.String(), "\nkvet: writing standard output: no space left on device\n") || code != cli.ExitError {
			t.Errorf("%v on a full disk: exit %d, stderr %q", args, code, errb.String())
		}
	}
	if read(t, "job.yaml") != jobNoLimits {
		t.Error("--diff wrote the file")
	}
}

// TestFixDiffPatchesAnyPath: the diff applies with patch -p1 from the
// working directory for a path with a space (its header ends with a tab,
// as diff -u writes it) and an absolute path under the working directory
// (its header is relative).
func TestFixDiffPatchesAnyPath(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch here")
	}
	dir := repo(t, map[string]string{"dir with space/job.yaml": jobNoLimits, "abs/job.yaml": jobNoLimits})
	for _, path := range []string{"dir with space/job.yaml", filepath.Join(dir, "abs/job.yaml")} {
		_, stdout, _ := kvet(t, "fix", "--diff", path)
		rel, _ := filepath.Rel(dir, path)
		if !filepath.IsAbs(path) {
			rel = path
		}
		tab := ""
		if strings.Contains(rel, " ") {
			tab = "\t"
		}
		if want := "--- a/" + filepath.ToSlash(rel) + tab + "\n+++ b/" + filepath.ToSlash(rel) + tab + "\n@@"; !strings.HasPrefix(stdout, want) {
			t.Errorf("kvet fix --diff %s: headers\n%s\nwant\n%s", path, stdout[:min(len(stdout), 120)], want)
		}
		cmd := exec.Command(patch, "-p1", "--quiet")
		cmd.Stdin = strings.NewReader(stdout)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("patch -p1 on the diff of %s: %v\n%s", path, err, out)
		}
		if read(t, filepath.Join(dir, rel)) != jobFixed {
			t.Errorf("patched %s differs from kvet fix's result", rel)
		}
	}
	// A working directory reached through a link, and the file named
	// through its target.
	real := t.TempDir()
	writeFile(t, filepath.Join(real, "job.yaml"), jobNoLimits)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	t.Chdir(link)
	if _, stdout, _ := kvet(t, "fix", "--diff", filepath.Join(real, "job.yaml")); !strings.HasPrefix(stdout, "--- a/job.yaml\n+++ b/job.yaml\n") {
		t.Errorf("through a linked working directory: headers\n%s", stdout[:min(len(stdout), 120)])
	}
}

// TestFixSameFindingsAsLint checks that kvet fix fixes exactly the
// findings lint reports: suppressions, the baseline, --disable and the
// configuration are respected, and --rule limits the fixes.
func TestFixSameFindingsAsLint(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		args   []string
		want   []string // fix lines
		exit   int
		result string // job.yaml afterwards
	}{
		{"suppressed", map[string]string{"job.yaml": strings.Replace(jobNoLimits, "spec:\n  active", "spec:   # kvet:ignore job-ttl-missing -- kept for audits\n  active", 1)},
			nil, []string{"job.yaml:5 job-backoff-limit-unset fixed"}, 0,
			strings.Replace(jobNoLimits, "spec:\n  active", "spec:   # kvet:ignore job-ttl-missing -- kept for audits\n  backoffLimit: 6\n  active", 1)},
		{"--disable", map[string]string{"job.yaml": jobNoLimits}, []string{"--disable", "job-backoff-limit-unset"},
			[]string{"job.yaml:5 job-ttl-missing fixed"}, 0,
			strings.Replace(jobNoLimits, "comment\n", "comment\n  ttlSecondsAfterFinished: 86400\n", 1)},
		{"configuration", map[string]string{"job.yaml": jobNoLimits, ".kvet.yaml": "rules:\n  job-ttl-missing: {enabled: false}\n"}, nil,
			[]string{"job.yaml:5 job-backoff-limit-unset fixed"}, 0,
			strings.Replace(jobNoLimits, "spec:\n  active", "spec:\n  backoffLimit: 6\n  active", 1)},
		{"excluded", map[string]string{"job.yaml": jobNoLimits, ".kvet.yaml": "exclude: [job.yaml]\n"}, nil, nil, 0, jobNoLimits},
		{"--rule", map[string]string{"job.yaml": jobNoLimits}, []string{"--rule", "job-ttl-missing"},
			[]string{"job.yaml:5 job-ttl-missing fixed"}, 0,
			strings.Replace(jobNoLimits, "comment\n", "comment\n  ttlSecondsAfterFinished: 86400\n", 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := repo(t, tc.files)
			code, stdout, stderr := kvet(t, append(append([]string{"fix"}, tc.args...), ".")...)
			if got := fixedLines(stdout); code != tc.exit || !slices.Equal(got, tc.want) {
				t.Errorf("exit %d, fixes %q; want %d, %q\n%s%s", code, got, tc.exit, tc.want, stdout, stderr)
			}
			if got := read(t, filepath.Join(dir, "job.yaml")); got != tc.result {
				t.Errorf("job.yaml:\n%s\nwant:\n%s", got, tc.result)
			}
		})
	}

	t.Run("baseline", func(t *testing.T) {
		dir := repo(t, map[string]string{"job.yaml": jobNoLimits})
		if code, _, stderr := kvet(t, "lint", "--write-baseline", "base.json", "job.yaml"); code != 0 {
			t.Fatal(stderr)
		}
		code, stdout, stderr := kvet(t, "fix", "--baseline", "base.json", "job.yaml")
		if code != 0 || len(fixedLines(stdout)) != 0 || read(t, filepath.Join(dir, "job.yaml")) != jobNoLimits {
			t.Errorf("baselined findings were fixed: exit %d\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("unknown rule", func(t *testing.T) {
		repo(t, map[string]string{"job.yaml": jobNoLimits})
		if code, _, stderr := kvet(t, "fix", "--rule", "job-ttl-mising", "job.yaml"); code != cli.ExitError || !strings.Contains(stderr, `unknown rule "job-ttl-mising"; did you mean "job-ttl-missing"?`) {
			t.Errorf("exit %d, %q", code, stderr)
		}
	})
}

func TestFixSymlink(t *testing.T) {
	dir := repo(t, map[string]string{"real/job.yaml": jobNoLimits})
	link := filepath.Join(dir, "job.yaml")
	if err := os.Symlink(filepath.Join("real", "job.yaml"), link); err != nil {
		t.Skip(err)
	}
	if code, stdout, stderr := kvet(t, "fix", "job.yaml"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", info.Mode(), err)
	}
	if read(t, filepath.Join(dir, "real", "job.yaml")) != jobFixed {
		t.Error("the link's target was not fixed")
	}
}

func TestFixStdin(t *testing.T) {
	repo(t, map[string]string{
		".kvet.yaml":        "exclude: [\"generated/**\"]\n",
		"team/.kvet.yaml":   "rules:\n  job-ttl-missing: {enabled: false}\n",
		"generated/x.yaml":  "",
		"team/placeholder":  "",
		"other/placeholder": "",
	})
	tests := []struct {
		name   string
		args   []string
		stdout string
		fixes  []string
	}{
		{"plain", []string{"fix", "-"}, jobFixed, []string{"<stdin>:5 job-backoff-limit-unset fixed", "<stdin>:5 job-ttl-missing fixed"}},
		{"as a file", []string{"fix", "--stdin-filename", "other/job.yaml", "-"}, jobFixed,
			[]string{"other/job.yaml:5 job-backoff-limit-unset fixed", "other/job.yaml:5 job-ttl-missing fixed"}},
		{"configuration found from the file's directory", []string{"fix", "--stdin-filename", "team/job.yaml", "-"},
			strings.Replace(jobNoLimits, "spec:\n  active", "spec:\n  backoffLimit: 6\n  active", 1),
			[]string{"team/job.yaml:5 job-backoff-limit-unset fixed"}},
		{"excluded: written back unchanged", []string{"fix", "--stdin-filename", "generated/job.yaml", "-"}, jobNoLimits, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := kvetStdin(t, jobNoLimits, tc.args...)
			if code != 0 || stdout != tc.stdout {
				t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", code, stdout, tc.stdout, stderr)
			}
			if got := fixedLines(stderr); !slices.Equal(got, tc.fixes) {
				t.Errorf("fixes on stderr %q, want %q", got, tc.fixes)
			}
		})
	}
	// Unparseable input is written back as it came.
	const broken = "apiVersion: v1\nkind: Pod\nmetadata: [\n"
	if code, stdout, _ := kvetStdin(t, broken, "fix", "-"); stdout != broken || code != 1 {
		t.Errorf("broken input: exit %d, %q", code, stdout)
	}
	// So is input kvet fix cannot even start on (a broken configuration,
	// a missing policy directory): an editor's buffer is never emptied.
	for _, args := range [][]string{{"fix", "--policy", "no-such-dir", "-"}, {"fix", "--baseline", "no-such.json", "-"}} {
		if code, stdout, stderr := kvetStdin(t, jobNoLimits, args...); stdout != jobNoLimits || code != cli.ExitError ||
			!strings.Contains(stderr, "standard input written back unchanged") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	// So is input over --max-file-size, whole (what was read before the
	// limit, then the rest), with an error.
	if code, stdout, stderr := kvetStdin(t, jobNoLimits, "fix", "--max-file-size", "100", "-"); stdout != jobNoLimits || code != cli.ExitError ||
		!strings.Contains(stderr, "over the 100 bytes limit (--max-file-size); written back unchanged") {
		t.Errorf("input over the limit: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := kvetStdin(t, "", "fix", "--stdin-filename", "a.yaml", "a.yaml"); code != cli.ExitError || !strings.Contains(stderr, "give - as the PATH") {
		t.Errorf("--stdin-filename without -: exit %d %q", code, stderr)
	}
}

// TestFixFileNamedTwice: a file named twice (here itself and a symbolic
// link to it) is fixed once, under its first name.
func TestFixFileNamedTwice(t *testing.T) {
	dir := repo(t, map[string]string{"job.yaml": jobNoLimits})
	if err := os.Symlink("job.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Skip(err)
	}
	code, stdout, stderr := kvet(t, "fix", "job.yaml", "link.yaml")
	want := []string{"job.yaml:5 job-backoff-limit-unset fixed", "job.yaml:5 job-ttl-missing fixed"}
	if got := fixedLines(stdout); code != 0 || !slices.Equal(got, want) {
		t.Errorf("exit %d, fix lines %q, want %q\n%s%s", code, got, want, stdout, stderr)
	}
	if !strings.Contains(stderr, "kvet: fixed 2 findings in 1 file;") {
		t.Errorf("summary: %q", stderr)
	}
	if got := read(t, filepath.Join(dir, "job.yaml")); got != jobFixed {
		t.Errorf("job.yaml after fix:\n%s\nwant:\n%s", got, jobFixed)
	}
}

// TestFixHardLinked: a file named by a directory and by a hard link is
// fixed once, under its first name, in every round, and the two names stay
// one file holding the fixes (it is rewritten in place: a new file renamed
// over one name would leave the other with the old content, and read as
// another file in the next round).
func TestFixHardLinked(t *testing.T) {
	dir := repo(t, map[string]string{"d/job.yaml": jobNoLimits})
	if err := os.Link(filepath.Join(dir, "d", "job.yaml"), filepath.Join(dir, "hard.yaml")); err != nil {
		t.Skip(err)
	}
	code, stdout, stderr := kvet(t, "fix", "d", "hard.yaml")
	want := []string{"d/job.yaml:5 job-backoff-limit-unset fixed", "d/job.yaml:5 job-ttl-missing fixed"}
	if got := fixedLines(stdout); code != 0 || !slices.Equal(got, want) || !strings.Contains(stdout, "d/job.yaml:5:1: fixed: Set backoffLimit: 6 ") {
		t.Errorf("exit %d, fix lines %q, want %q\n%s%s", code, got, want, stdout, stderr)
	}
	if !strings.Contains(stderr, "kvet: fixed 2 findings in 1 file;") {
		t.Errorf("summary: %q", stderr)
	}
	for _, name := range []string{"d/job.yaml", "hard.yaml"} {
		if got := read(t, filepath.Join(dir, name)); got != jobFixed {
			t.Errorf("%s after fix:\n%s\nwant:\n%s", name, got, jobFixed)
		}
	}
	a, errA := os.Stat(filepath.Join(dir, "d", "job.yaml"))
	b, errB := os.Stat(filepath.Join(dir, "hard.yaml"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("d/job.yaml and hard.yaml are no longer one file (%v, %v)", errA, errB)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "d")); len(entries) != 1 {
		t.Errorf("files left beside d/job.yaml: %v", entries)
	}
}

// Interrupted (Ctrl-C), kvet fix writes no file (each keeps its content),
// says so and exits 130; fix - writes its input back unchanged.
func TestFixInterrupted(t *testing.T) {
	repo(t, map[string]string{"job.yaml": jobNoLimits})
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cli.Interrupted{Signal: os.Interrupt})
	var out, errb bytes.Buffer
	code := cli.Main(ctx, []string{"fix", "job.yaml"}, strings.NewReader(""), &out, &errb)
	if code != cli.ExitInterrupted || errb.String() != "kvet: interrupted: no file fixed\n" || read(t, "job.yaml") != jobNoLimits {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	code = cli.Main(ctx, []string{"fix", "-"}, strings.NewReader(jobNoLimits), &out, &errb)
	if code != cli.ExitInterrupted || out.String() != jobNoLimits && out.String() != "" {
		t.Errorf("fix -: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// waitReader reads a pipe and closes waiting when it is called to read
// again after it read n bytes: its reader then has them, and waits for
// more.
type waitReader struct {
	r       *os.File
	n, read int
	once    sync.Once
	waiting chan struct{}
}

func (w *waitReader) Read(p []byte) (int, error) {
	if w.read >= w.n {
		w.once.Do(func() { close(w.waiting) })
	}
	n, err := w.r.Read(p)
	w.read += n
	return n, err
}

// TestFixStdinInterruptedWhileReading: kvet fix - interrupted while it
// waits for the rest of standard input (a pipe its writer keeps open)
// writes back what it read, unchanged, says so and exits 130, as when
// interrupted later: an editor's buffer is not emptied.
func TestFixStdinInterruptedWhileReading(t *testing.T) {
	repo(t, nil)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := w.WriteString(jobNoLimits); err != nil {
		t.Fatal(err)
	}
	stdin := &waitReader{r: r, n: len(jobNoLimits), waiting: make(chan struct{})}
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		<-stdin.waiting
		cancel(cli.Interrupted{Signal: os.Interrupt})
	}()
	var out, errb bytes.Buffer
	code := cli.Main(ctx, []string{"fix", "-"}, stdin, &out, &errb)
	want := fmt.Sprintf("kvet: interrupted while reading standard input: the %d bytes read written back unchanged\n", len(jobNoLimits))
	if code != cli.ExitInterrupted || out.String() != jobNoLimits || errb.String() != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit %d, the input and %q", code, out.String(), errb.String(), cli.ExitInterrupted, want)
	}
}

// A fix may make another possible (a misspelt key renamed, then its value
// fixed; a time zone corrected, then the CRON_TZ= prefix it names
// removed): kvet fix fixes its own result again until nothing changes, so
// a second kvet fix (and kvet fix --diff) changes nothing.
func TestFixRounds(t *testing.T) {
	const cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n" +
		"  schedule: \"CRON_TZ=Europe/Paris 0 3 * * *\"\n  timeZone: europe/paris\n  concurrencypolicy: Allow\n" +
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n" +
		"          containers: [{name: a, image: \"busybox:1.0\"}]\n"
	const want = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n" +
		"  schedule: \"0 3 * * *\"\n  timeZone: Europe/Paris\n  concurrencyPolicy: Forbid\n" +
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n" +
		"          containers: [{name: a, image: \"busybox:1.0\"}]\n"
	repo(t, map[string]string{"cron.yaml": cron})
	rules := "unknown-field,cronjob-concurrency-allow,cronjob-timezone-invalid,cronjob-schedule-timezone"
	code, stdout, stderr := kvet(t, "fix", "--rule", rules, "cron.yaml")
	if got := read(t, "cron.yaml"); got != want || !strings.Contains(stderr, "kvet: fixed 4 findings in 1 file;") {
		t.Fatalf("exit %d, cron.yaml:\n%s\nwant:\n%s\nstdout %s\nstderr %s", code, got, want, stdout, stderr)
	}
	if code, stdout, stderr := kvet(t, "fix", "--diff", "--rule", rules, "cron.yaml"); code != 0 || stdout != "" {
		t.Errorf("a second run: exit %d, diff %q (%s)", code, stdout, stderr)
	}
	// The same through standard input.
	if _, stdout, _ := kvetStdin(t, cron, "fix", "--rule", rules, "-"); stdout != want {
		t.Errorf("fix -:\n%s\nwant:\n%s", stdout, want)
	}
}
