package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
)

// renderedCase is a file of a folder that a rendering reads, changed over
// and over in the benchmarks of the render stage.
type renderedCase struct {
	name string
	tree func(b *testing.B) string // the folder
	file string                    // the file changed, in the folder
}

// renderedCases are a patch of a small overlay (two overlays of one base),
// a template of a small chart (rendered by kvet-helm), and a patch in two
// real Kustomize trees of ../shared/corpus/repos (skipped without them).
var renderedCases = []renderedCase{
	{"KustomizePatch", func(b *testing.B) string { return archiveTree(b, "render/kustomize/overlays.txtar") }, "overlays/production/concurrency.yaml"},
	{"HelmTemplate", func(b *testing.B) string {
		withKvetHelm(b)
		return writeTree(b, map[string]string{"chart/Chart.yaml": helmChart, "chart/values.yaml": helmValues, "chart/templates/job.yaml": helmJob})
	}, "chart/templates/job.yaml"},
	{"KubeflowProfiles", corpusTree("kubeflow-profiles"), "upstream/overlays/kubeflow/patches/kfam.yaml"},
	{"KustomizeExamples", corpusTree("kustomize-examples"), "springboot/overlays/production/memorylimit_patch.yaml"},
}

// corpusTree returns a function that copies the subtree name of
// ../shared/corpus/repos into a new folder, or skips the benchmark.
func corpusTree(name string) func(b *testing.B) string {
	return func(b *testing.B) string {
		src := filepath.Join("..", "..", "..", "shared", "corpus", "repos", name)
		if _, err := os.Stat(src); err != nil {
			b.Skipf("%s not found: the corpus is in ../shared beside the repository", src)
		}
		dir := writeTree(b, nil)
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			b.Fatal(err)
		}
		return dir
	}
}

// edited returns the text of file in dir with a comment that changes with
// v: every change renders the file's roots again.
func edited(b *testing.B, dir, file string) func(v int) string {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		b.Fatal(err)
	}
	return func(v int) string { return fmt.Sprintf("%s\n# edit %d\n", data, v) }
}

// Time from didChange to publishDiagnostics of a file that a rendering
// reads: its roots are rendered again (kustomize in-process, or kvet-helm
// run for the chart), linted, and the findings mapped to the file:
//
//	go test ./internal/lsp -run '^$' -bench 'Rendered' -benchtime 30x
//
// BenchmarkBaselineLintRendered is the same folder linted in-process as
// kvet lint lints it, in the same run.
func BenchmarkDidChangeRendered(b *testing.B) {
	for _, tc := range renderedCases {
		b.Run(tc.name, func(b *testing.B) {
			dir := tc.tree(b)
			benchChanges(b, dir, tc.file, Options{}, true, false, edited(b, dir, tc.file))
		})
	}
}

// The baseline of BenchmarkDidChangeRendered: kvet lint of the whole
// folder (every root rendered), in-process, with the changed file as an
// unsaved buffer.
func BenchmarkBaselineLintRendered(b *testing.B) {
	for _, tc := range renderedCases {
		b.Run(tc.name, func(b *testing.B) {
			dir := tc.tree(b)
			text := edited(b, dir, tc.file)
			lt, err := linter.New(nil, linter.Settings{})
			if err != nil {
				b.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			v := 0
			lint := func() {
				v++
				loader := analyzer.NewLoader(nil).WithOverlay(map[string][]byte{path: []byte(text(v))})
				loader.Renderer = lt.Renderer()
				set, res := lt.Lint(context.Background(), loader, []string{dir})
				if len(set.Renderings) == 0 || len(res.Errors) > 0 {
					b.Fatalf("nothing rendered, or errors: %v", res.Errors)
				}
				lt.Suppress(set, res.Diagnostics)
			}
			loopCPU(b, 5, lint)
		})
	}
}

// Time from didChange to publishDiagnostics of a manifest that lies in an
// overlay's directory but that no rendering reads (a ConfigMap the
// overlay does not list), in the ten roots of kustomize-examples (skipped
// without ../shared): no root is rendered again, the file is linted as it
// is.
//
//	go test ./internal/lsp -run '^$' -bench 'DidChangeUnreadInRoot' -benchtime 30x
func BenchmarkDidChangeUnreadInRoot(b *testing.B) {
	dir := corpusTree("kustomize-examples")(b)
	const file = "springboot/overlays/production/notes.yaml"
	notes := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  a: b\n"
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(file)), []byte(notes), 0o644); err != nil {
		b.Fatal(err)
	}
	benchChanges(b, dir, file, Options{}, true, false, edited(b, dir, file))
}
