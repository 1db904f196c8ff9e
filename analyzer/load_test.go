package analyzer_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
		"2/0 rbac.authorization.k8s.io/v1 Role c/nested line 42",
		"2/1 v1 ServiceAccount c/deeper line 49",
		"2/2 v1 ServiceAccount c/after-nested line 52",
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
		analyzertest.WriteFile(t, filepath.Join(dir, f), "")
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
		{"JSON missing comma after an escape of JSON's", "{\n  \"apiVersion\": \"batch\\/v1\",\n  \"kind\": \"Job\"\n  \"metadata\": {}\n}\n", 4},
		{"JSON missing comma", "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ServiceAccount\",\n  \"metadata\": {\n    \"name\": \"a\"\n    \"namespace\": \"b\"\n  }\n}\n", 6},
		{"JSON two strings", "{\n  \"a\": {\n    \"b\": \"x\" \"y\",\n    \"c\": 1\n  }\n}\n", 3},
		{"JSON never closed", "{\n  \"a\": {\n    \"b\": 1\n  }\n", 1},
		{"JSON inner never closed", "{\n  \"a\": [1, 2,\n  \"b\": 1\n}\n", 2},
		{"escape in multi-line flow mapping", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  labels: {\n    a: b,\n    c: \"\\q\"\n  }\n", 7},
		{"brackets in plain scalars and comments", "a: b[0] # {\nx: y-[1]\nc: [1, # ]\n  \"x\" y]\n", 4},
		{"JSON without indentation", "{\n\"apiVersion\": \"v1\",\n\"kind\": \"ServiceAccount\",\n\"metadata\": {\"name\": \"a\"}\n\"automountServiceAccountToken\": false\n}\n", 5},
		{"apostrophe in a flow plain scalar", "data:\n  k: [a, it's, c,\n      d, e]\n  bad: [x\n  other: 1\n", 4},
		{"after multi-line flow sequence", "verbs: [get,\n  list]\nresources: [\n  pods,\n  \"a\" b,\n]\n", 5},
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

// TestJSONEscapes: the escapes of JSON that YAML's double-quoted scalars
// lack, \/ and UTF-16 surrogates, are read in JSON as kubectl's JSON
// decoder reads them (a lone surrogate is U+FFFD, as in encoding/json),
// in keys and values, and the findings after them on their line keep
// their columns.
func TestJSONEscapes(t *testing.T) {
	src := `{"apiVersion": "batch\/v1", "kind": "Job", "metadata": {"name": "pi-\ud83d\ude00", "extra": 1,
  "annotations": {"a\/\uD83D\uDE80": "x\ud83dy\/", "lone": "\ude00\\/"}},
 "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "registry\/app:1", "imagePullPolicy": "Sometimes"}]}}}}
`
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.json", Content: []byte(src)})
	if len(docs) != 1 {
		t.Fatalf("documents %d, want 1; diagnostics %+v", len(docs), diags)
	}
	d := docs[0]
	if d.APIVersion != "batch/v1" || d.Name != "pi-\U0001F600" {
		t.Errorf("apiVersion %q, name %q; want batch/v1, pi-\U0001F600", d.APIVersion, d.Name)
	}
	if want := map[string]string{"a/\U0001F680": "x\uFFFDy/", "lone": "\uFFFD\\/"}; !maps.Equal(d.Annotations, want) {
		t.Errorf("annotations %q, want %q", d.Annotations, want)
	}
	var image string
	if !d.Decodes(analyzer.NewPath("spec", "template", "spec", "containers", 0, "image"), &image) || image != "registry/app:1" {
		t.Errorf("image %q, want registry/app:1", image)
	}
	var got []string
	for _, dg := range diags {
		r := dg.Range
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %s", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column, dg.RuleID))
	}
	want := []string{"1:84-1:91 unknown-field", "3:116-3:133 invalid-value"}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics %q, want %q (%+v)", got, want, diags)
	}
}

