package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// imageRule reports every container image, at the image value.
func imageRule() *analyzer.Rule {
	return &analyzer.Rule{
		ID: "test-image", Title: "t", Severity: analyzer.SeverityWarning, Kinds: analyzer.PodKinds(), Source: "go",
		Rationale: "t", Remediation: "t",
		Run: func(p *analyzer.Pass) {
			tmpl, ok := analyzer.PodTemplateOf(p.Doc)
			if !ok {
				return
			}
			for _, c := range tmpl.Containers() {
				p.Reportf(c.Path.Key("image"), "image %s", c.Container.Image)
			}
		},
	}
}

func pod(name, image string) string {
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n  containers:\n  - name: app\n    image: " + image + "\n"
}

func lintFiles(t *testing.T, paths ...string) []analyzer.Diagnostic {
	t.Helper()
	set, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), paths, []*analyzer.Rule{imageRule()}, analyzer.Options{})
	for _, err := range append(set.Errors, res.Errors...) {
		t.Fatal(err)
	}
	return res.Diagnostics
}

// unsuppressed renders the diagnostics that are not suppressed as
// "line:col message", and checks that suppressed ones come from the baseline.
func unsuppressed(t *testing.T, diags []analyzer.Diagnostic) []string {
	t.Helper()
	var out []string
	for _, d := range diags {
		if d.Suppression != nil {
			if d.Suppression.Kind != analyzer.SuppressionExternal || d.Suppression.Justification != "recorded in baseline .kvet-baseline.json" {
				t.Errorf("suppression %+v", d.Suppression)
			}
			continue
		}
		out = append(out, fmt.Sprintf("%d:%d %s", d.Range.Start.Line, d.Range.Start.Column, d.Message))
	}
	return out
}

