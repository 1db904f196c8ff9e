package rbac_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kvet-dev/kvet/rbac"
)

func clusterRole(name, labels, aggregation, rules string) string {
	s := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: " + name + "\n"
	if labels != "" {
		s += "  labels: " + labels + "\n"
	}
	if aggregation != "" {
		s += "aggregationRule:\n  clusterRoleSelectors: " + aggregation + "\n"
	}
	if rules != "" {
		s += "rules:\n" + rules
	}
	return s
}

// sources names the roles whose rules are in effect for role name, with
// the aggregation chain to each: "b", "c<-b".
func sources(m *rbac.Model, name string) []string {
	var out []string
	for _, s := range m.Effective(m.ClusterRole(name)) {
		parts := []string{s.Rule.Role.Name}
		for i := len(s.Via) - 1; i >= 0; i-- {
			if i < len(s.Via)-1 {
				parts = append(parts, s.Via[i].Selected.Name)
			}
		}
		out = append(out, strings.Join(parts, "<-"))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

const rule = "- apiGroups: [\"\"]\n  resources: [configmaps]\n  verbs: [get]\n"

// TestAggregation checks which ClusterRoles an aggregationRule selects,
// with every selector form, and how chains, cycles and self-selection
// resolve.
func TestAggregation(t *testing.T) {
	base := []string{
		clusterRole("prod-a", "{env: prod, tier: a}", "", rule),
		clusterRole("prod-b", "{env: prod, tier: b}", "", rule),
		clusterRole("dev-a", "{env: dev, tier: a}", "", rule),
		clusterRole("plain", "", "", rule),
	}
	tests := []struct {
		name     string
		selector string
		want     []string // roles of the set whose rules are in effect
		builtins bool     // whether built-in roles are selected too
		problem  string
	}{
		{"matchLabels", `[{matchLabels: {env: prod}}]`, []string{"prod-a", "prod-b"}, false, ""},
		{"matchLabels, all of them", `[{matchLabels: {env: prod, tier: b}}]`, []string{"prod-b"}, false, ""},
		{"two selectors: either", `[{matchLabels: {tier: b}}, {matchLabels: {env: dev}}]`, []string{"dev-a", "prod-b"}, false, ""},
		{"In", `[{matchExpressions: [{key: env, operator: In, values: [dev, qa]}]}]`, []string{"dev-a"}, false, ""},
		{"NotIn includes roles without the label", `[{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}]`, []string{"dev-a", "plain"}, true, "rbac.yaml:45: ClusterRole agg: aggregationRule.clusterRoleSelectors[0] selects the ClusterRole itself, which the aggregation controller skips"},
		{"Exists", `[{matchExpressions: [{key: tier, operator: Exists}]}]`, []string{"dev-a", "prod-a", "prod-b"}, false, ""},
		{"DoesNotExist", `[{matchExpressions: [{key: env, operator: DoesNotExist}]}]`, []string{"plain"}, true, "rbac.yaml:45: ClusterRole agg: aggregationRule.clusterRoleSelectors[0] selects the ClusterRole itself, which the aggregation controller skips"},
		{"labels and expressions together", `[{matchLabels: {tier: a}, matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}]`, []string{"prod-a"}, false, ""},
		{"an empty selector selects every ClusterRole", `[{}]`, []string{"dev-a", "plain", "prod-a", "prod-b"}, true, "rbac.yaml:45: ClusterRole agg: aggregationRule.clusterRoleSelectors[0] selects the ClusterRole itself, which the aggregation controller skips"},
		// No selectors, or an invalid one: the API server rejects the
		// ClusterRole (TestRejectedObjectsGrantNothing).
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(t, "rbac.yaml", yamlDocs(append(base, clusterRole("agg", "", tt.selector, rule))...))
			var set []string
			builtins := false
			for _, s := range sources(m, "agg") {
				if m.ClusterRole(s).Builtin() {
					builtins = true
				} else {
					set = append(set, s)
				}
			}
			if !slices.Equal(set, tt.want) || builtins != tt.builtins {
				t.Errorf("rules of %v (built-in ones too: %v), want %v (%v)", set, builtins, tt.want, tt.builtins)
			}
			got := strings.Join(problems(m), "\n")
			if tt.problem == "" && got != "" || !strings.Contains(got, tt.problem) {
				t.Errorf("problems %q, want %q", got, tt.problem)
			}
		})
	}
}

