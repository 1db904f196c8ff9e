//go:build unix

package kustomize_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// TestHostileSources: files that a kustomization reads go through the
// loader's bounded read. A resource that is a named pipe, a symbolic link
// to /dev/zero or over --max-file-size, and a patch that is a named pipe,
// each give render-failed at the kustomization entry naming them, without
// hanging; a sound overlay beside them is rendered.
func TestHostileSources(t *testing.T) {
	t.Chdir(t.TempDir())
	sa := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n"
	analyzertest.WriteFile(t, "fifo/kustomization.yaml", "resources:\n- pipe.yaml\n")
	analyzertest.WriteFile(t, "zero/kustomization.yaml", "resources:\n- zero.yaml\n")
	analyzertest.WriteFile(t, "big/kustomization.yaml", "resources:\n- big.yaml\n")
	analyzertest.WriteFile(t, "big/big.yaml", sa+strings.Repeat("# padding\n", 1000))
	analyzertest.WriteFile(t, "fifopatch/kustomization.yaml", "resources:\n- sa.yaml\npatches:\n- path: pipe.yaml\n")
	analyzertest.WriteFile(t, "fifopatch/sa.yaml", sa)
	analyzertest.WriteFile(t, "good/kustomization.yaml", "resources:\n- sa.yaml\n")
	analyzertest.WriteFile(t, "good/sa.yaml", sa)
	for _, p := range []string{"fifo/pipe.yaml", "fifopatch/pipe.yaml"} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
	}
	if err := os.Symlink("/dev/zero", "zero/zero.yaml"); err != nil {
		t.Fatal(err)
	}

	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(kustomize.New())
	loader.MaxFileSize = 4096
	set, res := analyzertest.LintWithin(t, loader, []string{"."}, time.Minute)
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, fmt.Sprintf("%s:%d %s", d.File, d.Range.Start.Line, d.RuleID))
		if d.RuleID == analyzer.IDRenderFailed {
			t.Logf("%s:%d: %s", d.File, d.Range.Start.Line, d.Message)
		}
	}
	want := []string{
		"big/big.yaml:1 file-too-large", // the resource file of an overlay that does not render is linted as it is
		"big/kustomization.yaml:2 render-failed",
		"fifo/kustomization.yaml:2 render-failed",
		"fifopatch/kustomization.yaml:4 render-failed",
		"zero/kustomization.yaml:2 render-failed",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics %v, want %v", got, want)
	}
	for _, d := range res.Diagnostics {
		// kustomize refuses the link out of its root before reading it.
		if !strings.Contains(d.Message, "over the 4 KiB limit") && !strings.Contains(d.Message, "not a regular file") &&
			!strings.Contains(d.Message, "is not in or below") {
			t.Errorf("%s: message does not say why: %s", d.File, d.Message)
		}
	}
	rendered := 0
	for _, r := range set.Renderings {
		rendered += len(r.Docs)
	}
	if rendered != 1 {
		t.Errorf("%d objects rendered, want good/'s ServiceAccount", rendered)
	}
}

