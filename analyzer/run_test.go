package analyzer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

func testRule(id string, run func(*analyzer.Pass)) *analyzer.Rule {
	return &analyzer.Rule{ID: id, Title: id, Severity: analyzer.SeverityWarning, Source: "go",
		Rationale: "test", Remediation: "test", Run: run}
}

func format(ds []analyzer.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s:%d:%d %s %s %s\n", d.File, d.Range.Start.Line, d.Range.Start.Column, d.Severity, d.RuleID, d.Message)
	}
	return b.String()
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

func sa(name string) string {
	return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n"
}

// A rule that panics is an error naming rule and document; the other rules
// still run on that document and the rule still runs on the others.
func TestRunIsolatesPanics(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("boom") + "---\n" + sa("fine")})
	crash := testRule("crash", func(p *analyzer.Pass) {
		if p.Doc.Name == "boom" {
			panic("kaboom")
		}
		p.Reportf(analyzer.NewPath("metadata", "name"), "crash saw %s", p.Doc.Name)
	})
	after := testRule("zz-after", func(p *analyzer.Pass) {
		p.Reportf(analyzer.NewPath("metadata", "name"), "after saw %s", p.Doc.Name)
	})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{crash, after}, analyzer.Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "rule crash on") ||
		!strings.Contains(res.Errors[0].Error(), "ServiceAccount boom") || !strings.Contains(res.Errors[0].Error(), "kaboom") {
		t.Errorf("errors = %v", res.Errors)
	}
	got := format(res.Diagnostics)
	for _, want := range []string{"a.yaml:4:9 warning zz-after after saw boom", "a.yaml:9:9 warning crash crash saw fine", "a.yaml:9:9 warning zz-after after saw fine"} {
		if !strings.Contains(got, filepath.ToSlash(dir)+"/"+want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

// Set rules see every document and report with exact positions even though
// Lint has released the node trees by then; results are deterministic.
func TestLintSetRulesAndOrder(t *testing.T) {
	files := map[string]string{}
	for i := range 40 {
		files[fmt.Sprintf("d%02d/f.yaml", i)] = "# comment\n" + sa(fmt.Sprintf("sa-%02d", i)) + "---\n" + sa(fmt.Sprintf("sb-%02d", i))
	}
	dir := writeFiles(t, files)
	count := &analyzer.Rule{ID: "count", Title: "count", Severity: analyzer.SeverityInfo, Source: "go",
		Rationale: "test", Remediation: "test", Kinds: []string{"ServiceAccount"},
		RunSet: func(p *analyzer.SetPass) {
			for _, d := range p.Docs {
				if strings.HasPrefix(d.Name, "sb-") {
					p.Report(d, analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: fmt.Sprintf("%d documents", len(p.Docs))})
				}
			}
		}}
	per := testRule("per", func(p *analyzer.Pass) { p.Reportf(analyzer.NewPath("kind"), "per") })
	rules := []*analyzer.Rule{per, count}
	_, first := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, rules, analyzer.Options{})
	if len(first.Errors) != 0 {
		t.Fatal(first.Errors)
	}
	if n := len(first.Diagnostics); n != 120 {
		t.Fatalf("%d diagnostics, want 120", n)
	}
	got := format(first.Diagnostics)
	want := filepath.ToSlash(dir) + "/d00/f.yaml:10:9 info count 80 documents\n"
	if !strings.Contains(got, want) {
		t.Errorf("missing %q in\n%s", want, got[:400])
	}
	// The loaded-set path (Load + Run) gives the same result as streaming.
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{dir})
	if again := format(analyzer.Run(context.Background(), set, rules, analyzer.Options{}).Diagnostics); again != got {
		t.Errorf("Run and Lint differ")
	}
	for range 3 {
		_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, rules, analyzer.Options{})
		if format(res.Diagnostics) != got {
			t.Fatal("output order is not deterministic")
		}
	}
}

