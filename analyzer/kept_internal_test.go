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

// TestPackClone checks that pack copies values, that a copy cannot be
// appended into the next one, that a large value is kept out of the
// blocks, and that clone (unlike keep) never returns its argument.
func TestPackClone(t *testing.T) {
	var p pack[byte]
	a := p.clone([]byte("first"))
	b := p.clone([]byte("second"))
	if string(a) != "first" || string(b) != "second" || cap(a) != len(a) {
		t.Fatalf("clone gave %q (cap %d) and %q", a, cap(a), b)
	}
	_ = append(a, 'X')
	if string(b) != "second" {
		t.Errorf("appending to one copy changed the next: %q", b)
	}
	if &a[len(a)-1] != &p.block[len(a)-1] {
		t.Error("a small value was not copied into the block")
	}
	large := make([]byte, packBlock/2, packBlock/2+1)
	if c := p.keep(large); len(c) != len(large) || cap(c) != len(c) || &c[0] != &large[0] || len(p.block) != len(a)+len(b) {
		t.Error("keep: a large value was not kept as it is, clipped")
	}
	if c := p.clone(large); len(c) != len(large) || cap(c) != len(c) || &c[0] == &large[0] || len(p.block) != len(a)+len(b) {
		t.Error("clone: a large value was not copied on its own")
	}
	roomy := make([]byte, packBlock/2, packBlock)
	if c := p.keep(roomy); len(c) != len(roomy) || cap(c) != len(c) || &c[0] == &roomy[0] || len(p.block) != len(a)+len(b) {
		t.Error("keep: a large value with much room to spare was not copied on its own")
	}
	small := []byte("small")
	if c := p.keep(small); string(c) != "small" || &c[0] == &small[0] {
		t.Error("keep: a small value was not copied into the block")
	}
	if p.clone(nil) != nil || p.keep(nil) != nil {
		t.Error("an empty value was not nil")
	}
	in := "message"
	if s := cloneString(&p, in); s != in || cloneString(&p, "") != "" {
		t.Errorf("cloneString gave %q", s)
	}
}

// TestPackGrows checks that a pack's blocks start small and double up to
// packBlock, so that a run over one small file does not allocate whole
// blocks, and that a value larger than the next block gets a block of its
// size.
func TestPackGrows(t *testing.T) {
	var p pack[byte]
	var caps []int
	for range 2000 {
		v := p.clone(make([]byte, 1000))
		if len(caps) == 0 || cap(p.block) != caps[len(caps)-1] {
			caps = append(caps, cap(p.block))
		}
		if len(v) != 1000 {
			t.Fatalf("clone gave %d bytes", len(v))
		}
	}
	want := []int{packBlock / 64, packBlock / 32, packBlock / 16, packBlock / 8, packBlock / 4, packBlock / 2, packBlock}
	if !reflect.DeepEqual(caps, want) {
		t.Errorf("block sizes %v, want %v", caps, want)
	}
	var q pack[byte]
	q.clone(make([]byte, 10))
	if v := q.clone(make([]byte, packBlock/8)); cap(q.block) != packBlock/8 || &v[0] != &q.block[0] {
		t.Errorf("a value larger than the next block got a block of %d bytes, want %d", cap(q.block), packBlock/8)
	}
}