// TestJSONEscapesYAMLLacks: in YAML, and in a JSON string that is not
// valid JSON, the escapes of JSON that YAML's double-quoted scalars lack
// are a yaml-syntax error at the escape, saying what to write instead.
func TestJSONEscapesYAMLLacks(t *testing.T) {
	tests := []struct {
		src, at, hint string
	}{
		{"apiVersion: \"apps\\/v1\"\nkind: Deployment\n", "1:18-1:20", "write / instead"},
		{"metadata:\n  annotations: {note: \"ship it \\ud83d\\ude80\"}\n", "2:32-2:38", `write the character itself, or \U0001F680`},
		{`{"apiVersion": "apps\/v1\x41", "kind": "Deployment"}` + "\n", "1:21-1:23", "write / instead"},
	}
	for _, tt := range tests {
		_, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.json", Content: []byte(tt.src)})
		if len(diags) != 1 {
			t.Fatalf("%q: diagnostics %+v, want one", tt.src, diags)
		}
		r := diags[0].Range
		if at := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column); at != tt.at || !strings.Contains(diags[0].Message, tt.hint) {
			t.Errorf("%q: %s %q, want %s and %q", tt.src, at, diags[0].Message, tt.at, tt.hint)
		}
	}
}

// TestSyntaxErrorKeepsEarlierDocuments: a syntax error at the start of a
// document, which the YAML library meets while reading ahead, before it
// returns the document before, costs only its own document.
func TestSyntaxErrorKeepsEarlierDocuments(t *testing.T) {
	for _, src := range []string{
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: z\n---\nxx\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: after\n",
	} {
		docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "x.yaml", Content: []byte(src)})
		var names []string
		for _, d := range docs {
			names = append(names, d.Name)
		}
		if strings.Join(names, " ") != "z after" || len(diags) != 1 || diags[0].RuleID != analyzer.IDYAMLSyntax || diags[0].Range.Start.Line != 7 {
			t.Errorf("%q: documents %q, diagnostics %+v; want z and after, and one yaml-syntax at line 7", src, names, diags)
		}
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

// bomb writes a document whose nine levels of aliases expand to a billion
// nodes (each list holds ten aliases to the previous one), under key in
// the mapping at indent, then rest.
func bomb(head, indent, rest string) string {
	var b strings.Builder
	b.WriteString(head)
	fmt.Fprintf(&b, "%sl0: &l0 [x, x, x, x, x, x, x, x, x, x]\n", indent)
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "%sl%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", indent, i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString(rest)
	return b.String()
}

// Documents whose aliases expand too much are refused by the loader before
// anything decodes them: one yaml-syntax diagnostic at the first alias, no
// document, whatever field the aliases are under (an unknown field, one
// that decodes itself such as a resource quantity, a free-form one, an
// RBAC rule), and the other documents of the file are linted.
func TestAliasAmplification(t *testing.T) {
	roles := func(n int) string {
		// Each Role expands to a million nodes from 300 bytes: below the
		// API server's ratio limit's floor of 1,000 nodes written, the
		// shape issue 10 found (100 Roles in 49 KB, 73 s of Rego input).
		var b strings.Builder
		for r := range n {
			fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r%d}\nrules:\n- apiGroups: [\"\"]\n  resources: &r0 [a, b, c, d, e, f, g, h, i, j]\n  verbs: &v1 [*r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0, *r0]\n  x2: &v2 [*v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1, *v1]\n  x3: &v3 [*v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2, *v2]\n  x4: &v4 [*v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3, *v3]\n  x5: [*v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4, *v4]\n", r)
		}
		return b.String()
	}
	tests := []struct {
		name, src string
		line, col int
		want      string
	}{
		// l0 is 11 nodes, l(k) 1 + 10 x (1 + l(k-1)); the aliases of
		// l1..l8 produce 10 x (l0 + ... + l7) = 1,358,024,580 nodes.
		{"unknown field", bomb("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\nspec:\n", "  ", ""), 7, 12,
			"invalid YAML: the document's aliases expand to 1358024580 nodes (from 120 written), more than the 100000 kvet accepts in one document; not linted"},
		// And cpu: *l8 adds l8's 1,222,222,221.
		{"quantity", bomb("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n  annotations:\n", "    ", "spec:\n  containers:\n  - name: c\n    image: c:1\n    resources:\n      limits:\n        cpu: *l8\n"), 7, 14,
			"expand to 2580246801 nodes (from 135 written)"},
		{"config map data", bomb("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n", "  ", ""), 7, 12, "expand to 1358024580 nodes"},
		// 110 + 1,210 + 12,210 + 122,210 + 1,222,210.
		{"role", roles(1), 8, 15, "expand to 1357950 nodes (from 88 written)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: next\n"
			docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "bomb.yaml", Content: []byte(src)})
			if len(docs) != 1 || docs[0].Name != "next" {
				t.Errorf("documents %v, want only the next one", docs)
			}
			if len(diags) != 1 || diags[0].RuleID != analyzer.IDYAMLSyntax || diags[0].Range.Start.Line != tt.line ||
				diags[0].Range.Start.Column != tt.col || !strings.Contains(diags[0].Message, tt.want) {
				t.Errorf("diagnostics %+v\nwant one yaml-syntax at %d:%d containing %q", diags, tt.line, tt.col, tt.want)
			}
		})
	}
	// A hundred such Roles: a hundred diagnostics, and no Rego input ever
	// built (this took 73-94 s with the built-in policies).
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "roles.yaml", Content: []byte(roles(100))})
	if len(docs) != 0 || len(diags) != 100 {
		t.Errorf("%d documents, %d diagnostics; want 0 and 100", len(docs), len(diags))
	}
}

