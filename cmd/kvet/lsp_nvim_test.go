package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/render/helm/helmtest"
)

// nvimCronJob has two findings with fixes, cronjob-concurrency-allow at
// spec: (line 5) and job-restart-policy-invalid at Always (line 16); the
// container's name has characters that take 2 UTF-16 units and 4 bytes,
// so the columns of a finding after it differ in every encoding.
const nvimCronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 2 * * *"
  timeZone: Etc/UTC
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      backoffLimit: 2
      activeDeadlineSeconds: 3600
      template:
        spec:
          serviceAccountName: reports
          restartPolicy: Always
          containers:
          - {name: "é🚀", image: "reports:1.4.2", resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}}
`

// nvimDiag is a diagnostic as Neovim holds it: 0-based lines, 0-based byte
// columns (the client converts from the server's UTF-16).
type nvimDiag struct {
	Lnum     int    `json:"lnum"`
	Col      int    `json:"col"`
	EndLnum  int    `json:"end_lnum"`
	EndCol   int    `json:"end_col"`
	Severity int    `json:"severity"` // 1 error, 2 warning, 3 info
	Code     string `json:"code"`
	Source   string `json:"source"`
}

// nvimRecord is what testdata/lsp/e2e.lua records: the diagnostics and
// buffer lines at each step, the code actions offered, the one applied and
// the hover text.
type nvimRecord struct {
	Error   *string  `json:"error"`
	Actions []string `json:"actions"`
	Applied string   `json:"applied"`
	Hover   string   `json:"hover"`
	Steps   []struct {
		Name        string     `json:"name"`
		OK          bool       `json:"ok"`
		Diagnostics []nvimDiag `json:"diagnostics"`
		Lines       []string   `json:"lines"`
	} `json:"steps"`
}

// runNeovim runs testdata/lsp/e2e.lua in a headless Neovim on file, in the
// directory dir, with the script's settings env (KVET_FIX_LINE, ...), and
// returns its record. Without nvim the test skips.
func runNeovim(t *testing.T, dir, file string, env ...string) nvimRecord {
	t.Helper()
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim not found: install Debian's neovim (scripts/test.sh does) to run the end-to-end language server test")
	}
	script, err := filepath.Abs(filepath.Join("testdata", "lsp", "e2e.lua"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "record.json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-n", "-i", "NONE", "-c", "luafile "+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KVET_BIN="+kvetBin, "KVET_FILE="+file, "KVET_OUT="+out, "HOME="+dir, "XDG_STATE_HOME="+dir, "XDG_CACHE_HOME="+dir)
	cmd.Env = append(cmd.Env, env...)
	output, err := cmd.CombinedOutput()
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatalf("neovim wrote no record (%v): %v\n%s", rerr, err, output)
	}
	var rec nvimRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("record %s: %v", data, err)
	}
	if rec.Error != nil {
		t.Fatalf("neovim: %s\nrecord: %s\noutput: %s", *rec.Error, data, output)
	}
	if len(rec.Steps) != 3 {
		t.Fatalf("steps: %s", data)
	}
	return rec
}

// check compares the diagnostics of a step of rec with want.
func (rec nvimRecord) check(t *testing.T, step int, want ...nvimDiag) {
	t.Helper()
	got := rec.Steps[step].Diagnostics
	if len(got) != len(want) {
		t.Errorf("%s: diagnostics %+v, want %+v", rec.Steps[step].Name, got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: diagnostic %d is %+v, want %+v", rec.Steps[step].Name, i, got[i], want[i])
		}
	}
}

// TestLSPWithNeovim drives kvet lsp from Neovim's built-in LSP client:
// diagnostics of a bad CronJob, a quick fix applied by the client, and a
// new problem typed into the buffer. scripts/test.sh installs Debian's
// neovim; without nvim the test skips.
func TestLSPWithNeovim(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "nightly.yaml")
	if err := os.WriteFile(file, []byte(nvimCronJob), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := runNeovim(t, dir, file, "KVET_FIX_LINE=15")

	concurrency := nvimDiag{Lnum: 4, Col: 0, EndLnum: 4, EndCol: 4, Severity: 2, Code: "cronjob-concurrency-allow", Source: "kvet"}
	restart := nvimDiag{Lnum: 15, Col: 25, EndLnum: 15, EndCol: 31, Severity: 1, Code: "job-restart-policy-invalid", Source: "kvet"}
	// "reports:latest" after `- {name: "é🚀", image: `: 0-based code points
	// 32..48, UTF-16 units 33..49 on the wire, bytes 36..52 in Neovim.
	image := nvimDiag{Lnum: 17, Col: 36, EndLnum: 17, EndCol: 52, Severity: 2, Code: "image-tag-mutable", Source: "kvet"}
	rec.check(t, 0, concurrency, restart)

	if rec.Applied != "Set restartPolicy: Never (job-restart-policy-invalid)" {
		t.Errorf("applied %q of %q", rec.Applied, rec.Actions)
	}
	for _, want := range []string{"Ignore job-restart-policy-invalid on this line (kvet:ignore)", "Ignore job-restart-policy-invalid in this document (kvet:ignore-document)"} {
		if !strings.Contains(strings.Join(rec.Actions, "\n"), want) {
			t.Errorf("actions %q lack %q", rec.Actions, want)
		}
	}
	fixed := strings.Replace(nvimCronJob, "restartPolicy: Always", "restartPolicy: Never", 1)
	if got := strings.Join(rec.Steps[1].Lines, "\n") + "\n"; got != fixed {
		t.Errorf("buffer after the fix:\n%s\nwant:\n%s", got, fixed)
	}
	rec.check(t, 1, concurrency)
	rec.check(t, 2, concurrency, image)
	if !strings.Contains(rec.Hover, "## `image-tag-mutable`") || !strings.Contains(rec.Hover, "**What to do.**") {
		t.Errorf("hover: %q", rec.Hover)
	}
}

// nvimPatch is a Kustomize patch of the CronJob of
// testdata/render/kustomize/overlays.txtar (production overlay): linted
// as it is, it would be a whole CronJob with eight findings.
const nvimPatch = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  concurrencyPolicy: Allow
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
`

// TestLSPWithNeovimPatch drives kvet lsp from Neovim on a Kustomize patch
// file: the diagnostics are those of the rendered overlay at the patch's
// lines (not those of a whole object), the quick fix edits the patch, and
// a restart policy typed into the patch is reported there.
func TestLSPWithNeovimPatch(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	helmtest.Extract(t, filepath.Join("..", "..", "testdata", "render", "kustomize", "overlays.txtar"), dir)
	file := filepath.Join(dir, "overlays", "production", "concurrency.yaml")
	if err := os.WriteFile(file, []byte(nvimPatch), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := runNeovim(t, dir, file, "KVET_ROOT="+dir, "KVET_MIN=1", "KVET_FIX_LINE=5",
		"KVET_EDIT_FROM=OnFailure", "KVET_EDIT_TO=Always", "KVET_NEW_CODE=job-restart-policy-invalid")
	rec.check(t, 0, nvimDiag{Lnum: 5, Col: 21, EndLnum: 5, EndCol: 26, Severity: 2, Code: "cronjob-concurrency-allow", Source: "kvet"})
	if rec.Applied != "Set concurrencyPolicy: Forbid (cronjob-concurrency-allow)" {
		t.Errorf("applied %q of %q", rec.Applied, rec.Actions)
	}
	if got, want := strings.Join(rec.Steps[1].Lines, "\n")+"\n", strings.Replace(nvimPatch, "Allow", "Forbid", 1); got != want {
		t.Errorf("patch after the fix:\n%s\nwant:\n%s", got, want)
	}
	rec.check(t, 1)
	rec.check(t, 2, nvimDiag{Lnum: 10, Col: 25, EndLnum: 10, EndCol: 31, Severity: 1, Code: "job-restart-policy-invalid", Source: "kvet"})
	if !strings.Contains(rec.Hover, "## `job-restart-policy-invalid`") {
		t.Errorf("hover: %q", rec.Hover)
	}
}