func TestAggregationChainsAndCycles(t *testing.T) {
	m := build(t, "rbac.yaml", yamlDocs(
		clusterRole("top", "", "[{matchLabels: {to-top: \"true\"}}]", rule),
		clusterRole("mid", "{to-top: \"true\"}", "[{matchLabels: {to-mid: \"true\"}}]", rule),
		clusterRole("leaf", "{to-mid: \"true\"}", "", rule),
		clusterRole("ping", "{pong: \"true\"}", "[{matchLabels: {ping: \"true\"}}]", ""),
		clusterRole("pong", "{ping: \"true\"}", "[{matchLabels: {pong: \"true\"}}]", ""),
		clusterRole("ball", "{ping: \"true\"}", "", rule),
		clusterRole("narcissus", "{me: \"true\"}", "[{matchLabels: {me: \"true\"}}]", rule),
	))
	for _, tt := range []struct {
		role string
		want []string
	}{
		{"top", []string{"leaf<-mid"}}, // mid's own rules are replaced by what it aggregates
		{"mid", []string{"leaf"}},
		{"ping", []string{"ball"}},
		{"pong", []string{"ball<-ping"}},
		{"narcissus", nil},
	} {
		if got := sources(m, tt.role); !slices.Equal(got, tt.want) {
			t.Errorf("%s: rules of %v, want %v", tt.role, got, tt.want)
		}
	}
	want := []string{
		"rbac.yaml:39: ClusterRole ping aggregates itself through ClusterRole pong (ClusterRole ping → ClusterRole pong → ClusterRole ping): a cycle of aggregations; each ends up with the rules of every ClusterRole in it",
		"rbac.yaml:47: ClusterRole pong aggregates itself through ClusterRole ping (ClusterRole pong → ClusterRole ping → ClusterRole pong): a cycle of aggregations; each ends up with the rules of every ClusterRole in it",
		"rbac.yaml:66: ClusterRole narcissus: aggregationRule.clusterRoleSelectors[0] selects the ClusterRole itself, which the aggregation controller skips",
	}
	if got := problems(m); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestAggregationCycleOnce: ClusterRoles that all aggregate each other
// (and a leaf they all select) reach the leaf directly, by their first
// selector that selects it; each cycle member is reported once, with its
// shortest cycle through the first member in name order, not once per
// member that selects it.
func TestAggregationCycleOnce(t *testing.T) {
	const all = "[{matchLabels: {x: \"y\"}}, {matchExpressions: [{key: x, operator: Exists}]}]"
	m := build(t, "rbac.yaml", yamlDocs(
		clusterRole("a", "{x: \"y\"}", all, ""),
		clusterRole("b", "{x: \"y\"}", all, ""),
		clusterRole("c", "{x: \"y\"}", all, ""),
		clusterRole("leaf", "{x: \"z\"}", "", rule),
	))
	for _, name := range []string{"a", "b", "c"} {
		if got := sources(m, name); !slices.Equal(got, []string{"leaf"}) {
			t.Errorf("%s: rules of %v, want [leaf]", name, got)
		}
		for _, s := range m.Effective(m.ClusterRole(name)) {
			if len(s.Via) != 1 || s.Via[0].Selector != 1 {
				t.Errorf("%s: leaf reached through %+v, want its selector 1 directly", name, s.Via)
			}
		}
	}
	var cycles []string
	for _, p := range problems(m) {
		if strings.Contains(p, "aggregates itself") {
			cycles = append(cycles, p)
		}
	}
	want := []string{ // sorted as text
		"rbac.yaml:14: ClusterRole b aggregates itself through ClusterRole a (ClusterRole b → ClusterRole a → ClusterRole b): a cycle of aggregations; each ends up with the rules of every ClusterRole in it",
		"rbac.yaml:22: ClusterRole c aggregates itself through ClusterRole a (ClusterRole c → ClusterRole a → ClusterRole c): a cycle of aggregations; each ends up with the rules of every ClusterRole in it",
		"rbac.yaml:6: ClusterRole a aggregates itself through ClusterRole b (ClusterRole a → ClusterRole b → ClusterRole a): a cycle of aggregations; each ends up with the rules of every ClusterRole in it",
	}
	if !slices.Equal(cycles, want) {
		t.Errorf("cycles:\n%s\nwant\n%s", strings.Join(cycles, "\n"), strings.Join(want, "\n"))
	}
}

// TestBuiltinRoles checks the built-in ClusterRoles through bindings of
// the set, and that the set's ClusterRoles labelled aggregate-to-* add to
// the built-in admin, edit and view.
func TestBuiltinRoles(t *testing.T) {
	bind := func(name, role string) string {
		return binding("RoleBinding", "team", name, "- kind: User\n  name: "+name+"\n", "ClusterRole", role)
	}
	m := build(t, "rbac.yaml", yamlDocs(
		bind("viewer", "view"), bind("editor", "edit"), bind("admin", "admin"), bind("root", "cluster-admin"),
		binding("ClusterRoleBinding", "", "discovery", "- kind: Group\n  name: system:authenticated\n", "ClusterRole", "system:discovery"),
		binding("ClusterRoleBinding", "", "jobs", "- kind: User\n  name: jobctl\n", "ClusterRole", "system:controller:job-controller"),
	))
	allowed := func(user string, req rbac.Request) bool {
		ok, _ := m.Allows(rbac.Impersonate(user, nil), req)
		return ok
	}
	in := func(verb, group, resource, sub string) rbac.Request {
		return rbac.Request{Verb: verb, APIGroup: group, Resource: resource, Subresource: sub, Namespace: "team"}
	}
	tests := []struct {
		user string
		req  rbac.Request
		want bool
	}{
		{"viewer", in("list", "apps", "deployments", ""), true},
		{"viewer", in("get", "", "secrets", ""), false},
		{"viewer", in("create", "", "pods", ""), false},
		{"editor", in("get", "", "secrets", ""), true},
		{"editor", in("create", "", "pods", "exec"), true},
		{"editor", in("create", "batch", "cronjobs", ""), true},
		{"editor", in("create", "rbac.authorization.k8s.io", "rolebindings", ""), false},
		{"admin", in("create", "rbac.authorization.k8s.io", "rolebindings", ""), true},
		{"admin", in("escalate", "rbac.authorization.k8s.io", "roles", ""), false},
		{"admin", in("get", "", "pods", "log"), true},
		{"root", in("escalate", "rbac.authorization.k8s.io", "roles", ""), true},
		{"root", rbac.Request{Verb: "get", Resource: "nodes"}, false}, // a RoleBinding never grants cluster-wide
		{"anyone", rbac.Request{Verb: "get", Path: "/version"}, true},
		{"anyone", rbac.Request{Verb: "get", Path: "/metrics"}, false},
		{"jobctl", rbac.Request{Verb: "create", Resource: "pods", Namespace: "x"}, true},
	}
	for _, tt := range tests {
		if got := allowed(tt.user, tt.req); got != tt.want {
			t.Errorf("%s %+v: %v, want %v", tt.user, tt.req, got, tt.want)
		}
	}

	// A ClusterRole labelled aggregate-to-view reaches view, and through
	// view edit and admin.
	leak := clusterRole("leaky", "{rbac.authorization.k8s.io/aggregate-to-view: \"true\"}", "",
		"- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [list]\n")
	m = build(t, "rbac.yaml", yamlDocs(bind("viewer", "view"), bind("admin", "admin"), leak))
	// (edit, and so admin, can list secrets anyway.)
	for user, chain := range map[string]string{
		"viewer": "RoleBinding team/viewer → ClusterRole view → ClusterRole leaky (rbac.yaml:34)",
		"admin":  "RoleBinding team/admin → ClusterRole admin → ClusterRole edit → ClusterRole view → ClusterRole leaky (rbac.yaml:34)",
	} {
		_, grants := m.Allows(rbac.Impersonate(user, nil), in("list", "", "secrets", ""))
		var chains []string
		for _, g := range grants {
			chains = append(chains, g.Chain())
		}
		if !slices.Contains(chains, chain) {
			t.Errorf("%s: grants %q, want one %q", user, chains, chain)
		}
	}
	if len(m.BuiltinEffective("view")) == 0 || slices.ContainsFunc(m.BuiltinEffective("view"), func(s rbac.Source) bool { return s.Rule.Role.Name == "leaky" }) {
		t.Error("BuiltinEffective(view) should hold the built-in rules only")
	}
}

// A set without ClusterRoles leaves the built-in ones to their first use,
// which may come from concurrent readers (the set rules run in parallel):
// they then aggregate among themselves, with what Kubernetes puts in them,
// and the set's Roles keep their own rules. Run with -race.
func TestBuiltinsOnFirstUse(t *testing.T) {
	for _, tc := range []struct {
		name string
		docs []string
	}{
		{"a Role", []string{"r.yaml", role("Role", "team", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n")}},
		{"a Role and a binding to view", []string{"r.yaml", yamlDocs(
			role("Role", "team", "r", "- apiGroups: [\"\"]\n  resources: [pods]\n  verbs: [get]\n"),
			binding("RoleBinding", "team", "b", "- kind: ServiceAccount\n  name: sa\n", "ClusterRole", "view"))}},
		{"no role", []string{"j.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := build(t, tc.docs...)
			var wg sync.WaitGroup
			views := make([]int, 8)
			for i := range views {
				wg.Go(func() {
					for _, r := range m.Roles {
						if got := m.Effective(r); len(got) != len(r.Rules) || len(m.SelectedBy(r)) != 0 {
							t.Errorf("%s: %d rules in effect, %d selections; want its own %d, none", r, len(got), len(m.SelectedBy(r)), len(r.Rules))
						}
					}
					view := m.BuiltinClusterRole("view")
					views[i] = len(m.Effective(view))
					if len(m.SelectedBy(m.BuiltinClusterRole("system:aggregate-to-view"))) != 1 {
						t.Errorf("system:aggregate-to-view selected by %v, want view", m.SelectedBy(m.BuiltinClusterRole("system:aggregate-to-view")))
					}
				})
			}
			wg.Wait()
			if want := len(m.BuiltinEffective("view")); want == 0 || slices.ContainsFunc(views, func(n int) bool { return n != want }) {
				t.Errorf("view has %v rules in effect, want %d each time", views, want)
			}
		})
	}
}
