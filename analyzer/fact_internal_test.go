package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// Lint extracts the facts of set rules before releasing node trees and
// typed objects: the set rule reads the facts, and reporting a path the fact
// named does not parse the file again; another path still resolves, by
// re-parsing.
func TestLintFacts(t *testing.T) {
	dir := t.TempDir()
	content := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: jobs\nautomountServiceAccountToken: false\n"
	if err := os.WriteFile(filepath.Join(dir, "sa.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	fact := &Fact{Name: "test-sa", Kinds: []string{"ServiceAccount"}, Extract: func(d *Document) (any, []Path) {
		sa, ok := d.Object.(*corev1.ServiceAccount)
		if !ok {
			return nil, nil
		}
		return sa.Name + "/" + fmt.Sprint(*sa.AutomountServiceAccountToken), []Path{NewPath("automountServiceAccountToken")}
	}}
	var seen []any
	var docs []*Document
	var other Path
	rule := &Rule{ID: "test-facts", Title: "t", Severity: SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
		Kinds: []string{"ServiceAccount"}, Facts: []*Fact{fact},
		RunSet: func(p *SetPass) {
			for _, d := range p.Docs {
				docs = append(docs, d)
				seen = append(seen, d.Fact(fact), d.Object)
				p.Report(d, Finding{Path: NewPath("automountServiceAccountToken"), Message: "fact"})
				if other != nil {
					p.Report(d, Finding{Path: other, Message: "other"})
				}
			}
		}}
	_, res := Lint(context.Background(), NewLoader(nil), []string{dir}, []*Rule{rule}, Options{})
	if len(res.Errors) > 0 || len(res.Diagnostics) != 1 {
		t.Fatalf("errors %v, diagnostics %+v", res.Errors, res.Diagnostics)
	}
	if len(seen) != 2 || seen[0] != "runner/false" || seen[1] != nil {
		t.Errorf("the set rule saw fact and object %v, want runner/false and a released object", seen)
	}
	if r := res.Diagnostics[0].Range; r.Start != (Position{Line: 6, Column: 31}) || r.End != (Position{Line: 6, Column: 36}) {
		t.Errorf("range %+v, want 6:31-6:36", r)
	}
	if docs[0].File.roots != nil {
		t.Error("reporting a path the fact named re-parsed the file")
	}
	other, docs, seen = NewPath("metadata", "namespace"), nil, nil
	_, res = Lint(context.Background(), NewLoader(nil), []string{dir}, []*Rule{rule}, Options{})
	if len(res.Diagnostics) != 2 || res.Diagnostics[0].Range.Start != (Position{Line: 5, Column: 14}) {
		t.Fatalf("diagnostics %+v, want the namespace at 5:14 first", res.Diagnostics)
	}
	if docs[0].File.roots == nil {
		t.Error("a path the fact did not name was resolved without the node tree")
	}
	if got := docs[0].Fact(fact); got != nil {
		t.Errorf("after Lint, Fact = %v, want nil: the facts go once the set rules have run", got)
	}
	// Loaded sets keep their trees: Fact extracts on demand.
	set := NewLoader(nil).Load(context.Background(), []string{dir})
	if got := set.Docs[0].Fact(fact); got != "runner/false" {
		t.Errorf("Fact on a loaded document = %v", got)
	}
}

// A fact that names many paths, some more than once (more than extract
// looks up among those it resolved: it keeps a set of them), has each
// resolved once, where it is, without parsing the file again.
func TestLintFactsManyPaths(t *testing.T) {
	const n = 40
	var b strings.Builder
	b.WriteString("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n  namespace: a\nsubjects:\n")
	for k := range n {
		fmt.Fprintf(&b, "- kind: ServiceAccount\n  name: sa%d\n", k)
	}
	path := filepath.Join(t.TempDir(), "binding.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	name := func(k int) Path { return NewPath("subjects", k, "name") }
	fact := &Fact{Name: "test-subjects", Kinds: []string{"RoleBinding"}, Extract: func(*Document) (any, []Path) {
		var paths []Path
		for k := range n {
			paths = append(paths, name(k), name(k/2))
		}
		return n, paths
	}}
	var docs []*Document
	rule := &Rule{ID: "test-facts", Title: "t", Severity: SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
		Kinds: []string{"RoleBinding"}, Facts: []*Fact{fact},
		RunSet: func(p *SetPass) {
			for _, d := range p.Docs {
				docs = append(docs, d)
				if got := len(d.located); got != n {
					t.Errorf("%d paths located, want %d", got, n)
				}
				for k := n - 1; k >= 0; k-- {
					p.Report(d, Finding{Path: name(k), Message: fmt.Sprint(k)})
				}
			}
		}}
	_, res := Lint(context.Background(), NewLoader(nil), []string{path}, []*Rule{rule}, Options{})
	if len(res.Errors) > 0 || len(res.Diagnostics) != n {
		t.Fatalf("errors %v, %d diagnostics, want %d", res.Errors, len(res.Diagnostics), n)
	}
	for _, d := range res.Diagnostics {
		k, _ := strconv.Atoi(d.Message)
		if want := (Position{Line: 8 + 2*k, Column: 9}); d.Range.Start != want {
			t.Errorf("subjects[%d].name at %+v, want %+v", k, d.Range.Start, want)
		}
	}
	if len(docs) != 1 || docs[0].File.roots != nil {
		t.Error("reporting the paths the fact named re-parsed the file")
	}
}

// SetPass.Shared builds a value once per run for all set rules.
func TestSetPassShared(t *testing.T) {
	builds := 0
	mk := func(id string) *Rule {
		return &Rule{ID: id, Title: "t", Severity: SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
			RunSet: func(p *SetPass) { p.Shared("model", func() any { builds++; return builds }) }}
	}
	Run(context.Background(), &Set{}, []*Rule{mk("a"), mk("b")}, Options{})
	if builds != 1 {
		t.Errorf("built %d times in one run, want 1", builds)
	}
}

// Lint extracts with the function a fact's ForRun returns, made once per
// run; Document.Fact on a loaded document uses Extract.
func TestLintFactForRun(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		content := "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n"
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runs := 0
	fact := &Fact{Name: "test-run", Kinds: []string{"ServiceAccount"},
		Extract: func(d *Document) (any, []Path) { return "alone " + d.Name, nil },
		ForRun: func() func(*Document) (any, []Path) {
			runs++
			run := runs
			return func(d *Document) (any, []Path) { return fmt.Sprintf("run %d %s", run, d.Name), nil }
		}}
	var got []any
	rule := &Rule{ID: "test-run", Title: "t", Severity: SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
		Kinds: []string{"ServiceAccount"}, Facts: []*Fact{fact},
		RunSet: func(p *SetPass) {
			for _, d := range p.Docs {
				got = append(got, d.Fact(fact))
			}
		}}
	Lint(context.Background(), NewLoader(nil), []string{dir}, []*Rule{rule}, Options{})
	if runs != 1 || fmt.Sprint(got) != "[run 1 a run 1 b]" {
		t.Errorf("ForRun called %d times, facts %v: want once, [run 1 a run 1 b]", runs, got)
	}
	docs, _ := NewLoader(nil).Parse(&File{Path: "c.yaml", Content: []byte("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: c\n")})
	if v := docs[0].Fact(fact); v != "alone c" {
		t.Errorf("Fact of a loaded document = %v, want alone c", v)
	}
}
