package analyzer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// objectSeen reports every object at its metadata.name, so fixtures can
// assert which documents were found and where.
func objectSeen() *analyzer.Rule {
	return &analyzer.Rule{
		ID: "object-seen", Title: "test rule", Severity: analyzer.SeverityInfo, Source: "go",
		Rationale: "test", Remediation: "test",
		Run: func(p *analyzer.Pass) {
			p.Reportf(analyzer.NewPath("metadata", "name"), "%s %s", p.Doc.Kind, p.Doc.Name)
		},
	}
}

func TestLoadFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/load/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".want") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			analyzertest.Run(t, []*analyzer.Rule{objectSeen()}, f)
		})
	}
}

func TestLoadDocumentMetadata(t *testing.T) {
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{"testdata/load/list.yaml"})
	var got []string
	for _, d := range set.Docs {
		got = append(got, fmt.Sprintf("%d/%d %s %s %s/%s line %d", d.Index, d.Item, d.APIVersion, d.Kind, d.Namespace, d.Name, d.Line()))
	}
	want := []string{
		"0/0 rbac.authorization.k8s.io/v1 Role team-a/reader line 4",
		"0/1 batch/v1 Job /migrate line 13",
		"1/0 rbac.authorization.k8s.io/v1 Role b/in-role-list line 30",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("documents:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadStdinAndErrors(t *testing.T) {
	l := analyzer.NewLoader(strings.NewReader("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: piped\n"))
	set := l.Load(context.Background(), []string{"-", "testdata/does-not-exist.yaml", "testdata/load/bom.yaml"})
	if len(set.Errors) != 1 || !strings.Contains(set.Errors[0].Error(), "testdata/does-not-exist.yaml") {
		t.Errorf("errors = %v, want one naming the missing path", set.Errors)
	}
	if len(set.Docs) != 2 || set.Docs[0].File.Path != analyzer.StdinName || set.Docs[0].Name != "piped" || set.Docs[1].Name != "bom-sa" {
		t.Fatalf("docs = %+v, want the stdin document then bom-sa", set.Docs)
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"a.yaml", "b.yml", "c.json", "d.txt", "sub/e.YAML",
		".hidden/f.yaml", "vendor/g.yaml", "node_modules/h.yaml", ".git/i.yaml", "sub/.git/j.yaml",
	} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	explicit := filepath.Join(dir, "d.txt")
	files, errs := analyzer.Discover([]string{dir, explicit, "-"})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for i := range files {
		files[i] = strings.TrimPrefix(files[i], filepath.ToSlash(dir)+"/")
	}
	want := "a.yaml b.yml c.json sub/e.YAML d.txt -"
	if got := strings.Join(files, " "); got != want {
		t.Errorf("Discover = %s, want %s", got, want)
	}
}

func TestSyntaxErrorLines(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
	}{
		{"bad indentation", "a: 1\nb:\n  c: 1\n d: 2\n", 4},
		{"sequence then key", "a: 1\nb:\n  - c\n  d: 2\n", 4},
		{"unclosed quote", "a: 1\nb: \"abc\nc: 2\n", 2},
		{"tab indentation", "a: 1\nb:\n\tc: 2\n", 3},
		{"unclosed flow sequence", "a: 1\nb: [1, 2\nc: 3\n", 2},
		{"mapping in plain scalar", "a: 1\nb: c: d\n", 2},
		{"stray sequence", "a: 1\n- b\n", 2},
		{"reserved character", "a: 1\nb: @x\n", 2},
		{"unknown alias", "a: 1\nb: *nope\n", 2},
		{"error after valid multi-line flow", "x: 1\ny: [a\n  , b]\nz: }\n", 4},
		{"second document", "a: 1\n---\nb: 1\n  c: 2\n", 4},
		{"between implicit documents", "--\n# c\napiVersion: v1\nkind: Pod\n::::\n", 3},
		{"after end marker", "a: 1\n...\nb: [\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &analyzer.File{Path: "x.yaml", Content: []byte(tt.src)}
			_, diags := analyzer.NewLoader(nil).Parse(f)
			if len(diags) != 1 || diags[0].RuleID != analyzer.IDYAMLSyntax {
				t.Fatalf("diagnostics = %+v, want one yaml-syntax", diags)
			}
			if got := diags[0].Range.Start.Line; got != tt.line {
				t.Errorf("line = %d, want %d (%s)", got, tt.line, diags[0].Message)
			}
		})
	}
}

