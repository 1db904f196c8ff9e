package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/jsonstream"
)

// SARIF constants that consumers (GitHub code scanning, baselines) rely on.
const (
	// SARIFSchema is the $schema of the log.
	SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// SARIFVersion is the SARIF version written.
	SARIFVersion = "2.1.0"
	// SARIFBaseID is the uriBaseId of results whose file is under
	// Report.BaseDir; run.originalUriBaseIds maps it to that directory.
	SARIFBaseID = "%SRCROOT%"
	// SARIFFingerprintKey names kvet's entry in partialFingerprints.
	SARIFFingerprintKey = "kvetFingerprint/v1"
	// SARIFColumnKind is the run's columnKind: columns (of result regions
	// and of fixes' regions) count Unicode code points.
	SARIFColumnKind = "unicodeCodePoints"
	// SARIFMaxResults is the most results a run holds: GitHub code
	// scanning rejects a run with more (see sarifLeftOut).
	SARIFMaxResults = 25000
)

// SARIF writes a SARIF 2.1.0 log for code scanning (GitHub and others): one
// run whose tool.driver.rules describe every rule that ran, and one result
// per diagnostic with a region, a line-independent partial fingerprint and
// a URI relative to Report.BaseDir (uriBaseId %SRCROOT%), or an absolute
// file: URI for files outside it.
type SARIF struct{}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool sarifTool `json:"tool"`
	// Invocations, when results were left out (see sarifLeftOut), is the
	// run's one invocation, whose notification says how many.
	Invocations        []sarifInvocation           `json:"invocations,omitempty"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []sarifResult               `json:"results"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri,omitempty"`
	Rules           []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID               string           `json:"id"`
	Name             string           `json:"name"`
	ShortDescription sarifMultiformat `json:"shortDescription"`
	FullDescription  sarifMultiformat `json:"fullDescription"`
	// HelpURI links to the rule's documentation (Rule.URL: its section of
	// docs/rules.md for kvet's own rules).
	HelpURI              string           `json:"helpUri,omitempty"`
	Help                 sarifMultiformat `json:"help"`
	DefaultConfiguration sarifRuleConf    `json:"defaultConfiguration"`
	Properties           sarifRuleProps   `json:"properties"`
}

type sarifRuleConf struct {
	Level   string `json:"level"`
	Enabled bool   `json:"enabled"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// Suppressions says how a result is suppressed (kind "inSource" for
	// kvet:ignore comments and annotations, "external" for a baseline).
	// kvet always checks suppressions, so every result carries the array,
	// empty when the result is not suppressed (an absent array would mean
	// "not checked").
	Suppressions []sarifSuppression `json:"suppressions"`
	// RelatedLocations are the places that explain the result (the hops of
	// a chain across documents), numbered from 1; CodeFlows has them as
	// one thread in hop order, starting at the result's own location, which
	// code scanning shows as the alert's path.
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	CodeFlows        []sarifCodeFlow `json:"codeFlows,omitempty"`
	// Fixes holds the suggested fix, when there is one: its edits as
	// replacements in the result's file.
	Fixes      []sarifFix        `json:"fixes,omitempty"`
	Properties *sarifResultProps `json:"properties,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	// DeletedRegion is the text replaced, as a text region (lines and
	// columns in the run's columnKind; an insertion is an empty region)
	// that also gives the bytes (byteOffset, byteLength).
	DeletedRegion   sarifFixRegion   `json:"deletedRegion"`
	InsertedContent sarifFileContent `json:"insertedContent"`
}

type sarifFixRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
	ByteOffset  int `json:"byteOffset"`
	ByteLength  int `json:"byteLength"`
}

type sarifFileContent struct {
	Text string `json:"text"`
}