// TestBuildTimeout: kustomize takes no context, so a build over its time
// limit is given up on (a render-failed at the kustomization) and runs on;
// while it does, a later run sharing the renderer's Running does not start
// another build of the same kustomization (the language server lints on
// every change, and would pile them up).
func TestBuildTimeout(t *testing.T) {
	t.Chdir(t.TempDir())
	// Nine levels of bases each included twice: 512 objects, seconds of
	// kustomize's time.
	analyzertest.WriteFile(t, "l0/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n")
	analyzertest.WriteFile(t, "l0/kustomization.yaml", "resources:\n- cm.yaml\n")
	for k := 1; k <= 9; k++ {
		for _, half := range []string{"a", "b"} {
			analyzertest.WriteFile(t, fmt.Sprintf("l%d/%s/kustomization.yaml", k, half), fmt.Sprintf("namePrefix: %s-\nresources:\n- ../../l%d\n", half, k-1))
		}
		analyzertest.WriteFile(t, fmt.Sprintf("l%d/kustomization.yaml", k), "resources:\n- a\n- b\n")
	}
	var running render.Running
	failure := func() string {
		t.Helper()
		s := render.New(kustomize.NewWithLimits(50*time.Millisecond, &running))
		out, _, errs := s.Render(context.Background(), analyzer.NewLoader(nil), []string{"l9/kustomization.yaml"})
		if len(errs) > 0 || len(out) != 1 || len(out[0].Docs) != 0 || len(out[0].Diagnostics) != 1 {
			t.Fatalf("renderings %v, errors %v: want one rendering with one failure", out, errs)
		}
		d := out[0].Diagnostics[0]
		if d.RuleID != analyzer.IDRenderFailed || d.File != "l9/kustomization.yaml" || d.Range.Start.Line != 1 {
			t.Errorf("failure %s %s:%d", d.RuleID, d.File, d.Range.Start.Line)
		}
		return d.Message
	}
	if got, want := failure(), "kustomize build l9 stopped: it ran longer than 50ms (bases included many times over?); kustomize: timeout: in .kvet.yaml raises the limit"; got != want {
		t.Errorf("first run: %q, want %q", got, want)
	}
	if got, want := failure(), "kustomize build l9 not started: an earlier build of it, stopped after 50ms, is still running"; got != want {
		t.Errorf("second run: %q, want %q", got, want)
	}
	// The abandoned build ends by itself; wait for it, so that it does not
	// run on into other tests.
	deadline := time.Now().Add(2 * time.Minute)
	for !running.Start(mustAbs(t, "l9")) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned build did not end in 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustAbs(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestSymlinkedRoot: kustomize resolves symbolic links and reports the
// real paths it read. An overlay named through a link, or linted from a
// working directory reached through one, is rendered with its source
// positions, its resource linted only through the rendering, as when it is
// named by its real path.
func TestSymlinkedRoot(t *testing.T) {
	t.Chdir(t.TempDir())
	analyzertest.WriteFile(t, "real/kustomization.yaml", "namespace: team\nresources:\n- sa.yaml\n")
	analyzertest.WriteFile(t, "real/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n")
	if err := os.Symlink("real", "link"); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	lint := func(dir string) []string {
		t.Helper()
		loader := analyzer.NewLoader(nil)
		loader.Renderer = render.New(kustomize.New())
		name := &analyzer.Rule{ID: "test-name", Severity: analyzer.SeverityInfo, Run: func(p *analyzer.Pass) {
			p.Report(analyzer.Finding{Path: analyzer.NewPath("metadata", "namespace"), Message: p.Doc.Namespace})
		}}
		_, res := analyzer.Lint(context.Background(), loader, []string{dir}, []*analyzer.Rule{name}, analyzer.Options{})
		var got []string
		for _, d := range res.Diagnostics {
			got = append(got, fmt.Sprintf("%s:%d %s %s", d.File, d.Range.Start.Line, d.RuleID, d.Message))
		}
		return got
	}
	// The namespace kustomize set, at its entry; the file not linted as it is.
	want := func(dir string) []string {
		return []string{dir + "kustomization.yaml:1 test-name team"}
	}
	if got := lint("real"); !slices.Equal(got, want("real/")) {
		t.Fatalf("real: %v, want %v", got, want("real/"))
	}
	if got := lint("link"); !slices.Equal(got, want("link/")) {
		t.Errorf("through a link: %v, want %v", got, want("link/"))
	}
	// As a shell does: the working directory named by the link ($PWD),
	// which os.Getwd returns.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("link")
	t.Setenv("PWD", filepath.Join(wd, "link"))
	if cwd, _ := os.Getwd(); cwd != filepath.Join(wd, "link") {
		t.Fatalf("working directory %s, want the link's path", cwd)
	}
	if got := lint("."); !slices.Equal(got, want("")) {
		t.Errorf("from a linked working directory: %v, want %v", got, want(""))
	}
	// An overlay whose base is beside it, outside its directory: kustomize
	// reads the base by its real path, which is the base discovery finds
	// under the linked working directory, so the base is linted through
	// the overlay only (not as a root of its own as well), as from the
	// real directory.
	analyzertest.WriteFile(t, "base/kustomization.yaml", "resources:\n- sa.yaml\n")
	analyzertest.WriteFile(t, "base/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: base\n  namespace: base\n")
	analyzertest.WriteFile(t, "overlay/kustomization.yaml", "namespace: over\nresources:\n- ../base\n")
	for _, in := range []string{filepath.Join(wd, "link"), filepath.Join(wd, "real")} {
		t.Chdir(in)
		t.Setenv("PWD", in)
		for dir, want := range map[string][]string{
			".":       {"kustomization.yaml:1 test-name team", "overlay/kustomization.yaml:1 test-name over"},
			"overlay": {"overlay/kustomization.yaml:1 test-name over"},
		} {
			if got := lint(dir); !slices.Equal(got, want) {
				t.Errorf("in %s, %s with a base beside the overlay: %v, want %v", in, dir, got, want)
			}
		}
	}
}
