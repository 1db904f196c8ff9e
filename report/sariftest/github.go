// Package sariftest checks SARIF logs the way their consumers do: against
// GitHub code scanning's upload requirements (CheckGitHub), and with
// Microsoft's SARIF multitool, which validates against the official SARIF
// 2.1.0 schema and the spec's rules (Validate). Tests of every package that
// writes SARIF use it.
package sariftest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// GitHub code scanning limits (docs: "SARIF support for code scanning" and
// "SARIF results exceed limits"). Above the hard limits an upload is
// rejected; kvet also keeps under the display limits where it matters.
const (
	MaxRuns               = 20
	MaxResultsPerRun      = 25000
	MaxRulesPerRun        = 25000
	MaxExtensionsPerRun   = 100
	MaxLocationsPerResult = 10 // GitHub's documented maximum for result.locations
	MaxTagsPerRule        = 10 // 20 accepted, only 10 shown
)

var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

var levels = map[string]bool{"none": true, "note": true, "warning": true, "error": true}

// checker collects problems with JSON paths.
type checker struct{ problems []string }

func (c *checker) addf(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

// CheckGitHub returns what GitHub code scanning would reject or mishandle
// in a SARIF log, beyond what the JSON schema says: version 2.1.0; at most
// 20 runs, not two of the same tool and category; a driver with a name,
// a semantic version and an absolute informationUri; rules with an id,
// name, short and full description, help text and Markdown, a default
// level and at most 10 tags; results with a ruleId that names a rule (and
// a ruleIndex that points at it), a level, message text, 1 to 10
// locations, each with a URI (relative with a uriBaseId, or an absolute
// file: URI) and a region whose startLine is at least 1 and whose end is
// not before its start (the same for related locations, which need
// distinct ids, and the locations of code flows), and non-empty partialFingerprints that no other
// result of the same rule shares (GitHub would merge them into one alert).
// It returns nil for a log GitHub accepts.
func CheckGitHub(data []byte) []string {
	c := &checker{}
	var log struct {
		Schema  string            `json:"$schema"`
		Version string            `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		return []string{fmt.Sprintf("not a SARIF log: %v", err)}
	}
	if log.Version != "2.1.0" {
		c.addf("version", "is %q, GitHub accepts only 2.1.0", log.Version)
	}
	if log.Schema == "" {
		c.addf("$schema", "missing")
	}
	switch {
	case len(log.Runs) == 0:
		c.addf("runs", "empty: no run to upload")
	case len(log.Runs) > MaxRuns:
		c.addf("runs", "%d runs, more than GitHub's limit of %d", len(log.Runs), MaxRuns)
	}
	categories := map[string]int{}
	for i, raw := range log.Runs {
		key := c.run(fmt.Sprintf("runs[%d]", i), raw)
		if j, dup := categories[key]; dup {
			c.addf(fmt.Sprintf("runs[%d]", i), "same tool and automationDetails.id as runs[%d]: GitHub rejects several runs of one tool and category in a file", j)
		}
		categories[key] = i
	}
	return c.problems
}

type text struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type rule struct {
	ID                   string  `json:"id"`
	Name                 string  `json:"name"`
	ShortDescription     *text   `json:"shortDescription"`
	FullDescription      *text   `json:"fullDescription"`
	Help                 *text   `json:"help"`
	HelpURI              *string `json:"helpUri"`
	DefaultConfiguration *struct {
		Level string `json:"level"`
	} `json:"defaultConfiguration"`
	Properties struct {
		Tags []string `json:"tags"`
	} `json:"properties"`
}

type artifactLocation struct {
	URI       *string `json:"uri"`
	URIBaseID string  `json:"uriBaseId"`
}

type region struct {
	StartLine   *int `json:"startLine"`
	StartColumn *int `json:"startColumn"`
	EndLine     *int `json:"endLine"`
	EndColumn   *int `json:"endColumn"`
}

type location struct {
	ID               *int `json:"id"`
	PhysicalLocation *struct {
		ArtifactLocation *artifactLocation `json:"artifactLocation"`
		Region           *region           `json:"region"`
	} `json:"physicalLocation"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex"`
	Level               *string           `json:"level"`
	Message             *text             `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	RelatedLocations    []location        `json:"relatedLocations"`
	CodeFlows           []struct {
		ThreadFlows []struct {
			Locations []struct {
				Location *location `json:"location"`
			} `json:"locations"`
		} `json:"threadFlows"`
	} `json:"codeFlows"`
}

type run struct {
	Tool struct {
		Driver struct {
			Name            string `json:"name"`
			SemanticVersion string `json:"semanticVersion"`
			InformationURI  string `json:"informationUri"`
			Rules           []rule `json:"rules"`
		} `json:"driver"`
		Extensions []json.RawMessage `json:"extensions"`
	} `json:"tool"`
	AutomationDetails struct {
		ID string `json:"id"`
	} `json:"automationDetails"`
	OriginalURIBaseIDs map[string]artifactLocation `json:"originalUriBaseIds"`
	Results            []result                    `json:"results"`
}

// run checks one run and returns its tool-and-category key.
func (c *checker) run(at string, raw json.RawMessage) string {
	var r run
	if err := json.Unmarshal(raw, &r); err != nil {
		c.addf(at, "malformed run: %v", err)
		return at
	}
	d := r.Tool.Driver
	if d.Name == "" {
		c.addf(at+".tool.driver.name", "missing")
	}
	if !semver.MatchString(d.SemanticVersion) {
		c.addf(at+".tool.driver.semanticVersion", "%q is not a semantic version", d.SemanticVersion)
	}
	if !absoluteURI(d.InformationURI) {
		c.addf(at+".tool.driver.informationUri", "%q is not an absolute URI", d.InformationURI)
	}
	if n := len(r.Tool.Extensions); n > MaxExtensionsPerRun {
		c.addf(at+".tool.extensions", "%d extensions, more than %d", n, MaxExtensionsPerRun)
	}
	if n := len(d.Rules); n > MaxRulesPerRun {
		c.addf(at+".tool.driver.rules", "%d rules, more than %d", n, MaxRulesPerRun)
	}
	ruleIdx := map[string]int{}
	for i, ru := range d.Rules {
		c.rule(fmt.Sprintf("%s.tool.driver.rules[%d]", at, i), ru)
		if j, dup := ruleIdx[ru.ID]; dup {
			c.addf(fmt.Sprintf("%s.tool.driver.rules[%d].id", at, i), "%q already used by rules[%d]", ru.ID, j)
			continue
		}
		ruleIdx[ru.ID] = i
	}
	for k, v := range r.OriginalURIBaseIDs {
		p := fmt.Sprintf("%s.originalUriBaseIds[%q].uri", at, k)
		switch {
		case v.URI == nil:
			c.addf(p, "missing")
		case !absoluteURI(*v.URI) || !strings.HasSuffix(*v.URI, "/"):
			c.addf(p, "%q must be an absolute URI ending in /", *v.URI)
		}
	}
	if n := len(r.Results); n > MaxResultsPerRun {
		c.addf(at+".results", "%d results, more than %d", n, MaxResultsPerRun)
	}
	type fpKey struct{ rule, key, value string }
	fps := map[fpKey]int{}
	for i, res := range r.Results {
		p := fmt.Sprintf("%s.results[%d]", at, i)
		c.result(p, res, d.Rules, ruleIdx, r.OriginalURIBaseIDs)
		for k, v := range res.PartialFingerprints {
			key := fpKey{res.RuleID, k, v}
			if j, dup := fps[key]; dup {
				c.addf(p+".partialFingerprints", "%s %q equals that of results[%d] of the same rule: GitHub would merge them into one alert", k, v, j)
			}
			fps[key] = i
		}
	}
	return d.Name + "\x00" + r.AutomationDetails.ID
}

func (c *checker) rule(at string, r rule) {
	if r.ID == "" {
		c.addf(at+".id", "missing")
	}
	if r.Name == "" {
		c.addf(at+".name", "missing")
	}
	for _, f := range []struct {
		name     string
		t        *text
		markdown bool
	}{{"shortDescription", r.ShortDescription, false}, {"fullDescription", r.FullDescription, false}, {"help", r.Help, true}} {
		switch {
		case f.t == nil || strings.TrimSpace(f.t.Text) == "":
			c.addf(at+"."+f.name+".text", "missing")
		case f.markdown && strings.TrimSpace(f.t.Markdown) == "":
			c.addf(at+"."+f.name+".markdown", "missing")
		}
	}
	if r.HelpURI != nil && !absoluteURI(*r.HelpURI) {
		c.addf(at+".helpUri", "%q is not an absolute URI", *r.HelpURI)
	}
	if r.DefaultConfiguration == nil || !levels[r.DefaultConfiguration.Level] {
		c.addf(at+".defaultConfiguration.level", "missing or not one of none, note, warning, error")
	}
	if n := len(r.Properties.Tags); n > MaxTagsPerRule {
		c.addf(at+".properties.tags", "%d tags, GitHub shows only %d", n, MaxTagsPerRule)
	}
}

func (c *checker) result(at string, r result, rules []rule, ruleIdx map[string]int, bases map[string]artifactLocation) {
	if r.RuleID == "" {
		c.addf(at+".ruleId", "missing")
	} else if _, ok := ruleIdx[r.RuleID]; !ok {
		c.addf(at+".ruleId", "%q is not in tool.driver.rules", r.RuleID)
	}
	if r.RuleIndex != nil {
		if *r.RuleIndex < 0 || *r.RuleIndex >= len(rules) || rules[*r.RuleIndex].ID != r.RuleID {
			c.addf(at+".ruleIndex", "%d does not point at rule %q", *r.RuleIndex, r.RuleID)
		}
	}
	if r.Level == nil || !levels[*r.Level] {
		c.addf(at+".level", "missing or not one of none, note, warning, error")
	}
	if r.Message == nil || strings.TrimSpace(r.Message.Text) == "" {
		c.addf(at+".message.text", "missing: GitHub shows only message text")
	}
	switch n := len(r.Locations); {
	case n == 0:
		c.addf(at+".locations", "empty: GitHub cannot show a result without a location")
	case n > MaxLocationsPerResult:
		c.addf(at+".locations", "%d locations, more than %d", n, MaxLocationsPerResult)
	}
	for i, l := range r.Locations {
		c.location(fmt.Sprintf("%s.locations[%d].physicalLocation", at, i), l, bases)
	}
	ids := map[int]int{}
	for i, l := range r.RelatedLocations {
		p := fmt.Sprintf("%s.relatedLocations[%d]", at, i)
		c.location(p+".physicalLocation", l, bases)
		if l.ID != nil {
			if j, dup := ids[*l.ID]; dup {
				c.addf(p+".id", "%d already used by relatedLocations[%d]", *l.ID, j)
			}
			ids[*l.ID] = i
		}
	}
	for i, cf := range r.CodeFlows {
		if len(cf.ThreadFlows) == 0 {
			c.addf(fmt.Sprintf("%s.codeFlows[%d].threadFlows", at, i), "empty")
		}
		for j, tf := range cf.ThreadFlows {
			p := fmt.Sprintf("%s.codeFlows[%d].threadFlows[%d].locations", at, i, j)
			if len(tf.Locations) == 0 {
				c.addf(p, "empty: code scanning shows no path")
			}
			for k, l := range tf.Locations {
				if l.Location == nil {
					c.addf(fmt.Sprintf("%s[%d].location", p, k), "missing")
					continue
				}
				c.location(fmt.Sprintf("%s[%d].location.physicalLocation", p, k), *l.Location, bases)
			}
		}
	}
	if len(r.PartialFingerprints) == 0 {
		c.addf(at+".partialFingerprints", "missing: alerts would not be tracked across runs")
	}
	for k, v := range r.PartialFingerprints {
		if k == "" || v == "" {
			c.addf(at+".partialFingerprints", "empty key or value (%q: %q)", k, v)
		}
	}
}

func (c *checker) location(at string, l location, bases map[string]artifactLocation) {
	pl := l.PhysicalLocation
	if pl == nil {
		c.addf(at, "missing")
		return
	}
	switch a := pl.ArtifactLocation; {
	case a == nil || a.URI == nil || *a.URI == "":
		c.addf(at+".artifactLocation.uri", "missing")
	default:
		u, err := url.Parse(*a.URI)
		switch {
		case err != nil:
			c.addf(at+".artifactLocation.uri", "%q is not a URI reference: %v", *a.URI, err)
		case a.URIBaseID != "" && (u.IsAbs() || strings.HasPrefix(*a.URI, "/")):
			c.addf(at+".artifactLocation.uri", "%q has a uriBaseId, so it must be a relative reference without a leading /", *a.URI)
		case a.URIBaseID != "" && bases != nil && bases[a.URIBaseID].URI == nil:
			c.addf(at+".artifactLocation.uriBaseId", "%q is not defined in originalUriBaseIds", a.URIBaseID)
		case u.IsAbs() && u.Scheme != "file":
			c.addf(at+".artifactLocation.uri", "%q: an absolute URI must be a file: URI", *a.URI)
		case strings.HasPrefix(*a.URI, "/"):
			c.addf(at+".artifactLocation.uri", "%q: a path with a leading / is neither relative nor a file: URI", *a.URI)
		}
	}
	rg := pl.Region
	if rg == nil || rg.StartLine == nil {
		c.addf(at+".region.startLine", "missing")
		return
	}
	if *rg.StartLine < 1 {
		c.addf(at+".region.startLine", "%d is less than 1", *rg.StartLine)
	}
	startCol := 1
	if rg.StartColumn != nil {
		startCol = *rg.StartColumn
		if startCol < 1 {
			c.addf(at+".region.startColumn", "%d is less than 1", startCol)
		}
	}
	if rg.EndLine != nil && *rg.EndLine < *rg.StartLine {
		c.addf(at+".region.endLine", "%d is before startLine %d", *rg.EndLine, *rg.StartLine)
	}
	if rg.EndColumn != nil {
		sameLine := rg.EndLine == nil || *rg.EndLine == *rg.StartLine
		if *rg.EndColumn < 1 || sameLine && *rg.EndColumn < startCol {
			c.addf(at+".region.endColumn", "%d is before the start column %d", *rg.EndColumn, startCol)
		}
	}
}

func absoluteURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs()
}
