package analyzer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// A buffer in the overlay replaces the file on disk, whether the file is
// named or found in a directory, and is linted once; a buffer that does not
// exist on disk is read when named.
func TestLoaderOverlay(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("on-disk"), "sub/b.yaml": sa("b")})
	a := filepath.Join(dir, "a.yaml")
	unsaved := filepath.Join(dir, "new.yaml")
	l := analyzer.NewLoader(nil).WithOverlay(map[string][]byte{a: []byte(sa("in-buffer")), unsaved: []byte(sa("unsaved"))})
	set, res := analyzer.Lint(context.Background(), l, []string{a, dir, unsaved}, []*analyzer.Rule{objectSeen()}, analyzer.Options{})
	got := format(res.Diagnostics)
	want := a + ":4:9 info object-seen ServiceAccount in-buffer\n" +
		unsaved + ":4:9 info object-seen ServiceAccount unsaved\n" +
		filepath.Join(dir, "sub/b.yaml") + ":4:9 info object-seen ServiceAccount b\n"
	if got != want || len(set.Files) != 3 || len(set.Errors) != 0 {
		t.Errorf("got %d files, errors %v, diagnostics:\n%swant:\n%s", len(set.Files), set.Errors, got, want)
	}
	// The original loader still reads the disk.
	_, res = analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{a}, []*analyzer.Rule{objectSeen()}, analyzer.Options{})
	if got := format(res.Diagnostics); got != a+":4:9 info object-seen ServiceAccount on-disk\n" {
		t.Errorf("without overlay: %s", got)
	}
}

// The steps of a Checker give what Run gives.
func TestCheckerStepsMatchRun(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.yaml": sa("one") + "---\n" + sa("two") + "---\nkind: [\n"})
	count := &analyzer.Rule{ID: "count", Title: "count", Severity: analyzer.SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
		RunSet: func(p *analyzer.SetPass) {
			for _, d := range p.Docs {
				p.Report(d, analyzer.Finding{Path: analyzer.NewPath("metadata"), Message: fmt.Sprintf("%d documents", len(p.Docs))})
			}
		}}
	syntax := &analyzer.Rule{ID: analyzer.IDYAMLSyntax, Title: "syntax", Severity: analyzer.SeverityError, Source: "engine", Rationale: "t", Remediation: "t"}
	rules := []*analyzer.Rule{objectSeen(), count, syntax}
	opts := analyzer.Options{Severity: map[string]analyzer.Severity{"count": analyzer.SeverityWarning}}
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{dir})
	want := format(analyzer.Run(context.Background(), set, rules, opts).Diagnostics)

	c := analyzer.NewChecker(rules, opts)
	diags := c.LoadDiagnostics(set.Diagnostics)
	for _, d := range set.Docs {
		diags = append(diags, c.Document(context.Background(), d)...)
	}
	diags = append(diags, c.Set(context.Background(), set.Docs)...)
	analyzer.Sort(diags)
	if got := format(diags); got != want || len(c.Errors()) != 0 {
		t.Errorf("checker:\n%sRun:\n%serrors: %v", got, want, c.Errors())
	}
	if want == "" {
		t.Fatal("Run reported nothing")
	}
}

// A buffer over the size limit is not read, like a file: one
// file-too-large diagnostic.
func TestLoaderOverlayBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	l := analyzer.NewLoader(nil)
	l.MaxFileSize = 16
	set := l.WithOverlay(map[string][]byte{path: []byte(sa("too-long-for-sixteen-bytes"))}).Load(context.Background(), []string{path})
	if len(set.Docs) != 0 || len(set.Diagnostics) != 1 || set.Diagnostics[0].RuleID != analyzer.IDFileTooLarge {
		t.Errorf("documents %d, diagnostics %+v; want one file-too-large", len(set.Docs), set.Diagnostics)
	}
}
