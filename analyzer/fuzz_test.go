package analyzer_test

import (
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// FuzzParse checks that no input makes loading, decoding or locating panic
// or hang. Seeds are the loading fixtures. Run it with
// go test ./analyzer -run '^$' -fuzz FuzzParse -fuzztime 60s.
func FuzzParse(f *testing.F) {
	analyzertest.AddSeeds(f, "testdata/load/*")
	paths := []analyzer.Path{
		nil,
		analyzer.NewPath("metadata", "name"),
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"),
		analyzer.NewPath("rules", 0, "verbs", 1),
		analyzer.NewPath("items", 3),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &analyzer.File{Path: "fuzz.yaml", Content: data}
		docs, diags := analyzer.NewLoader(nil).Parse(file)
		for _, d := range docs {
			for _, p := range paths {
				r := d.Locate(p, false)
				if r.Start.Line < 1 || r.Start.Column < 1 || r.End.Line < r.Start.Line {
					t.Fatalf("bad range %+v for %s", r, p)
				}
				d.Locate(p, true)
			}
			d.Value()
		}
		for _, dg := range diags {
			if dg.Range.Start.Line < 1 {
				t.Fatalf("diagnostic without a line: %+v", dg)
			}
		}
	})
}

// FuzzSuppress checks that no input makes the suppression scanner panic
// or misplace a diagnostic: every object gets a finding at its start and
// at each of its lines' first columns, and Suppress must return each of
// them (suppressed or not) plus only positioned suppression findings.
// Seeds are the suppression fixtures. Run it with
// go test ./analyzer -run '^$' -fuzz FuzzSuppress -fuzztime 60s.
func FuzzSuppress(f *testing.F) {
	analyzertest.AddSeeds(f, "testdata/ignore/*")
	f.Add([]byte("# kvet:ignore-file r -- x\n---\n# kvet:ignore r\n# kvet:ignore-document r,s\na: 1 # kvet:ignore\n"))
	rules := append([]*analyzer.Rule{{ID: "r", Title: "r", Severity: analyzer.SeverityWarning, Source: "go", Rationale: "r", Remediation: "r"}},
		analyzer.SuppressionRules()...)
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &analyzer.File{Path: "fuzz.yaml", Content: data}
		docs, diags := analyzer.NewLoader(nil).Parse(file)
		set := &analyzer.Set{Files: []*analyzer.File{file}, Docs: docs, Diagnostics: diags}
		var found []analyzer.Diagnostic
		for _, d := range docs {
			for line := d.Line(); line <= min(file.LineCount(), d.Line()+20); line++ {
				at := analyzer.Position{Line: line, Column: 1}
				found = append(found, analyzer.Diagnostic{RuleID: "r", Severity: analyzer.SeverityWarning, File: file.Path,
					Range: analyzer.Range{Start: at, End: at}, Object: d.Ref()})
			}
		}
		analyzer.Sort(found)
		out := analyzer.Suppress(set, found, analyzer.SuppressConfig{Rules: rules, Known: rules})
		n := 0
		for _, d := range out {
			if d.RuleID == "r" {
				n++
				continue
			}
			if d.Range.Start.Line < 1 || d.Range.Start.Line > file.LineCount() || d.Range.Start.Column < 1 {
				t.Fatalf("%s at %+v in a file of %d lines", d.RuleID, d.Range, file.LineCount())
			}
		}
		if n != len(found) {
			t.Fatalf("%d of %d findings returned", n, len(found))
		}
	})
}
