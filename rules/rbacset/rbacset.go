// Package rbacset holds kvet's cross-document RBAC rules. They read the
// RBAC model of the whole set (package rbac), built once per run, and
// report chains across documents (workload → ServiceAccount → binding →
// role → rule) at one end, with the other hops as related locations.
//
// Sets are partial: a repository may hold only some of the objects, so a
// rule that needs an object the set does not contain says nothing, except
// where the catalog says otherwise (rbac-role-ref-not-found reports roles
// that are missing; service-account-not-found reports a ServiceAccount
// missing from a namespace where the set defines others).
package rbacset

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// model returns the RBAC model of the pass's set, built once per run.
func model(p *analyzer.SetPass) *rbac.Model {
	return p.Shared("rbac", func() any { return rbac.Build(p.Docs) }).(*rbac.Model)
}

// setRule completes a rule of this package: a Go set rule that reads the
// RBAC model's fact.
func setRule(r *analyzer.Rule) *analyzer.Rule {
	r.Source = "go"
	r.Facts = []*analyzer.Fact{rbac.Fact()}
	return r
}

// bindingKinds are the kinds the binding rules report on.
func bindingKinds() []string { return []string{rbac.KindRoleBinding, rbac.KindClusterRoleBinding} }

// suggester suggests names for misspelt ones, preparing each scope's
// candidates once: many findings of one run ask in the same scope.
type suggester struct {
	candidates map[string]*analyzer.Names
	listings   map[string]string // by namespace (listing)
}

func newSuggester() *suggester {
	return &suggester{candidates: map[string]*analyzer.Names{}, listings: map[string]string{}}
}

// closest returns the candidate nearest to name (analyzer.Closest: edit
// distance at most 2, ignoring case, and less than half its length), or
// "", preparing the candidates once per scope. The answers are not
// remembered: Names.Nearest mostly stops within a few candidates, and the
// names a run asks about are mostly distinct (a map of them cost more).
func (s *suggester) closest(scope, name string, candidates func() []string) string {
	names, ok := s.candidates[scope]
	if !ok {
		names = analyzer.NewNames(candidates())
		s.candidates[scope] = names
	}
	c := names.Nearest(name)
	if d := analyzer.EditDistance(name, c, 3); c == "" || d == 0 || d*2 >= len(name) {
		c = ""
	}
	return c
}

// maxDuplicates is the number of other definitions of an object that a
// message names, and relates, before it only counts the rest: a cluster-wide
// binding copied into many folders would otherwise make each finding
// through it kilobytes long.
const maxDuplicates = 3

// duplicateNote names the other definitions of the objects of docs, for a
// message, and returns them as related places: " (ServiceAccount x is
// defined more than once (also at a.yaml:3); kvet uses the last
// definition, b.yaml:9)"; past maxDuplicates, "(also at a.yaml:3, b.yaml:3,
// c.yaml:3 and 2 more)". A binding redefined with another roleRef, which
// the API server refuses (rbac.Model.Refused), keeps its first definition
// in effect, and the note says so.
func duplicateNote(m *rbac.Model, docs ...*analyzer.Document) (string, []analyzer.Related) {
	var notes []string
	var related []analyzer.Related
	name := analyzer.NewPath("metadata", "name")
	for i, d := range docs {
		if d == nil || slices.Contains(docs[:i], d) {
			continue // several chains through one binding or role
		}
		others := m.Others(d)
		if len(others) == 0 {
			continue
		}
		inEffect := rbac.Where(d, name)
		var at []string
		for _, o := range others[:min(len(others), maxDuplicates)] {
			at = append(at, rbac.Where(o, name))
			msg := fmt.Sprintf("%s %s is also defined here; this definition is overridden by the one at %s", d.Kind, d.Name, inEffect)
			if m.Refused(o) {
				msg = fmt.Sprintf("%s %s is also defined here, with another roleRef; the API server refuses to change a binding's roleRef, so the definition at %s stays in effect", d.Kind, d.Name, inEffect)
			}
			related = append(related, analyzer.Related{Doc: o, Path: name, Message: msg})
		}
		places := strings.Join(at, ", ")
		if more := len(others) - len(at); more > 0 {
			places += fmt.Sprintf(" and %d more", more)
		}
		refused := 0
		for _, o := range others {
			if m.Refused(o) {
				refused++
			}
		}
		// Every definition in effect before d was overridden by the next;
		// every one with another roleRef was refused. So d is the last
		// definition unless some were refused, and the first when all were.
		verdict := "kvet uses the last definition, " + inEffect
		switch refused {
		case 0:
		case len(others):
			verdict = "kvet uses the first definition, " + inEffect + ": the API server refuses to change a binding's roleRef, so kubectl apply -f leaves it in effect"
		default:
			verdict = "kvet uses the last definition with the first one's roleRef, " + inEffect +
				": the API server refuses to change a binding's roleRef, so kubectl apply -f applies none of those with another roleRef"
		}
		notes = append(notes, fmt.Sprintf("%s %s is defined more than once (also at %s); %s", d.Kind, d.Name, places, verdict))
	}
	if len(notes) == 0 {
		return "", nil
	}
	return " (" + strings.Join(notes, "; ") + ")", related
}
