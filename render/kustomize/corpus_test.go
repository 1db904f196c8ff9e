package kustomize_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// corpusRepos is ../shared/corpus/repos beside the repository root.
func corpusRepos(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus", "repos"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the shared corpus is not beside the repository (%v): skipping", err)
	}
	return dir
}

// only renders one root of the stage and lints nothing else.
type only struct {
	*render.Stage
	marker string
}

func (o only) Render(ctx context.Context, l *analyzer.Loader, _ []string) ([]*analyzer.Rendering, []string, []error) {
	r, _, errs := o.Stage.Render(ctx, l, []string{o.marker})
	return r, nil, errs
}

// pair is what the acceptance compares: an object and a rule.
type pair struct {
	object analyzer.ObjectRef
	rule   string
}

func pairs(diags []analyzer.Diagnostic) map[pair]int {
	out := map[pair]int{}
	for _, d := range diags {
		if d.RuleID == analyzer.IDRenderFailed {
			continue
		}
		for _, o := range d.Objects() {
			out[pair{o, d.RuleID}]++
		}
	}
	return out
}

// reference renders root as `kustomize build` does: with the kustomize
// CLI when KVET_KUSTOMIZE names it or it is on PATH (scripts/test.sh
// installs v5.8.2, the release of the kustomize/api kvet links), else with
// krusty's default options (what the CLI runs).
func reference(t *testing.T, root string) []byte {
	t.Helper()
	bin := os.Getenv("KVET_KUSTOMIZE")
	if bin == "" {
		bin, _ = exec.LookPath("kustomize")
	}
	if bin != "" {
		t.Logf("reference: %s build %s", bin, root)
		out, err := exec.Command(bin, "build", root).Output()
		if err != nil {
			t.Fatalf("%s build %s: %v", bin, root, err)
		}
		return out
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		t.Fatalf("krusty %s: %v", root, err)
	}
	out, err := m.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpus lints each Kustomize subtree of ../shared/corpus/repos from
// its root with the render stage and checks the acceptance of issue 9:
//   - the counts (roots rendered and failed, objects, findings, files);
//   - every finding of a rendered object is at a line of a source file the
//     rendering read, never in rendered text;
//   - per rendered root, the (object, rule) pairs kvet reports equal those
//     it reports on `kustomize build ROOT` linted as a plain file, so a
//     patch file gets no finding that the rendered object does not have;
//   - roots that need the network (remote bases) give render-failed.
func TestCorpus(t *testing.T) {
	repos := corpusRepos(t)
	rules := defaultRules(t)
	all := append(analyzer.EngineRules(), rules...)
	tests := []struct {
		name                                    string
		roots, failed, objects, findings, files int
		remote                                  []string // roots that fail on a remote resource
		slow                                    bool     // per-root checks skipped with -short
		paths                                   []string // linted paths (default ".")
	}{
		{name: "kubeflow-profiles", roots: 3, failed: 0, objects: 21, findings: 26, files: 44},
		{name: "kubeflow-katib", roots: 5, failed: 0, objects: 128, findings: 26, files: 60},
		// Two components that no overlay of the subtree includes: not rendered.
		{name: "kubeflow-oauth2-proxy", roots: 6, failed: 0, objects: 47, findings: 7, files: 30},
		// 422 rendered objects; most findings are in the committed install
		// bundles (*install*.yaml), which no kustomization reads. Those of
		// ha/ and of the top folder have no metadata.namespace: they are
		// different objects (five workloads of ha/ are reported on their own).
		{name: "argo-cd-manifests", roots: 7, failed: 0, objects: 422, findings: 524, files: 140, slow: true},
		// transformerconfigs/images does not build as committed (SOURCES.md),
		// and its resources.yaml writes a Deployment as apiVersion v1
		// (deprecated-api-version: kubectl finds no such kind there).
		{name: "kustomize-examples", roots: 10, failed: 2, objects: 27, findings: 30, files: 50,
			remote: []string{"loadHttp/"}},
		// Every overlay has a remote base: the findings are those of the
		// plain resource files (base/), none in the patches, and none of
		// the set rules that report an object missing from the set (the
		// remote base defines the ServiceAccount the CronJobs run as).
		{name: "konflux-mintmaker", roots: 12, failed: 12, objects: 0, findings: 29, files: 62,
			remote: []string{"development/", "production/", "staging/"}},
		// The Kustomize part; helm/ holds a chart (render/helm's tests).
		{name: "nfd-deployment", roots: 6, failed: 0, objects: 80, findings: 14, files: 76,
			paths: []string{"base", "components", "nodefeaturerule", "overlays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(filepath.Join(repos, tt.name))
			stage := render.New(kustomize.New())
			loader := analyzer.NewLoader(nil)
			loader.Renderer = stage
			paths := tt.paths
			if paths == nil {
				paths = []string{"."}
			}
			start := time.Now()
			set, res := analyzer.Lint(context.Background(), loader, paths, all, analyzer.Options{})
			elapsed := time.Since(start)
			for _, err := range append(set.Errors, res.Errors...) {
				t.Errorf("lint: %v", err)
			}
			objects, failed := 0, 0
			var failures []analyzer.Diagnostic
			for _, r := range set.Renderings {
				objects += len(r.Docs)
				for _, d := range r.Diagnostics {
					if d.RuleID == analyzer.IDRenderFailed {
						failed++
						failures = append(failures, d)
						break
					}
				}
			}
			read := map[string]bool{} // the files read by renderings
			for _, r := range set.Renderings {
				for _, f := range r.Files {
					read[f.Path] = true
				}
			}
			rendered := 0
			for i := range res.Diagnostics {
				if read[res.Diagnostics[i].File] {
					rendered++
				}
			}
			t.Logf("%s: %d files, %d roots (%d failed), %d objects rendered, %d findings (%d in files read by renderings), %v",
				tt.name, len(set.Files), len(set.Renderings), failed, objects, len(res.Diagnostics), rendered, elapsed.Round(time.Millisecond))
			got := fmt.Sprintf("%d roots, %d failed, %d objects, %d findings, %d files", len(set.Renderings), failed, objects, len(res.Diagnostics), len(set.Files))
			want := fmt.Sprintf("%d roots, %d failed, %d objects, %d findings, %d files", tt.roots, tt.failed, tt.objects, tt.findings, tt.files)
			if got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			for _, d := range failures {
				t.Logf("render-failed %s:%d: %s", d.File, d.Range.Start.Line, d.Message)
			}
			for _, prefix := range tt.remote {
				found := false
				for _, d := range failures {
					if strings.HasPrefix(d.File, prefix) && strings.Contains(d.Message, "is remote") {
						found = true
					}
				}
				if !found {
					t.Errorf("no render-failed for the remote resource of %s", prefix)
				}
			}
			for _, d := range res.Diagnostics {
				if strings.Contains(d.File, "(kustomize build)") {
					t.Errorf("%s:%d: finding in rendered text: %s (%s)", d.File, d.Range.Start.Line, d.Message, d.RuleID)
				}
			}

			if tt.slow && testing.Short() {
				t.Log("-short: per-root checks skipped")
				return
			}
			for _, r := range set.Renderings {
				if len(r.Docs) == 0 {
					continue
				}
				t.Run(strings.ReplaceAll(r.Root, "/", "_"), func(t *testing.T) {
					checkRoot(t, r, all)
				})
			}
		})
	}
}

// checkRoot lints one root alone, rendered, and its reference output as a
// plain file, and compares the (object, rule) pairs; every finding must
// be at a line of one of the rendering's source files.
func checkRoot(t *testing.T, r *analyzer.Rendering, rules []*analyzer.Rule) {
	marker := ""
	for _, name := range kustomize.FileNames() {
		if _, err := os.Stat(filepath.Join(r.Root, name)); err == nil {
			marker = filepath.ToSlash(filepath.Join(r.Root, name))
			break
		}
	}
	loader := analyzer.NewLoader(nil)
	loader.Renderer = only{render.New(kustomize.New()), marker}
	set, res := analyzer.Lint(context.Background(), loader, []string{"."}, rules, analyzer.Options{})
	if len(set.Renderings) != 1 {
		t.Fatalf("%d renderings of %s", len(set.Renderings), r.Root)
	}
	sources := map[string]*analyzer.File{}
	for _, f := range set.Renderings[0].Files {
		sources[f.Path] = f
	}
	for _, d := range res.Diagnostics {
		f := sources[d.File]
		if f == nil || d.Range.Start.Line < 1 || d.Range.Start.Line > f.LineCount() {
			t.Errorf("%s:%d: %s (%s) is not at a line of a source file of %s", d.File, d.Range.Start.Line, d.Message, d.RuleID, r.Root)
		}
	}

	plain := analyzer.NewLoader(bytes.NewReader(reference(t, r.Root)))
	_, ref := analyzer.Lint(context.Background(), plain, []string{"-"}, rules, analyzer.Options{})
	got, want := pairs(res.Diagnostics), pairs(ref.Diagnostics)
	var diffs []string
	for p := range want {
		if got[p] == 0 {
			diffs = append(diffs, fmt.Sprintf("%s %s/%s %s: only in the reference", p.object.Kind, p.object.Namespace, p.object.Name, p.rule))
		}
	}
	for p := range got {
		if want[p] == 0 {
			diffs = append(diffs, fmt.Sprintf("%s %s/%s %s: only rendered by kvet", p.object.Kind, p.object.Namespace, p.object.Name, p.rule))
		}
	}
	slices.Sort(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}
