package access

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// mermaidMaxText is the largest graph Markdown embeds: Mermaid's default
// maxTextSize, past which renderers show an error instead of the graph.
const mermaidMaxText = 50000

// Markdown writes the report for a pull-request comment: per set, a
// subject × namespace matrix, each subject's permissions with their grants
// (in collapsed sections), and a Mermaid graph of workload →
// ServiceAccount → binding → role.
func Markdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# kvet access report")
	for _, set := range r.Sets {
		fmt.Fprintln(bw)
		markdownSet(bw, set)
	}
	return bw.Flush()
}

func markdownSet(w io.Writer, set *Set) {
	with, dangerous := set.counts()
	fmt.Fprintf(w, "## %s\n\n", mdText(set.title()))
	fmt.Fprintf(w, "%s, %s with permissions, %s in %s. ⚠️ marks a permission that kvet's RBAC rules rate error or warning.\n",
		plural(len(set.Subjects), "subject"), plural(with, "subject"), plural(dangerous, "dangerous permission"), plural(len(set.Namespaces), "namespace"))
	if len(set.Problems) > 0 {
		fmt.Fprintln(w, "\nProblems:")
		for _, p := range set.Problems {
			fmt.Fprintf(w, "- %s\n", mdText(p))
		}
	}
	if len(set.Subjects) == 0 {
		return
	}
	if set.matrixFits() {
		markdownMatrix(w, set)
	} else {
		fmt.Fprintf(w, "\n%s\n", mdText(set.matrixNote()))
	}
	// Each subject's permissions with their grants.
	fmt.Fprintln(w, "\n### Permissions")
	for _, s := range set.Subjects {
		if len(s.Permissions) == 0 && len(s.Workloads) == 0 && len(s.Inherits) == 0 {
			continue
		}
		summary := plural(len(s.Permissions), "permission")
		if n := s.Dangerous(); n > 0 {
			summary += fmt.Sprintf(", ⚠️ %d dangerous", n)
		}
		fmt.Fprintf(w, "\n<details><summary>%s (%s)</summary>\n\n", mdText(s.String()), summary)
		for _, wl := range workloadsText(s) {
			fmt.Fprintf(w, "- runs: %s\n", mdText(wl))
		}
		if len(s.Inherits) > 0 {
			fmt.Fprintf(w, "- inherits the permissions of %s\n", mdText(strings.Join(s.Inherits, ", ")))
		}
		if len(s.Workloads) > 0 || len(s.Inherits) > 0 {
			fmt.Fprintln(w)
		}
		if len(s.Permissions) > 0 {
			fmt.Fprintln(w, "| namespace | verbs | resources | danger | granted by |")
			fmt.Fprintln(w, "| --- | --- | --- | --- | --- |")
			for i := range s.Permissions {
				p := &s.Permissions[i]
				fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", mdText(p.Namespace), mdText(strings.Join(p.Verbs, ", ")), mdText(targetText(p)),
					mark(p)+mdText(danger(p)), mdText(chainText(p)))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, "</details>")
	}
	// The graph.
	graph := mermaid(set)
	if graph == "" {
		return
	}
	fmt.Fprintln(w, "\n### Workloads, ServiceAccounts, bindings and roles")
	if len(graph) > mermaidMaxText {
		fmt.Fprintf(w, "\nThe graph is left out: its %d characters exceed what Mermaid renders (%d).\n", len(graph), mermaidMaxText)
		return
	}
	fmt.Fprintf(w, "\n```mermaid\n%s```\n", graph)
}

// markdownMatrix writes the set's subject × namespace matrix.
func markdownMatrix(w io.Writer, set *Set) {
	fmt.Fprint(w, "\n| subject |")
	for _, ns := range set.Namespaces {
		fmt.Fprintf(w, " %s |", mdText(namespaceTitle(ns)))
	}
	fmt.Fprint(w, "\n| --- |")
	for range set.Namespaces {
		fmt.Fprint(w, " --- |")
	}
	fmt.Fprintln(w)
	for _, s := range set.Subjects {
		name := mdText(s.String())
		if len(s.Inherits) > 0 {
			name += "<br>inherits " + mdText(strings.Join(s.Inherits, ", "))
		}
		fmt.Fprintf(w, "| %s |", name)
		for _, ns := range set.Namespaces {
			var cell []string
			for _, p := range s.In(ns) {
				cell = append(cell, mark(&p)+mdText(Describe(&p)))
			}
			fmt.Fprintf(w, " %s |", strings.Join(cell, "<br>"))
		}
		fmt.Fprintln(w)
	}
}

