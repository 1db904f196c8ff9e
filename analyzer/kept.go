package analyzer

import "math"

// keptDiag is a diagnostic that Lint keeps from the per-file stage until
// every file is checked, in about half a Diagnostic's memory (120 bytes
// instead of 224): the finding of a per-document rule on a document read
// as it is names the document's file and object, which doc gives back,
// and its range fits in 32-bit lines and columns. On 50,000 generated
// documents the per-file stage keeps about 150,000 findings until the set
// rules have run. A diagnostic of another shape (a loader's, a rendered
// document's) is kept whole in its file's list of others, which a
// keptDiag without doc stands for, so that the order is kept.
type keptDiag struct {
	ruleID   string
	doc      *Document
	message  string
	path     Path
	fix      *SuggestedFix
	related  []RelatedLocation
	rng      [4]int32
	severity Severity
}

// keptDiags are the diagnostics of one file, in the order reported.
type keptDiags struct {
	diags  []keptDiag
	others []Diagnostic
}

// add keeps d, reported on doc (nil for a diagnostic of the file).
func (k *keptDiags) add(doc *Document, d Diagnostic) {
	kd, ok := compact(doc, d)
	k.diags = append(k.diags, kd)
	if !ok {
		k.others = append(k.others, d)
	}
}

// compact returns d, reported on doc (nil for a diagnostic of a file), as
// a keptDiag, and whether it has that shape: otherwise it is the zero
// keptDiag, which stands for d kept whole.
func compact(doc *Document, d Diagnostic) (keptDiag, bool) {
	if doc != nil && d.origin == nil && d.Suppression == nil && d.File == doc.File.Path && d.Object == doc.Ref() {
		if r, ok := rangeFits(d.Range); ok {
			return keptDiag{ruleID: d.RuleID, doc: doc, message: d.Message, path: d.Path,
				fix: d.Fix, related: d.Related, rng: r, severity: d.Severity}, true
		}
	}
	return keptDiag{}, false
}

// appendTo appends the diagnostics to out, in the order reported.
func (k *keptDiags) appendTo(out []Diagnostic) []Diagnostic {
	out, _ = appendKept(out, k.diags, k.others)
	return out
}

// appendKept appends the diagnostics that kds keep to out, taking those
// kept whole (a keptDiag without doc) from the start of others, in order,
// and returns out and what is left of others.
func appendKept(out []Diagnostic, kds []keptDiag, others []Diagnostic) ([]Diagnostic, []Diagnostic) {
	for i := range kds {
		if kds[i].doc == nil {
			out = append(out, others[0])
			others = others[1:]
			continue
		}
		out = append(out, kds[i].diagnostic())
	}
	return out, others
}

// diagnostic returns the diagnostic kd keeps compact (kd.doc is not nil).
func (kd *keptDiag) diagnostic() Diagnostic {
	return Diagnostic{
		RuleID:   kd.ruleID,
		Severity: kd.severity,
		Message:  kd.message,
		File:     kd.doc.File.Path,
		Range: Range{
			Start: Position{Line: int(kd.rng[0]), Column: int(kd.rng[1])},
			End:   Position{Line: int(kd.rng[2]), Column: int(kd.rng[3])},
		},
		Path:    kd.path,
		Object:  kd.doc.Ref(),
		Fix:     kd.fix,
		Related: kd.related,
	}
}

// rangeFits returns r in 32-bit numbers, and whether they hold it.
func rangeFits(r Range) ([4]int32, bool) {
	v := [4]int{r.Start.Line, r.Start.Column, r.End.Line, r.End.Column}
	var out [4]int32
	for i, n := range v {
		if n < math.MinInt32 || n > math.MaxInt32 {
			return out, false
		}
		out[i] = int32(n)
	}
	return out, true
}
