package analyzer_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// fixOp is one helper call on the document with the given metadata.name.
type fixOp struct {
	doc    string
	insert bool // InsertField, else ReplaceScalar
	path   analyzer.Path
	key    string // InsertField only
	value  string
	after  []string
	ok     bool // whether the helper must produce an edit
}

func ins(doc string, path analyzer.Path, key, value string, ok bool, after ...string) fixOp {
	return fixOp{doc: doc, insert: true, path: path, key: key, value: value, after: after, ok: ok}
}

func repl(doc string, path analyzer.Path, value string, ok bool) fixOp {
	return fixOp{doc: doc, path: path, value: value, ok: ok}
}

var (
	specPath   = analyzer.NewPath("spec")
	policyPath = analyzer.NewPath("spec", "restartPolicy")
)

var fixCases = []struct {
	file string
	ops  []fixOp
}{
	{"insert.yaml", []fixOp{
		ins("after-sibling", specPath, "startingDeadlineSeconds", "300", true, "concurrencyPolicy", "schedule"),
		ins("before-first", specPath, "startingDeadlineSeconds", "300", true, "schedule"),
		ins("before-ignore", specPath, "startingDeadlineSeconds", "300", true, "schedule"),
		ins("item", analyzer.NewPath("spec", "containers", 0), "imagePullPolicy", "IfNotPresent", true),
	}},
	{"replace.yaml", []fixOp{
		repl("plain", policyPath, "Never", true),
		repl("double", policyPath, "Never", true),
		repl("single", policyPath, "Never", true),
		repl("flow-map", policyPath, "Never", true),
		ins("flow-map", specPath, "serviceAccountName", "app", false),
		repl("needs-quotes", analyzer.NewPath("spec", "schedule"), "*/5 * * * *", true),
	}},
	{"pod.json", []fixOp{
		repl("json", policyPath, "Never", true),
		ins("json", specPath, "serviceAccountName", "app", false),
	}},
	{"refused.yaml", []fixOp{
		ins("flow", specPath, "restartPolicy", "Never", false),
		ins("aliased", specPath, "serviceAccountName", "app", false),
		ins("aliased", analyzer.NewPath("x-shared"), "serviceAccountName", "app", false),
		repl("aliased", policyPath, "Never", false),
		ins("existing", specPath, "restartPolicy", "OnFailure", false),
		repl("existing", analyzer.NewPath("spec", "missing"), "x", false),
		ins("existing", analyzer.NewPath("spec", "missing"), "a", "b", false),
		ins("merged", specPath, "serviceAccountName", "app", false),
		repl("merged", policyPath, "Never", false),
		repl("tagged", policyPath, "Never", false),
		repl("block-scalar", policyPath, "Never", false),
		ins("empty", specPath, "restartPolicy", "Never", false),
		ins("misspelt", specPath, "restartPolicy", "Never", false),
		ins("misspelt", specPath, "restartPolicyX", "Never", false),
		ins("explicit-key", specPath, "restartPolicy", "Never", false),
	}},
}