// Anchors used as they are meant, a few aliases of shared blocks, are
// fine, and the API server's own limit applies: a large document made
// mostly of aliases is refused even under kvet's node budget.
func TestAliasesWithinBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nx-env: &env\n- {name: A, value: \"1\"}\n- {name: B, value: \"2\"}\nspec:\n  template:\n    spec:\n      containers:\n")
	for i := range 20 {
		fmt.Fprintf(&b, "      - name: c%d\n        image: c:1\n        env: *env\n", i)
	}
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "web.yaml", Content: []byte(b.String())})
	if len(docs) != 1 {
		t.Errorf("documents %v", docs)
	}
	for _, d := range diags {
		if d.RuleID == analyzer.IDYAMLSyntax {
			t.Errorf("diagnostic %+v", d)
		}
	}

	// 206 nodes written, 82,690 from aliases: within kvet's budget,
	// beyond the API server's 99%.
	b.Reset()
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nx: &x [")
	for i := range 99 {
		fmt.Fprintf(&b, "%d, ", i)
	}
	b.WriteString("0]\ny: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\nz: [*y")
	for range 79 {
		b.WriteString(", *y")
	}
	b.WriteString("]\n")
	_, diags = analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "c.yaml", Content: []byte(b.String())})
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "excessive aliasing: 82690 of its 82896 nodes come from aliases") {
		t.Errorf("diagnostics %+v, want excessive aliasing", diags)
	}
}

// Aliases that refer to their own ancestor, directly or through a merge
// key, make infinite documents: refused at the first alias.
func TestCyclicAliases(t *testing.T) {
	inputs := map[string]string{
		"merge into itself": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\nspec:\n  containers:\n  - &c\n    name: c\n    image: c:1\n    resources: &res\n      <<: *res\n      limits: {cpu: 1}\n",
		"alias to ancestor": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec: &s\n  containers:\n  - name: c\n    image: c:1\n    env: [{name: X, valueFrom: *s}]\n",
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			f := &analyzer.File{Path: "cycle.yaml", Content: []byte(src)}
			docs, diags := analyzer.NewLoader(nil).Parse(f)
			if len(docs) != 0 || len(diags) != 1 || !strings.Contains(diags[0].Message, "value contains itself") {
				t.Errorf("documents %v, diagnostics %+v", docs, diags)
			}
		})
	}
}