func TestBaselineSurvivesLineShifts(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("deploy", 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join("deploy", "pods.yaml")
	write := func(docs ...string) {
		if err := os.WriteFile(manifest, []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// dup appears twice: two findings with the same fingerprint.
	write(pod("web", "web:latest"), pod("dup", "dup:1"), pod("dup", "dup:1"))
	b, err := NewBaseline(".kvet-baseline.json", lintFiles(t, "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(t.Context()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(".kvet-baseline.json")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "version": 1,
  "findings": [
    {
      "file": "deploy/pods.yaml",
      "kind": "Pod",
      "name": "dup",
      "rule": "test-image",
      "path": "spec.containers[0].image",
      "message": "image dup:1"
    },
    {
      "file": "deploy/pods.yaml",
      "kind": "Pod",
      "name": "dup",
      "rule": "test-image",
      "path": "spec.containers[0].image",
      "message": "image dup:1"
    },
    {
      "file": "deploy/pods.yaml",
      "kind": "Pod",
      "name": "web",
      "rule": "test-image",
      "path": "spec.containers[0].image",
      "message": "image web:latest"
    }
  ]
}
`
	if string(data) != wantJSON {
		t.Errorf("baseline file:\n%s\nwant:\n%s", data, wantJSON)
	}

	// Unrelated edits shift every line: a comment block on top, a new
	// object before the old ones, a changed image tag (same field), and a
	// third copy of dup. Only the new object and one dup are new.
	write("# header\n# more\n\n"+pod("new", "new:1"), pod("web", "web:2.0"), pod("dup", "dup:1"), pod("dup", "dup:1"), pod("dup", "dup:1"))
	b, err = LoadBaseline(t.Context(), ".kvet-baseline.json", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Lint through another spelling of the path: the baseline's files are
	// relative to the baseline, not to the command line.
	abs, err := filepath.Abs(manifest)
	if err != nil {
		t.Fatal(err)
	}
	diags := lintFiles(t, abs)
	if stale := b.Apply(diags, []string{abs}, nil); stale != 0 {
		t.Errorf("stale = %d, want 0", stale)
	}
	want := []string{"11:12 image new:1", "47:12 image dup:1"} // the third dup
	if got := unsuppressed(t, diags); !slices.Equal(got, want) {
		t.Errorf("unsuppressed %q, want %q", got, want)
	}

	// From a subdirectory, with the object gone: one stale entry.
	write(pod("dup", "dup:1"), pod("dup", "dup:1"))
	t.Chdir("deploy")
	b, err = LoadBaseline(t.Context(), "../.kvet-baseline.json", 0)
	if err != nil {
		t.Fatal(err)
	}
	diags = lintFiles(t, "pods.yaml")
	if stale := b.Apply(diags, []string{"pods.yaml"}, nil); stale != 1 {
		t.Errorf("stale = %d, want 1 (web)", stale)
	}
	// A run that did not lint pods.yaml (another file staged) judges none
	// of its entries.
	if stale := b.Apply(nil, []string{"other.yaml"}, nil); stale != 0 {
		t.Errorf("stale = %d for a run on another file, want 0", stale)
	}
	for _, d := range diags {
		if d.Suppression == nil {
			t.Errorf("%s not suppressed", d.Message)
		}
	}
}

// TestBaselineThroughLinks checks that a baseline matches when it or the
// linted files are named through a symbolic link to where it was written:
// a working directory reached through a link, and the baseline named
// through the link's target (git rev-parse --show-toplevel), or the
// other way round.
func TestBaselineThroughLinks(t *testing.T) {
	real, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	t.Chdir(real)
	if err := os.Mkdir("k8s", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("k8s", "pod.yaml"), []byte(pod("web", "web:latest")), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := NewBaseline(".kvet-baseline.json", lintFiles(t, "k8s"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ wd, baseline, file string }{
		{link, filepath.Join(real, ".kvet-baseline.json"), "k8s/pod.yaml"},
		{real, filepath.Join(link, ".kvet-baseline.json"), "k8s/pod.yaml"},
		{real, ".kvet-baseline.json", filepath.Join(link, "k8s", "pod.yaml")},
		{link, ".kvet-baseline.json", filepath.Join(real, "k8s", "pod.yaml")},
	} {
		t.Chdir(tt.wd)
		b, err := LoadBaseline(t.Context(), tt.baseline, 0)
		if err != nil {
			t.Fatal(err)
		}
		diags := lintFiles(t, tt.file)
		if stale := b.Apply(diags, []string{tt.file}, nil); stale != 0 {
			t.Errorf("in %s, baseline %s, file %s: stale = %d, want 0", tt.wd, tt.baseline, tt.file, stale)
		}
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%d:%d %s %v", d.Range.Start.Line, d.Range.Start.Column, d.Message, d.Suppressed()))
		}
		if want := []string{"8:12 image web:latest true"}; !slices.Equal(got, want) {
			t.Errorf("in %s, baseline %s, file %s: %q, want %q (suppressed)", tt.wd, tt.baseline, tt.file, got, want)
		}
	}
}

func TestBaselineSkipsSuppressed(t *testing.T) {
	diags := []analyzer.Diagnostic{
		{RuleID: "r", File: "a.yaml", Message: "kept"},
		{RuleID: "r", File: "a.yaml", Message: "ignored", Suppression: &analyzer.Suppression{Kind: analyzer.SuppressionInSource}},
	}
	b, err := NewBaseline(filepath.Join(t.TempDir(), "b.json"), diags)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Findings) != 1 || b.Findings[0].Message != "kept" {
		t.Errorf("findings %+v", b.Findings)
	}
	// Applying leaves the in-source suppression as it was.
	b.Apply(diags, []string{"a.yaml"}, nil)
	if diags[1].Suppression.Kind != analyzer.SuppressionInSource || diags[0].Suppression == nil {
		t.Errorf("after Apply: %+v %+v", diags[0].Suppression, diags[1].Suppression)
	}
}

func TestLoadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		`{"version": 2, "findings": []}`:              "baseline version 2 is not supported (want 1); rewrite it with kvet lint --write-baseline",
		`[1, 2]`:                                      "not a kvet baseline: the file is a JSON array (after byte 1)",
		`{"version": 1, "findings": "x"}`:             `not a kvet baseline: "findings" is a JSON string (after byte 30)`,
		`{"version": 1, "findings": [{"file": 3}]}`:   `not a kvet baseline: "findings.file" is a JSON number (after byte 38)`,
		`{"version": 1, "findings": [{"file": "a"}]}`: "finding 1 has no file or rule",
	}
	for content, want := range tests {
		p := filepath.Join(dir, "b.json")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadBaseline(t.Context(), p, 0)
		if err == nil || err.Error() != p+": "+want {
			t.Errorf("%s: got %v, want %s", content, err, want)
		}
	}
	if _, err := LoadBaseline(t.Context(), filepath.Join(dir, "missing.json"), 0); err == nil || !strings.Contains(err.Error(), "reading baseline") {
		t.Errorf("missing file: %v", err)
	}
}

// TestBaselineEncoding checks that Write's text is what encoding/json's
// Encoder, indenting by two spaces, writes for the baseline (the format
// kvet has always written, which users keep in their repositories): with
// no finding, one, and several with the characters the encoder escapes.
func TestBaselineEncoding(t *testing.T) {
	for _, findings := range [][]BaselineEntry{
		{},
		{{File: "a.yaml", Rule: "r"}},
		{
			{File: "a b/é.yaml", Kind: "Job", Namespace: "ns", Name: "n", Rule: "r", Path: "spec.x[0]", Message: "say \"<&>\"\n\ttab \u2028 é \x01"},
			{File: "z.yaml", Kind: "Role", Rule: "rbac-x", Message: "plain"},
		},
	} {
		b := &Baseline{Version: BaselineVersion, Findings: findings}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(b); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := b.encode(&got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d findings:\ngot\n%s\nwant\n%s", len(findings), got.String(), want.String())
		}
	}
}

// TestIsBaseline: a file Write wrote is a baseline; other JSON, YAML, a
// missing file and a directory are not (and nothing blocks on them).
func TestIsBaseline(t *testing.T) {
	dir := t.TempDir()
	written := filepath.Join(dir, "b.json")
	b, err := NewBaseline(written, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Write(context.Background()); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"other.json":   `{"findings": [], "version": 1}`,
		"report.json":  `{"version": 1, "tool": {"name": "kvet"}}`,
		"pod.yaml":     "apiVersion: v1\nkind: Pod\n",
		"partial.json": `{"version": 1, "findings"`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !IsBaseline(written) {
		t.Errorf("%s: written by Write, not a baseline", written)
	}
	for _, name := range []string{"other.json", "report.json", "pod.yaml", "partial.json", "missing.json", "."} {
		if IsBaseline(filepath.Join(dir, name)) {
			t.Errorf("%s is a baseline", name)
		}
	}
}
