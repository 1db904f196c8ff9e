package access

import (
	"bufio"
	_ "embed"
	"fmt"
	"html"
	"io"
	"strings"
)

// page is the HTML report's page: head, inline style, controls and
// script; the sets go where its marker is.
//
//go:embed page.html
var page string

const setsMarker = "<!-- kvet:sets -->\n"

// HTML writes the report as one self-contained page (inline CSS and
// JavaScript, no external asset): per set, a subject × namespace matrix
// whose cells list the permissions, dangerous ones marked; hovering,
// focusing or clicking a permission shows its grant chain with file:line.
// A filter box narrows the rows, and a check box shows only subjects with
// dangerous permissions. Every text and attribute value is escaped.
func HTML(w io.Writer, r *Report) error {
	head, tail, ok := strings.Cut(page, setsMarker)
	if !ok {
		return fmt.Errorf("the HTML page has no %q marker", strings.TrimSpace(setsMarker))
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	put(bw, head)
	for si, set := range r.Sets {
		htmlSet(bw, si, set)
	}
	put(bw, tail)
	return bw.Flush()
}

// put writes s to w. A bufio.Writer keeps its first error, which HTML
// returns from Flush.
func put(w *bufio.Writer, s string) { _, _ = w.WriteString(s) }

// esc escapes text for HTML content and quoted attribute values.
var esc = html.EscapeString

func htmlSet(w *bufio.Writer, si int, set *Set) {
	rows := make(map[string]int, len(set.Subjects)) // subject → row, for the inherits links
	for j, s := range set.Subjects {
		rows[s.String()] = j
	}
	with, dangerous := set.counts()
	fmt.Fprintf(w, "<section class=\"set\" data-root=\"%s\">\n<h2>%s</h2>\n", esc(set.Root), esc(set.title()))
	fmt.Fprintf(w, "<p class=\"summary\">%s, %s with permissions, %s in %s.</p>\n", plural(len(set.Subjects), "subject"),
		plural(with, "subject"), plural(dangerous, "dangerous permission"), plural(len(set.Namespaces), "namespace"))
	if len(set.Problems) > 0 {
		put(w, "<ul class=\"problems\">\n")
		for _, p := range set.Problems {
			fmt.Fprintf(w, "<li>%s</li>\n", esc(p))
		}
		put(w, "</ul>\n")
	}
	if set.matrixFits() {
		htmlMatrix(w, si, set, rows)
	} else {
		htmlByNamespace(w, si, set, rows)
	}
	put(w, "</section>\n")
}

// htmlMatrix writes the set's subject × namespace matrix (rows maps a
// subject to its row).
func htmlMatrix(w *bufio.Writer, si int, set *Set, rows map[string]int) {
	put(w, "<table class=\"matrix\">\n<thead><tr><th scope=\"col\">subject</th>")
	for _, ns := range set.Namespaces {
		fmt.Fprintf(w, "<th scope=\"col\" data-namespace=\"%s\">%s</th>", esc(ns), esc(namespaceTitle(ns)))
	}
	put(w, "</tr></thead>\n<tbody>\n")
	for ui, s := range set.Subjects {
		htmlSubject(w, si, ui, s, rows)
		for ni, ns := range set.Namespaces {
			htmlCell(w, fmt.Sprintf("p%d-%d-%d", si, ui, ni), ns, s.In(ns))
		}
		put(w, "</tr>\n")
	}
	put(w, "</tbody>\n</table>\n")
}

// htmlByNamespace writes, for a set whose matrix would be too large, one
// row per subject with its permissions by namespace (rows maps a subject
// to its row).
func htmlByNamespace(w *bufio.Writer, si int, set *Set, rows map[string]int) {
	fmt.Fprintf(w, "<p class=\"note\">%s</p>\n", esc(set.matrixNote()))
	put(w, "<table class=\"matrix by-namespace\">\n<thead><tr><th scope=\"col\">subject</th><th scope=\"col\">permissions by namespace</th></tr></thead>\n<tbody>\n")
	for ui, s := range set.Subjects {
		htmlSubject(w, si, ui, s, rows)
		if len(s.Permissions) == 0 {
			put(w, "<td class=\"none\">—</td>\n</tr>\n")
			continue
		}
		put(w, "<td>\n")
		k := 0
		s.byNamespace(func(ns string, perms []Permission) {
			fmt.Fprintf(w, "<div class=\"ns\" data-namespace=\"%s\">%s</div>\n", esc(ns), esc(namespaceTitle(ns)))
			htmlPerms(w, fmt.Sprintf("p%d-%d-%d", si, ui, k), perms)
			k++
		})
		put(w, "</td>\n</tr>\n")
	}
	put(w, "</tbody>\n</table>\n")
}

// htmlSubject opens the row of subject s (row ui of set si) and writes its
// heading cell: kind and name, the workloads that run as it and the groups
// it inherits from (rows maps a subject to its row).
func htmlSubject(w *bufio.Writer, si, ui int, s *Subject, rows map[string]int) {
	fmt.Fprintf(w, "<tr class=\"subject\" id=\"s%d-%d\" data-subject=\"%s\" data-dangerous=\"%d\">\n", si, ui, esc(s.String()), s.Dangerous())
	name := s.Name
	if s.Namespace != "" {
		name = s.Namespace + "/" + s.Name
	}
	fmt.Fprintf(w, "<th scope=\"row\"><span class=\"kind\">%s</span> %s", esc(s.Kind), esc(name))
	for _, wl := range workloadsText(s) {
		fmt.Fprintf(w, "<div class=\"runs\">runs: %s</div>", esc(wl))
	}
	if len(s.Inherits) > 0 {
		put(w, "<div class=\"runs\">inherits: ")
		for i, g := range s.Inherits {
			if i > 0 {
				put(w, ", ")
			}
			fmt.Fprintf(w, "<a class=\"inherits\" href=\"#s%d-%d\">%s</a>", si, rows[g], esc(g))
		}
		put(w, "</div>")
	}
	put(w, "</th>\n")
}

// htmlCell writes the cell of one subject and namespace: its permissions,
// each with its chain (shown on hover, focus or click), or a dash.
func htmlCell(w *bufio.Writer, id, ns string, perms []Permission) {
	if len(perms) == 0 {
		fmt.Fprintf(w, "<td class=\"none\" data-namespace=\"%s\">—</td>\n", esc(ns))
		return
	}
	fmt.Fprintf(w, "<td data-namespace=\"%s\">", esc(ns))
	htmlPerms(w, id, perms)
	put(w, "</td>\n")
}

// htmlPerms writes a list of permissions, each with its chain (shown on
// hover, focus or click); id prefixes the chains' element IDs.
func htmlPerms(w *bufio.Writer, id string, perms []Permission) {
	put(w, "<ul class=\"perms\">\n")
	for pi := range perms {
		p := &perms[pi]
		class, mark := "perm", ""
		if p.Dangerous {
			class, mark = "perm danger", "⚠ "
		}
		what := esc(Describe(p))
		fmt.Fprintf(w, "<li class=\"%s\" tabindex=\"0\" aria-describedby=\"%s-%d\">%s%s\n", class, id, pi, mark, what)
		fmt.Fprintf(w, "<div class=\"chain\" role=\"tooltip\" id=\"%s-%d\">\n<div><strong>%s</strong> in %s</div>\n<ol>\n", id, pi, what, esc(namespaceTitle(p.Namespace)))
		for _, h := range p.Chain {
			fmt.Fprintf(w, "<li>%s", esc(h.Message))
			if h.Location.File != "" {
				fmt.Fprintf(w, " <span class=\"where\">%s</span>", esc(h.Location.String()))
			}
			put(w, "</li>\n")
		}
		put(w, "</ol>\n")
		for _, r := range p.Risks {
			fmt.Fprintf(w, "<div class=\"risk\">%s: %s (%s)</div>\n", esc(r.Severity), esc(r.Description), esc(r.Rule))
		}
		put(w, "</div></li>\n")
	}
	put(w, "</ul>")
}
