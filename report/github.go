package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

// GitHub writes GitHub Actions workflow commands, which annotate the lines
// of a pull request: `::error file=…,line=…,col=…,title=…::message`.
type GitHub struct{}

// Format implements Formatter.
func (GitHub) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, d := range r.Diagnostics {
		level := map[analyzer.Severity]string{
			analyzer.SeverityError: "error", analyzer.SeverityWarning: "warning", analyzer.SeverityInfo: "notice",
		}[d.Severity]
		fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
			level, ghProperty(d.File), d.Range.Start.Line, d.Range.Start.Column,
			d.Range.End.Line, d.Range.End.Column, ghProperty("kvet "+d.RuleID), ghData(d.Message))
	}
	return bw.Flush()
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
