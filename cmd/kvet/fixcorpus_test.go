package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// jsonFindings lints files with --format json and returns the report.
type jsonReport struct {
	Summary struct {
		Documents int `json:"documents"`
	} `json:"summary"`
	Diagnostics []struct {
		Rule        string          `json:"rule"`
		File        string          `json:"file"`
		Path        string          `json:"path"`
		Fingerprint string          `json:"fingerprint"`
		Fix         json.RawMessage `json:"fix"`
	} `json:"diagnostics"`
}

func lintJSON(t *testing.T, dir string, files []string) jsonReport {
	t.Helper()
	o := kvet(t, run{args: append([]string{"lint", "--format", "json", "--fail-on", "none"}, files...), dir: dir})
	if o.code != 0 {
		t.Fatalf("kvet lint: exit %d\n%s", o.code, o.stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestFixCorpus runs kvet fix, as a user would, on a copy of every file of
// ../shared/corpus/real (when it exists), with every rule and policy: none
// of the findings it fixed may be reported afterwards, no file may gain a
// syntax or schema problem or lose a document, files without fixes are
// left byte for byte, and a second run has nothing left to do.
func TestFixCorpus(t *testing.T) {
	real := filepath.Join(corpusDir(t), "real")
	dir := t.TempDir()
	write(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
	var files []string
	orig := map[string][]byte{}
	err := filepath.WalkDir(real, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		rel, err := filepath.Rel(real, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		write(t, filepath.Join(dir, rel), string(data))
		files = append(files, filepath.ToSlash(rel))
		orig[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	before := lintJSON(t, dir, files)
	fixable := map[string]string{} // fingerprint → rule
	fixedFiles := map[string]bool{}
	schema := func(r jsonReport) map[string]int {
		n := map[string]int{}
		for _, d := range r.Diagnostics {
			switch d.Rule {
			case "yaml-syntax", "unknown-field", "invalid-value":
				n[d.File]++
			}
		}
		return n
	}
	for _, d := range before.Diagnostics {
		if string(d.Fix) != "null" {
			fixable[d.Fingerprint] = d.Rule
			fixedFiles[d.File] = true
		}
	}
	if len(fixable) == 0 {
		t.Fatal("no fixable finding in the corpus")
	}

	o := kvet(t, run{args: append([]string{"fix", "--quiet", "--fail-on", "none"}, files...), dir: dir})
	if o.code != 0 {
		t.Fatalf("kvet fix: exit %d\n%s", o.code, o.stderr)
	}

	after := lintJSON(t, dir, files)
	if after.Summary.Documents != before.Summary.Documents {
		t.Errorf("%d documents after the fixes, %d before", after.Summary.Documents, before.Summary.Documents)
	}
	for _, d := range after.Diagnostics {
		if rule, ok := fixable[d.Fingerprint]; ok {
			t.Errorf("%s: %s at %s is still reported after kvet fix", d.File, rule, d.Path)
		}
	}
	sb, sa := schema(before), schema(after)
	for f, n := range sa {
		if n > sb[f] {
			t.Errorf("%s: %d syntax or schema findings after the fixes, %d before", f, n, sb[f])
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !fixedFiles[f] && string(data) != string(orig[f]) {
			t.Errorf("%s has no fix but was changed", f)
		}
		if fixedFiles[f] && string(data) == string(orig[f]) {
			t.Errorf("%s has fixes but is unchanged", f)
		}
	}
	if o := kvet(t, run{args: append([]string{"fix", "--diff"}, files...), dir: dir}); o.code != 0 || o.stdout != "" {
		t.Errorf("a second kvet fix would change more: exit %d\n%.2000s", o.code, o.stdout)
	}
	t.Logf("%d files, %d fixable findings in %d files fixed", len(files), len(fixable), len(fixedFiles))
}
