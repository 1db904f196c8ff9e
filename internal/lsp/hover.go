package lsp

import (
	"context"
	"fmt"
	"strings"

	"github.com/kvet-dev/kvet/internal/ruledoc"
)

// hover shows, for the findings whose range contains the position, the
// message and the documentation of the rule (its section of
// docs/rules.md, as `kvet explain` prints it) as Markdown.
func (s *Server) hover(_ context.Context, raw []byte) (any, error) {
	var p TextDocumentPositionParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, invalidParams(methodHover, err)
	}
	res, _ := s.current(p.TextDocument.URI)
	if res == nil || res.file == nil {
		return nil, nil
	}
	var b strings.Builder
	var span *Range
	shown := map[string]bool{}
	for i := range res.diags {
		ld := res.lsp[i]
		if !contains(ld.Range, p.Position) {
			continue
		}
		d := &res.diags[i]
		if b.Len() > 0 {
			b.WriteString("\n---\n\n")
		}
		fmt.Fprintf(&b, "**kvet** %s: %s (`%s`)\n\n", d.Severity, d.Message, d.RuleID)
		if r := rule(res, d.RuleID); r != nil && !shown[r.ID] {
			shown[r.ID] = true
			ruledoc.Rule(&b, r)
			if r.URL != "" {
				fmt.Fprintf(&b, "[Documentation](%s)\n", r.URL)
			}
		}
		if span == nil {
			r := ld.Range
			span = &r
		}
	}
	if b.Len() == 0 {
		return nil, nil
	}
	return Hover{Contents: MarkupContent{Kind: markupMarkdown, Value: strings.TrimRight(b.String(), "\n")}, Range: span}, nil
}

// contains reports whether p is inside r, its end included (the cursor
// just after a finding still shows it).
func contains(r Range, p Position) bool {
	after := func(a, b Position) bool { return a.Line > b.Line || a.Line == b.Line && a.Character >= b.Character }
	return after(p, r.Start) && after(r.End, p)
}
