package report

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// TestJUnitCasesEncodeAsSlice checks that junitCases, which builds each
// test case as it is encoded, writes what a slice of the same test cases
// writes in its place (indentation included), for none, one and several.
func TestJUnitCasesEncodeAsSlice(t *testing.T) {
	all := []junitTestcase{
		{Name: "a.yaml:3:5 r", Classname: "a.yaml", File: "a.yaml", Line: 3, Time: "0", Failure: &junitFailure{Message: `m <&> "q"`, Type: "warning", Text: "details\n]]> here"}},
		{Name: "kvet", Classname: "a.yaml", File: "a.yaml", Time: "0"},
		{Name: "a.yaml:9:1 r", Classname: "a.yaml", File: "a.yaml", Line: 9, Time: "0", Skipped: &junitSkipped{Message: "suppressed (inSource)"}},
	}
	type withSlice struct {
		XMLName xml.Name        `xml:"testsuite"`
		Name    string          `xml:"name,attr"`
		Cases   []junitTestcase `xml:"testcase"`
	}
	type withCases struct {
		XMLName xml.Name   `xml:"testsuite"`
		Name    string     `xml:"name,attr"`
		Cases   junitCases `xml:"testcase"`
	}
	for n := range len(all) + 1 {
		var want, got bytes.Buffer
		if err := writeXML(&want, withSlice{Name: "a.yaml", Cases: all[:n]}); err != nil {
			t.Fatal(err)
		}
		built := 0
		cases := junitCases{n: n, build: func(i int) junitTestcase {
			if i != built {
				t.Errorf("case %d built after %d cases", i, built)
			}
			built++
			return all[i]
		}}
		if err := writeXML(&got, withCases{Name: "a.yaml", Cases: cases}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d cases:\ngot\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}

// TestXMLText checks that xmlText keeps what XML 1.0 allows and replaces
// the rest with U+FFFD, on its ASCII fast path and off it.
func TestXMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain: text (rule-id)\n\tnext\r\n", "plain: text (rule-id)\n\tnext\r\n"},
		{"bell\x07 nul\x00 esc\x1b", "bell\uFFFD nul\uFFFD esc\uFFFD"},
		{"del\x7f kept", "del\x7f kept"},
		{"café → ok", "café → ok"},
		{"bad\uFFFE and \uFFFF", "bad\uFFFD and \uFFFD"},
		{"é then \x01", "é then \uFFFD"},
		{"invalid \xff byte", "invalid \uFFFD byte"},
		{"astral 𝄞", "astral 𝄞"},
	}
	for _, tt := range tests {
		if got := xmlText(tt.in); got != tt.want {
			t.Errorf("xmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
