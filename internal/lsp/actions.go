package lsp

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// codeAction returns, for the findings on the lines of the requested range:
// each suggested fix as a quick fix (the same edits kvet lint reports), and
// actions that suppress the finding: a `# kvet:ignore RULE -- ` comment
// for the line or a `# kvet:ignore-document` comment for the YAML document,
// or, in JSON (which has no comments), the kvet.dev/ignore annotation of
// the object. When the document has fixes, "fix all" applies all of them
// as kvet applies them (analyzer.ApplyFixes).
func (s *Server) codeAction(_ context.Context, raw []byte) (any, error) {
	var p CodeActionParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, invalidParams(methodCodeAction, err)
	}
	actions := []CodeAction{}
	res, enc := s.current(p.TextDocument.URI)
	if res == nil || res.file == nil {
		return actions, nil
	}
	uri := p.TextDocument.URI
	want := func(kind string) bool {
		if len(p.Context.Only) == 0 {
			return true
		}
		for _, o := range p.Context.Only {
			if kind == o || strings.HasPrefix(kind, o+".") {
				return true
			}
		}
		return false
	}
	edit := func(edits ...analyzer.TextEdit) *WorkspaceEdit {
		out := make([]TextEdit, len(edits))
		for i, e := range edits {
			out[i] = enc.edit(res.file, e)
		}
		return &WorkspaceEdit{Changes: map[string][]TextEdit{uri: out}}
	}
	json := res.json
	var ignores []CodeAction
	seen := map[string]bool{}
	fixable := false
	for i := range res.diags {
		d := &res.diags[i]
		ld := res.lsp[i]
		if !linesOverlap(ld.Range, p.Range) {
			continue
		}
		if d.Fix != nil && want(codeActionQuickFix) {
			fixable = true
			actions = append(actions, CodeAction{
				Title: d.Fix.Message + " (" + d.RuleID + ")", Kind: codeActionQuickFix,
				Diagnostics: []Diagnostic{ld}, IsPreferred: true, Edit: edit(d.Fix.Edits...),
			})
		}
		if !want(codeActionQuickFix) || d.RuleID == analyzer.IDYAMLSyntax || d.RuleID == analyzer.IDUnusedSuppression {
			continue
		}
		var cands []suppression
		if json {
			if e, ok := ignoreAnnotation(res, d); ok {
				cands = append(cands, suppression{fmt.Sprintf("a %s %s", d.RuleID, d.Object), "Ignore " + d.RuleID + " for this object (kvet.dev/ignore annotation)", e})
			}
		} else {
			e := ignoreLine(res.file, d.RuleID, d.Range.Start.Line)
			cands = append(cands, suppression{fmt.Sprintf("l %s %d", d.RuleID, d.Range.Start.Line), "Ignore " + d.RuleID + " on this line (kvet:ignore)", e})
			e, start := ignoreDocument(res.file, d.RuleID, d.Range.Start.Line)
			cands = append(cands, suppression{fmt.Sprintf("d %s %d", d.RuleID, start), "Ignore " + d.RuleID + " in this document (kvet:ignore-document)", e})
		}
		for _, c := range cands {
			if !seen[c.key] {
				seen[c.key] = true
				ignores = append(ignores, CodeAction{Title: c.title, Kind: codeActionQuickFix, Diagnostics: []Diagnostic{ld}, Edit: edit(c.edit)})
			}
		}
	}
	actions = append(actions, ignores...)
	if fixable || len(p.Context.Only) > 0 && want(codeActionSourceFixAllKvet) {
		if a, ok := fixAll(res, enc, uri); ok && want(codeActionSourceFixAllKvet) {
			actions = append(actions, a)
		}
	}
	return actions, nil
}

// suppression is a code action that suppresses a finding; key identifies
// the suppression, so that two findings of one rule on a line get one.
type suppression struct {
	key, title string
	edit       analyzer.TextEdit
}

// linesOverlap reports whether the lines of a diagnostic's range and of a
// requested range overlap (clients ask for the cursor's position or the
// selection; actions apply to the findings on those lines).
func linesOverlap(diag, req Range) bool {
	end := diag.End.Line
	if end > diag.Start.Line && diag.End.Character == 0 {
		end--
	}
	return diag.Start.Line <= req.End.Line && end >= req.Start.Line
}

// fixAll applies every fix of the document as kvet applies them and
// returns the change as one edit of the lines that differ.
func fixAll(res *result, enc encoding, uri string) (CodeAction, bool) {
	fixes := res.fixes
	if len(fixes) == 0 {
		return CodeAction{}, false
	}
	content := res.file.Content
	fixed, applied := analyzer.ApplyFixes(content, fixes)
	n := 0
	for _, a := range applied {
		if a {
			n++
		}
	}
	if n == 0 || bytes.Equal(fixed, content) {
		return CodeAction{}, false
	}
	// The smallest replacement: the common prefix and suffix stay.
	pre := 0
	for pre < len(content) && pre < len(fixed) && content[pre] == fixed[pre] {
		pre++
	}
	suf := 0
	for suf < len(content)-pre && suf < len(fixed)-pre && content[len(content)-1-suf] == fixed[len(fixed)-1-suf] {
		suf++
	}
	e := analyzer.TextEdit{Offset: pre, End: len(content) - suf, NewText: string(fixed[pre : len(fixed)-suf])}
	title := fmt.Sprintf("Apply all %d kvet fixes", n)
	if n == 1 {
		title = "Apply the kvet fix"
	}
	return CodeAction{
		Title: title, Kind: codeActionSourceFixAllKvet,
		Edit: &WorkspaceEdit{Changes: map[string][]TextEdit{uri: {enc.edit(res.file, e)}}},
	}, true
}

