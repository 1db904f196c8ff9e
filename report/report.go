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
	// BaseDir is the directory that relative paths in Diagnostics are
	// relative to: the working directory of the run. Machine formats make
	// paths relative to it (SARIF URIs, GitHub annotations, fingerprints);
	// files outside it keep absolute paths. Empty means unknown: paths are
	// used as given.
	BaseDir string
}

// Counts returns the number of diagnostics per severity, leaving out
// suppressed ones.
func (r *Report) Counts() map[analyzer.Severity]int {
	c := map[analyzer.Severity]int{}
	for _, d := range r.Diagnostics {
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
		"text":   func(o Options) Formatter { return &Text{Color: o.Color} },
		"json":   func(Options) Formatter { return JSON{} },
		"sarif":  func(Options) Formatter { return SARIF{} },
		"github": func(Options) Formatter { return GitHub{} },
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
