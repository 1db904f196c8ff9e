package report

import (
	"io"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/jsonstream"
)

// JSONVersion is the version of the JSON report schema. It changes only
// when a field is removed or changes meaning; new fields may be added.
const JSONVersion = 1

// JSON writes the report as one JSON object. Every field is always present
// (empty strings and null where there is nothing to say), so consumers can
// rely on the shape; README.md documents it and json_test.go checks that
// the output has exactly these fields.
type JSON struct{}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Files     int `json:"files"`
	Documents int `json:"documents"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
}

type jsonDiagnostic struct {
	Rule        string     `json:"rule"`
	Severity    string     `json:"severity"`
	Message     string     `json:"message"`
	File        string     `json:"file"`
	Range       jsonRange  `json:"range"`
	Path        string     `json:"path"`
	Object      jsonObject `json:"object"`
	Fingerprint string     `json:"fingerprint"`
	Fix         *jsonFix   `json:"fix"`
	// Suppression is null, or how and why the finding is suppressed (only
	// suppressed findings that the caller chose to show carry one).
	Suppression *jsonSuppression `json:"suppression"`
	// Related are the places that explain the finding, in hop order; empty
	// for most rules.
	Related []jsonRelated `json:"related"`
}

type jsonRelated struct {
	File    string     `json:"file"`
	Range   jsonRange  `json:"range"`
	Path    string     `json:"path"`
	Object  jsonObject `json:"object"`
	Message string     `json:"message"`
}

type jsonSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type jsonPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type jsonRange struct {
	Start jsonPosition `json:"start"`
	End   jsonPosition `json:"end"`
}

type jsonObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	Offset  int    `json:"offset"`
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

// Format implements Formatter. It streams the diagnostics one at a time, so
// a large report is never held in memory twice; the bytes are those of
// encoding/json with two-space indentation.
func (JSON) Format(w io.Writer, r *Report) error {
	c := r.Counts()
	type head struct {
		Version int      `json:"version"`
		Tool    jsonTool `json:"tool"`
		// ColumnKind says what columns count: Unicode code points (SARIF's
		// name for it); fix edits' offsets count bytes.
		ColumnKind string      `json:"columnKind"`
		Summary    jsonSummary `json:"summary"`
	}
	h := head{
		Version:    JSONVersion,
		Tool:       jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		ColumnKind: SARIFColumnKind,
		Summary: jsonSummary{
			Files: r.Files, Documents: r.Documents,
			Errors: c[analyzer.SeverityError], Warnings: c[analyzer.SeverityWarning], Infos: c[analyzer.SeverityInfo],
		},
	}
	files := r.artifacts()
	doc := struct {
		head
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
	}{head: h, Diagnostics: []jsonDiagnostic{}}
	return jsonstream.Write(w, doc, "diagnostics", len(r.Diagnostics), func(i int) any {
		d := &r.Diagnostics[i]
		return jsonDiagnostic{
			Rule: d.RuleID, Severity: d.Severity.String(), Message: d.Message, File: d.File,
			Range:       jsonRangeOf(d.Range),
			Path:        d.Path.String(),
			Object:      jsonObjectOf(d.Object),
			Fingerprint: r.fingerprint(d, files[d.File]),
			Fix:         jsonFixOf(d.Fix),
			Suppression: jsonSuppressionOf(d.Suppression),
			Related:     jsonRelatedOf(d.Related),
		}
	}, jsonstream.Options{})
}

func jsonRangeOf(r analyzer.Range) jsonRange {
	return jsonRange{
		Start: jsonPosition{Line: r.Start.Line, Column: r.Start.Column},
		End:   jsonPosition{Line: r.End.Line, Column: r.End.Column},
	}
}

func jsonObjectOf(o analyzer.ObjectRef) jsonObject {
	return jsonObject{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

// jsonRelatedOf returns the related places, never nil (the field is always
// an array).
func jsonRelatedOf(rel []analyzer.RelatedLocation) []jsonRelated {
	out := make([]jsonRelated, len(rel))
	for i, r := range rel {
		out[i] = jsonRelated{File: r.File, Range: jsonRangeOf(r.Range), Path: r.Path.String(), Object: jsonObjectOf(r.Object), Message: r.Message}
	}
	return out
}

func jsonSuppressionOf(s *analyzer.Suppression) *jsonSuppression {
	if s == nil {
		return nil
	}
	return &jsonSuppression{Kind: s.Kind, Justification: s.Justification}
}

func jsonFixOf(f *analyzer.SuggestedFix) *jsonFix {
	if f == nil {
		return nil
	}
	out := &jsonFix{Message: f.Message, Edits: make([]jsonEdit, 0, len(f.Edits))}
	for _, e := range f.Edits {
		out.Edits = append(out.Edits, jsonEdit{Offset: e.Offset, End: e.End, NewText: e.NewText})
	}
	return out
}