// TestUnknownFieldFixes checks the suggested fix of unknown-field: the key
// is renamed when one known field is closest (a typo, a wrong case), in
// the key's quoting, and not when the suggestion is a tie, the mapping
// already has the suggested key, the key is shared through an alias, or
// the field would not take the key's value.
func TestUnknownFieldFixes(t *testing.T) {
	diags := analyzertest.RunWithFixes(t, nil, "testdata/unknown-field")
	// The misfits are reported at their keys, with no fix.
	var got []string
	for _, d := range diags {
		if d.Object.Name == "misfits" {
			got = append(got, fmt.Sprintf("%d:%d %s fix=%t", d.Range.Start.Line, d.Range.Start.Column, d.Path, d.Fix != nil))
		}
	}
	want := []string{
		"56:3 spec.hostnames fix=false",
		"61:5 spec.containers[0].arg fix=false",
		"62:5 spec.containers[0].imagepullpolicy fix=false",
		"63:5 spec.containers[0].Args fix=true",
		"64:5 spec.containers[0].resourcess fix=true",
	}
	if !slices.Equal(got, want) {
		t.Errorf("misfits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// MarkPartial marks the files that a rendering lists as Partial with its
// root, whatever form their paths take, and clears the others, so that a
// root that renders again unmarks its files.
func TestMarkPartial(t *testing.T) {
	t.Chdir(t.TempDir())
	abs, err := filepath.Abs("base/job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	job := &analyzer.File{Path: filepath.ToSlash(abs)}
	sa := &analyzer.File{Path: "base/sa.yaml"}
	other := &analyzer.File{Path: "other/job.yaml"}
	files := []*analyzer.File{job, sa, other}
	partial := func() []string {
		var out []string
		for _, f := range files {
			out = append(out, (&analyzer.Document{File: f}).Partial())
		}
		return out
	}
	failed := &analyzer.Rendering{Root: "app", Partial: []string{"base/job.yaml", "./base/sa.yaml"}}
	analyzer.MarkPartial(files, []*analyzer.Rendering{{Root: "ok"}, failed})
	if got, want := partial(), []string{"app", "app", ""}; !slices.Equal(got, want) {
		t.Errorf("after a failed rendering: %q, want %q", got, want)
	}
	analyzer.MarkPartial(files, []*analyzer.Rendering{{Root: "app"}})
	if got, want := partial(), []string{"", "", ""}; !slices.Equal(got, want) {
		t.Errorf("after the root rendered: %q, want %q", got, want)
	}
}

// TestLoneCRLines checks that a lone CR ends a line, as YAML counts lines
// (yaml.v3's positions do) and as the language server protocol and SARIF
// do: a position after raw CRs in a quoted value names the line that holds
// the field, and never a line past the end of the file.
func TestLoneCRLines(t *testing.T) {
	f := &analyzer.File{Path: "x.yaml", Content: []byte("a\rb\r\nc\n\rd")}
	var lines []string
	for n := 1; n <= f.LineCount(); n++ {
		lines = append(lines, string(f.Line(n)))
	}
	if want := []string{"a", "b", "c", "", "d"}; !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
	// Offsets round-trip, but for the LF of a CRLF, which is inside a line
	// ending and so at the end of its line.
	for off := range len(f.Content) + 1 {
		inCRLF := off > 0 && off < len(f.Content) && f.Content[off] == '\n' && f.Content[off-1] == '\r'
		if p := f.Position(off); f.Offset(p) != off && !inCRLF {
			t.Errorf("offset %d → %+v → %d", off, p, f.Offset(p))
		}
	}

	src := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: x\n  labels: {a: \"b\r\r\rc\"}\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n"
	job := &analyzer.File{Path: "job.yaml", Content: []byte(src)}
	docs, diags := analyzer.NewLoader(nil).Parse(job)
	if len(docs) != 1 || len(diags) != 0 {
		t.Fatalf("parse: %d documents, %v", len(docs), diags)
	}
	r := docs[0].Locate(analyzer.NewPath("spec", "template", "spec", "restartPolicy"), false)
	if got := string(job.Line(r.Start.Line)); got != "      restartPolicy: Always" || r.Start.Column != 22 {
		t.Errorf("restartPolicy's value at %+v, on line %q of %d", r.Start, got, job.LineCount())
	}
}

// The YAML library checks characters as it reads them, ahead of its
// parser: a character it refuses is reported once, at that character, and
// every other document is still read, once, at its own lines.
func TestUnreadableCharacters(t *testing.T) {
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n"
	}
	many := ""
	var manyNames []string
	for i := range 40 {
		many += cm(fmt.Sprint("cm-", i)) + "---\n"
		manyNames = append(manyNames, fmt.Sprint("cm-", i, "@", 5*i+4))
	}
	tests := []struct {
		name, src string
		errors    []string // line:col: message
		docs      []string // name@line of metadata.name
	}{
		{"in the first document", "a: \x01\n---\n" + cm("b"),
			[]string{"1:4: control characters are not allowed (U+0001)"}, []string{"b@6"}},
		{"after 40 documents", many + cm("bad\x06"),
			[]string{"204:12: control characters are not allowed (U+0006)"}, manyNames},
		{"between documents", cm("a") + "---\n" + cm("b\x7f") + "---\n" + cm("c"),
			[]string{"9:10: control characters are not allowed (U+007F)"}, []string{"a@4", "c@14"}},
		{"a syntax error before it", cm("a") + "---\nx: 1\n y: 2\n---\n" + cm("b") + "---\n" + cm("\"c\xff\"") + "---\n" + cm("d"),
			[]string{"7:1: mapping values are not allowed in this context", "17:11: invalid leading UTF-8 octet (byte 0xFF)"}, []string{"a@4", "b@12", "d@22"}},
		{"two of them", cm("a") + "---\n" + cm("\xc2\x80") + "---\n" + cm("b") + "---\nx: \"\xed\xa0\x80\"\n---\n" + cm("c"),
			[]string{"9:9: control characters are not allowed (U+0080)", "16:5: invalid Unicode character (byte 0xED)"}, []string{"a@4", "b@14", "c@21"}},
		{"on a separator", cm("a") + "--- \x02\n" + cm("b") + "---\n" + cm("c"),
			[]string{"5:5: control characters are not allowed (U+0002)"}, []string{"a@4", "c@14"}},
		{"cut short at the end", cm("a") + "---\nx: \xe2\x82",
			[]string{"6:4: incomplete UTF-8 octet sequence (byte 0xE2)"}, []string{"a@4"}},
		{"allowed", cm("a\u00a0b") + "---\n# \ufeff\t\U0001F600\n" + cm("c"), nil, []string{"a\u00a0b@4", "c@10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &analyzer.File{Path: "x.yaml", Content: []byte(tt.src)}
			docs, diags := analyzer.NewLoader(nil).Parse(f)
			var errs, names []string
			for _, d := range diags {
				if d.RuleID != analyzer.IDYAMLSyntax {
					continue
				}
				errs = append(errs, fmt.Sprintf("%d:%d: %s", d.Range.Start.Line, d.Range.Start.Column, strings.TrimPrefix(d.Message, "invalid YAML: ")))
			}
			for _, d := range docs {
				names = append(names, fmt.Sprintf("%s@%d", d.Name, d.Locate(analyzer.NewPath("metadata", "name"), false).Start.Line))
			}
			if !slices.Equal(errs, tt.errors) {
				t.Errorf("errors:\n%q\nwant\n%q", errs, tt.errors)
			}
			if !slices.Equal(names, tt.docs) {
				t.Errorf("documents:\n%q\nwant\n%q", names, tt.docs)
			}
		})
	}
}

// YAML also breaks lines at NEL, LS and PS, which editors show inside a
// line: positions after them are still the file's lines and columns.
func TestYAMLOnlyLineBreaks(t *testing.T) {
	for _, br := range []string{"\u0085", "\u2028", "\u2029"} {
		src := "apiVersion: v1" + br + "kind: ConfigMap # a" + br + "# comment\nmetadata:\n  name: x\n" +
			"  labels: {a: \"b" + br + "c\"}" + br + "  # d\ndata:\n  quoted: \"x" + br + br + "y\"\n  z: \"1\"\n"
		f := &analyzer.File{Path: "x.yaml", Content: []byte(src)}
		docs, diags := analyzer.NewLoader(nil).Parse(f)
		if len(docs) != 1 || len(diags) != 0 {
			t.Fatalf("%U: %d documents, %v", []rune(br)[0], len(docs), diags)
		}
		for _, c := range []struct {
			path analyzer.Path
			text string // what the path's value (or key) starts with
		}{
			{analyzer.NewPath("kind"), "ConfigMap"},
			{analyzer.NewPath("metadata", "name"), "x\n"},
			{analyzer.NewPath("metadata", "labels", "a"), "\"b"},
			{analyzer.NewPath("data", "quoted"), "\"x"},
			{analyzer.NewPath("data", "z"), "\"1\""},
		} {
			want := f.Position(strings.Index(src, c.text))
			if got := docs[0].Locate(c.path, false).Start; got != want {
				t.Errorf("%U: %s at %d:%d, want %d:%d", []rune(br)[0], c.path, got.Line, got.Column, want.Line, want.Column)
			}
		}

		// The library's line for a syntax error is one of its own lines.
		// After it, parsing resumes at the next document, on the same map.
		badSrc := "a: 1 # x" + br + "# y" + br + "# z" + br + "# w\nb: [\n---\nc: 1\n---\nkind: ConfigMap # " + br + br + "\napiVersion: v1\nmetadata: {name: m}\n"
		bad := &analyzer.File{Path: "bad.yaml", Content: []byte(badSrc)}
		docs, diags = analyzer.NewLoader(nil).Parse(bad)
		if len(diags) != 1 || diags[0].Range.Start.Line != 2 {
			t.Errorf("%U: syntax error %v, want one on line 2", []rune(br)[0], diags)
		}
		if len(docs) != 1 {
			t.Fatalf("%U: %d documents after the error, want the ConfigMap", []rune(br)[0], len(docs))
		}
		if got, want := docs[0].Locate(analyzer.NewPath("metadata", "name"), false).Start, bad.Position(strings.Index(badSrc, "m}")); got != want {
			t.Errorf("%U: metadata.name after the error at %+v, want %+v", []rune(br)[0], got, want)
		}
	}
}

// A directory named through a symbolic link is searched (a CI step that
// lints "k8s", a link to the manifests, must not pass on no files); links
// found inside a directory are still not followed.
func TestDiscoverLinkedDirectory(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "real/a.yaml"), "")
	analyzertest.WriteFile(t, filepath.Join(dir, "real/sub/b.yaml"), "")
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, "real", "sub"), filepath.Join(dir, "real", "inner")); err != nil {
		t.Fatal(err)
	}
	files, errs := analyzer.Discover([]string{filepath.Join(dir, "link")})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for i := range files {
		files[i] = strings.TrimPrefix(files[i], filepath.ToSlash(dir)+"/")
	}
	if got, want := strings.Join(files, " "), "link/a.yaml link/sub/b.yaml"; got != want {
		t.Errorf("Discover = %s, want %s", got, want)
	}
}

