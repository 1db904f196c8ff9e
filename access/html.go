package access

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed html.tmpl
var htmlSource string

// htmlPage is the template of the HTML report, parsed once per call (the
// report is written once per run).
func htmlPage() (*template.Template, error) {
	return template.New("access").Funcs(template.FuncMap{
		"title":     func(s *Set) string { return s.title() },
		"nsTitle":   namespaceTitle,
		"in":        func(s *Subject, ns string) []Permission { return s.In(ns) },
		"describe":  func(p Permission) string { return Describe(&p) },
		"workloads": workloadsText,
		"summary": func(s *Set) string {
			with, dangerous := s.counts()
			return fmt.Sprintf("%s, %s with permissions, %s in %s.", plural(len(s.Subjects), "subject"), plural(with, "subject"),
				plural(dangerous, "dangerous permission"), plural(len(s.Namespaces), "namespace"))
		},
		"cellID": func(set, subj, ns int) string { return fmt.Sprintf("p%d-%d-%d", set, subj, ns) },
		"join":   strings.Join,
	}).Parse(htmlSource)
}

// HTML writes the report as one self-contained page (inline CSS and
// JavaScript, no external asset): per set, a subject × namespace matrix
// whose cells list the permissions, dangerous ones marked; hovering,
// focusing or clicking a permission shows its grant chain with file:line.
// A filter box narrows the rows, and a check box shows only subjects with
// dangerous permissions.
func HTML(w io.Writer, r *Report) error {
	t, err := htmlPage()
	if err != nil {
		return fmt.Errorf("parsing the HTML template: %w", err)
	}
	bw := bufio.NewWriter(w)
	if err := t.Execute(bw, r); err != nil {
		return err
	}
	return bw.Flush()
}
