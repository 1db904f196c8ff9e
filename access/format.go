package access

import (
	"fmt"
	"io"
	"strings"
)

// Formats are the names of the report's formats, in the order help lists
// them.
func Formats() []string { return []string{"text", "json", "markdown", "html"} }

// Write renders r in format to w.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text":
		return Text(w, r)
	case "json":
		return JSON(w, r)
	case "markdown":
		return Markdown(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// title names a set in headings.
func (s *Set) title() string { return Title(s.Root, s.RootKind) }

// Title names a set of documents by its rendered root's directory and
// kind (both "" for the documents read as they are): "manifests read as
// they are", "overlay overlays/production".
func Title(root, rootKind string) string {
	if root == "" {
		return "manifests read as they are"
	}
	return rootKind + " " + root
}

// danger renders the risks of a permission for tables: "warning: read
// secrets (rbac-secrets-access)", joined by "; ".
func danger(p *Permission) string {
	parts := make([]string, 0, len(p.Risks))
	for _, r := range p.Risks {
		parts = append(parts, fmt.Sprintf("%s: %s (%s)", r.Severity, r.Description, r.Rule))
	}
	return strings.Join(parts, "; ")
}

// chainText renders a permission's chain on one line: each hop with its
// place, joined by " → ".
func chainText(p *Permission) string {
	parts := make([]string, 0, len(p.Chain))
	for _, h := range p.Chain {
		if h.Location.File == "" {
			parts = append(parts, h.Message)
			continue
		}
		parts = append(parts, h.Message+" ("+h.Location.String()+")")
	}
	return strings.Join(parts, " → ")
}

// workloadsText names the workloads of a subject: "CronJob
// billing/export (token mounted)".
func workloadsText(s *Subject) []string {
	out := make([]string, 0, len(s.Workloads))
	for _, w := range s.Workloads {
		token := "token mounted"
		if !w.TokenMounted {
			token = "no token mounted"
		}
		out = append(out, fmt.Sprintf("%s (%s, %s)", w, w.Location, token))
	}
	return out
}

// counts returns the number of subjects with permissions and of dangerous
// permissions of a set.
func (s *Set) counts() (withPermissions, dangerous int) {
	for _, subj := range s.Subjects {
		if len(subj.Permissions) > 0 {
			withPermissions++
		}
		dangerous += subj.Dangerous()
	}
	return withPermissions, dangerous
}

// plural returns "1 subject", "2 subjects".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// maxMatrixCells is the most cells (subjects × namespaces) a set's matrix
// has in the Markdown and HTML reports. A larger set gets its
// permissions by namespace instead, one row per subject listing only the
// namespaces it has permissions in: the matrix grows with the product,
// most of it empty cells (8,000 namespaces, each with a Job and a binding
// of its ServiceAccounts' group, made a 6.6 GB page in 115 s and 533 MB of
// Markdown).
const maxMatrixCells = 100_000 // as matrixNote says

// matrixFits reports whether the set's subject × namespace matrix has at
// most maxMatrixCells cells.
func (s *Set) matrixFits() bool {
	return len(s.Namespaces) == 0 || len(s.Subjects) <= maxMatrixCells/len(s.Namespaces)
}

// matrixNote says why a set's matrix is left out.
func (s *Set) matrixNote() string {
	return fmt.Sprintf("The %s × %s matrix is left out (more than 100,000 cells, most of them empty): each subject's permissions are listed by namespace.",
		plural(len(s.Subjects), "subject"), plural(len(s.Namespaces), "namespace"))
}

// byNamespace calls f with each namespace the subject has permissions in
// and those permissions, in the order of s.Permissions (by namespace).
func (s *Subject) byNamespace(f func(ns string, perms []Permission)) {
	for i := 0; i < len(s.Permissions); {
		j := i + 1
		for j < len(s.Permissions) && s.Permissions[j].Namespace == s.Permissions[i].Namespace {
			j++
		}
		f(s.Permissions[i].Namespace, s.Permissions[i:j])
		i = j
	}
}