// TestAliasesPerFile: each document within its own budget, the aliases
// of one file's documents together may produce at most 1,000,000 nodes;
// the documents past that are each one yaml-syntax error at their first
// alias, the others linted. Each document here: 1,000 verbs written, and
// aliases that produce some 50,000 nodes from them.
func TestAliasesPerFile(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\ndata: {}\nx: &v [", i)
		for range 999 {
			b.WriteString("get, ")
		}
		b.WriteString("get]\ny: &w [*v, *v, *v, *v, *v, *v, *v, *v, *v, *v]\nz: [*w, *w, *w, *w]\n")
	}
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "many.yaml", Content: []byte(b.String())})
	var refused []int
	for _, d := range diags {
		if d.RuleID == analyzer.IDYAMLSyntax && strings.Contains(d.Message, "more than the 1000000 kvet accepts in one file") {
			refused = append(refused, d.Range.Start.Line)
			continue
		}
		t.Errorf("diagnostic %+v", d)
	}
	// y: 10 aliases of x's 1,001 nodes; z: 4 of y's 10,011: 50,054 nodes
	// from aliases per document, so 19 fit in 1,000,000.
	if len(docs) != 19 || len(refused) != 11 {
		t.Errorf("%d documents linted, %d refused (at lines %v); want 19 and 11", len(docs), len(refused), refused)
	}
}

