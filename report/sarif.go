package report

import (
	"encoding/json"
	"io"
	"net/url"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

// SARIF writes a SARIF 2.1.0 log for code scanning (GitHub and others).
type SARIF struct{}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version"`
	SemanticVersion string      `json:"semanticVersion"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration sarifRuleConf  `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifRuleConf struct {
	Level   string `json:"level"`
	Enabled bool   `json:"enabled"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s analyzer.Severity) string {
	switch s {
	case analyzer.SeverityError:
		return "error"
	case analyzer.SeverityWarning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a report path into a relative URI reference.
func sarifURI(p string) string {
	u := url.URL{Path: strings.TrimPrefix(p, "./")}
	return u.EscapedPath()
}

// Format implements Formatter.
func (SARIF) Format(w io.Writer, r *Report) error {
	driver := sarifDriver{
		Name: r.Tool.Name, Version: r.Tool.Version, SemanticVersion: r.Tool.Version,
		InformationURI: r.Tool.InformationURI, Rules: []sarifRule{},
	}
	for _, rule := range r.Rules {
		help := rule.Rationale + "\n\n" + rule.Remediation
		if rule.Doc != "" {
			help += "\n\n" + rule.Doc
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rule.ID,
			Name:                 ruleName(rule.ID),
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: rule.Rationale},
			Help:                 sarifText{Text: help, Markdown: help},
			DefaultConfiguration: sarifRuleConf{Level: sarifLevel(rule.Severity), Enabled: !rule.DisabledByDefault},
			Properties:           map[string]any{"tags": []string{"kubernetes", rule.Source}},
		})
	}
	idx := r.ruleIndex()
	results := make([]sarifResult, 0, len(r.Diagnostics))
	for _, d := range r.Diagnostics {
		results = append(results, sarifResult{
			RuleID:    d.RuleID,
			RuleIndex: idx[d.RuleID],
			Level:     sarifLevel(d.Severity),
			Message:   sarifText{Text: d.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(d.File), URIBaseID: "%SRCROOT%"},
				Region: sarifRegion{
					StartLine: d.Range.Start.Line, StartColumn: max(1, d.Range.Start.Column),
					EndLine: d.Range.End.Line, EndColumn: max(1, d.Range.End.Column),
				},
			}}},
			PartialFingerprints: map[string]string{"kvetFingerprint/v1": Fingerprint(&d)},
		})
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{{Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: results}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// ruleName turns a kebab-case ID into the PascalCase name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
