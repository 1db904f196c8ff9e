package examples_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/cli"
	"github.com/kvet-dev/kvet/rbac"
)

// The seed's organisation (lesson 3): developers have full access to
// development and read-only access to production, testers access to
// development only, DevOps everything. kvet access on rbac-teams/ must
// show exactly that model: each team's permissions per namespace, and
// nothing else; and what it shows agrees with the authorizer (kvet can-i's
// answers) on the seed's statements.
func TestRBACTeamsAccess(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli.Main(context.Background(), []string{"access", "-f", "json", "rbac-teams"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("kvet access rbac-teams: exit %d\n%s", code, stderr.String())
	}
	var r access.Report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Sets) != 1 {
		t.Fatalf("%d sets, want 1", len(r.Sets))
	}
	set := r.Sets[0]
	// Every team's cells: namespace → what it may do there.
	cells := map[string]map[string][]string{}
	for _, s := range set.Subjects {
		if s.Kind != "Group" || strings.HasPrefix(s.Name, "system:") {
			continue
		}
		cells[s.Name] = map[string][]string{}
		for _, ns := range set.Namespaces {
			for _, p := range s.In(ns) {
				cells[s.Name][ns] = append(cells[s.Name][ns], access.Describe(&p))
			}
		}
	}
	want := map[string]map[string][]string{
		"developers": {"development": {"* on *.*"}, "production": {"get, list, watch on *.*"}},
		"testers":    {"development": {"* on *.*"}},
		"devops":     {access.ClusterWide: {"* on *.*", "* on non-resource URLs *"}},
	}
	for team, nss := range want {
		for ns, what := range nss {
			if got := cells[team][ns]; !slices.Equal(got, what) {
				t.Errorf("Group %s in %s: %q, want %q", team, ns, got, what)
			}
		}
		for ns, got := range cells[team] {
			if _, ok := nss[ns]; !ok {
				t.Errorf("Group %s has %q in %s, which the seed's model does not grant", team, got, ns)
			}
		}
	}
	if len(cells) != len(want) {
		t.Errorf("teams = %v, want developers, testers and devops", cells)
	}

	// The seed's statements, asked of the authorizer, and what the report
	// shows for each.
	loaded := analyzer.NewLoader(nil).Load(context.Background(), []string{"rbac-teams"})
	m := rbac.Build(loaded.Docs)
	for _, c := range []struct {
		team, verb, group, resource, ns string
		allowed                         bool
	}{
		{"testers", "get", "", "pods", "production", false},
		{"developers", "delete", "apps", "deployments", "production", false},
		{"developers", "delete", "apps", "deployments", "development", true},
		{"developers", "get", "", "pods", "production", true},
		{"devops", "delete", "apps", "deployments", "production", true},
	} {
		ok, grants := m.Allows(rbac.User{Groups: []string{c.team}}, rbac.Request{Verb: c.verb, APIGroup: c.group, Resource: c.resource, Namespace: c.ns})
		if ok != c.allowed {
			t.Errorf("can %s %s %s in %s: %v, want %v", c.team, c.verb, c.resource, c.ns, ok, c.allowed)
			continue
		}
		// A yes is a permission of the report, in the namespace or
		// cluster-wide, at the rule that grants it.
		var shown []string
		for _, s := range set.Subjects {
			if s.Kind == "Group" && s.Name == c.team {
				for _, p := range append(s.In(c.ns), s.In(access.ClusterWide)...) {
					shown = append(shown, p.Rule.String())
				}
			}
		}
		for _, g := range grants {
			if where := rbac.Where(g.Rule.Role.Doc, g.Rule.Path()); !slices.Contains(shown, where) {
				t.Errorf("%s may %s %s in %s through the rule at %s, which the report does not show (%q)", c.team, c.verb, c.resource, c.ns, where, shown)
			}
		}
	}
}
