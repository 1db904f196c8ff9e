package analyzer

import (
	"math"
	"reflect"
	"testing"
)

// TestKeptDiags checks that keptDiags gives back every diagnostic exactly,
// in the order added: the compact ones (a document's own findings) and
// those kept whole (a file's, another file's, another object's, a
// rendered document's, a suppressed one, a range past 32 bits).
func TestKeptDiags(t *testing.T) {
	f := &File{Path: "a.yaml"}
	doc := &Document{File: f, APIVersion: "v1", Kind: "Pod", Namespace: "ns", Name: "p"}
	own := Diagnostic{RuleID: "r1", Severity: SeverityWarning, Message: "m", File: "a.yaml",
		Range: Range{Start: Position{Line: 3, Column: 5}, End: Position{Line: 3, Column: 9}},
		Path:  NewPath("spec", "x"), Object: doc.Ref(), Fix: &SuggestedFix{Message: "fix"},
		Related: []RelatedLocation{{File: "b.yaml", Message: "there"}}}
	withFile, withObject, rendered, suppressed, far := own, own, own, own, own
	withFile.File = "b.yaml"
	withObject.Object.Name = "q"
	rendered.origin = &origin{doc: doc}
	suppressed.Suppression = &Suppression{Kind: SuppressionInSource}
	far.Range.End.Column = math.MaxInt32 + 1
	tests := []struct {
		name    string
		doc     *Document
		d       Diagnostic
		compact bool
	}{
		{"the document's own", doc, own, true},
		{"the file's", nil, Diagnostic{RuleID: IDYAMLSyntax, File: "a.yaml", Message: "bad"}, false},
		{"another file", doc, withFile, false},
		{"another object", doc, withObject, false},
		{"rendered", doc, rendered, false},
		{"suppressed", doc, suppressed, false},
		{"past 32 bits", doc, far, false},
		{"the document's own again", doc, own, true},
	}
	var k keptDiags
	var want []Diagnostic
	compact := 0
	for _, tt := range tests {
		k.add(tt.doc, tt.d)
		want = append(want, tt.d)
		if tt.compact {
			compact++
		}
		if got := len(k.diags) - len(k.others); got != compact {
			t.Errorf("%s: %d kept compact, want %d", tt.name, got, compact)
		}
	}
	got := k.appendTo(nil)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("appendTo gave\n%+v\nwant\n%+v", got, want)
	}
}