// The set rules of a set run concurrently, yet their findings come in the
// order of the rules, each rule's in the order it reported them (here the
// first rule finishes last when there is more than one processor), and
// the value they share is built once.
func TestSetRulesRunTogetherInOrder(t *testing.T) {
	ctx := context.Background()
	set := analyzer.NewLoader(nil).Load(ctx, []string{writeFiles(t, map[string]string{"a.yaml": sa("one") + "---\n" + sa("two")})})
	var builds atomic.Int32
	lastDone := make(chan struct{})
	const n = 8
	var rules []*analyzer.Rule
	for i := range n {
		id := fmt.Sprintf("set-%d", i)
		rules = append(rules, &analyzer.Rule{ID: id, Title: id, Severity: analyzer.SeverityInfo, Source: "go",
			Rationale: "test", Remediation: "test", RunSet: func(p *analyzer.SetPass) {
				if i == 0 {
					select { // one processor runs the rules in turn
					case <-lastDone:
					case <-time.After(200 * time.Millisecond):
					}
				}
				shared := p.Shared("model", func() any { builds.Add(1); return new(int) })
				for _, d := range slices.Backward(p.Docs) {
					p.Report(d, analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: fmt.Sprintf("%p", shared)})
				}
				if i == n-1 {
					close(lastDone)
				}
			}})
	}
	c := analyzer.NewChecker(rules, analyzer.Options{})
	got := c.Set(ctx, set.Docs)
	if err := c.Errors(); len(err) > 0 {
		t.Fatal(err)
	}
	if b := builds.Load(); b != 1 {
		t.Errorf("the shared value was built %d times, want once", b)
	}
	var order, want []string
	for _, d := range got {
		order = append(order, d.RuleID+" "+d.Object.Name)
		if d.Message != got[0].Message {
			t.Errorf("%s saw shared value %s, %s saw %s", d.RuleID, d.Message, got[0].RuleID, got[0].Message)
		}
	}
	for i := range n {
		want = append(want, fmt.Sprintf("set-%d two", i), fmt.Sprintf("set-%d one", i))
	}
	if !slices.Equal(order, want) {
		t.Errorf("findings in order\n%s\nwant\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
}

// A shared value whose build panics fails the rule that asked for it
// first; the next rule that asks builds it again.
func TestSetPassSharedBuildPanics(t *testing.T) {
	ctx := context.Background()
	set := analyzer.NewLoader(nil).Load(ctx, []string{writeFiles(t, map[string]string{"a.yaml": sa("one")})})
	var builds atomic.Int32
	var rules []*analyzer.Rule
	for _, id := range []string{"set-a", "set-b"} {
		rules = append(rules, &analyzer.Rule{ID: id, Title: id, Severity: analyzer.SeverityInfo, Source: "go",
			Rationale: "test", Remediation: "test", RunSet: func(p *analyzer.SetPass) {
				v := p.Shared("model", func() any {
					if builds.Add(1) == 1 {
						panic("first build fails")
					}
					return "built"
				})
				p.Report(p.Docs[0], analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: v.(string)})
			}})
	}
	c := analyzer.NewChecker(rules, analyzer.Options{})
	got := c.Set(ctx, set.Docs)
	errs := c.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "first build fails") {
		t.Fatalf("errors = %v, want one, of the first build", errs)
	}
	if len(got) != 1 || got[0].Message != "built" || !strings.Contains(errs[0].Error(), "rule "+otherRule(got[0].RuleID)+":") {
		t.Errorf("findings %s, error %v: want the other rule's finding with the second build's value", format(got), errs[0])
	}
	if b := builds.Load(); b != 2 {
		t.Errorf("%d builds, want 2", b)
	}
}

func otherRule(id string) string {
	if id == "set-a" {
		return "set-b"
	}
	return "set-a"
}

// A finding's related places, in other files, are resolved with the same
// locator as the finding itself, after Lint has released the node trees
// (a missing field points at its nearest existing parent there too).
func TestRelatedLocations(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.yaml": sa("runner"),
		"b/rb.yaml": "# binds runner\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb\n  namespace: jobs\n" +
			"subjects:\n- kind: ServiceAccount\n  name: runner\nroleRef: {kind: Role, name: reader}\n",
	})
	chain := &analyzer.Rule{ID: "chain", Title: "chain", Severity: analyzer.SeverityWarning, Source: "go",
		Rationale: "test", Remediation: "test", Kinds: []string{"ServiceAccount", "RoleBinding"},
		RunSet: func(p *analyzer.SetPass) {
			var acct, rb *analyzer.Document
			for _, d := range p.Docs {
				switch d.Kind {
				case "ServiceAccount":
					acct = d
				case "RoleBinding":
					rb = d
				}
			}
			p.Report(acct, analyzer.Finding{Path: analyzer.NewPath("metadata", "name"), Message: "bound", Related: []analyzer.Related{
				{Doc: rb, Path: analyzer.NewPath("subjects", 0, "name"), Message: "subject"},
				{Doc: rb, Path: analyzer.NewPath("roleRef", "name"), Message: "role"},
				{Doc: rb, Path: analyzer.NewPath("roleRef", "apiGroup"), Message: "missing apiGroup"},
				{Doc: rb, Path: analyzer.NewPath("subjects"), AtKey: true, Message: "subjects key"},
			}})
		}}
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{chain}, analyzer.Options{})
	if len(res.Errors) != 0 || len(res.Diagnostics) != 1 {
		t.Fatalf("errors %v, diagnostics %v", res.Errors, res.Diagnostics)
	}
	rb := filepath.ToSlash(dir) + "/b/rb.yaml"
	obj := analyzer.ObjectRef{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Namespace: "jobs", Name: "rb"}
	want := []string{
		rb + ":9:9-9:15 subjects[0].name subject",
		rb + ":10:29-10:35 roleRef.name role",
		rb + ":10:1-10:8 roleRef.apiGroup missing apiGroup",
		rb + ":7:1-7:9 subjects subjects key",
	}
	d := res.Diagnostics[0]
	if len(d.Related) != len(want) {
		t.Fatalf("related = %+v", d.Related)
	}
	for i, rel := range d.Related {
		got := fmt.Sprintf("%s:%d:%d-%d:%d %s %s", rel.File, rel.Range.Start.Line, rel.Range.Start.Column,
			rel.Range.End.Line, rel.Range.End.Column, rel.Path, rel.Message)
		if got != want[i] || rel.Object != obj {
			t.Errorf("related[%d] = %s %+v, want %s %+v", i, got, rel.Object, want[i], obj)
		}
	}
}

