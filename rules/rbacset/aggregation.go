package rbacset

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// AggregationLeak flags ClusterRoles that the built-in admin, edit or view
// aggregate (through their aggregate-to-* labels) and that add secrets
// access, exec or an escalation to them.
func AggregationLeak() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "rbac-aggregation-leak",
		Title:    "ClusterRole aggregated into admin, edit or view adds secrets, exec or escalation",
		Severity: analyzer.SeverityWarning,
		Kinds:    []string{rbac.KindClusterRole},
		Rationale: "A ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-view (or -edit, -admin) has its " +
			"rules copied into the built-in view (edit, admin) ClusterRole by the aggregation controller, and " +
			"view flows on into edit and admin. Everyone bound to those roles, often every developer, gains " +
			"its permissions without any binding changing: a CRD's operator role that reads secrets or execs " +
			"into pods, labelled aggregate-to-view, turns read-only users into secret readers.",
		Remediation: "Remove the label, or move the sensitive rules to a separate ClusterRole bound only to " +
			"the subjects that need them. kvet reports only what the built-in role does not already grant " +
			"(edit already reads secrets and execs into pods; admin already manages roles and bindings).",
		Doc: "Bad:\n\n    kind: ClusterRole\n    metadata:\n      name: backup-operator-view\n" +
			"      labels: {rbac.authorization.k8s.io/aggregate-to-view: \"true\"}\n" +
			"    rules:\n    - {apiGroups: [\"\"], resources: [secrets], verbs: [get, list]}\n",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			targets := map[*rbac.Role]*builtinTarget{}
			for _, r := range m.Roles {
				for _, step := range m.SelectedBy(r) {
					if !step.Role.Builtin() {
						continue
					}
					t := targets[step.Role]
					if t == nil {
						t = newBuiltinTarget(m, step.Role)
						targets[step.Role] = t
					}
					reportLeak(p, m, r, step, t)
				}
			}
		},
	})
}

// builtinTarget is what the findings about one built-in ClusterRole share,
// computed once per run however many roles are aggregated into it: the
// accesses Kubernetes itself puts in it, and the message's note on the
// built-in roles that aggregate it in turn.
type builtinTarget struct {
	base map[string]bool
	also string
}

func newBuiltinTarget(m *rbac.Model, target *rbac.Role) *builtinTarget {
	t := &builtinTarget{base: map[string]bool{}}
	for _, src := range m.BuiltinEffective(target.Name) {
		for _, risk := range src.Rule.Risks() {
			t.base[risk.Access] = true
		}
	}
	if through := downstream(m, target); len(through) > 0 {
		t.also = " (and through it " + strings.Join(through, " and ") + ")"
	}
	return t
}

// reportLeak reports what role r adds to the built-in ClusterRole that
// step aggregates it into (t).
func reportLeak(p *analyzer.SetPass, m *rbac.Model, r *rbac.Role, step rbac.Step, t *builtinTarget) {
	target, base := step.Role, t.base
	var adds []string
	var related []analyzer.Related
	for _, src := range m.Effective(r) {
		for _, risk := range src.Rule.Risks() {
			if !risk.Excessive(p.Rating()) || base[risk.Access] {
				continue
			}
			phrase := risk.Phrase()
			if !slices.Contains(adds, phrase) {
				adds = append(adds, phrase)
			}
			if doc := src.Rule.Role.Doc; doc != nil {
				related = append(related, analyzer.Related{Doc: doc, Path: risk.Path(src.Rule),
					Message: fmt.Sprintf("rules[%d] lets its subjects %s", src.Rule.Index, phrase)})
			}
		}
	}
	if len(adds) == 0 {
		return
	}
	p.Report(r.Doc, analyzer.Finding{Path: labelPath(r, step), Related: related, Message: fmt.Sprintf(
		"ClusterRole %s is aggregated into the built-in ClusterRole %s%s, to which it adds: %s; every subject bound to %s can now do so",
		r.Name, target.Name, t.also, strings.Join(adds, ", "), target.Name)})
}

// downstream returns the names of the built-in ClusterRoles that aggregate
// role, directly or not (view → edit → admin).
func downstream(m *rbac.Model, role *rbac.Role) []string {
	var out []string
	seen := map[*rbac.Role]bool{role: true}
	queue := []*rbac.Role{role}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, s := range m.SelectedBy(cur) {
			if !seen[s.Role] && s.Role.Builtin() {
				seen[s.Role] = true
				out = append(out, s.Role.Name)
				queue = append(queue, s.Role)
			}
		}
	}
	return out
}

// labelPath returns the path of the label by which step's selector selects
// r: the first label its matchLabels require, else metadata.labels.
func labelPath(r *rbac.Role, step rbac.Step) analyzer.Path {
	labels := analyzer.NewPath("metadata", "labels")
	sel := step.Role.Aggregation.ClusterRoleSelectors[step.Selector]
	for _, k := range slices.Sorted(maps.Keys(sel.MatchLabels)) {
		if _, ok := r.Labels[k]; ok {
			return labels.Key(k)
		}
	}
	return labels
}
