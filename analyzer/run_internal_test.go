package analyzer

import (
	"fmt"
	"reflect"
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
