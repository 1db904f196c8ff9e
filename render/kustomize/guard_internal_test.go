package kustomize

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kvet-dev/kvet/render"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// TestBuildNeverRunsGit runs kustomize on kvet's file system directly,
// without Render's check of the entries: kustomizations (a root, and a
// base it includes) that name git repositories, with keys spelled as only
// kustomize's decoder reads them, must fail without git being run (the
// only git on PATH leaves a mark).
func TestBuildNeverRunsGit(t *testing.T) {
	bin := t.TempDir()
	mark := filepath.Join(bin, "git-ran")
	git := "#!/bin/sh\necho \"$@\" >> " + mark + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(git), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	for name, files := range map[string]map[string]string{
		"root":         {"kustomization.yaml": "RESOURCES:\n- github.com/example/manifests//deploy?ref=v1\n"},
		"components":   {"kustomization.yaml": "Components:\n- git@github.com:example/manifests.git//c\n"},
		"transformers": {"kustomization.yaml": "transformers:\n- https://example.com/repo.git//t?ref=main\n"},
		"base": {
			"kustomization.yaml":      "resources:\n- base\n",
			"base/kustomization.yaml": "Bases:\n- github.com/example/manifests//deploy?ref=v1\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, text := range files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			fs := &fileSystem{FileSystem: filesys.MakeFsOnDisk(), root: dir, env: &render.Env{}}
			_, err := runKustomize(fs, dir)
			if err == nil {
				t.Error("the build succeeded")
			}
			if data, err := os.ReadFile(mark); err == nil {
				t.Errorf("git was run: %s", data)
			}
		})
	}
}

// TestWithBuildMetadata checks that kvet's build metadata is added to a
// root kustomization in every form of the text, which otherwise reaches
// kustomize unchanged.
func TestWithBuildMetadata(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"resources:\n- a.yaml\n", []string{"originAnnotations"}},
		{"# comment\n---\nresources:\n- a.yaml\n", []string{"originAnnotations"}},
		{"resources: [a.yaml]\nbuildMetadata:\n- transformerAnnotations   # costly\n- managedByLabel\nnamespace: x\n", []string{"originAnnotations", "managedByLabel"}},
		{"buildMetadata: [transformerAnnotations,\n  managedByLabel\n  ]\nresources: [a.yaml]\n", []string{"originAnnotations", "managedByLabel"}},
		{"BuildMetadata:\r\n- managedByLabel\r\nresources:\r\n- a.yaml\r\n", []string{"originAnnotations", "managedByLabel"}},
		{"resources: [a.yaml]\nbuildMetadata:\n", []string{"originAnnotations"}},
		{"{resources: [a.yaml]}\n", []string{"originAnnotations"}},
		{"\ufeffresources:\n- a.yaml\n", []string{"originAnnotations"}},
	} {
		out := withBuildMetadata([]byte(tc.text))
		var k types.Kustomization
		if err := k.Unmarshal(out); err != nil {
			t.Errorf("%q: %v in\n%s", tc.text, err, out)
			continue
		}
		if !slices.Equal(k.BuildMetadata, tc.want) || !slices.Equal(k.Resources, []string{"a.yaml"}) {
			t.Errorf("%q: buildMetadata %q, resources %q in\n%s", tc.text, k.BuildMetadata, k.Resources, out)
		}
	}
}