func TestOptionsSeverityAndParams(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("x")})
	r := testRule("param", func(p *analyzer.Pass) {
		p.Reportf(analyzer.NewPath("metadata", "name"), "limit=%d", analyzer.IntParam(p.Param("limit")))
	})
	r.Params = []analyzer.Param{{Name: "limit", Doc: "a limit", Default: 3}}
	for _, tt := range []struct {
		opts analyzer.Options
		want string
	}{
		{analyzer.Options{}, "warning param limit=3"},
		{analyzer.Options{Params: map[string]map[string]any{"param": {"limit": 7}}, Severity: map[string]analyzer.Severity{"param": analyzer.SeverityError}}, "error param limit=7"},
	} {
		_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{r}, tt.opts)
		if got := format(res.Diagnostics); !strings.HasSuffix(strings.TrimSpace(got), tt.want) {
			t.Errorf("got %q, want suffix %q", got, tt.want)
		}
	}
}

func TestDisabledEngineRules(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": "a: [\n", "b.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\nbogus: 1\n"})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, nil, analyzer.Options{})
	if len(res.Diagnostics) != 0 {
		t.Errorf("engine diagnostics reported without their rules: %s", format(res.Diagnostics))
	}
	_, res = analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, analyzer.EngineRules(), analyzer.Options{})
	if got := format(res.Diagnostics); !strings.Contains(got, "a.yaml:1:1 error yaml-syntax") || !strings.Contains(got, "b.yaml:4:1 error unknown-field") {
		t.Errorf("got %s", got)
	}
}

func TestValidate(t *testing.T) {
	good := testRule("fine-rule", func(*analyzer.Pass) {})
	if err := analyzer.Validate(append(analyzer.EngineRules(), good)); err != nil {
		t.Fatal(err)
	}
	bad := []*analyzer.Rule{
		testRule("Not_Kebab", func(*analyzer.Pass) {}),
		testRule("fine-rule", func(*analyzer.Pass) {}),
		testRule("fine-rule", func(*analyzer.Pass) {}),
		{ID: "no-run", Title: "t", Rationale: "r", Remediation: "r", Severity: analyzer.SeverityInfo, Source: "go"},
		{ID: "no-docs", Severity: analyzer.SeverityInfo, Source: "go", Run: func(*analyzer.Pass) {}},
	}
	err := analyzer.Validate(bad)
	for _, want := range []string{`"Not_Kebab": ID is not kebab-case`, `"fine-rule": duplicate ID`, `"no-run": exactly one of Run and RunSet`, `"no-docs": title, rationale and remediation are required`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %v does not contain %q", err, want)
		}
	}
}

// Sort orders by file, line, column, rule and message, and keeps the
// order of equal diagnostics.
func TestSortStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ds []analyzer.Diagnostic
	for i := range 500 {
		ds = append(ds, analyzer.Diagnostic{
			File: fmt.Sprintf("f%d", rng.IntN(3)), RuleID: fmt.Sprintf("r%d", rng.IntN(2)), Message: fmt.Sprintf("m%d", rng.IntN(2)),
			Range: analyzer.Range{Start: analyzer.Position{Line: 1 + rng.IntN(5), Column: 1 + rng.IntN(3)}},
			Path:  analyzer.NewPath(i), // tells equal diagnostics apart
		})
	}
	want := slices.Clone(ds)
	slices.SortStableFunc(want, func(a, b analyzer.Diagnostic) int {
		switch {
		case analyzer.Less(&a, &b):
			return -1
		case analyzer.Less(&b, &a):
			return 1
		}
		return 0
	})
	analyzer.Sort(ds)
	for i := range ds {
		if ds[i].Path.String() != want[i].Path.String() {
			t.Fatalf("ds[%d] = %+v, want %+v", i, ds[i], want[i])
		}
	}
}