type sarifCodeFlow struct {
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location sarifLocation `json:"location"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

type sarifResultProps struct {
	// FieldPath is the field the rule reported, e.g. spec.concurrencyPolicy.
	FieldPath string `json:"fieldPath"`
}

type sarifLocation struct {
	// ID numbers a related location (from 1) within its result.
	ID               int               `json:"id,omitempty"`
	PhysicalLocation sarifPhysical     `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations,omitempty"`
	Message          *sarifMessage     `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI         string        `json:"uri"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

// sarifLogicalLoc names the Kubernetes object of a result.
type sarifLogicalLoc struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
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

// Format implements Formatter.
func (SARIF) Format(w io.Writer, r *Report) error {
	driver := sarifDriver{
		Name: r.Tool.Name, Version: r.Tool.Version, SemanticVersion: r.Tool.Version,
		InformationURI: r.Tool.InformationURI, Rules: make([]sarifRule, 0, len(r.Rules)),
	}
	idx := make(map[string]int, len(r.Rules))
	for _, rule := range r.Rules {
		if _, dup := idx[rule.ID]; dup {
			continue
		}
		idx[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleOf(rule))
	}

	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		if _, ok := idx[d.RuleID]; !ok {
			// A diagnostic of a rule that is not in r.Rules: describe it
			// minimally so the log still satisfies code scanning.
			idx[d.RuleID] = len(driver.Rules)
			driver.Rules = append(driver.Rules, sarifRuleOf(&analyzer.Rule{ID: d.RuleID, Title: d.RuleID, Rationale: d.RuleID, Severity: d.Severity}))
		}
	}

	// Each result is built as it is written (in order, once): kept all
	// at once, the results of 40,000 findings were most of the live heap
	// when it is at its largest, and the collector ran back to back.
	files := r.artifacts()
	srcs := r.sources()
	seen := fingerprintCount{}
	left, note := sarifLeftOut(r.Diagnostics)
	kept := make([]int, 0, min(len(r.Diagnostics), SARIFMaxResults))
	for i := range r.Diagnostics {
		if left == nil || !left[i] {
			kept = append(kept, i)
		}
	}
	next := 0 // the first diagnostic whose fingerprint is not yet counted
	result := func(k int) any {
		i := kept[k]
		// The results left out count in the numbering of equal
		// fingerprints, so that those kept are numbered as in a full run.
		for ; next < i; next++ {
			if d := &r.Diagnostics[next]; left != nil && left[next] {
				seen.numbered(r.fingerprint(d, files[d.File]))
			}
		}
		next = i + 1
		d := &r.Diagnostics[i]
		a := files[d.File]
		res := sarifResult{
			RuleID:    d.RuleID,
			RuleIndex: idx[d.RuleID],
			Level:     sarifLevel(d.Severity),
			Message:   sarifMessage{Text: d.Message},
			Locations: []sarifLocation{{
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactOf(d.File, a), Region: sarifRegionOf(d.Range)},
				LogicalLocations: sarifLogicalOf(d.Object),
			}},
			PartialFingerprints: map[string]string{SARIFFingerprintKey: seen.numbered(r.fingerprint(d, a))},
			Suppressions:        sarifSuppressionsOf(d.Suppression),
		}
		if len(d.Path) > 0 {
			res.Properties = &sarifResultProps{FieldPath: d.Path.String()}
		}
		if len(d.Related) > 0 {
			res.RelatedLocations, res.CodeFlows = sarifRelatedOf(d, res.Locations[0], files)
		}
		if src := srcs[d.File]; d.Fix != nil && src != nil {
			res.Fixes = sarifFixesOf(d.Fix, src, res.Locations[0].PhysicalLocation.ArtifactLocation)
		}
		return &res
	}

	run := sarifRun{Tool: sarifTool{Driver: driver}, ColumnKind: SARIFColumnKind, Results: []sarifResult{}}
	if note != "" {
		run.Invocations = []sarifInvocation{{
			ExecutionSuccessful:        true,
			ToolExecutionNotifications: []sarifNotification{{Level: "warning", Message: sarifMessage{Text: note}}},
		}}
	}
	if root := r.root(); root != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLoc{SARIFBaseID: {
			URI:         dirURI(filepath.ToSlash(root)),
			Description: &sarifMessage{Text: "The repository root (the directory with .git; the directory kvet ran in outside a repository); relative result URIs are relative to it."},
		}}
	}
	// The results, most of the log, are encoded one at a time.
	return jsonstream.Write(w, sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}}, "results",
		len(kept), result, jsonstream.Options{})
}

// SARIFLeftOut returns what the SARIF format says of the results it
// leaves out of r's run to keep within SARIFMaxResults ("" when it leaves
// out none), for kvet to say on standard error too.
func SARIFLeftOut(r *Report) string {
	_, note := sarifLeftOut(r.Diagnostics)
	return note
}

