package lsp

import (
	"path/filepath"

	"github.com/kvet-dev/kvet/analyzer"
)

// toLSP converts the findings of a result to the protocol's diagnostics,
// with positions in encoding enc.
func (w *workspace) toLSP(enc encoding, res *result) []Diagnostic {
	out := make([]Diagnostic, 0, len(res.diags))
	for i := range res.diags {
		out = append(out, w.diagnostic(enc, res, &res.diags[i]))
	}
	return out
}

// diagnostic converts one finding of res.
func (w *workspace) diagnostic(enc encoding, res *result, d *analyzer.Diagnostic) Diagnostic {
	out := Diagnostic{
		Range:    enc.rng(res.file, d.Range),
		Severity: severity(d.Severity),
		Code:     d.RuleID,
		Source:   "kvet",
		Message:  d.Message,
	}
	if r := rule(res, d.RuleID); r != nil && r.URL != "" {
		out.CodeDescription = &CodeDescription{Href: r.URL}
	}
	for _, rel := range d.Related {
		f := res.file
		if rel.File != res.file.Path {
			if f = w.file(rel.File); f == nil {
				continue // not a file kvet read: no position to convert
			}
		}
		uri := pathToURI(filepath.FromSlash(rel.File))
		if !filepath.IsAbs(filepath.FromSlash(rel.File)) {
			uri = rel.File // a document that is not a file ("untitled:")
		}
		out.RelatedInformation = append(out.RelatedInformation, DiagnosticRelatedInformation{
			Location: Location{URI: uri, Range: enc.rng(f, rel.Range)},
			Message:  rel.Message,
		})
	}
	return out
}

// severity maps kvet's severities to the protocol's.
func severity(s analyzer.Severity) int {
	switch s {
	case analyzer.SeverityError:
		return diagnosticSeverityError
	case analyzer.SeverityWarning:
		return diagnosticSeverityWarning
	}
	return diagnosticSeverityInformation
}

// rule returns the rule id of the linter that produced res, or nil.
func rule(res *result, id string) *analyzer.Rule {
	if res.lt == nil {
		return nil
	}
	for _, r := range res.lt.Catalog {
		if r.ID == id {
			return r
		}
	}
	return nil
}
