package rbacset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// ClusterRoleCouldBeRole flags ClusterRoles that grant only namespaced
// resources and are bound only by ClusterRoleBindings.
func ClusterRoleCouldBeRole() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "rbac-clusterrole-could-be-role",
		Title:    "ClusterRole of namespaced resources bound only cluster-wide",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{rbac.KindClusterRole},
		Rationale: "A ClusterRole bound by a ClusterRoleBinding applies in every namespace, present and future. " +
			"When it grants only namespaced resources (pods, configmaps, jobs...), the subjects usually need " +
			"them in one or a few namespaces: a Role with a RoleBinding in each of them grants less, and a new " +
			"namespace does not silently widen the grant. The seed's advice: use Roles for namespaces, not " +
			"ClusterRoles, when possible.",
		Remediation: "Turn the ClusterRole into a Role (kind: Role with a namespace) and the ClusterRoleBinding " +
			"into RoleBindings in the namespaces that need it; or keep the ClusterRole and bind it with " +
			"RoleBindings per namespace. Not reported for ClusterRoles that name cluster-scoped or unknown " +
			"resources, \"*\" resources or API groups, or non-resource URLs, that another ClusterRole " +
			"aggregates, or that a RoleBinding of the set also binds. ClusterRoleBindings without subjects " +
			"grant nothing and do not count.",
		Doc: "Bad:\n\n    kind: ClusterRole\n    metadata: {name: pod-reader}\n    rules:\n" +
			"    - {apiGroups: [\"\"], resources: [pods], verbs: [get, list]}\n    ---\n" +
			"    kind: ClusterRoleBinding\n    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}\n",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			for _, r := range m.Roles {
				reportCouldBeRole(p, m, r)
			}
		},
	})
}

func reportCouldBeRole(p *analyzer.SetPass, m *rbac.Model, r *rbac.Role) {
	if r.Kind != rbac.KindClusterRole || r.Aggregation != nil || len(m.SelectedBy(r)) > 0 {
		return
	}
	if r.Doc != nil && r.Doc.Partial() != "" {
		return // its overlay did not render: what it adds may bind it in a namespace
	}
	bound := m.BoundBy(r)
	if slices.ContainsFunc(bound, func(b *rbac.Binding) bool { return b.Kind != rbac.KindClusterRoleBinding }) {
		return
	}
	// A ClusterRoleBinding without subjects grants nothing (the model's
	// Problems say so): nobody holds the role through it.
	bound = slices.DeleteFunc(slices.Clone(bound), func(b *rbac.Binding) bool { return len(b.Subjects) == 0 })
	if len(bound) == 0 {
		return
	}
	resources, ok := namespacedOnly(r)
	if !ok {
		return
	}
	var names []string
	var related []analyzer.Related
	for _, b := range bound {
		names = append(names, fmt.Sprintf("%s (%s)", b, rbac.Where(b.Doc, b.RoleRefPath())))
		related = append(related, analyzer.Related{Doc: b.Doc, Path: b.RoleRefPath(),
			Message: fmt.Sprintf("%s binds it in every namespace", b)})
	}
	p.Report(r.Doc, analyzer.Finding{Path: analyzer.NewPath("kind"), Related: related, Message: fmt.Sprintf(
		"ClusterRole %s grants only namespaced resources (%s) and is bound only by %s, so its subjects hold it in every namespace; a Role with a RoleBinding in each namespace that needs it grants less",
		r.Name, strings.Join(resources, ", "), strings.Join(names, ", "))})
}

// namespacedOnly returns the resources of a role's rules when every one is
// a known namespaced resource in every API group its rule names.
func namespacedOnly(r *rbac.Role) ([]string, bool) {
	var resources []string
	if len(r.Rules) == 0 {
		return nil, false
	}
	for _, rule := range r.Rules {
		if len(rule.NonResourceURLs) > 0 || len(rule.Resources) == 0 || len(rule.APIGroups) == 0 {
			return nil, false
		}
		for _, g := range rule.APIGroups {
			for _, res := range rule.Resources {
				if ns, known := rbac.Namespaced(g, res); !known || !ns || strings.Contains(res, "*") {
					return nil, false
				}
				if !slices.Contains(resources, res) {
					resources = append(resources, res)
				}
			}
		}
	}
	return resources, true
}