// sarifLeftOut chooses the diagnostics that a run leaves out to keep
// within SARIFMaxResults, which GitHub code scanning accepts at most (it
// rejects the whole file otherwise): none (left is nil) when there are
// not more; else suppressed findings first, those of a baseline before
// those suppressed in the manifests, then findings of the lowest severity
// (info, then warnings, errors last), each class from the end of the
// sorted order, so that the choice depends on the findings alone. note
// says how many, as the run's notification.
func sarifLeftOut(diags []analyzer.Diagnostic) (left []bool, note string) {
	excess := len(diags) - SARIFMaxResults
	if excess <= 0 {
		return nil, ""
	}
	// The classes, in the order they are left out.
	class := func(d *analyzer.Diagnostic) int {
		switch {
		case d.Suppression != nil && d.Suppression.Kind == analyzer.SuppressionExternal:
			return 0
		case d.Suppression != nil:
			return 1
		}
		return 2 + max(0, int(d.Severity-analyzer.SeverityInfo)) // info 2, warning 3, error 4
	}
	left = make([]bool, len(diags))
	for c, n := 0, excess; n > 0; c++ {
		for i := len(diags) - 1; i >= 0 && n > 0; i-- {
			if class(&diags[i]) == c {
				left[i] = true
				n--
			}
		}
	}
	return left, fmt.Sprintf("%d results left out: GitHub code scanning accepts at most 25,000 per run "+
		"(suppressed findings were left out first, then the least severe, from the end of the sorted order)", excess)
}

// sarifRelatedOf returns the related locations of a diagnostic and the
// code flow that walks through them in hop order, starting at the result's
// own location (primary).
func sarifRelatedOf(d *analyzer.Diagnostic, primary sarifLocation, files map[string]artifact) ([]sarifLocation, []sarifCodeFlow) {
	related := make([]sarifLocation, len(d.Related))
	first := primary
	first.Message = &sarifMessage{Text: d.Message}
	flow := []sarifThreadFlowLocation{{Location: first}}
	for i, rel := range d.Related {
		loc := sarifLocation{
			PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifactOf(rel.File, files[rel.File]), Region: sarifRegionOf(rel.Range)},
			LogicalLocations: sarifLogicalOf(rel.Object),
			Message:          &sarifMessage{Text: rel.Message},
		}
		flow = append(flow, sarifThreadFlowLocation{Location: loc})
		loc.ID = i + 1
		related[i] = loc
	}
	return related, []sarifCodeFlow{{ThreadFlows: []sarifThreadFlow{{Locations: flow}}}}
}

// sarifFixesOf returns a fix as SARIF: one artifact change of the result's
// file whose replacements are the fix's edits, each a region of the
// source (which the edits' byte offsets index) and the text inserted.
func sarifFixesOf(f *analyzer.SuggestedFix, src *analyzer.File, loc sarifArtifactLoc) []sarifFix {
	change := sarifArtifactChange{ArtifactLocation: loc, Replacements: make([]sarifReplacement, 0, len(f.Edits))}
	for _, e := range f.Edits {
		start, end := src.Position(e.Offset), src.Position(e.End)
		change.Replacements = append(change.Replacements, sarifReplacement{
			DeletedRegion: sarifFixRegion{
				StartLine: start.Line, StartColumn: start.Column, EndLine: end.Line, EndColumn: end.Column,
				ByteOffset: e.Offset, ByteLength: e.End - e.Offset,
			},
			InsertedContent: sarifFileContent{Text: e.NewText},
		})
	}
	return []sarifFix{{Description: sarifMessage{Text: f.Message}, ArtifactChanges: []sarifArtifactChange{change}}}
}

// sarifArtifactOf returns the artifact location of a file: relative to
// %SRCROOT% when it is under the base directory, an absolute file: URI
// otherwise, and "<stdin>" (encoded, no base) for standard input.
func sarifArtifactOf(given string, a artifact) sarifArtifactLoc {
	switch {
	case a.Stdin:
		return sarifArtifactLoc{URI: uriPathEscape(analyzer.StdinName, true)}
	case a.Rel != "":
		return sarifArtifactLoc{URI: uriPathEscape(a.Rel, true), URIBaseID: SARIFBaseID}
	case a.Abs != "":
		return sarifArtifactLoc{URI: fileURI(a.Abs)}
	}
	return sarifArtifactLoc{URI: uriPathEscape(given, true)}
}

