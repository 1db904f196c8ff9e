package access

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Text writes the report as plain text: for each subject, a table of its
// permissions (namespace, verbs, resources, danger, grant), the workloads
// that run as it, and a summary line per set.
func Text(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for i, set := range r.Sets {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		if len(r.Sets) > 1 || set.Root != "" {
			fmt.Fprintf(bw, "== %s ==\n\n", set.title())
		}
		textSet(bw, set)
	}
	return bw.Flush()
}

func textSet(w io.Writer, set *Set) {
	for i, s := range set.Subjects {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w, s.String())
		for _, wl := range workloadsText(s) {
			fmt.Fprintf(w, "  runs: %s\n", wl)
		}
		if len(s.Inherits) > 0 {
			fmt.Fprintf(w, "  inherits: %s\n", strings.Join(s.Inherits, ", "))
		}
		if len(s.Permissions) == 0 {
			if len(s.Inherits) > 0 {
				fmt.Fprintln(w, "  no permissions of its own")
			} else {
				fmt.Fprintln(w, "  no permissions")
			}
			continue
		}
		permissionTable(w, "  ", s.Permissions)
	}
	with, dangerous := set.counts()
	if len(set.Subjects) > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s, %s with permissions, %s in %s\n", plural(len(set.Subjects), "subject"), plural(with, "subject"),
		plural(dangerous, "dangerous permission"), plural(len(set.Namespaces), "namespace"))
}

// PermissionTable writes permissions as the text report's table: one line
// per permission with its namespace, verbs, resources, danger and grant.
func PermissionTable(w io.Writer, perms []Permission) error {
	bw := bufio.NewWriter(w)
	permissionTable(bw, "", perms)
	return bw.Flush()
}

func permissionTable(w io.Writer, indent string, perms []Permission) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, indent+"NAMESPACE\tVERBS\tRESOURCES\tDANGER\tGRANTED BY")
	for j := range perms {
		p := &perms[j]
		d := danger(p)
		if d == "" {
			d = "-"
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\n", indent, p.Namespace, strings.Join(p.Verbs, ","), targetText(p), d, p.Grant())
	}
	tw.Flush()
}
