//go:build unix

package kustomize_test

import (
	"fmt"
	"os"
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
