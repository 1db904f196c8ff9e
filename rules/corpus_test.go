package rules_test

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/rules"
)

// TestCorpus runs every rule over the real manifests of
// ../shared/corpus/real, when it exists: no run errors (a panicking rule is
// one), no yaml-syntax on files that the corpus says parse, every document
// found, and the number of findings per rule logged.
func TestCorpus(t *testing.T) {
	corpus := filepath.Join(repoRoot(t), "..", "shared", "corpus")
	real := filepath.Join(corpus, "real")
	if _, err := os.Stat(real); err != nil {
		t.Skipf("no corpus: %v", err)
	}
	// Name every file explicitly: directory discovery would skip the
	// corpus's vendor/ and hidden directories.
	var files []string
	err := filepath.WalkDir(real, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			switch filepath.Ext(path) {
			case ".yaml", ".yml", ".json":
				files = append(files, path)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	set := analyzer.NewLoader(nil).Load(ctx, files)
	for _, err := range set.Errors {
		t.Errorf("load: %v", err)
	}
	res := analyzer.Run(ctx, set, rules.All(), analyzer.Options{})
	for _, err := range res.Errors {
		t.Errorf("run: %v", err)
	}
	counts := map[string]int{}
	for _, d := range res.Diagnostics {
		counts[d.RuleID]++
		if d.RuleID == analyzer.IDYAMLSyntax && !analyzertest.KubectlRefuses(d.File, d.Range.Start.Line) {
			t.Errorf("%s:%d: %s (the corpus says every file parses)", d.File, d.Range.Start.Line, d.Message)
		}
	}
	if want, ok := expectedDocuments(filepath.Join(corpus, "stats.txt")); ok {
		// The corpus counts the strategic-merge patches that delete an
		// object (top-level `$patch: delete`), which are not objects.
		deletes := 0
		for _, f := range set.Files {
			deletes += len(deletePatch.FindAll(f.Content, -1))
		}
		if len(set.Docs) != want-deletes {
			t.Errorf("%d documents, stats.txt says %d after expanding Lists, %d of them $patch: delete", len(set.Docs), want, deletes)
		}
	}
	checkFixes(t, set, res.Diagnostics)
	t.Logf("%d files, %d documents, %d findings", len(set.Files), len(set.Docs), len(res.Diagnostics))
	for _, r := range rules.All() {
		t.Logf("%-36s %6d", r.ID, counts[r.ID])
		delete(counts, r.ID)
	}
	for _, id := range slices.Sorted(maps.Keys(counts)) {
		t.Logf("%-36s %6d (not in rules.All)", id, counts[id])
	}
}

var (
	expandedDocs = regexp.MustCompile(`documents after expanding Lists: (\d+)`)
	deletePatch  = regexp.MustCompile(`(?m)^\$patch: delete\s*$`)
)

// expectedDocuments reads the corpus's own document count.
func expectedDocuments(stats string) (int, bool) {
	data, err := os.ReadFile(stats)
	if err != nil {
		return 0, false
	}
	m := expandedDocs.FindSubmatch(data)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(m[1]))
	return n, err == nil
}

// checkFixes applies every suggested fix to its file as kvet fix does
// (analyzer.ApplyFixes; none may be left out for overlapping another) and
// lints the result again: it must parse into the same number of documents, without new
// yaml-syntax, unknown-field or invalid-value findings, and the findings
// that had fixes must be gone.
func checkFixes(t *testing.T, set *analyzer.Set, diags []analyzer.Diagnostic) {
	t.Helper()
	byFile := map[string][]analyzer.Diagnostic{}
	for _, d := range diags {
		if d.Fix != nil {
			byFile[d.File] = append(byFile[d.File], d)
		}
	}
	schema := func(ds []analyzer.Diagnostic) int {
		n := 0
		for _, d := range ds {
			switch d.RuleID {
			case analyzer.IDYAMLSyntax, analyzer.IDUnknownField, analyzer.IDInvalidValue:
				n++
			}
		}
		return n
	}
	fixes := map[string]int{}
	for _, f := range set.Files {
		fixed := byFile[f.Path]
		if len(fixed) == 0 {
			continue
		}
		var list []*analyzer.SuggestedFix
		for _, d := range fixed {
			list = append(list, d.Fix)
		}
		content, applied := analyzer.ApplyFixes(f.Content, list)
		kept := fixed[:0]
		for i, d := range fixed {
			if !applied[i] {
				t.Errorf("%s:%d:%d: the fix of %s overlaps another fix", f.Path, d.Range.Start.Line, d.Range.Start.Column, d.RuleID)
				continue
			}
			kept = append(kept, d)
			fixes[d.RuleID]++
		}
		fixed = kept
		before, beforeDiags := analyzer.NewLoader(nil).Parse(f)
		nf := &analyzer.File{Path: f.Path, Content: content}
		after, afterDiags := analyzer.NewLoader(nil).Parse(nf)
		if len(after) != len(before) || schema(afterDiags) > schema(beforeDiags) {
			t.Errorf("%s: after fixes %d documents (was %d), %d load problems (was %d)",
				f.Path, len(after), len(before), schema(afterDiags), schema(beforeDiags))
			continue
		}
		res := analyzer.Run(context.Background(), &analyzer.Set{Files: []*analyzer.File{nf}, Docs: after}, rules.All(), analyzer.Options{})
		remaining := map[string]bool{}
		for _, d := range res.Diagnostics {
			remaining[d.Fingerprint()] = true
		}
		for _, d := range fixed {
			if remaining[d.Fingerprint()] {
				t.Errorf("%s: %s at %s is still reported after its fix", f.Path, d.RuleID, d.Path)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(fixes)) {
		t.Logf("fixes applied and verified: %-30s %4d", id, fixes[id])
	}
}

// BenchmarkRunCorpus measures analyzer.Run with every rule over the
// corpus's documents (loading excluded).
func BenchmarkRunCorpus(b *testing.B) {
	dir, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	real := filepath.Join(dir, "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(real); err != nil {
		b.Skipf("no corpus: %v", err)
	}
	ctx := context.Background()
	set := analyzer.NewLoader(nil).Load(ctx, []string{real})
	all := rules.All()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		analyzer.Run(ctx, set, all, analyzer.Options{})
	}
	b.ReportMetric(float64(len(set.Docs)), "docs/op")
}