// ignoreLine returns the edit that puts `# kvet:ignore RULE -- ` on its
// own line above line n (1-based), with that line's indentation and line
// ending: a comment alone on its line applies to the next line of content.
func ignoreLine(f *analyzer.File, id string, n int) analyzer.TextEdit {
	line := f.Line(n)
	indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
	at := f.Offset(analyzer.Position{Line: n, Column: 1})
	return analyzer.TextEdit{Offset: at, End: at, NewText: string(indent) + "# kvet:ignore " + id + " -- " + f.LineEnding(n)}
}

// ignoreDocument returns the edit that puts `# kvet:ignore-document RULE
// -- ` at the start of the YAML document that contains line n (just after
// its "---" separator, or at the top of the file), and the line where the
// document starts.
func ignoreDocument(f *analyzer.File, id string, n int) (analyzer.TextEdit, int) {
	start := 1
	for l := n; l >= 1; l-- {
		if isSeparator(f.Line(l)) {
			start = l + 1
			break
		}
	}
	at := f.Offset(analyzer.Position{Line: start, Column: 1})
	text := "# kvet:ignore-document " + id + " -- " + f.LineEnding(start)
	if start > f.LineCount() {
		// After the last line (a document written on its "---" line):
		// on a line of its own, even when the file does not end with a
		// line break.
		at = len(f.Content)
		if c := f.Content; len(c) > 0 && c[len(c)-1] != '\n' && c[len(c)-1] != '\r' {
			text = f.LineEnding(n) + text
		}
	}
	return analyzer.TextEdit{Offset: at, End: at, NewText: text}, start
}

// isSeparator reports whether a line is a "---" document separator.
func isSeparator(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t')
}

// ignoreAnnotation returns the edit that suppresses d with the
// kvet.dev/ignore annotation of its object in a JSON file: the rule is
// added to an existing annotation, or the annotation (and the annotations
// object) is added to the object's metadata. ok is false when the object
// has no metadata object to put it in.
func ignoreAnnotation(res *result, d *analyzer.Diagnostic) (analyzer.TextEdit, bool) {
	doc := docOf(res, d)
	if doc == nil {
		return analyzer.TextEdit{}, false
	}
	// Lookup reads a key written twice as the decoder does (the last
	// copy), so the annotation goes where kvet and kubectl read it.
	md := doc.Lookup(analyzer.NewPath("metadata"))
	if md == nil || md.Kind != yaml.MappingNode {
		return analyzer.TextEdit{}, false
	}
	entry := `"` + analyzer.IgnoreAnnotation + `": "` + d.RuleID + ` -- "`
	ann := doc.Lookup(analyzer.NewPath("metadata", "annotations"))
	switch {
	case ann == nil:
		return insertEntry(res.file, md, `"annotations": {`+entry+`}`)
	case ann.Kind != yaml.MappingNode:
		return analyzer.TextEdit{}, false
	}
	if v := doc.Lookup(analyzer.NewPath("metadata", "annotations", analyzer.IgnoreAnnotation)); v != nil {
		names, reason, hasReason := strings.Cut(v.Value, "--")
		value := strings.TrimRight(strings.TrimSpace(names), ",") + "," + d.RuleID
		if hasReason {
			value += " --" + reason
		}
		return analyzer.ReplaceScalar(doc, analyzer.NewPath("metadata", "annotations", analyzer.IgnoreAnnotation), value)
	}
	return insertEntry(res.file, ann, entry)
}

// insertEntry returns the edit that adds entry as the first member of the
// flow mapping m (a JSON object), on its own line when the members are on
// lines of their own.
func insertEntry(f *analyzer.File, m *yaml.Node, entry string) (analyzer.TextEdit, bool) {
	if m.Style&yaml.FlowStyle == 0 {
		return analyzer.TextEdit{}, false
	}
	at := f.Offset(analyzer.Position{Line: m.Line, Column: m.Column})
	if at >= len(f.Content) || f.Content[at] != '{' {
		return analyzer.TextEdit{}, false
	}
	at++
	text := entry
	if len(m.Content) > 0 {
		if first := m.Content[0]; first.Line > m.Line {
			text = f.LineEnding(m.Line) + strings.Repeat(" ", first.Column-1) + entry + ","
		} else {
			text = entry + ", "
		}
	}
	return analyzer.TextEdit{Offset: at, End: at, NewText: text}, true
}

// docOf returns the object d is about: the last one of its file with d's
// object reference that starts at or before d.
func docOf(res *result, d *analyzer.Diagnostic) *analyzer.Document {
	var found *analyzer.Document
	for _, doc := range res.docs {
		if doc.Ref() != d.Object {
			continue
		}
		if found == nil || doc.Line() <= d.Range.Start.Line {
			found = doc
		}
	}
	return found
}
