package rbac_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/rbac"
)

// referenceAllows is a literal transcription of the API server's
// DefaultRuleResolver.VisitRulesFor and appliesTo (pkg/registry/rbac/
// validation/rule.go) over the model's bindings, without its indexes: every
// ClusterRoleBinding, then the RoleBindings of the request's namespace; the
// first subject entry that applies; the rules of the role the roleRef
// names.
func referenceAllows(m *rbac.Model, u rbac.User, req rbac.Request) []string {
	var out []string
	visit := func(b *rbac.Binding, namespace string) {
		for i, s := range b.Subjects {
			applies := false
			switch s.Kind {
			case rbacv1.UserKind:
				applies = u.Name == s.Name
			case rbacv1.GroupKind:
				applies = slices.Contains(u.Groups, s.Name)
			case rbacv1.ServiceAccountKind:
				ns := namespace
				if s.Namespace != "" {
					ns = s.Namespace
				}
				applies = ns != "" && u.Name == "system:serviceaccount:"+ns+":"+s.Name
			}
			if !applies {
				continue
			}
			role := m.RoleOf(b)
			if role == nil {
				return
			}
			for _, src := range m.Effective(role) {
				if ruleAllows(&src.Rule.PolicyRule, req) {
					out = append(out, fmt.Sprintf("%s[%d] %s rules[%d]", b, i, src.Rule.Role, src.Rule.Index))
				}
			}
			return
		}
	}
	for _, b := range m.Bindings {
		if b.Kind == rbac.KindClusterRoleBinding {
			visit(b, "")
		}
	}
	if req.Namespace != "" {
		for _, b := range m.Bindings {
			if b.Kind == rbac.KindRoleBinding && b.Namespace == req.Namespace {
				visit(b, req.Namespace)
			}
		}
	}
	return out
}

// ruleAllows is Kubernetes' RuleAllows, transcribed.
func ruleAllows(r *rbacv1.PolicyRule, req rbac.Request) bool {
	has := func(xs []string, x, all string) bool { return slices.Contains(xs, all) || slices.Contains(xs, x) }
	if !has(r.Verbs, req.Verb, "*") {
		return false
	}
	if !req.IsResource() {
		for _, u := range r.NonResourceURLs {
			if u == "*" || u == req.Path || strings.HasSuffix(u, "*") && strings.HasPrefix(req.Path, strings.TrimRight(u, "*")) {
				return true
			}
		}
		return false
	}
	if !has(r.APIGroups, req.APIGroup, "*") {
		return false
	}
	combined := req.Resource
	if req.Subresource != "" {
		combined += "/" + req.Subresource
	}
	resOK := false
	for _, res := range r.Resources {
		if res == "*" || res == combined || req.Subresource != "" && len(res) == len(req.Subresource)+2 &&
			strings.HasPrefix(res, "*/") && strings.HasSuffix(res, req.Subresource) {
			resOK = true
			break
		}
	}
	return resOK && (len(r.ResourceNames) == 0 || slices.Contains(r.ResourceNames, req.Name))
}

// TestAllowsMatchesReference compares the model's indexed authorizer with
// the transcription on random sets, users and requests.
func TestAllowsMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	namespaces := []string{"a", "b", ""}
	for round := range 40 {
		var parts []string
		for i := range 6 {
			ns := pick("a", "b")
			parts = append(parts, role("Role", ns, fmt.Sprintf("r%d", i%3), randomRules(rng)))
			parts = append(parts, role("ClusterRole", "", fmt.Sprintf("c%d", i%3), randomRules(rng)))
		}
		for i := range 10 {
			var subjects strings.Builder
			for range 1 + rng.IntN(3) {
				switch rng.IntN(5) {
				case 0:
					fmt.Fprintf(&subjects, "- kind: User\n  name: %s\n", pick("jane", "joe", "system:serviceaccount:a:sa1"))
				case 1:
					fmt.Fprintf(&subjects, "- kind: Group\n  name: %s\n", pick("dev", "system:authenticated", "system:serviceaccounts", "system:serviceaccounts:b"))
				case 2:
					fmt.Fprintf(&subjects, "- kind: ServiceAccount\n  name: %s\n  namespace: %s\n", pick("sa1", "sa2"), pick("a", "b"))
				case 3:
					fmt.Fprintf(&subjects, "- kind: ServiceAccount\n  name: %s\n", pick("sa1", "sa2"))
				default:
					fmt.Fprintf(&subjects, "- kind: %s\n  name: jane\n", pick("user", "Team"))
				}
			}
			kind, ns := "RoleBinding", pick("a", "b")
			if rng.IntN(3) == 0 {
				kind, ns = "ClusterRoleBinding", ""
			}
			roleKind := pick("Role", "ClusterRole", "ClusterRole")
			roleName := fmt.Sprintf("%s%d", map[string]string{"Role": "r", "ClusterRole": "c"}[roleKind], rng.IntN(4))
			if rng.IntN(5) == 0 {
				roleName = pick("view", "edit", "admin", "cluster-admin")
			}
			parts = append(parts, binding(kind, ns, fmt.Sprintf("b%d", i), subjects.String(), roleKind, roleName))
		}
		m := build(t, "rbac.yaml", yamlDocs(parts...))
		users := []rbac.User{
			rbac.Impersonate("jane", nil), rbac.Impersonate("joe", []string{"dev"}), rbac.ServiceAccountUser("a", "sa1"),
			rbac.ServiceAccountUser("b", "sa2"), rbac.ServiceAccountUser("a", "sa2"), rbac.Impersonate("system:anonymous", nil),
		}
		for range 50 {
			req := rbac.Request{
				Verb: pick("get", "list", "create", "delete", "escalate"), APIGroup: pick("", "apps", "rbac.authorization.k8s.io"),
				Resource: pick("pods", "secrets", "deployments", "roles"), Subresource: pick("", "", "exec", "scale"),
				Name: pick("", "x"), Namespace: namespaces[rng.IntN(len(namespaces))],
			}
			if rng.IntN(8) == 0 {
				req = rbac.Request{Verb: pick("get", "post"), Path: pick("/healthz", "/api", "/logs/x")}
			}
			for _, u := range users {
				want := referenceAllows(m, u, req)
				ok, grants := m.Allows(u, req)
				var got []string
				for _, g := range grants {
					got = append(got, fmt.Sprintf("%s[%d] %s rules[%d]", g.Binding, g.Subject, g.Rule.Role, g.Rule.Index))
				}
				if ok != (len(want) > 0) || !slices.Equal(got, want) {
					t.Fatalf("round %d: Allows(%v, %+v) = %v\n%s\nreference:\n%s", round, u, req, ok, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}
		}
	}
}

func randomRules(rng *rand.Rand) string {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	for range 1 + rng.IntN(3) {
		if rng.IntN(6) == 0 {
			fmt.Fprintf(&b, "- nonResourceURLs: [%s]\n  verbs: [%s]\n", pick(`"/healthz"`, `"*"`, `"/logs/*"`), pick("get", `"*"`))
			continue
		}
		fmt.Fprintf(&b, "- apiGroups: [%s]\n  resources: [%s]\n  verbs: [%s]\n", pick(`""`, `"apps"`, `"*"`, `"rbac.authorization.k8s.io"`),
			pick("pods", "secrets", `"*"`, "pods/exec", `"*/scale"`, "deployments", "roles", "pods, secrets"), pick("get", "list", `"*"`, "create, delete", "escalate"))
		if rng.IntN(5) == 0 {
			b.WriteString("  resourceNames: [x]\n")
		}
	}
	return b.String()
}