// applyOps runs the helper calls on f and applies the edits they return.
func applyOps(t *testing.T, f *analyzer.File, ops []fixOp) string {
	t.Helper()
	docs, diags := analyzer.NewLoader(nil).Parse(f)
	for _, d := range diags {
		if d.RuleID != analyzer.IDYAMLSyntax {
			continue // schema problems do not matter to the helpers
		}
		t.Fatalf("%s:%d: %s", f.Path, d.Range.Start.Line, d.Message)
	}
	byName := map[string]*analyzer.Document{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	var edits []analyzer.TextEdit
	for _, op := range ops {
		d := byName[op.doc]
		if d == nil {
			t.Fatalf("%s: no document %q", f.Path, op.doc)
		}
		var e analyzer.TextEdit
		var ok bool
		if op.insert {
			e, ok = analyzer.InsertField(d, op.path, op.key, op.value, op.after...)
		} else {
			e, ok = analyzer.ReplaceScalar(d, op.path, op.value)
		}
		if ok != op.ok {
			t.Errorf("%s %s: %s %s: ok = %v, want %v", f.Path, op.doc, map[bool]string{true: "InsertField", false: "ReplaceScalar"}[op.insert], op.path, ok, op.ok)
		}
		if ok {
			edits = append(edits, e)
		}
	}
	out, err := analyzer.ApplyEdits(f.Content, edits)
	if err != nil {
		t.Fatalf("%s: %v", f.Path, err)
	}
	return string(out)
}

func TestFixHelpersGolden(t *testing.T) {
	for _, tc := range fixCases {
		t.Run(tc.file, func(t *testing.T) {
			name := "testdata/fix/" + tc.file
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want := string(src) // refused edits leave the file unchanged
			if golden, err := os.ReadFile(name + ".golden"); err == nil {
				want = string(golden)
			}
			variants := []struct {
				name      string
				transform func(string) string
			}{
				{"as-is", func(s string) string { return s }},
				{"crlf", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
				{"cr", func(s string) string { return strings.ReplaceAll(s, "\n", "\r") }},
				{"bom", func(s string) string { return "\xef\xbb\xbf" + s }},
			}
			for _, v := range variants {
				t.Run(v.name, func(t *testing.T) {
					f := &analyzer.File{Path: name, Content: []byte(v.transform(string(src)))}
					if got := applyOps(t, f, tc.ops); got != v.transform(want) {
						t.Errorf("after edits:\n%s\nwant:\n%s", got, v.transform(want))
					}
				})
			}
		})
	}
}

func TestFixLastLineWithoutNewline(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		src := strings.ReplaceAll("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Always", "\n", eol)
		want := strings.ReplaceAll("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Always\n  serviceAccountName: app", "\n", eol)
		got := applyOps(t, &analyzer.File{Path: "x.yaml", Content: []byte(src)}, []fixOp{
			ins("p", specPath, "serviceAccountName", "app", true, "restartPolicy"),
		})
		if got != want {
			t.Errorf("eol %q: got %q, want %q", eol, got, want)
		}
	}
}

func TestApplyEdits(t *testing.T) {
	tests := []struct {
		name  string
		edits []analyzer.TextEdit
		want  string
		err   bool
	}{
		{"none", nil, "abcdef", false},
		{"out of order", []analyzer.TextEdit{{Offset: 4, End: 5, NewText: "E"}, {Offset: 0, End: 1, NewText: "A"}}, "AbcdEf", false},
		{"inserts at one offset keep their order", []analyzer.TextEdit{{Offset: 3, End: 3, NewText: "1"}, {Offset: 3, End: 3, NewText: "2"}}, "abc12def", false},
		{"identical edits count once", []analyzer.TextEdit{{Offset: 1, End: 2, NewText: "B"}, {Offset: 1, End: 2, NewText: "B"}}, "aBcdef", false},
		{"overlap", []analyzer.TextEdit{{Offset: 1, End: 3, NewText: "x"}, {Offset: 2, End: 4, NewText: "y"}}, "", true},
		{"past the end", []analyzer.TextEdit{{Offset: 5, End: 9, NewText: "x"}}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.ApplyEdits([]byte("abcdef"), tc.edits)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if err == nil && string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestYAMLString(t *testing.T) {
	tests := map[string]string{
		"Never":        "Never",
		"Europe/Paris": "Europe/Paris",
		"Etc/GMT+5":    "Etc/GMT+5",
		"0 2 * * *":    "0 2 * * *",
		"*/5 * * * *":  `"*/5 * * * *"`,
		"@hourly":      `"@hourly"`,
		"300":          `"300"`,
		"true":         `"true"`,
		"null":         `"null"`,
		"":             `""`,
		"a: b":         `"a: b"`,
		"x # y":        `"x # y"`,
		`say "hi"`:     `say "hi"`,
		"tab\there":    `"tab\u0009here"`,
	}
	for in, want := range tests {
		if got := analyzer.YAMLString(in); got != want {
			t.Errorf("YAMLString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestApplyFixes(t *testing.T) {
	fix := func(edits ...analyzer.TextEdit) *analyzer.SuggestedFix {
		return &analyzer.SuggestedFix{Message: "m", Edits: edits}
	}
	e := func(off, end int, text string) analyzer.TextEdit {
		return analyzer.TextEdit{Offset: off, End: end, NewText: text}
	}
	tests := []struct {
		name    string
		fixes   []*analyzer.SuggestedFix
		want    string
		applied []bool
	}{
		{"disjoint", []*analyzer.SuggestedFix{fix(e(0, 1, "A")), fix(e(4, 5, "E"))}, "AbcdEf", []bool{true, true}},
		{"first wins", []*analyzer.SuggestedFix{fix(e(1, 3, "x")), fix(e(2, 4, "y"))}, "axdef", []bool{true, false}},
		{"a fix is applied whole or not at all", []*analyzer.SuggestedFix{
			fix(e(2, 3, "C")), fix(e(0, 1, "A"), e(2, 4, "y")), fix(e(5, 6, "F")),
		}, "abCdeF", []bool{true, false, true}},
		{"insertion inside a replacement", []*analyzer.SuggestedFix{fix(e(1, 4, "x")), fix(e(2, 2, "y"))}, "axef", []bool{true, false}},
		{"insertion at the edges of a replacement", []*analyzer.SuggestedFix{fix(e(1, 4, "x")), fix(e(1, 1, "<")), fix(e(4, 4, ">"))}, "a<x>ef", []bool{true, true, true}},
		{"insertions at one offset", []*analyzer.SuggestedFix{fix(e(3, 3, "1")), fix(e(3, 3, "2"))}, "abc12def", []bool{true, true}},
		{"identical edits count once", []*analyzer.SuggestedFix{fix(e(1, 2, "B")), fix(e(1, 2, "B"), e(5, 6, "F"))}, "aBcdeF", []bool{true, true}},
		{"outside the file", []*analyzer.SuggestedFix{fix(e(5, 9, "x")), fix(e(0, 1, "A"))}, "Abcdef", []bool{false, true}},
		{"edits of one fix overlap", []*analyzer.SuggestedFix{fix(e(0, 2, "x"), e(1, 3, "y"))}, "abcdef", []bool{false}},
		{"nil and empty", []*analyzer.SuggestedFix{nil, fix()}, "abcdef", []bool{false, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, applied := analyzer.ApplyFixes([]byte("abcdef"), tc.fixes)
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if fmt.Sprint(applied) != fmt.Sprint(tc.applied) {
				t.Errorf("applied = %v, want %v", applied, tc.applied)
			}
		})
	}
}

func TestRenameKeyAndReplaceValue(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  backofLimit: 3   # typo\n" +
		"  \"completion\": 2\n  parallelism: 5\n  activeDeadlineSeconds: \"60\"\n  ttl: 1\n  ttlSecondsAfterFinished: 2\n"
	tests := []struct {
		name string
		edit func(d *analyzer.Document) (analyzer.TextEdit, bool)
		want string // the changed line, or "" when refused
		line int
	}{
		{"plain key", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.RenameKey(d, analyzer.NewPath("spec", "backofLimit"), "backoffLimit")
		}, "  backoffLimit: 3   # typo", 6},
		{"quoted key keeps its quotes", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.RenameKey(d, analyzer.NewPath("spec", "completion"), "completions")
		}, "  \"completions\": 2", 7},
		{"the new name exists", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.RenameKey(d, analyzer.NewPath("spec", "ttl"), "ttlSecondsAfterFinished")
		}, "", 0},
		{"missing key", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.RenameKey(d, analyzer.NewPath("spec", "nope"), "x")
		}, "", 0},
		{"number", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.ReplaceValue(d, analyzer.NewPath("spec", "parallelism"), "2")
		}, "  parallelism: 2", 8},
		{"a quoted value is a string", func(d *analyzer.Document) (analyzer.TextEdit, bool) {
			return analyzer.ReplaceValue(d, analyzer.NewPath("spec", "activeDeadlineSeconds"), "60")
		}, "", 0},
	}
	for _, eol := range []string{"\n", "\r\n", "\r"} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("%s/%q", tc.name, eol), func(t *testing.T) {
				f := &analyzer.File{Path: "j.yaml", Content: []byte(strings.ReplaceAll(src, "\n", eol))}
				docs, _ := analyzer.NewLoader(nil).Parse(f)
				e, ok := tc.edit(docs[0])
				if ok != (tc.want != "") {
					t.Fatalf("ok = %v, want %v", ok, tc.want != "")
				}
				if !ok {
					return
				}
				out, err := analyzer.ApplyEdits(f.Content, []analyzer.TextEdit{e})
				if err != nil {
					t.Fatal(err)
				}
				got := (&analyzer.File{Content: out}).Line(tc.line)
				if string(got) != tc.want {
					t.Errorf("line %d = %q, want %q", tc.line, got, tc.want)
				}
			})
		}
	}
}

