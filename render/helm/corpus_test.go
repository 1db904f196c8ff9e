package helm_test

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/helm/engine"
	"github.com/kvet-dev/kvet/render/helm/helmtest"
	"github.com/kvet-dev/kvet/rules"
)

// reposCorpus returns ../shared/corpus/repos beside the repository root, or
// skips the test.
func reposCorpus(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if dir == filepath.Dir(dir) {
			t.Skip("repository root not found")
		}
	}
	repos := filepath.Join(filepath.Dir(dir), "shared", "corpus", "repos")
	if _, err := os.Stat(repos); err != nil {
		t.Skipf("no shared corpus at %s", repos)
	}
	return repos
}

// inProcess renders with Helm's packages in the test binary, as kvet-helm
// does.
func inProcess(ctx context.Context, reqs []helm.Request) ([]helm.Output, error) {
	out := make([]helm.Output, len(reqs))
	for i, r := range reqs {
		out[i] = engine.Render(ctx, r)
	}
	return out, nil
}

// chartRun is what linting one chart subtree gave.
type chartRun struct {
	templateFiles int            // files under templates/ (discoverable)
	renderedFiles int            // those that rendered objects (or failed)
	objects       int            // rendered objects
	findings      map[string]int // by rule
	quality       map[helm.Quality]int
	failed        []string // file:line:col of the render-failed findings
	elapsed       time.Duration
}

func (c chartRun) total() int {
	n := 0
	for _, v := range c.findings {
		n += v
	}
	return n
}

func (c chartRun) String() string {
	var rules []string
	for r, n := range c.findings {
		rules = append(rules, fmt.Sprintf("%s=%d", r, n))
	}
	sort.Strings(rules)
	s := fmt.Sprintf("files=%d rendered=%d objects=%d findings=%d at-key=%d ancestor=%d object=%d [%s]",
		c.templateFiles, c.renderedFiles, c.objects, c.total(), c.quality[helm.AtKey], c.quality[helm.AtAncestor], c.quality[helm.AtObject], strings.Join(rules, " "))
	if len(c.failed) > 0 {
		s += " failed at " + strings.Join(c.failed, ", ")
	}
	return s
}

// lintChart lints the subtree dir from its root, as kvet lint . does there,
// with every rule kvet enables by default.
func lintChart(t *testing.T, dir string) chartRun {
	t.Helper()
	t.Chdir(dir)
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(helm.New(helm.Settings{}, inProcess))
	start := time.Now()
	set, res := lt.Lint(context.Background(), loader, []string{"."})
	run := chartRun{elapsed: time.Since(start), findings: map[string]int{}, quality: map[helm.Quality]int{}}
	for _, err := range append(set.Errors, res.Errors...) {
		t.Errorf("lint: %v", err)
	}
	for _, r := range set.Renderings {
		run.objects += len(r.Docs)
	}
	for _, r := range set.Renderings {
		for _, f := range r.Files {
			if helm.IsTemplate(".", f.Path) {
				run.templateFiles++
				run.renderedFiles++
			}
		}
		for _, f := range r.Unrendered {
			if helm.IsTemplate(".", f.Path) {
				run.templateFiles++
			}
		}
	}
	diags := lt.Suppress(set, res.Diagnostics)
	for _, d := range diags {
		if d.Suppressed() {
			continue
		}
		run.findings[d.RuleID]++
		if d.RuleID == analyzer.IDYAMLSyntax && helm.IsTemplate(".", d.File) {
			t.Errorf("yaml-syntax on a template: %s:%d: %s", d.File, d.Range.Start.Line, d.Message)
		}
		if d.RuleID == analyzer.IDRenderFailed {
			run.failed = append(run.failed, fmt.Sprintf("%s:%d:%d", d.File, d.Range.Start.Line, d.Range.Start.Column))
			continue
		}
		// Findings on rendered objects are at template lines, and say how
		// precisely.
		q, ok := precision(set, d)
		if !ok {
			continue
		}
		if !helm.IsTemplate(".", d.File) || path.Ext(d.File) != ".yaml" {
			t.Errorf("finding not in templates/*.yaml: %s:%d %s", d.File, d.Range.Start.Line, d.RuleID)
		}
		run.quality[q]++
	}
	return run
}