// TestDiscoverSameFileTwice: one file named by several paths (relative and
// absolute, a symbolic link, a hard link, a directory holding it) is read
// once, under its first name.
func TestDiscoverSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "d/a.yaml"), "kind: A\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "d/b.yaml"), "kind: B\n") // same size, another file
	if err := os.Symlink("a.yaml", filepath.Join(dir, "d/link.yaml")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Link(filepath.Join(dir, "d/a.yaml"), filepath.Join(dir, "hard.yaml")); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	t.Chdir(dir)
	files, errs := analyzer.Discover([]string{"d/a.yaml", filepath.Join(dir, "d/a.yaml"), "./d", "hard.yaml", "d/link.yaml"})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if got, want := strings.Join(files, " "), "d/a.yaml d/b.yaml"; got != want {
		t.Errorf("Discover = %s, want %s", got, want)
	}
}

// TestEnumPositions checks where a value outside an enum is reported: at
// its key, as the other invalid values are, in a field of the kind's own
// (a Deployment's pod template restartPolicy) as in the others; an item of
// a list of enum values (a claim's accessModes) at the item.
func TestEnumPositions(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want []string
	}{
		{
			"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: e}\nspec:\n  schedule: \"@daily\"\n" +
				"  concurrencyPolicy: forbid\n  jobTemplate:\n    spec:\n      completionMode: indexed\n",
			[]string{"invalid-value 6:3-6:20", "invalid-value 9:7-9:21"},
		},
		{
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: e}\nspec:\n  strategy: {type: rolling}\n" +
				"  template:\n    spec:\n      restartPolicy: Never\n" +
				"      containers: [{name: c, image: \"c:1\", ports: [{containerPort: 80, protocol: tcp}]}]\n",
			[]string{"invalid-value 5:14-5:18", "invalid-value 8:7-8:20", "invalid-value 9:72-9:80"},
		},
		{
			"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: e}\nspec:\n" +
				"  persistentVolumeClaimRetentionPolicy: {whenScaled: delete}\n" +
				"  template: {spec: {containers: [{name: c, image: \"c:1\", livenessProbe: {httpGet: {port: 80, scheme: https}}}]}}\n" +
				"  volumeClaimTemplates:\n  - spec:\n      accessModes:\n      - ReadWriteOnce\n      - readWriteOnce\n" +
				"      volumeMode: block\n  - spec: {accessModes: [ReadWriteOnce, \"RWX\"]}\n",
			[]string{"invalid-value 5:42-5:52", "invalid-value 6:94-6:100", "invalid-value 11:9-11:22", "invalid-value 12:7-12:17", "invalid-value 13:41-13:46"},
		},
		{
			// A JSON document after a byte order mark (a file saved with
			// one, appended): the mark is one character (text output
			// counts its three bytes).
			"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n---\n" +
				"\ufeff{\"apiVersion\": \"batch/v1\", \"kind\": \"CronJob\", \"metadata\": {\"name\": \"e\"}, \"spec\": {\"schedule\": \"@daily\", " +
				"\"concurrencyPolicy\": \"forbid\", \"jobTemplate\": {\"spec\": {\"template\": {\"spec\": {\"containers\": []}}}}}}\n",
			[]string{"invalid-value 5:106-5:125"},
		},
	} {
		f := &analyzer.File{Path: "e.yaml", Content: []byte(tt.src)}
		_, diags := analyzer.NewLoader(nil).Parse(f)
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%s %d:%d-%d:%d", d.RuleID, d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestRBACRejectionPositions checks where the RBAC objects that the API
// server rejects are reported (testdata/load/rbac-rejected.yaml checks the
// lines and messages): a field that is present at its key, a missing one at
// its rule entry, subject or selector expression (or its parent's key), as
// the other invalid values are.
func TestRBACRejectionPositions(t *testing.T) {
	src := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n" +
		"- apiGroups: [\"\"]\n  nonResourceURLs: [/metrics]\n  verbs: [get]\n" + // 5-7: at the nonResourceURLs key
		"- {resources: [pods], verbs: [get]}\n" + // 8: no apiGroups, at the entry
		"- nonResourceURLs: [/healthz]\n" + // 9: no verbs, at the entry
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: x}\n" +
		"roleRef: {apiGroup: rbac, kind: Role, name: r}\n" + // 14: at the apiGroup key
		"subjects:\n- {kind: User, name: u, apiGroup: v1}\n" + // 16: at the apiGroup key
		"- kind: Group\n" + // 17: no name, at the subject
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a/b}\n" + // 21: at the name key
		"aggregationRule:\n  clusterRoleSelectors:\n  - matchLabels: {\"a b\": x}\n" + // 24: at the label's key
		"  - matchExpressions:\n    - {key: env, operator: In}\n" + // 26: no values, at the expression
		"    - {key: env, operator: in, values: [x]}\n" + // 27: at the operator key
		"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\naggregationRule: {}\n" // 32: no selectors, at aggregationRule
	f := &analyzer.File{Path: "r.yaml", Content: []byte(src)}
	_, diags := analyzer.NewLoader(nil).Parse(f)
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s %s %d:%d-%d:%d", d.RuleID, d.Path, d.Range.Start.Line, d.Range.Start.Column, d.Range.End.Line, d.Range.End.Column))
	}
	want := []string{
		"invalid-value rules[0].nonResourceURLs 6:3-6:18",
		"invalid-value rules[1].apiGroups 8:3-8:36",
		"invalid-value rules[2].verbs 9:3-9:30",
		"invalid-value roleRef.apiGroup 14:11-14:19",
		"invalid-value subjects[0].apiGroup 16:25-16:33",
		"invalid-value subjects[1].name 17:3-17:14",
		"invalid-value metadata.name 21:12-21:16",
		"invalid-value aggregationRule.clusterRoleSelectors[0].matchLabels[\"a b\"] 24:19-24:24",
		"invalid-value aggregationRule.clusterRoleSelectors[1].matchExpressions[0].values 26:7-26:31",
		"invalid-value aggregationRule.clusterRoleSelectors[1].matchExpressions[1].operator 27:18-27:26",
		"invalid-value aggregationRule.clusterRoleSelectors 32:1-32:16",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q,\nwant %q", got, want)
	}
}

