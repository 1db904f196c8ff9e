package rbac

import (
	"fmt"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// SubjectEntry returns the binding's subject entry that applies.
func (g Grant) SubjectEntry() rbacv1.Subject { return g.Binding.Subjects[g.Subject] }

// Chain renders the grant's path from binding to rule for messages:
// "RoleBinding billing/readers → Role secret-reader (rbac.yaml:12)", with
// the aggregated ClusterRoles in between ("ClusterRoleBinding all-view →
// ClusterRole view → ClusterRole leaky (rbac.yaml:30)") and the place of
// the rule that grants (for a request, its matching resource or
// non-resource URL element), or "(built-in)".
func (g Grant) Chain() string {
	parts := []string{g.Binding.String(), roleName(g.Role)}
	for _, s := range g.Via {
		parts = append(parts, roleName(s.Selected))
	}
	return strings.Join(parts, " → ") + " (" + Where(g.Rule.Role.Doc, g.RulePath()) + ")"
}

// roleName names a role in a chain: "Role secret-reader" (a RoleBinding's
// namespace is the role's), "ClusterRole view".
func roleName(r *Role) string { return r.Kind + " " + r.Name }

// RulePath returns the path of the element of the rule that grants: the
// resources (or nonResourceURLs) element that matched a request, else the
// rule entry.
func (g Grant) RulePath() analyzer.Path {
	switch {
	case g.Match.Resource >= 0:
		return g.Rule.ElementPath("resources", g.Match.Resource)
	case g.Match.NonResourceURL >= 0:
		return g.Rule.ElementPath("nonResourceURLs", g.Match.NonResourceURL)
	}
	return g.Rule.Path()
}

// Related returns the hops of the grant as related places, in order: the
// binding's subject entry, its roleRef, each aggregation selector of the
// set's ClusterRoles, and the rule element at path (in the rule's role) with
// the message grants. Places in built-in roles have no document and are
// left out; the messages name them.
func (g Grant) Related(path analyzer.Path, grants string) []analyzer.Related {
	s := g.SubjectEntry()
	out := []analyzer.Related{
		{Doc: g.Binding.Doc, Path: g.Binding.SubjectPath(g.Subject), Message: fmt.Sprintf("%s binds %s", g.Binding, describeSubject(g.Binding, s))},
		{Doc: g.Binding.Doc, Path: g.Binding.RoleRefPath(), Message: "to " + describeRole(g.Role)},
	}
	for _, step := range g.Via {
		if step.Role.Doc != nil {
			out = append(out, analyzer.Related{Doc: step.Role.Doc, Path: step.SelectorPath(),
				Message: fmt.Sprintf("%s aggregates %s", step.Role, describeRole(step.Selected))})
		}
	}
	if doc := g.Rule.Role.Doc; doc != nil {
		out = append(out, analyzer.Related{Doc: doc, Path: path, Message: grants})
	}
	return out
}

// describeRole names a role for a related place: "Role secret-reader",
// "ClusterRole edit (built into Kubernetes)".
func describeRole(r *Role) string {
	if r.Builtin() {
		return roleName(r) + " (built into Kubernetes)"
	}
	return roleName(r)
}

// SubjectName names the binding's subject entry that applies: "Group
// developers", "User jane", "ServiceAccount billing/exporter" (an entry
// without a namespace is in its RoleBinding's).
func (g Grant) SubjectName() string { return describeSubject(g.Binding, g.SubjectEntry()) }

// describeSubject names a binding's subject as Subject.String does:
// "ServiceAccount billing/exporter" (in the binding's namespace when the
// entry names none), "Group developers", "User jane".
func describeSubject(b *Binding, s rbacv1.Subject) string {
	return Subject{Kind: s.Kind, Namespace: b.subjectNamespace(s), Name: s.Name}.String()
}
