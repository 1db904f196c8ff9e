package rbac

import (
	"slices"

	"github.com/kvet-dev/kvet/analyzer"
)

// Exposure is a sensitive access that a user holds, with the first grant
// of it in the authorizer's order. Grant.Match points at the elements of
// the rule that grant the access (Risk.Verb and Risk.Resource).
type Exposure struct {
	Risk  Risk
	Grant Grant
}

// Exposures finds the sensitive accesses of users. It caches what each
// user name and group is bound to, so that asking for every workload of a
// large set costs time linear in the set, not in workloads times bindings.
// It is not safe for concurrent use.
type Exposures struct {
	m    *Model
	keep func(Risk) bool
	keys map[string][]*rankedExposure // user name, or NUL+group → the first grant of each access
}

// rankedExposure is an exposure with the authorizer's order of its grant.
type rankedExposure struct {
	Exposure
	order [3]int // binding, subject entry, rule in effect
}

// NewExposures returns an Exposures of the accesses keep selects (for
// example Risk.Excessive).
func (m *Model) NewExposures(keep func(Risk) bool) *Exposures {
	return &Exposures{m: m, keep: keep, keys: map[string][]*rankedExposure{}}
}

// Of returns the selected accesses u holds (shared values: do not modify
// them) through the set's bindings, one
// per access (the first grant in the authorizer's order), most severe
// first. Accesses to cluster-scoped resources count only through
// ClusterRoleBindings, which are the only ones that can grant them.
func (x *Exposures) Of(u User) []*Exposure {
	var buf [16]*rankedExposure
	entries, filtered := x.m.userEntries(u)
	key := u.Name
	if filtered {
		key += "\x01" + u.Scope
	}
	best := merge(buf[:0], x.forKey(key, entries))
	for _, g := range u.Groups {
		best = merge(best, x.forKey("\x00"+g, x.m.byGroup[g]))
	}
	if len(best) == 0 {
		return nil
	}
	slices.SortFunc(best, func(a, b *rankedExposure) int {
		if a.Risk.Severity != b.Risk.Severity && a.Risk.Access != AccessAdmin && b.Risk.Access != AccessAdmin {
			return int(b.Risk.Severity) - int(a.Risk.Severity)
		}
		return a.Risk.rank() - b.Risk.rank()
	})
	out := make([]*Exposure, len(best))
	for i, e := range best {
		out[i] = &e.Exposure
	}
	return out
}

// merge adds the exposures of one key to best, keeping the first grant of
// each access.
func merge(best, add []*rankedExposure) []*rankedExposure {
	for _, e := range add {
		j := slices.IndexFunc(best, func(b *rankedExposure) bool { return b.Risk.Access == e.Risk.Access })
		switch {
		case j < 0:
			best = append(best, e)
		case less(e.order, best[j].order):
			best[j] = e
		}
	}
	return best
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// forKey returns the first grant of each selected access through the
// binding entries of one user name or group, computed once.
func (x *Exposures) forKey(key string, entries []entry) []*rankedExposure {
	if got, ok := x.keys[key]; ok {
		return got
	}
	var out []*rankedExposure
	for _, e := range entries {
		role := x.m.RoleOf(e.binding)
		if role == nil {
			continue
		}
		for i, src := range x.m.Effective(role) {
			for _, risk := range src.Rule.Risks() {
				if !x.keep(risk) || risk.Cluster && e.binding.Kind == KindRoleBinding {
					continue
				}
				order := [3]int{x.m.order[e.binding], e.subject, i}
				j := slices.IndexFunc(out, func(b *rankedExposure) bool { return b.Risk.Access == risk.Access })
				if j >= 0 && !less(order, out[j].order) {
					continue
				}
				match := noMatch
				match.Verb, match.Resource = risk.Verb, risk.Resource
				ex := &rankedExposure{
					Exposure: Exposure{Risk: risk, Grant: Grant{Binding: e.binding, Subject: e.subject, Role: role, Rule: src.Rule, Via: src.Via, Match: match}},
					order:    order,
				}
				if j < 0 {
					out = append(out, ex)
				} else {
					out[j] = ex
				}
			}
		}
	}
	x.keys[key] = out
	return out
}

// Phrase says what an exposure lets its holder do, for messages: "list
// secrets", "get secrets named db-password", "exec into pods", "do
// everything".
func (r Risk) Phrase() string {
	named := ""
	if len(r.Names) > 0 {
		named = " named " + joinWords(r.Names)
	}
	switch r.Access {
	case AccessSecrets:
		return joinWords(r.Verbs) + " secrets" + named
	case AccessEscalate:
		return joinWords(r.Verbs) + " roles" + named + " beyond its own permissions"
	}
	return r.Description + named
}

// Scope says where a grant applies, for messages: "in billing" or
// "cluster-wide".
func (g Grant) Scope() string {
	if g.Binding.Kind == KindRoleBinding {
		return "in " + g.Binding.Namespace
	}
	return "cluster-wide"
}

// joinWords renders a list as "a", "a and b", "a, b and c".
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " and " + words[len(words)-1]
}

// RiskRelated returns the related places of an exposure's chain: the
// binding's subject entry, its roleRef, the aggregation selectors and the
// rule element that grants the access.
func (e Exposure) RiskRelated() []analyzer.Related {
	return e.Grant.Related(e.Grant.RulePath(), "which lets it "+e.Risk.Phrase())
}
