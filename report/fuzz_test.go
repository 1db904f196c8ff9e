package report_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/report"
)

// FuzzFormats checks that whatever a diagnostic holds (messages, paths,
// rule IDs and object names with quotes, control characters, markup,
// invalid UTF-8, line breaks; any positions), every output format stays
// well-formed: json, sarif and gitlab are valid JSON, junit and checkstyle
// well-formed XML, text and github one line per diagnostic. Run it with
// go test ./report -run '^$' -fuzz FuzzFormats -fuzztime 60s.
func FuzzFormats(f *testing.F) {
	f.Add("k8s/job.yaml", "job-ttl-missing", "ttl is unset: set ttlSecondsAfterFinished", "nightly", "spec", 3, 1, "")
	f.Add("a b/<x>&\"y\".yaml", "x]]>", "a\nb\r\n::warning file=x::c <![CDATA[ ]]> \x00\x1b[31m", "n\u2028", "a.b[0]", 0, -5, "why\n--")
	f.Add("/abs/\xff.yaml", "", "\xc3\x28 invalid", "", "", 1<<30, 1<<30, "\t")
	f.Fuzz(func(t *testing.T, file, rule, msg, name, path string, line, col int, reason string) {
		d := analyzer.Diagnostic{
			RuleID: rule, Severity: analyzer.Severity(1 + (line&3)%3), Message: msg, File: file,
			Range: analyzer.Range{Start: analyzer.Position{Line: line, Column: col}, End: analyzer.Position{Line: line, Column: col + 1}},
			Path:  analyzer.NewPath(path), Object: analyzer.ObjectRef{Kind: "Job", Name: name, Namespace: name},
			Fix: &analyzer.SuggestedFix{Message: msg, Edits: []analyzer.TextEdit{{Offset: 0, End: 0, NewText: msg}}},
		}
		diags := []analyzer.Diagnostic{d, d}
		diags[1].Suppression = &analyzer.Suppression{Kind: analyzer.SuppressionInSource, Justification: reason}
		rep := &report.Report{
			Tool:        report.Tool{Name: "kvet", Version: "0.0.0", InformationURI: "https://example.com/kvet"},
			Rules:       []*analyzer.Rule{{ID: rule, Title: msg, Severity: analyzer.SeverityWarning, Rationale: msg, Remediation: reason, Source: "go"}},
			Diagnostics: diags,
			Files:       1,
			Documents:   1,
			BaseDir:     "/work",
			Sources:     []*analyzer.File{{Path: file, Content: []byte(msg)}},
		}
		for _, name := range report.Names() {
			formatter, err := report.New(name, report.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := formatter.Format(&out, rep); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := wellFormed(name, out.Bytes(), len(diags)); err != nil {
				t.Fatalf("%s output is not well-formed: %v\n%s", name, err, out.Bytes())
			}
		}
	})
}

// wellFormed checks the syntax of one format's output.
func wellFormed(format string, out []byte, diags int) error {
	switch format {
	case "json", "sarif", "gitlab":
		if !json.Valid(out) {
			return errors.New("invalid JSON")
		}
	case "junit", "checkstyle":
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	case "text", "github":
		// One line per diagnostic shown, whatever the message holds; text
		// may add note lines for related locations (there are none here).
		n := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, len(out)+1)
		for sc.Scan() {
			if !strings.HasPrefix(sc.Text(), "  ") {
				n++
			}
		}
		if n > diags {
			return errors.New("a diagnostic spans several lines")
		}
	}
	return nil
}
