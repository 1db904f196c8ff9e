package rbac

import (
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Well-known user and group names.
const (
	ServiceAccountPrefix      = "system:serviceaccount:"
	GroupServiceAccounts      = "system:serviceaccounts"
	GroupAuthenticated        = "system:authenticated"
	GroupUnauthenticated      = "system:unauthenticated"
	UserAnonymous             = "system:anonymous"
	groupServiceAccountPrefix = "system:serviceaccounts:"
)

// User is who makes a request, as the API server sees it after
// authentication: a user name and groups.
type User struct {
	Name   string
	Groups []string
	// Scope is the folder of the ServiceAccount of a workload without
	// metadata.namespace (Workload.User), "" otherwise: a RoleBinding
	// without metadata.namespace of another folder does not bind it
	// through a ServiceAccount subject without namespace, since the two
	// folders' ServiceAccounts are different objects (see Folder).
	Scope string
}

// ServiceAccountUser returns the identity of ServiceAccount ns/name: the
// user system:serviceaccount:NS:NAME in the groups system:serviceaccounts,
// system:serviceaccounts:NS and system:authenticated.
func ServiceAccountUser(ns, name string) User {
	return User{
		Name:   ServiceAccountPrefix + ns + ":" + name,
		Groups: []string{GroupServiceAccounts, groupServiceAccountPrefix + ns, GroupAuthenticated},
	}
}

// Impersonate returns the identity a request made with `kubectl --as NAME
// --as-group GROUP...` gets, as the API server's impersonation filter builds
// it: a ServiceAccount user name without groups gets the ServiceAccount's
// groups; every user but system:anonymous is in system:authenticated
// (unless system:unauthenticated is asked for), and system:anonymous is in
// system:unauthenticated.
func Impersonate(name string, groups []string) User {
	u := User{Name: name, Groups: slices.Clone(groups)}
	if ns, _, ok := SplitServiceAccount(name); ok && len(groups) == 0 {
		u.Groups = []string{GroupServiceAccounts, groupServiceAccountPrefix + ns}
	}
	switch {
	case name == UserAnonymous:
		if !slices.Contains(u.Groups, GroupUnauthenticated) {
			u.Groups = append(u.Groups, GroupUnauthenticated)
		}
	case !slices.Contains(u.Groups, GroupAuthenticated) && !slices.Contains(u.Groups, GroupUnauthenticated):
		u.Groups = append(u.Groups, GroupAuthenticated)
	}
	return u
}

// SplitServiceAccount splits a ServiceAccount user name
// system:serviceaccount:NS:NAME.
func SplitServiceAccount(user string) (ns, name string, ok bool) {
	rest, ok := strings.CutPrefix(user, ServiceAccountPrefix)
	if !ok {
		return "", "", false
	}
	ns, name, ok = strings.Cut(rest, ":")
	if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
		return "", "", false
	}
	return ns, name, true
}

// Request is what a user asks to do, the attributes the authorizer
// decides on. A request with a Path is a non-resource request (/healthz);
// otherwise it is a resource request. Namespace is "" for cluster-scoped
// resources, for requests across all namespaces and for non-resource
// requests.
type Request struct {
	Verb        string
	APIGroup    string
	Resource    string
	Subresource string
	Name        string
	Namespace   string
	Path        string
}

// IsResource reports whether the request is a resource request.
func (r Request) IsResource() bool { return r.Path == "" }

// Match says which elements of a rule allow a request: indexes into its
// verbs, apiGroups, resources, resourceNames and nonResourceURLs, -1 when
// the field plays no part (resourceNames empty, or a non-resource request).
type Match struct {
	Verb, APIGroup, Resource, ResourceName, NonResourceURL int
}

// noMatch is a Match in which no element plays a part.
var noMatch = Match{-1, -1, -1, -1, -1}

// matchRule decides whether a rule allows a request, exactly as the API
// server's RBAC authorizer does (RuleAllows in
// plugin/pkg/auth/authorizer/rbac, with the helpers of pkg/apis/rbac/v1),
// and says which elements allow it.
func matchRule(r *rbacv1.PolicyRule, req Request) (Match, bool) {
	m := noMatch
	if m.Verb = index(r.Verbs, func(v string) bool { return v == rbacv1.VerbAll || v == req.Verb }); m.Verb < 0 {
		return noMatch, false
	}
	if !req.IsResource() {
		m.NonResourceURL = index(r.NonResourceURLs, func(u string) bool {
			return u == rbacv1.NonResourceAll || u == req.Path ||
				strings.HasSuffix(u, "*") && strings.HasPrefix(req.Path, strings.TrimRight(u, "*"))
		})
		return m, m.NonResourceURL >= 0
	}
	if m.APIGroup = index(r.APIGroups, func(g string) bool { return g == rbacv1.APIGroupAll || g == req.APIGroup }); m.APIGroup < 0 {
		return noMatch, false
	}
	combined := req.Resource
	if req.Subresource != "" {
		combined += "/" + req.Subresource
	}
	m.Resource = index(r.Resources, func(res string) bool {
		switch {
		case res == rbacv1.ResourceAll, res == combined:
			return true
		case req.Subresource == "":
			return false
		}
		// "*/sub" matches that subresource of every resource.
		return len(res) == len(req.Subresource)+2 && strings.HasPrefix(res, "*/") && strings.HasSuffix(res, req.Subresource)
	})
	if m.Resource < 0 {
		return noMatch, false
	}
	if len(r.ResourceNames) > 0 {
		if m.ResourceName = slices.Index(r.ResourceNames, req.Name); m.ResourceName < 0 {
			return noMatch, false
		}
	}
	return m, true
}

