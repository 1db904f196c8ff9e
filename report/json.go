package report

import (
	"encoding/json"
	"io"

	"github.com/kvet-dev/kvet/analyzer"
)

// JSONVersion is the version of the JSON report schema. It changes only
// when a field is removed or changes meaning; new fields may be added.
const JSONVersion = 1

// JSON writes the report as one JSON object (schema in README.md).
type JSON struct{}

type jsonReport struct {
	Version     int              `json:"version"`
	Tool        jsonTool         `json:"tool"`
	Summary     jsonSummary      `json:"summary"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
}

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
	Rule        string                 `json:"rule"`
	Severity    string                 `json:"severity"`
	Message     string                 `json:"message"`
	File        string                 `json:"file"`
	Range       analyzer.Range         `json:"range"`
	Path        string                 `json:"path"`
	Object      analyzer.ObjectRef     `json:"object"`
	Fingerprint string                 `json:"fingerprint"`
	Fix         *analyzer.SuggestedFix `json:"fix,omitempty"`
}

// Format implements Formatter.
func (JSON) Format(w io.Writer, r *Report) error {
	c := r.Counts()
	out := jsonReport{
		Version: JSONVersion,
		Tool:    jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		Summary: jsonSummary{
			Files: r.Files, Documents: r.Documents,
			Errors: c[analyzer.SeverityError], Warnings: c[analyzer.SeverityWarning], Infos: c[analyzer.SeverityInfo],
		},
		Diagnostics: make([]jsonDiagnostic, 0, len(r.Diagnostics)),
	}
	for _, d := range r.Diagnostics {
		out.Diagnostics = append(out.Diagnostics, jsonDiagnostic{
			Rule: d.RuleID, Severity: d.Severity.String(), Message: d.Message, File: d.File,
			Range: d.Range, Path: d.Path.String(), Object: d.Object, Fingerprint: Fingerprint(&d), Fix: d.Fix,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
