package analyzer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// sharedCorpus returns ../shared/corpus beside the repository root, or
// skips the test when it does not exist (the project must pass without it).
func sharedCorpus(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root not found")
		}
		dir = parent
	}
	corpus := filepath.Join(filepath.Dir(dir), "shared", "corpus")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("no shared corpus at %s", corpus)
	}
	return corpus
}

// Every file of the real corpus parses (the corpus was selected with
// PyYAML), and loading never fails or panics; kubectl refuses one
// (analyzertest.KubectlRefuses).
func TestRealCorpusLoads(t *testing.T) {
	real := filepath.Join(sharedCorpus(t), "real")
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{real})
	if len(set.Errors) > 0 {
		t.Fatalf("errors: %v", set.Errors)
	}
	for _, d := range set.Diagnostics {
		if d.RuleID == analyzer.IDYAMLSyntax && !analyzertest.KubectlRefuses(d.File, d.Range.Start.Line) {
			t.Errorf("%s:%d: %s", d.File, d.Range.Start.Line, d.Message)
		}
	}
	if len(set.Files) < 2000 || len(set.Docs) < 3300 {
		t.Errorf("loaded %d files, %d documents; the corpus has about 2,200 and 3,370", len(set.Files), len(set.Docs))
	}
	t.Logf("%d files, %d documents, %d load diagnostics", len(set.Files), len(set.Docs), len(set.Diagnostics))
}

// The unparseable files get a yaml-syntax error on the line where PyYAML
// (and YAML 1.2) fails; the CRD whose "=" key PyYAML cannot construct is
// valid YAML 1.2 and loads.
func TestUnparseableCorpus(t *testing.T) {
	edge := filepath.Join(sharedCorpus(t), "edge", "unparseable")
	want := map[string]int{
		"kubernetes-website/content/en/examples/controllers/job-pod-failure-policy-ignore.yaml": 24,
		"kubescape-regolibrary/controls/examples/c007.yaml":                                     8,
		"kubescape-regolibrary/controls/examples/c008.yaml":                                     11,
		"kubescape-regolibrary/controls/examples/c087.yaml":                                     2,
		"polaris/pkg/kube/test_files/test_3/bad.yaml":                                           3,
	}
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{edge})
	got := map[string]int{}
	for _, d := range set.Diagnostics {
		if d.RuleID == analyzer.IDYAMLSyntax && !analyzertest.KubectlRefuses(d.File, d.Range.Start.Line) {
			got[strings.TrimPrefix(d.File, filepath.ToSlash(edge)+"/")] = d.Range.Start.Line
		}
	}
	for f, line := range want {
		if got[f] != line {
			t.Errorf("%s: yaml-syntax on line %d, want %d", f, got[f], line)
		}
	}
	if len(got) != len(want) {
		t.Errorf("yaml-syntax in %v, want exactly %v", got, want)
	}
}
