package analyzer_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

// A file of 256 KiB or more is checked a document at a time as it is
// parsed, a smaller one once it is parsed whole: both give the same
// diagnostics, in the same order, with every rule (the loader's syntax
// errors and duplicate keys, per-document findings with fixes, the
// cross-document rules' chains). The large file is the small one followed
// by a block of comments, so that every line stays where it is.
func TestLintLargeFileSameFindings(t *testing.T) {
	docs := []string{
		"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j1\n  namespace: a\nspec:\n  template:\n    spec:\n      serviceAccountName: runner\n      restartPolicy: Always\n      containers:\n      - name: a\n        image: a\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n\tnamespace: a\n",                           // a tab: yaml-syntax
		"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  name: runner\n  namespace: a\n", // duplicate-key
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n- {kind: ServiceAccount, name: runner, namespace: a}\n",
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: a}\nrules:\n- apiGroups: [\"*\"]\n  resources: [secrets, pods/exec]\n  verbs: [\"*\"]\n",
		"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\n  namespace: a\nspec:\n  schedule: \"0 0 31 2 *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          x: &x {a: 1}\n          y: *x\n          containers: [{name: a, image: a}]\n",
	}
	small := strings.Join(docs, "---\n")
	large := small + strings.Repeat("# padding line.\n", 256<<10/16)
	lint := func(content string) []string {
		t.Chdir(t.TempDir())
		if err := os.WriteFile("m.yaml", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"m.yaml"}, rules.All(), analyzer.Options{})
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		return describe(res.Diagnostics)
	}
	want, got := lint(small), lint(large)
	if len(want) < 10 || !slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, "yaml-syntax ") }) ||
		!slices.ContainsFunc(want, func(s string) bool { return strings.HasPrefix(s, "workload-excessive-permissions ") }) {
		t.Fatalf("the small file gives too few findings to compare:\n%s", strings.Join(want, "\n"))
	}
	t.Logf("%d diagnostics", len(want))
	if !slices.Equal(got, want) {
		t.Errorf("a document at a time:\n%s\nparsed whole first:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// describe renders diagnostics with their places, fixes and related
// locations, one line each.
func describe(ds []analyzer.Diagnostic) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		s := fmt.Sprintf("%s %s %s:%d:%d-%d:%d %s %q", d.RuleID, d.Severity, d.File, d.Range.Start.Line, d.Range.Start.Column,
			d.Range.End.Line, d.Range.End.Column, d.Path, d.Message)
		if d.Fix != nil {
			for _, e := range d.Fix.Edits {
				s += fmt.Sprintf(" edit %d-%d %q", e.Offset, e.End, e.NewText)
			}
		}
		for _, r := range d.Related {
			s += fmt.Sprintf(" related %s:%d:%d %q", r.File, r.Range.Start.Line, r.Range.Start.Column, r.Message)
		}
		out[i] = s
	}
	return out
}