// Pass.Shared builds a value once per document: the rules of one document
// share it, another document gets its own.
func TestPassSharedIsPerDocument(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("one") + "---\n" + sa("two")})
	type key struct{}
	var builds []string // one file: its documents are checked in order
	shared := func(p *analyzer.Pass) string {
		return p.Shared(key{}, func() any {
			builds = append(builds, p.Doc.Name)
			return "built for " + p.Doc.Name
		}).(string)
	}
	rules := []*analyzer.Rule{
		testRule("first", func(p *analyzer.Pass) { p.Reportf(analyzer.NewPath("metadata", "name"), "first: %s", shared(p)) }),
		testRule("second", func(p *analyzer.Pass) { p.Reportf(analyzer.NewPath("metadata", "name"), "second: %s", shared(p)) }),
	}
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, rules, analyzer.Options{})
	want := strings.ReplaceAll(`DIR/a.yaml:4:9 warning first first: built for one
DIR/a.yaml:4:9 warning second second: built for one
DIR/a.yaml:9:9 warning first first: built for two
DIR/a.yaml:9:9 warning second second: built for two
`, "DIR", filepath.ToSlash(dir))
	if got := format(res.Diagnostics); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !slices.Equal(builds, []string{"one", "two"}) {
		t.Errorf("built for %q, want once for each document", builds)
	}
}

// TestLintFilesKeepTheirOwnFindings lints files one after the other on one
// processor, so that each reuses the buffers of the one before (a file
// with many findings, then fewer, then none, then more than a reused
// buffer holds): every file has exactly its own findings.
func TestLintFilesKeepTheirOwnFindings(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	docs := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("---\n" + sa(fmt.Sprint("sa", i)))
		}
		return b.String()
	}
	counts := map[string]int{"a.yaml": 40, "b.yaml": 3, "c.yaml": 0, "d.yaml": 1500, "e.yaml": 2}
	files := map[string]string{}
	for name, n := range counts {
		files[name] = docs(n)
	}
	dir := writeFiles(t, files)
	// Three findings on each document (one per line of its metadata).
	rule := testRule("each", func(p *analyzer.Pass) {
		for _, key := range []string{"apiVersion", "kind", "metadata"} {
			p.Reportf(analyzer.NewPath(key), "%s of %s", key, p.Doc.Name)
		}
	})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{dir}, []*analyzer.Rule{rule}, analyzer.Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	byFile := map[string][]string{}
	for _, d := range res.Diagnostics {
		byFile[filepath.Base(d.File)] = append(byFile[filepath.Base(d.File)], fmt.Sprintf("%d:%d %s", d.Range.Start.Line, d.Range.Start.Column, d.Message))
	}
	for name, n := range counts {
		var want []string
		for i := range n {
			line := 5*i + 2 // "---", then the document's four lines
			for j, key := range []string{"apiVersion", "kind", "metadata"} {
				col := len(key) + 3 // the value
				if key == "metadata" {
					col = 1 // a mapping: its key
				}
				want = append(want, fmt.Sprintf("%d:%d %s of sa%d", line+j, col, key, i))
			}
		}
		if got := byFile[name]; !slices.Equal(got, want) {
			t.Errorf("%s: %d findings, want %d\n%s", name, len(got), len(want), strings.Join(got[:min(len(got), 9)], "\n"))
		}
	}
}

// TestLintStopsWithinAFile: an interrupt stops the run within the file it
// is in (parsing and checking its documents), not at the next file: one
// large file of 20,000 documents stops after the document being checked.
func TestLintStopsWithinAFile(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa%d\n", i)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "many.yaml")
	analyzertest.WriteFile(t, path, b.String())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var checked atomic.Int64
	rule := testRule("test-cancel", func(p *analyzer.Pass) {
		if checked.Add(1) == 10 {
			cancel()
		}
	})
	set, _ := analyzer.Lint(ctx, analyzer.NewLoader(nil), []string{path}, []*analyzer.Rule{rule}, analyzer.Options{})
	if n := checked.Load(); n > 20 {
		t.Errorf("%d documents checked after the interrupt at the 10th", n)
	}
	if n := len(set.Docs); n >= 20000 {
		t.Errorf("all %d documents parsed after the interrupt", n)
	}
}
