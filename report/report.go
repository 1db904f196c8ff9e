// Package report renders lint results: one small Formatter per output
// format behind a name table. Formatters are pure: they write to the
// writer they are given and nothing else.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

// Tool describes the program that produced a report.
type Tool struct {
	Name           string
	Version        string
	InformationURI string
}

// Report is the input of every formatter.
type Report struct {
	Tool Tool
	// Rules are the rules that ran, in the order of rules.All.
	Rules []*analyzer.Rule
	// Diagnostics are sorted (analyzer.Sort).
	Diagnostics []analyzer.Diagnostic
	// Files and Documents count what was linted.
	Files, Documents int
	// Totals, when set, are the findings per severity of the whole run
	// (suppressed ones left out), which Counts returns: Diagnostics may
	// show fewer findings than the run found (analyzer.CapFindings).
	Totals map[analyzer.Severity]int
	// TotalFixable, with Totals, is the number of those findings that
	// carry a fix (CountFixable), which Fixable returns.
	TotalFixable int
	// BaseDir is the directory that relative paths in Diagnostics are
	// relative to: the working directory of the run. Empty means unknown:
	// paths are used as given.
	BaseDir string
	// RootDir is the directory machine formats make paths relative to
	// (SARIF URIs, GitHub annotations, GitLab and JUnit reports,
	// fingerprints): the repository root, so that they match the
	// repository's paths wherever kvet ran. Files outside it keep absolute
	// paths. Empty means BaseDir.
	RootDir string
	// Sources are the manifests that were linted (files that hold
	// Kubernetes objects or have findings), with their contents: the text
	// format and GitHub annotations count byte columns in them, SARIF turns
	// fixes' byte offsets into regions, and JUnit lists the clean ones as
	// passing tests. A report without them counts columns in code points
	// and carries no SARIF fixes.
	Sources []*analyzer.File
}

// sources indexes r.Sources by path.
func (r *Report) sources() map[string]*analyzer.File {
	m := make(map[string]*analyzer.File, len(r.Sources))
	for _, f := range r.Sources {
		m[f.Path] = f
	}
	return m
}

// byteColumn returns the 1-based byte column of p in file, or p's column
// (code points) when the file's content is unknown.
func byteColumn(srcs map[string]*analyzer.File, file string, p analyzer.Position) int {
	if f := srcs[file]; f != nil {
		return f.ByteColumn(p)
	}
	return p.Column
}

// Fixable returns the number of findings (not suppressed) that carry a
// suggested fix: what kvet fix would fix. With Totals, it is TotalFixable
// (Diagnostics may leave some out).
func (r *Report) Fixable() int {
	if r.Totals != nil {
		return r.TotalFixable
	}
	return CountFixable(r.Diagnostics)
}

// CountFixable returns the number of findings of diags (not suppressed)
// that carry a suggested fix.
func CountFixable(diags []analyzer.Diagnostic) int {
	n := 0
	for i := range diags {
		if d := &diags[i]; d.Fix != nil && !d.Suppressed() {
			n++
		}
	}
	return n
}

// Counts returns the number of findings per severity, leaving out
// suppressed ones: Totals when set, else those of Diagnostics.
func (r *Report) Counts() map[analyzer.Severity]int {
	if r.Totals != nil {
		return r.Totals
	}
	return CountFindings(r.Diagnostics)
}

// CountFindings returns the number of diagnostics per severity, leaving
// out suppressed ones.
func CountFindings(diags []analyzer.Diagnostic) map[analyzer.Severity]int {
	c := map[analyzer.Severity]int{}
	for _, d := range diags {
		if !d.Suppressed() { // suppressed findings are shown, not counted
			c[d.Severity]++
		}
	}
	return c
}

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report) error
}

// Options tune formatters that have choices.
type Options struct {
	// Color enables ANSI colors in the text format.
	Color bool
}

type constructor func(Options) Formatter

func formats() map[string]constructor {
	return map[string]constructor{
		"text":       func(o Options) Formatter { return &Text{Color: o.Color} },
		"json":       func(Options) Formatter { return JSON{} },
		"sarif":      func(Options) Formatter { return SARIF{} },
		"github":     func(Options) Formatter { return GitHub{} },
		"gitlab":     func(Options) Formatter { return GitLab{} },
		"junit":      func(Options) Formatter { return JUnit{} },
		"checkstyle": func(Options) Formatter { return Checkstyle{} },
	}
}

// Names returns the names of the output formats, sorted.
func Names() []string {
	var names []string
	for n := range formats() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the formatter called name, or an error naming the formats.
func New(name string, opts Options) (Formatter, error) {
	c, ok := formats()[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return c(opts), nil
}