func index(xs []string, ok func(string) bool) int {
	for i, x := range xs {
		if ok(x) {
			return i
		}
	}
	return -1
}

// Grant is one reason a request is allowed, or one permission of a user:
// the binding and its subject entry that apply to the user, the role its
// roleRef names, and a rule in effect for that role (Via says through which
// aggregation when the rule comes from another ClusterRole).
type Grant struct {
	Binding *Binding
	// Subject indexes Binding.Subjects: the first entry that applies.
	Subject int
	Role    *Role
	Rule    *Rule
	Via     []Step
	// Match says which elements of the rule allow the request (all -1 for
	// a permission listed without a request).
	Match Match
}

// Namespace returns where the grant applies: the RoleBinding's namespace,
// or "" (everywhere) for a ClusterRoleBinding.
func (g Grant) Namespace() string { return g.Binding.Namespace }

// Allows answers "may u do req?" as the API server's RBAC authorizer
// would with the bindings and roles of the set (and the built-in
// ClusterRoles): yes when any rule in effect for a role bound to u, in
// req's namespace or cluster-wide, allows it. Every yes comes with all its
// grants, ClusterRoleBindings first, in set order.
func (m *Model) Allows(u User, req Request) (bool, []Grant) {
	var grants []Grant
	for _, e := range m.entriesFor(u) {
		if e.binding.Kind == KindRoleBinding && e.binding.Namespace != req.Namespace {
			continue
		}
		role := m.RoleOf(e.binding)
		if role == nil {
			continue
		}
		for _, src := range m.Effective(role) {
			if match, ok := matchRule(&src.Rule.PolicyRule, req); ok {
				grants = append(grants, Grant{Binding: e.binding, Subject: e.subject, Role: role, Rule: src.Rule, Via: src.Via, Match: match})
			}
		}
	}
	return len(grants) > 0, grants
}

// Permissions returns every rule in effect for u: for each binding that
// applies to u (ClusterRoleBindings first, then RoleBindings, in set
// order), each rule in effect for the role it binds. Grant.Namespace tells
// where each applies.
func (m *Model) Permissions(u User) []Grant {
	return m.grantsOf(m.entriesFor(u))
}

func (m *Model) grantsOf(entries []entry) []Grant {
	var out []Grant
	for _, e := range entries {
		role := m.RoleOf(e.binding)
		if role == nil {
			continue
		}
		for _, src := range m.Effective(role) {
			out = append(out, Grant{Binding: e.binding, Subject: e.subject, Role: role, Rule: src.Rule, Via: src.Via, Match: noMatch})
		}
	}
	return out
}

// entry is one subject entry of a binding.
type entry struct {
	binding *Binding
	subject int
}

// entriesFor returns, for each binding that applies to u, its first
// subject entry that does, in the authorizer's order (ClusterRoleBindings,
// then RoleBindings, each in set order).
func (m *Model) entriesFor(u User) []entry {
	var cands []entry
	byUser, _ := m.userEntries(u)
	cands = append(cands, byUser...)
	for _, g := range u.Groups {
		cands = append(cands, m.byGroup[g]...)
	}
	slices.SortFunc(cands, func(a, b entry) int {
		if c := m.order[a.binding] - m.order[b.binding]; c != 0 {
			return c
		}
		return a.subject - b.subject
	})
	return slices.CompactFunc(cands, func(a, b entry) bool { return a.binding == b.binding })
}

// userEntries returns the subject entries of the bindings that name u
// itself (not its groups), without those that bind a ServiceAccount of
// another folder than u.Scope; filtered reports whether any was left out.
func (m *Model) userEntries(u User) (entries []entry, filtered bool) {
	all := m.byUser[u.Name]
	other := func(e entry) bool { return m.otherFolder(e, u.Scope) }
	if u.Scope == "" || !slices.ContainsFunc(all, other) {
		return all, false
	}
	return slices.DeleteFunc(slices.Clone(all), other), true
}

// otherFolder reports whether entry e binds a ServiceAccount without
// namespace of a RoleBinding without metadata.namespace in another folder
// than scope.
func (m *Model) otherFolder(e entry, scope string) bool {
	b := e.binding
	s := b.Subjects[e.subject]
	return b.Scope != "" && b.Scope != scope && s.Kind == rbacv1.ServiceAccountKind && s.Namespace == ""
}