// precision finds the rendered object of d and how precisely d's path is
// located in its template.
func precision(set *analyzer.Set, d analyzer.Diagnostic) (helm.Quality, bool) {
	for _, doc := range set.Docs {
		if doc.Rendering == nil || doc.Ref() != d.Object {
			continue
		}
		atKey := d.RuleID == analyzer.IDUnknownField || d.RuleID == analyzer.IDInvalidValue
		if q, rng, ok := helm.Precision(doc, d.Path, atKey); ok && rng == d.Range {
			return q, true
		}
	}
	return 0, false
}

// TestCorpusCharts lints each Helm chart subtree of the shared corpus from
// its root: no template is parsed as YAML, every chart whose dependencies
// are vendored renders and its findings are at template lines; bitnami's
// postgresql, whose common library is not vendored, is one render-failed.
func TestCorpusCharts(t *testing.T) {
	repos := reposCorpus(t)
	tests := []struct {
		dir  string
		want string
	}{
		{"kube-state-metrics", "files=17 rendered=5 objects=5 findings=4 at-key=4 ancestor=0 object=0 [rbac-secrets-access=1 resource-limits-missing=1 resource-requests-missing=1 workload-excessive-permissions=1]"},
		{"prometheus-node-exporter", "files=12 rendered=3 objects=3 findings=2 at-key=2 ancestor=0 object=0 [resource-limits-missing=1 resource-requests-missing=1]"},
		{"ingress-nginx", "files=42 rendered=19 objects=18 findings=16 at-key=16 ancestor=0 object=0 [job-active-deadline-missing=2 job-backoff-limit-unset=2 rbac-secrets-access=3 rbac-webhook-config=1 resource-limits-missing=3 resource-requests-missing=2 workload-excessive-permissions=3]"},
		{"bitnami-postgresql", "files=35 rendered=0 objects=0 findings=1 at-key=0 ancestor=0 object=0 [render-failed=1] failed at Chart.yaml:17:3"},
		{"nfd-deployment/helm/node-feature-discovery", "files=21 rendered=11 objects=18 findings=6 at-key=2 ancestor=4 object=0 [job-active-deadline-missing=1 job-backoff-limit-unset=1 resource-limits-missing=4]"},
	}
	var report []string
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			run := lintChart(t, filepath.Join(repos, filepath.FromSlash(tt.dir)))
			report = append(report, fmt.Sprintf("%-45s %s time=%s", tt.dir, run, run.elapsed.Round(time.Millisecond)))
			if got := run.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	t.Log("\n" + strings.Join(report, "\n"))
}

// TestLintArchive lints the charts of testdata/helm/lint.txtar with their
// # want comments in the templates and Chart.yaml.
func TestLintArchive(t *testing.T) {
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	// Every rule enabled by default, Go and Rego; RunArchive adds the
	// engine's and the suppression rules.
	var rules []*analyzer.Rule
	for _, r := range lt.Enabled {
		if r.Source != "engine" && !slices.ContainsFunc(analyzer.SuppressionRules(), func(s *analyzer.Rule) bool { return s.ID == r.ID }) {
			rules = append(rules, r)
		}
	}
	r := render.New(helm.New(helm.Settings{}, inProcess))
	analyzertest.RunArchive(t, "../../testdata/helm/lint.txtar", rules, analyzertest.WithRenderer(r), analyzertest.WithSuppressions())
}

// TestPackagedSubchart: the objects of a subchart packaged under charts/
// (a .tgz, as helm dependency build leaves it) have no template text on
// disk; their findings point at the Chart.yaml dependency that brings the
// subchart in.
func TestPackagedSubchart(t *testing.T) {
	dir := t.TempDir()
	helmtest.Extract(t, "../../testdata/helm/engine.txtar", dir)
	t.Chdir(dir)
	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(helm.New(helm.Settings{}, inProcess))
	_, res := analyzer.Lint(context.Background(), loader, []string{"app"}, rules.All(), analyzer.Options{})
	var got []string
	for _, d := range res.Diagnostics {
		if d.Object.Name == "packed" {
			got = append(got, fmt.Sprintf("%s:%d:%d %s", d.File, d.Range.Start.Line, d.Range.Start.Column, d.RuleID))
		}
	}
	want := []string{
		"app/Chart.yaml:7:3 default-service-account",
		"app/Chart.yaml:7:3 job-active-deadline-missing",
		"app/Chart.yaml:7:3 job-backoff-limit-unset",
		"app/Chart.yaml:7:3 job-ttl-missing",
		"app/Chart.yaml:7:3 resource-limits-missing",
		"app/Chart.yaml:7:3 resource-requests-missing",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings on the packaged subchart's Job:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
