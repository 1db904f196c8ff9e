package rbacset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// RoleRefNotFound flags bindings whose roleRef names a role that is
// neither in the set nor built into Kubernetes.
func RoleRefNotFound() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "rbac-role-ref-not-found",
		Title:    "binding to a Role or ClusterRole that neither the set nor Kubernetes defines",
		Severity: analyzer.SeverityInfo,
		Kinds:    bindingKinds(),
		Rationale: "A binding to a role that does not exist grants nothing: the API server accepts it, and the " +
			"subjects silently lack the permissions the author meant to give (a typo such as `vieww`, a Role " +
			"that lives in another namespace, or a ClusterRole referred to as a Role). A RoleBinding's Role must " +
			"be in the binding's own namespace.",
		Remediation: "Correct roleRef (kvet suggests the closest name and kind), define the role, or, if the " +
			"role is created elsewhere (another repository, a chart, an operator), ignore the finding. A " +
			"roleRef without a name is reported too: the API server rejects it. " +
			"ClusterRoles built into Kubernetes (cluster-admin, admin, edit, view and the system: roles) " +
			"always exist, and so do the Roles it creates in kube-system and kube-public " +
			"(extension-apiserver-authentication-reader, the leader-locking and controller roles). " +
			"Not reported where rbac-role-ref-kind-invalid is, nor for a role that the set defines in a way " +
			"the API server rejects (invalid-value says why; the binding grants nothing until it is fixed).",
		Doc: "Bad (the Role is in another namespace):\n\n" +
			"    kind: RoleBinding\n    metadata: {name: readers, namespace: team}\n" +
			"    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}   # Role reader is in namespace prod\n",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			s := newSuggester()
			for _, b := range written(m) {
				reportRoleRefNotFound(p, m, b, s)
			}
		},
	})
}

// written returns the bindings of the set as written, those the API
// server accepts and those it rejects (which the roleRef rules check too:
// it rejects a roleRef of an invalid kind, or without name).
func written(m *rbac.Model) []*rbac.Binding { return slices.Concat(m.Bindings, m.RejectedBindings) }

func reportRoleRefNotFound(p *analyzer.SetPass, m *rbac.Model, b *rbac.Binding, s *suggester) {
	ref := b.RoleRef
	switch {
	case ref.Kind != rbac.KindRole && ref.Kind != rbac.KindClusterRole,
		b.Kind == rbac.KindClusterRoleBinding && ref.Kind == rbac.KindRole: // rbac-role-ref-kind-invalid
		return
	case m.RoleOf(b) != nil:
		return
	case m.RejectedRoleOf(b) != nil:
		return // the set defines it, and invalid-value says why the API server rejects it
	case ref.Kind == rbac.KindClusterRole && strings.HasPrefix(ref.Name, "system:"):
		return // a system role of the cluster (cloud provider, add-on) kvet does not know
	case b.Doc != nil && b.Doc.Partial() != "":
		return // its overlay did not render: what it adds may define the role
	case ref.Name == "":
		p.Report(b.Doc, analyzer.Finding{Path: b.RoleRefPath(), Message: fmt.Sprintf(
			"%s has no roleRef.name, so it binds no %s and the API server rejects it; set roleRef.name to the %s to bind", b, ref.Kind, ref.Kind)})
		return
	}
	var msg string
	var related []analyzer.Related
	if ref.Kind == rbac.KindRole {
		msg = fmt.Sprintf("%s refers to Role %s, which the set does not define in namespace %s", b, rbac.Shown(ref.Name), rbac.Shown(b.Namespace))
		var elsewhere, folders []*rbac.Role
		for _, r := range m.RolesNamed(ref.Name) {
			if r.Namespace == b.Namespace { // both without metadata.namespace, in other folders
				folders = append(folders, r)
				related = append(related, analyzer.Related{Doc: r.Doc, Path: analyzer.NewPath("metadata", "name"),
					Message: fmt.Sprintf("Role %s is defined here, without metadata.namespace, in folder %s", r.Name, rbac.FolderName(r.Doc))})
				continue
			}
			elsewhere = append(elsewhere, r)
			related = append(related, analyzer.Related{Doc: r.Doc, Path: analyzer.NewPath("metadata", "name"),
				Message: fmt.Sprintf("Role %s is defined in namespace %s, not %s", r.Name, r.Namespace, b.Namespace)})
		}
		cr := m.ClusterRole(ref.Name)
		switch {
		case len(elsewhere) > 0:
			msg += fmt.Sprintf(" (it defines one in namespace %s: a RoleBinding can only bind a Role of its own namespace)", elsewhere[0].Namespace)
		case len(folders) > 0:
			msg += fmt.Sprintf(" (it defines one in folder %s: manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the binding's namespace)", rbac.FolderName(folders[0].Doc))
		case cr != nil:
			msg += fmt.Sprintf(" (did you mean kind: ClusterRole? ClusterRole %s exists)", ref.Name)
			if cr.Doc != nil {
				related = append(related, analyzer.Related{Doc: cr.Doc, Path: analyzer.NewPath("metadata", "name"), Message: "ClusterRole " + cr.Name + " is defined here"})
			}
		default:
			roles := func() []string {
				var names []string
				for _, r := range m.Roles {
					if r.Kind == rbac.KindRole && r.Namespace == b.Namespace && r.Scope == b.Scope {
						names = append(names, r.Name)
					}
				}
				return names
			}
			if c := s.closest("Role/"+b.Namespace+"\x00"+b.Scope, ref.Name, roles); c != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", c)
				related = append(related, analyzer.Related{Doc: m.RoleFor(b, c).Doc, Path: analyzer.NewPath("metadata", "name"), Message: "Role " + c + " is defined here"})
			}
		}
	} else {
		msg = fmt.Sprintf("%s refers to ClusterRole %s, which is neither in the set nor built into Kubernetes", b, ref.Name)
		clusterRoles := func() []string {
			var names []string
			for _, r := range m.Roles {
				if r.Kind == rbac.KindClusterRole {
					names = append(names, r.Name)
				}
			}
			return append(names, "cluster-admin", "admin", "edit", "view")
		}
		role := m.RoleFor(b, ref.Name)
		switch c := s.closest("ClusterRole", ref.Name, clusterRoles); {
		case b.Kind == rbac.KindRoleBinding && role != nil:
			msg += fmt.Sprintf(" (did you mean kind: Role? Role %s exists in namespace %s)", ref.Name, b.Namespace)
			related = append(related, analyzer.Related{Doc: role.Doc, Path: analyzer.NewPath("metadata", "name"), Message: "Role " + ref.Name + " is defined here"})
		case c != "":
			msg += fmt.Sprintf(" (did you mean %q?)", c)
			if cr := m.ClusterRole(c); cr.Doc != nil {
				related = append(related, analyzer.Related{Doc: cr.Doc, Path: analyzer.NewPath("metadata", "name"), Message: "ClusterRole " + c + " is defined here"})
			}
		}
	}
	p.Report(b.Doc, analyzer.Finding{Path: b.RoleRefPath(), Message: msg + ": the binding grants nothing until it exists", Related: related})
}

