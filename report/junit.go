package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/realpath"
)

// JUnit writes a JUnit XML test report, which GitLab (artifacts:reports:
// junit) and Jenkins (the junit step) show as test results: one testsuite
// per linted file, one failing testcase per finding, and one passing
// testcase for a file without findings (so that a clean run still has
// tests, which Jenkins requires). A suppressed finding shown with
// --show-suppressed is a skipped testcase. Files are named relative to the
// repository root.
type JUnit struct{}

type junitTestsuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Name    string   `xml:"name,attr"`
	junitCounts
	Time   string           `xml:"time,attr"`
	Suites []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name string `xml:"name,attr"`
	junitCounts
	Time  string     `xml:"time,attr"`
	Cases junitCases `xml:"testcase"`
}

// junitCounts are the counts of test cases a suite (or all of them)
// reports, as attributes.
type junitCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

// junitCases are the test cases of a suite, each built as it is encoded
// (build(i) for i in [0, n), in order): built all at once, the cases of
// 40,000 findings (each with its details) were most of the live heap at
// its peak.
type junitCases struct {
	n     int
	build func(i int) junitTestcase
}

// MarshalXML encodes the cases as a sequence of elements named as start.
func (c junitCases) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	for i := range c.n {
		if err := e.EncodeElement(c.build(i), start); err != nil {
			return err
		}
	}
	return nil
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Format implements Formatter.
func (JUnit) Format(w io.Writer, r *Report) error {
	root := junitTestsuites{Name: "kvet", Time: "0"}
	// Every linted file has its suite, those with findings and clean ones
	// alike sorted by file, as the findings are (analyzer.Less): the order
	// of the paths read changes nothing.
	files := make([]string, 0, len(r.Sources))
	for _, f := range r.Sources {
		files = append(files, f.Path)
	}
	for i := range r.Diagnostics {
		if file := r.Diagnostics[i].File; i == 0 || file != r.Diagnostics[i-1].File {
			files = append(files, file)
		}
	}
	slices.Sort(files)
	files = slices.Compact(files)
	index := make(map[string]int, len(files)) // file (as given) → suite
	root.Suites = make([]junitTestsuite, len(files))
	// Files are named relative to the root, those of related locations
	// as those of the findings.
	artifacts := r.artifacts()
	paths := new(realpath.Resolver)
	id := func(file string) string {
		a, ok := artifacts[file]
		if !ok { // a clean file
			a = r.artifactOf(paths, file)
		}
		return a.id(file)
	}
	for i, file := range files {
		index[file] = i
		root.Suites[i] = junitTestsuite{Name: id(file), Time: "0"}
	}
	cases := make([][]int, len(files)) // by suite: the findings' indexes
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		si := index[d.File]
		s := &root.Suites[si]
		if d.Suppression != nil {
			s.Skipped++
		} else {
			s.Failures++
		}
		s.Tests++
		cases[si] = append(cases[si], i)
	}
	srcs := r.sources()
	names := map[string]int{}
	for si := range root.Suites {
		s := &root.Suites[si]
		if found := cases[si]; len(found) == 0 {
			// A clean file: one passing test case.
			s.Tests++
			s.Cases = junitCases{n: 1, build: func(int) junitTestcase {
				return junitTestcase{Name: "kvet", Classname: s.Name, File: s.Name, Time: "0"}
			}}
		} else {
			s.Cases = junitCases{n: len(found), build: func(i int) junitTestcase {
				d := &r.Diagnostics[found[i]]
				col := byteColumn(srcs, d.File, d.Range.Start)
				name := fmt.Sprintf("%s:%d:%d %s", s.Name, d.Range.Start.Line, col, d.RuleID)
				// Consumers may merge test cases of the same name: number
				// the second finding of a rule at one place.
				if names[name]++; names[name] > 1 {
					name += fmt.Sprintf(" (%d)", names[name])
				}
				tc := junitTestcase{Name: name, Classname: s.Name, File: s.Name, Line: d.Range.Start.Line, Time: "0"}
				if sup := d.Suppression; sup != nil {
					msg := "suppressed (" + sup.Kind + ")"
					if sup.Justification != "" {
						msg += ": " + sup.Justification
					}
					tc.Skipped = &junitSkipped{Message: msg}
				} else {
					tc.Failure = &junitFailure{Message: oneLine(d.Message), Type: d.Severity.String(), Text: xmlText(junitDetails(d, s.Name, col, srcs, id))}
				}
				return tc
			}}
		}
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Skipped += s.Skipped
	}
	return writeXML(w, root)
}

// junitDetails is the body of a failure: the finding as the text format
// writes it (columns in bytes: col is the finding's; file is its name in
// the report), then what it is about, and a note line per related
// location, whose file id names as the report names files.
func junitDetails(d *analyzer.Diagnostic, file string, col int, srcs map[string]*analyzer.File, id func(string) string) string {
	// Appended piece by piece: with fmt, five formatted prints per
	// finding were a quarter of what the JUnit report cost.
	b := make([]byte, 0, 256)
	b = appendLocation(b, file, d.Range.Start.Line, col)
	b = append(b, ": "...)
	b = append(b, d.Severity.String()...)
	b = append(b, ": "...)
	b = append(b, oneLine(d.Message)...)
	b = append(b, " ("...)
	b = append(b, d.RuleID...)
	b = append(b, ")\n"...)
	if d.Object.Kind != "" {
		b = append(b, "object: "...)
		b = append(b, objectName(d.Object)...)
		b = append(b, '\n')
	}
	if len(d.Path) > 0 {
		b = append(b, "field: "...)
		b = append(b, d.Path.String()...)
		b = append(b, '\n')
	}
	if d.Fix != nil {
		b = append(b, "fix (kvet fix): "...)
		b = append(b, d.Fix.Message...)
		b = append(b, '\n')
	}
	for _, rel := range d.Related {
		b = append(b, "note: "...)
		b = appendLocation(b, id(rel.File), rel.Range.Start.Line, byteColumn(srcs, rel.File, rel.Range.Start))
		b = append(b, ": "...)
		b = append(b, oneLine(rel.Message)...)
		b = append(b, '\n')
	}
	return string(b)
}

// objectName renders an object reference as Kind namespace/name.
func objectName(o analyzer.ObjectRef) string {
	name := o.Name
	if o.Namespace != "" {
		name = o.Namespace + "/" + name
	}
	return o.Kind + " " + name
}

// xmlText replaces the characters XML 1.0 does not allow (most control
// characters, lone surrogates, U+FFFE and U+FFFF) with U+FFFD, as
// encoding/xml does for attributes but not for CDATA.
func xmlText(s string) string {
	// Most details are printable ASCII, which XML allows: return them
	// without decoding their runes.
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		c := s[i]
		ascii = c >= 0x20 && c < 0x80 || c == '\t' || c == '\n' || c == '\r'
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}
