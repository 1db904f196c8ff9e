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