func TestFilePositionAndByteColumn(t *testing.T) {
	content := "\xef\xbb\xbfa: é\r\nb: 日本 # x\nc"
	f := &analyzer.File{Path: "x.yaml", Content: []byte(content)}
	for _, tc := range []struct {
		pos     analyzer.Position
		byteCol int
	}{
		{analyzer.Position{Line: 1, Column: 1}, 1},
		{analyzer.Position{Line: 1, Column: 4}, 4},
		{analyzer.Position{Line: 1, Column: 5}, 6}, // after é (2 bytes)
		{analyzer.Position{Line: 2, Column: 4}, 4},
		{analyzer.Position{Line: 2, Column: 6}, 10}, // "# x" after two 3-byte characters and a space
		{analyzer.Position{Line: 3, Column: 1}, 1},
	} {
		off := f.Offset(tc.pos)
		if got := f.Position(off); got != tc.pos {
			t.Errorf("Position(Offset(%v) = %d) = %v", tc.pos, off, got)
		}
		if got := f.ByteColumn(tc.pos); got != tc.byteCol {
			t.Errorf("ByteColumn(%v) = %d, want %d", tc.pos, got, tc.byteCol)
		}
	}
	for off, want := range map[int]analyzer.Position{0: {Line: 1, Column: 1}, 1: {Line: 1, Column: 1}, 8: {Line: 1, Column: 5}, 9: {Line: 1, Column: 5}, 100: {Line: 3, Column: 2}} {
		if got := f.Position(off); got != want {
			t.Errorf("Position(%d) = %v, want %v", off, got, want)
		}
	}
}

// Of a key written twice, the decoder keeps the last: the finding's
// position and its fix are there, not at the first.
func TestDuplicateKeyLastWins(t *testing.T) {
	src := "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: \"0 0 * * *\"\n  concurrencyPolicy: Forbid\n  concurrencyPolicy: Allow\n"
	f := &analyzer.File{Path: "c.yaml", Content: []byte(src)}
	docs, _ := analyzer.NewLoader(nil).Parse(f)
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	p := analyzer.NewPath("spec", "concurrencyPolicy")
	if r := docs[0].Locate(p, false); r.Start != (analyzer.Position{Line: 8, Column: 22}) {
		t.Errorf("located at %+v, want 8:22", r.Start)
	}
	e, ok := analyzer.ReplaceScalar(docs[0], p, "Forbid")
	if !ok {
		t.Fatal("no edit")
	}
	out, err := analyzer.ApplyEdits(f.Content, []analyzer.TextEdit{e})
	if want := strings.Replace(src, "Allow", "Forbid", 1); err != nil || string(out) != want {
		t.Errorf("fixed text %q (%v), want %q", out, err, want)
	}
}
