package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestDiagChunks checks that diagChunks gives back every diagnostic
// exactly, in the order added, across chunk boundaries: those it keeps
// compact (a document's own findings) and those it keeps whole (every
// seventh here is about another object).
func TestDiagChunks(t *testing.T) {
	f := &File{Path: "a.yaml"}
	doc := &Document{File: f, APIVersion: "v1", Kind: "ServiceAccount", Namespace: "ns", Name: "sa"}
	for _, n := range []int{0, 1, 16, 17, 100, 1000, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var c diagChunks
			var want []Diagnostic
			whole := 0
			for i := range n {
				d := Diagnostic{RuleID: "r", Severity: SeverityWarning, Message: fmt.Sprint(i), File: "a.yaml",
					Range: Range{Start: Position{Line: i + 1, Column: 3}, End: Position{Line: i + 1, Column: 9}},
					Path:  NewPath("metadata", "name"), Object: doc.Ref(),
					Related: []RelatedLocation{{File: "b.yaml", Message: "there"}}}
				if i%7 == 3 {
					d.Object.Name = "other"
					whole++
				}
				c.add(doc, d)
				want = append(want, d)
			}
			if c.len() != n {
				t.Fatalf("len() = %d, want %d", c.len(), n)
			}
			if len(c.others) != whole {
				t.Errorf("%d kept whole, want %d", len(c.others), whole)
			}
			got := c.appendTo(nil)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("appendTo gave %d diagnostics, not the %d added in order", len(got), len(want))
			}
		})
	}
}

// TestDiagChunksJoin checks that joined chunks give back the diagnostics
// of each part in turn, those kept whole among them in their places.
func TestDiagChunksJoin(t *testing.T) {
	f := &File{Path: "a.yaml"}
	doc := &Document{File: f, APIVersion: "v1", Kind: "ServiceAccount", Namespace: "ns", Name: "sa"}
	var joined diagChunks
	var want []Diagnostic
	for part, n := range []int{3, 0, 600, 1, 40} {
		var c diagChunks
		for i := range n {
			d := Diagnostic{RuleID: fmt.Sprint("r", part), Severity: SeverityInfo, Message: fmt.Sprint(i), File: "a.yaml",
				Range: Range{Start: Position{Line: i + 1, Column: 1}, End: Position{Line: i + 1, Column: 2}}, Object: doc.Ref()}
			if i%5 == 1 {
				d.Object.Name = "other" // kept whole
			}
			c.add(doc, d)
			want = append(want, d)
		}
		joined.join(&c)
	}
	if joined.len() != len(want) {
		t.Fatalf("len() = %d, want %d", joined.len(), len(want))
	}
	if got := joined.appendTo(nil); !reflect.DeepEqual(got, want) {
		t.Fatalf("appendTo gave %d diagnostics, not the %d of the parts in order", len(got), len(want))
	}
}

// Lint checks each document of a large file (streamFrom) as soon as it is
// parsed, and releases its tree before the next document is parsed, so
// that the file's trees are never all alive together: when a document is
// checked, the documents after it have not been parsed yet (their block
// scalars' lines are not marked), and those before it have released their
// trees. A smaller file is parsed whole first.
func TestLintChecksEachDocumentAsParsed(t *testing.T) {
	const docs = 3
	// pad is the number of comment lines (16 bytes each) that make the
	// file large.
	for _, pad := range []int{streamFrom / 16, 0} {
		var b strings.Builder
		b.WriteString("# kvet:ignore test-order -- marks the block scalars' lines\n")
		for range pad {
			b.WriteString("# padding line.\n")
		}
		for k := range docs {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c%d\ndata:\n  script: |\n    echo %d\n", k, k)
		}
		if large := b.Len() >= streamFrom; large != (pad > 0) {
			t.Fatalf("%d bytes: large %v", b.Len(), large)
		}
		got := checkOrder(t, b.String(), docs, func(k int) int { return pad + 9 + 8*k })
		want := []string{
			"checking 0: parsed [0], earlier trees []",
			"checking 1: parsed [0 1], earlier trees []",
			"checking 2: parsed [0 1 2], earlier trees []",
		}
		if pad == 0 {
			want = []string{
				"checking 0: parsed [0 1 2], earlier trees []",
				"checking 1: parsed [0 1 2], earlier trees []",
				"checking 2: parsed [0 1 2], earlier trees []",
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d bytes: got\n%s\nwant\n%s", b.Len(), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// checkOrder lints content, docs ConfigMaps whose block scalar text of
// document k is on line textLine(k), and returns, for each document as it
// is checked, which documents' block scalars were parsed and which earlier
// documents still had their trees.
func checkOrder(t *testing.T, content string, docs int, textLine func(k int) int) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cm.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var seen []*Document
	var got []string
	rule := &Rule{ID: "test-order", Title: "t", Severity: SeverityInfo, Source: "go", Rationale: "t", Remediation: "t",
		Kinds: []string{"ConfigMap"}, Run: func(p *Pass) {
			var parsed, alive []int
			for k := range docs {
				if p.Doc.File.blockLines[textLine(k)] {
					parsed = append(parsed, k)
				}
			}
			for _, d := range seen {
				if d.root != nil {
					alive = append(alive, d.Index)
				}
			}
			seen = append(seen, p.Doc)
			got = append(got, fmt.Sprintf("checking %d: parsed %v, earlier trees %v", p.Doc.Index, parsed, alive))
		}}
	set, res := Lint(context.Background(), NewLoader(nil), []string{path}, []*Rule{rule}, Options{})
	if len(res.Errors) > 0 || len(set.Docs) != docs {
		t.Fatalf("errors %v, %d documents", res.Errors, len(set.Docs))
	}
	return got
}