// namespaceTitle is a namespace's column heading.
func namespaceTitle(ns string) string {
	if ns == ClusterWide {
		return "* (cluster-wide)"
	}
	return ns
}

// mark returns "⚠️ " for a dangerous permission.
func mark(p *Permission) string {
	if p.Dangerous {
		return "⚠️ "
	}
	return ""
}

// mdText escapes text for a Markdown table cell or list item: HTML's
// special characters, pipes, and Markdown's emphasis and code marks.
var mdText = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]", "\n", " ",
).Replace

// mermaid returns the Mermaid flowchart of a set: workloads → their
// ServiceAccounts, subjects → the bindings that name them → the roles
// they bind → the ClusterRoles those aggregate; dangerous roles in red. It
// is "" when the set has no edge.
func mermaid(set *Set) string {
	g := &graph{ids: map[string]string{}}
	for _, s := range set.Subjects {
		if len(s.Workloads) == 0 && len(s.Permissions) == 0 && len(s.Inherits) == 0 {
			continue
		}
		subj := g.node(s.String(), "subject", s.Kind)
		for _, group := range s.Inherits {
			g.edge(subj, g.node(group, "subject", rbacv1.GroupKind), "-. member of .->")
		}
		for _, wl := range s.Workloads {
			from := g.node(wl.String(), "workload", "")
			if wl.TokenMounted {
				g.edge(from, subj, "-->")
			} else {
				g.edge(from, subj, "-. no token .->")
			}
		}
		for i := range s.Permissions {
			p := &s.Permissions[i]
			b := g.node(p.Binding, "binding", "")
			if p.Subject == s.String() {
				g.edge(subj, b, "-->")
			} else {
				// Through a group the subject is in.
				kind, _, _ := strings.Cut(p.Subject, " ")
				member := g.node(p.Subject, "subject", kind)
				g.edge(subj, member, "-. member of .->")
				g.edge(member, b, "-->")
			}
			roles := append([]string{p.Role}, p.Via...)
			prev := b
			for j, name := range roles {
				r := g.node(name, "role", "")
				if p.Dangerous && j == len(roles)-1 {
					g.danger[r] = true
				}
				if j == 0 {
					g.edge(prev, r, "-->")
				} else {
					g.edge(prev, r, "-. aggregates .->")
				}
				prev = r
			}
		}
	}
	if len(g.edges) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range g.nodes {
		b.WriteString("  " + n + "\n")
	}
	for _, e := range g.edges {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("  classDef danger fill:#fde2e2,stroke:#c62828,color:#8e0000\n")
	var danger []string
	for _, id := range g.order {
		if g.danger[id] {
			danger = append(danger, id)
		}
	}
	if len(danger) > 0 {
		b.WriteString("  class " + strings.Join(danger, ",") + " danger\n")
	}
	return b.String()
}

// graph collects the nodes and edges of a Mermaid flowchart in the order
// they are first seen.
type graph struct {
	ids    map[string]string // label → node ID
	order  []string
	nodes  []string
	edges  []string
	seen   map[string]bool
	danger map[string]bool
}

// node returns the ID of the node labelled label, adding it with the shape
// of its role in the chain.
func (g *graph) node(label, role, kind string) string {
	if g.seen == nil {
		g.seen, g.danger = map[string]bool{}, map[string]bool{}
	}
	if id, ok := g.ids[label]; ok {
		return id
	}
	id := fmt.Sprintf("n%d", len(g.order))
	g.ids[label] = id
	g.order = append(g.order, id)
	text := mermaidText(label)
	var shape string
	switch {
	case role == "workload":
		shape = `(["` + text + `"])`
	case role == "subject" && kind == rbacv1.ServiceAccountKind:
		shape = `("` + text + `")`
	case role == "subject":
		shape = `(("` + text + `"))`
	case role == "binding":
		shape = `["` + text + `"]`
	default:
		shape = `{{"` + text + `"}}`
	}
	g.nodes = append(g.nodes, id+shape)
	return id
}

// mermaidText escapes a label for a quoted Mermaid node: quotes and the
// characters of markup become Mermaid's entity codes.
var mermaidText = strings.NewReplacer(`"`, "#quot;", "<", "#60;", ">", "#62;", "&", "#38;").Replace

// edge adds an edge once.
func (g *graph) edge(from, to, arrow string) {
	e := from + " " + arrow + " " + to
	if !g.seen[e] {
		g.seen[e] = true
		g.edges = append(g.edges, e)
	}
}