// RoleRefKindInvalid flags a ClusterRoleBinding whose roleRef is a Role,
// and a roleRef whose kind is neither Role nor ClusterRole: the API server
// rejects both.
func RoleRefKindInvalid() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "rbac-role-ref-kind-invalid",
		Title:    "ClusterRoleBinding that refers to a Role",
		Severity: analyzer.SeverityError,
		Kinds:    bindingKinds(),
		Rationale: "A ClusterRoleBinding grants cluster-wide, and a Role only exists in one namespace, so the API " +
			"server rejects a ClusterRoleBinding whose roleRef.kind is Role: the apply fails. roleRef.kind is " +
			"case-sensitive and must be Role or ClusterRole; any other kind is rejected too.",
		Remediation: "Bind a ClusterRole, or use a RoleBinding in the Role's namespace to grant it there. " +
			"roleRef cannot be changed on an existing binding: delete and recreate it.",
		Doc: "Bad:\n\n    kind: ClusterRoleBinding\n    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			for _, b := range written(m) {
				reportRoleRefKind(p, m, b)
			}
		},
	})
}

func reportRoleRefKind(p *analyzer.SetPass, m *rbac.Model, b *rbac.Binding) {
	ref := b.RoleRef
	path := analyzer.NewPath("roleRef", "kind")
	switch {
	case ref.Kind == rbac.KindClusterRole, ref.Kind == rbac.KindRole && b.Kind == rbac.KindRoleBinding:
		return
	case ref.Kind == rbac.KindRole:
		var related []analyzer.Related
		for _, r := range m.RolesNamed(ref.Name) {
			related = append(related, analyzer.Related{Doc: r.Doc, Path: analyzer.NewPath("metadata", "name"),
				Message: fmt.Sprintf("Role %s is defined in namespace %s", r.Name, r.Namespace)})
		}
		p.Report(b.Doc, analyzer.Finding{Path: path, Related: related, Message: fmt.Sprintf(
			"%s refers to Role %s: a ClusterRoleBinding can only bind a ClusterRole, and the API server rejects it; bind a ClusterRole, or use a RoleBinding in the Role's namespace",
			b, ref.Name)})
	default:
		msg := fmt.Sprintf("%s: roleRef.kind %q is neither Role nor ClusterRole, and the API server rejects it", b, ref.Kind)
		for _, k := range []string{rbac.KindClusterRole, rbac.KindRole} {
			if strings.EqualFold(ref.Kind, k) {
				msg += fmt.Sprintf(" (kinds are case-sensitive: did you mean %q?)", k)
			}
		}
		p.Report(b.Doc, analyzer.Finding{Path: path, Message: msg})
	}
}