// sarifRegionOf converts a range; SARIF's endColumn, like kvet's, is one
// past the last character. A missing or inverted end becomes the start.
func sarifRegionOf(rg analyzer.Range) sarifRegion {
	reg := sarifRegion{
		StartLine: max(1, rg.Start.Line), StartColumn: max(1, rg.Start.Column),
		EndLine: rg.End.Line, EndColumn: max(1, rg.End.Column),
	}
	if reg.EndLine < reg.StartLine || reg.EndLine == reg.StartLine && reg.EndColumn < reg.StartColumn {
		reg.EndLine, reg.EndColumn = reg.StartLine, reg.StartColumn
	}
	return reg
}

func sarifLogicalOf(o analyzer.ObjectRef) []sarifLogicalLoc {
	if o.Kind == "" {
		return nil
	}
	fqn := o.Kind + "/"
	if o.Namespace != "" {
		fqn += o.Namespace + "/"
	}
	fqn += o.Name
	return []sarifLogicalLoc{{Name: o.Name, FullyQualifiedName: fqn, Kind: "resource"}}
}

// sarifRuleOf describes a rule with the metadata code scanning shows.
func sarifRuleOf(rule *analyzer.Rule) sarifRule {
	text, markdown := ruleHelp(rule)
	full := rule.Rationale
	if full == "" {
		full = rule.Title
	}
	return sarifRule{
		ID:                   rule.ID,
		Name:                 ruleName(rule.ID),
		ShortDescription:     sarifMultiformat{Text: rule.Title},
		FullDescription:      sarifMultiformat{Text: full},
		Help:                 sarifMultiformat{Text: text, Markdown: markdown},
		HelpURI:              rule.URL,
		DefaultConfiguration: sarifRuleConf{Level: sarifLevel(rule.Severity), Enabled: !rule.DisabledByDefault},
		Properties:           sarifRuleProps{Tags: ruleTags(rule)},
	}
}

// sarifSuppressionsOf returns a result's suppressions: none (an empty
// array), or the one that applies, with its reason as justification.
func sarifSuppressionsOf(s *analyzer.Suppression) []sarifSuppression {
	if s == nil {
		return []sarifSuppression{}
	}
	return []sarifSuppression{{Kind: s.Kind, Justification: s.Justification}}
}

func ruleTags(rule *analyzer.Rule) []string {
	tags := []string{"kubernetes"}
	if rule.Source != "" {
		tags = append(tags, rule.Source)
	}
	return tags
}

// ruleHelp renders a rule's documentation as plain text and as Markdown.
func ruleHelp(rule *analyzer.Rule) (text, markdown string) {
	var t, m strings.Builder
	t.WriteString(rule.Title + "\n")
	m.WriteString("**" + mdEscape(rule.Title) + "**\n")
	if rule.Rationale != "" {
		t.WriteString("\nWhy it matters: " + rule.Rationale + "\n")
		m.WriteString("\n" + rule.Rationale + "\n")
	}
	if rule.Remediation != "" {
		t.WriteString("\nWhat to do: " + rule.Remediation + "\n")
		m.WriteString("\n**What to do.** " + rule.Remediation + "\n")
	}
	if len(rule.Params) > 0 {
		t.WriteString("\nParameters:\n")
		m.WriteString("\n| Parameter | Default | Meaning |\n|---|---|---|\n")
		for _, p := range rule.Params {
			def := paramDefault(p.Default)
			fmt.Fprintf(&t, "  %s (default %s): %s\n", p.Name, def, p.Doc)
			fmt.Fprintf(&m, "| `%s` | `%s` | %s |\n", p.Name, def, strings.ReplaceAll(p.Doc, "|", `\|`))
		}
	}
	if doc := strings.TrimRight(rule.Doc, "\n"); doc != "" {
		t.WriteString("\n" + doc + "\n")
		m.WriteString("\n" + doc + "\n")
	}
	return t.String(), m.String()
}

// paramDefault renders a parameter default: lists as "a, b".
func paramDefault(v any) string {
	switch x := v.(type) {
	case []string:
		return strings.Join(x, ", ")
	case []int:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = fmt.Sprint(n)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// mdEscaper escapes the characters that would start Markdown markup (one
// Replacer, prepared once: see ghDataEscaper).
var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`)

// mdEscape escapes the characters that would start Markdown markup.
func mdEscape(s string) string { return mdEscaper.Replace(s) }

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
