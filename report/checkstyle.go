package report

import (
	"encoding/xml"
	"io"
)

// Checkstyle writes Checkstyle's XML report, which reviewdog (-f=checkstyle)
// and Jenkins' Warnings plugin read: one <file> per file with findings, one
// <error> per finding, with its line, byte column (as in the text format),
// severity (error, warning or info), message and source (kvet.RULE-ID).
// Files are named by absolute path, which every consumer resolves whatever
// its working directory (standard input keeps its name).
type Checkstyle struct{}

type checkstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// Format implements Formatter.
func (Checkstyle) Format(w io.Writer, r *Report) error {
	files := r.artifacts()
	srcs := r.sources()
	out := checkstyleReport{Version: "4.3"}
	for i := range r.Diagnostics {
		d := &r.Diagnostics[i]
		if d.Suppressed() {
			continue // Checkstyle has no notion of a suppressed finding
		}
		name := d.File
		if a := files[d.File]; a.Abs != "" {
			name = a.Abs
		}
		if n := len(out.Files); n == 0 || out.Files[n-1].Name != name {
			out.Files = append(out.Files, checkstyleFile{Name: name})
		}
		f := &out.Files[len(out.Files)-1]
		f.Errors = append(f.Errors, checkstyleError{
			Line: d.Range.Start.Line, Column: byteColumn(srcs, d.File, d.Range.Start),
			Severity: d.Severity.String(), Message: oneLine(d.Message), Source: "kvet." + d.RuleID,
		})
	}
	return writeXML(w, out)
}

// writeXML writes v as an indented XML document with its declaration.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	// xml.NewEncoder writes straight into w when w is a *bufio.Writer (as
	// kvet's output is), and EncodeElement flushes its writer: JUnit's
	// test cases, encoded one at a time, then cost one write system call
	// each (40,000 on the 10k benchmark corpus). Behind a plain io.Writer,
	// the encoder buffers on its own and flushes into w's buffer.
	enc := xml.NewEncoder(struct{ io.Writer }{w})
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