func TestParseNeverPanics(t *testing.T) {
	inputs := []string{
		"", "---", "...", "\xef\xbb\xbf", "\x00\x01", "a: &a [*a]", "kind: List\napiVersion: v1\nitems: 3",
		"apiVersion: v1\nkind: Pod\nspec: [1]", "apiVersion: v1\nkind: Pod\nspec:\n  containers: {a: 1}",
		"apiVersion: 1\nkind: Pod", "apiVersion: v1\nkind: [Pod]", "apiVersion: v1\nkind: Pod\nmetadata: 5",
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"spec\": null}", "apiVersion: v1\nkind: Pod\n? [a]\n: b",
	}
	for _, in := range inputs {
		f := &analyzer.File{Path: "x.yaml", Content: []byte(in)}
		docs, _ := analyzer.NewLoader(nil).Parse(f)
		for _, d := range docs {
			d.Locate(analyzer.NewPath("spec", "containers", 0, "resources"), false)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n    a0: &a0 x\n")
	b.WriteString("spec:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	f := &analyzer.File{Path: "bomb.yaml", Content: []byte(b.String())}
	docs, diags := analyzer.NewLoader(nil).Parse(f)
	if len(docs) != 1 {
		t.Fatalf("docs = %d, want 1", len(docs))
	}
	// The unknown fields l0..l8 are reported; the expansion is never walked.
	if len(diags) != 9 {
		t.Errorf("diagnostics = %d (%v), want 9 unknown-field", len(diags), diags)
	}
}

// An alias bomb behind a field that decodes itself (a resource quantity)
// is cut off by the same node budget, not expanded.
func TestAliasBombInCustomField(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n")
	b.WriteString("    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "    l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("spec:\n  containers:\n  - name: c\n    image: c:1\n    resources:\n      limits:\n        cpu: *l8\n")
	f := &analyzer.File{Path: "bomb.yaml", Content: []byte(b.String())}
	docs, diags := analyzer.NewLoader(nil).Parse(f)
	if len(docs) != 1 {
		t.Fatalf("docs = %d, want 1", len(docs))
	}
	found := false
	for _, d := range diags {
		if d.RuleID == analyzer.IDInvalidValue && d.Range.Start.Line == 21 && strings.Contains(d.Message, "too large after alias expansion") {
			found = true
		}
	}
	if !found {
		t.Errorf("diagnostics %v: want invalid-value (too large) on the cpu key (line 21)", diags)
	}
}

// Aliases that refer to their own ancestor, directly or through a merge
// key, make cyclic node graphs: loading stops with a diagnostic instead of
// recursing forever.
func TestCyclicAliases(t *testing.T) {
	inputs := map[string]string{
		"merge into itself": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n  - &c\n    name: c\n    image: c:1\n    resources: &res\n      <<: *res\n      limits: {cpu: 1}\n",
		"alias to ancestor": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec: &s\n  containers:\n  - name: c\n    image: c:1\n    env: [{name: X, valueFrom: *s}]\n",
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			f := &analyzer.File{Path: "cycle.yaml", Content: []byte(src)}
			docs, _ := analyzer.NewLoader(nil).Parse(f)
			if len(docs) != 1 {
				t.Fatalf("docs = %d, want 1", len(docs))
			}
			docs[0].Locate(analyzer.NewPath("spec", "containers", 0, "resources", "limits", "memory"), false)
			if _, err := docs[0].Value(); err != nil {
				t.Logf("Value: %v", err)
			}
		})
	}
}

// TestUnknownFieldFixes checks the suggested fix of unknown-field: the key
// is renamed when one known field is closest (a typo, a wrong case), in
// the key's quoting, and not when the suggestion is a tie, the mapping
// already has the suggested key, or the key is shared through an alias.
func TestUnknownFieldFixes(t *testing.T) {
	analyzertest.RunWithFixes(t, nil, "testdata/unknown-field")
}
