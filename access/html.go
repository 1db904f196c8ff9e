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

// htmlPage is the template of the HTML report of r, parsed once per call
// (the report is written once per run).
func htmlPage(r *Report) (*template.Template, error) {
	rows := make([]map[string]int, len(r.Sets)) // subject → row, per set
	for i, set := range r.Sets {
		rows[i] = make(map[string]int, len(set.Subjects))
		for j, s := range set.Subjects {
			rows[i][s.String()] = j
		}
	}
	return template.New("access").Funcs(template.FuncMap{
		"rowID": func(set int, subject string) string {
			if j, ok := rows[set][subject]; ok {
				return fmt.Sprintf("s%d-%d", set, j)
			}
			return ""
		},
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
	t, err := htmlPage(r)
	if err != nil {
		return fmt.Errorf("parsing the HTML template: %w", err)
	}
	bw := bufio.NewWriter(w)
	if err := t.Execute(bw, r); err != nil {
		return err
	}
	return bw.Flush()
}