// BenchmarkParseJSONStream: a stream of N one-line JSON objects (jq -c)
// parses in time linear in N (each boundary is found where the YAML
// library reports it, without a search over the rest of the file): compare
// -bench 'JSONStream/1000' and 'JSONStream/8000'.
func BenchmarkParseJSONStream(b *testing.B) {
	for _, n := range []int{1000, 8000} {
		var s strings.Builder
		for i := range n {
			fmt.Fprintf(&s, `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa%d","namespace":"x"}}`+"\n", i)
		}
		data := []byte(s.String())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "s.json", Content: data})
				if len(docs) != n || len(diags) != 0 {
					b.Fatalf("%d documents, %d diagnostics", len(docs), len(diags))
				}
			}
		})
	}
}

// BenchmarkParseMarksOnOneLine: byte order marks inside a line are text,
// and looking for those that start a later document must stay linear (a
// value of 400,000 marks took over 100 s when each mark looked back for
// its line's start): compare the two sizes' times per byte.
func BenchmarkParseMarksOnOneLine(b *testing.B) {
	for _, n := range []int{50_000, 400_000} {
		data := []byte(`{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "` + strings.Repeat("\ufeff", n) + "\"}}\n")
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "m.json", Content: data})
				if len(docs) != 1 || len(diags) != 0 {
					b.Fatalf("%d documents, %d diagnostics", len(docs), len(diags))
				}
			}
		})
	}
}

// BenchmarkParseLargeMapping: checking a mapping's keys for duplicates,
// and for keys a later "<<" merge key replaces, stays linear in its keys
// (10,000 and 40,000 keys, without and with a merge key at the end that
// sets one of them): it took 6.1 s for 40,000 keys, and 81 s for 20,000
// with a merge key, when each key rescanned the mapping.
func BenchmarkParseLargeMapping(b *testing.B) {
	for _, merge := range []bool{false, true} {
		for _, n := range []int{10_000, 40_000} {
			var sb strings.Builder
			sb.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n")
			for i := range n {
				fmt.Fprintf(&sb, "  k%d: v\n", i)
			}
			wantDiags := 0
			if merge {
				sb.WriteString("  <<: {k0: w}\n")
				wantDiags = 1 // k0 is replaced by the merge
			}
			data := []byte(sb.String())
			b.Run(fmt.Sprintf("keys=%d,merge=%t", n, merge), func(b *testing.B) {
				for b.Loop() {
					docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "m.yaml", Content: data})
					if len(docs) != 1 || len(diags) != wantDiags {
						b.Fatalf("%d documents, %d diagnostics", len(docs), len(diags))
					}
				}
			})
		}
	}
}
