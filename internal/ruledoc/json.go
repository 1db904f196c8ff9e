package ruledoc

import (
	"encoding/json"
	"io"

	"github.com/kvet-dev/kvet/analyzer"
)

// JSONVersion is the version of the `kvet rules --format json` document.
// It changes only when a field is removed or changes meaning.
const JSONVersion = 1

type jsonCatalog struct {
	Version int        `json:"version"`
	Rules   []jsonRule `json:"rules"`
}

type jsonRule struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Severity    string      `json:"severity"`
	Kinds       []string    `json:"kinds"`
	Enabled     bool        `json:"enabled"`
	Source      string      `json:"source"`
	URL         string      `json:"url"`
	Rationale   string      `json:"rationale"`
	Remediation string      `json:"remediation"`
	Doc         string      `json:"doc"`
	Params      []jsonParam `json:"params"`
}

type jsonParam struct {
	Name    string `json:"name"`
	Doc     string `json:"doc"`
	Default any    `json:"default"`
}

// JSON writes the rules as one JSON object, `{"version": 1, "rules":
// [...]}`, every field always present: id, title, severity, kinds ([] for
// every kind), enabled (by default), source (go, rego or engine), url,
// rationale, remediation, doc, and params (name, doc, default).
func JSON(w io.Writer, rules []*analyzer.Rule) error {
	cat := jsonCatalog{Version: JSONVersion, Rules: make([]jsonRule, 0, len(rules))}
	for _, r := range rules {
		jr := jsonRule{
			ID: r.ID, Title: r.Title, Severity: r.Severity.String(), Kinds: append([]string{}, r.Kinds...),
			Enabled: !r.DisabledByDefault, Source: r.Source, URL: r.URL,
			Rationale: r.Rationale, Remediation: r.Remediation, Doc: r.Doc, Params: []jsonParam{},
		}
		for _, p := range r.Params {
			jr.Params = append(jr.Params, jsonParam{Name: p.Name, Doc: p.Doc, Default: p.Default})
		}
		cat.Rules = append(cat.Rules, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(cat)
}
