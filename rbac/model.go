// Package rbac is kvet's model of Kubernetes RBAC across documents: the
// Roles, ClusterRoles, bindings, ServiceAccounts and pod-bearing workloads
// of a set, ClusterRole aggregation, the ClusterRoles built into
// Kubernetes, and an authorizer that answers "may this user do that?" the
// way the API server's RBAC authorizer does, with the grants behind every
// yes. It is pure data and functions: it reads documents that are already
// loaded and never does I/O.
package rbac

import (
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// Model is the RBAC graph of one set of documents. It is built once
// (Build) and then only read, so it may be shared.
type Model struct {
	// Roles, Bindings, ServiceAccounts and Workloads are the objects of the
	// set in document order. When an object is defined twice (same kind,
	// namespace and name; for objects without metadata.namespace, in the
	// same folder: see Folder), the later definition is the one in effect,
	// as with `kubectl apply -f` of the files in order; Problems names
	// both.
	Roles           []*Role
	Bindings        []*Binding
	ServiceAccounts []*ServiceAccount
	Workloads       []*Workload
	// RejectedRoles and RejectedBindings are the definitions of roles and
	// bindings that the API server rejects (Role.Rejected,
	// Binding.Rejected), in document order: `kubectl apply -f` fails for
	// them, so they are in none of the lists above, grant nothing and
	// leave an earlier definition of the same object in effect.
	RejectedRoles    []*Role
	RejectedBindings []*Binding
	// Problems are what the model found wrong or surprising in the set:
	// duplicate objects, rejected roles and bindings, bindings without
	// subjects, roleRefs to missing or rejected roles, invalid aggregation
	// selectors, self-selecting selectors, aggregation cycles.
	Problems []Problem

	// builtin are the built-in ClusterRoles, made on first use
	// (builtins). They aggregate with the set's ClusterRoles in Build
	// (eager) when it has any, else among themselves on first use; their
	// rules in effect and selections are kept apart from the set's, which
	// are all written in Build, so that the first use may come from
	// concurrent readers.
	builtin     map[string]*Role
	builtinOnce sync.Once
	// builtinRoles are the built-in Roles (of kube-system and
	// kube-public), made on first use (builtinRole).
	builtinRoles      map[objectKey]*Role
	builtinRolesOnce  sync.Once
	eager             bool
	builtinEffective  map[*Role][]Source
	builtinSelectedBy map[*Role][]Step
	roles             map[objectKey]*Role
	rejectedRoles     map[objectKey]*Role
	accounts          map[objectKey]*ServiceAccount
	accountsIn        map[string][]*ServiceAccount
	byUser            map[string][]entry
	byGroup           map[string][]entry
	order             map[*Binding]int
	effective         map[*Role][]Source
	selectedBy        map[*Role][]Step
	boundBy           map[*Role][]*Binding
	others            map[*analyzer.Document][]*analyzer.Document
	// refused are the definitions of bindings that the API server refuses
	// (unchanged): made on the first one.
	refused map[*analyzer.Document]bool
}

// Problem is something wrong or surprising in the set that is not a
// finding of a rule, with the place it is about.
type Problem struct {
	Doc     *analyzer.Document
	Path    analyzer.Path
	Message string
	// Other is a second document involved (the other definition of a
	// duplicate object), or nil.
	Other *analyzer.Document
}

// String renders the problem as "file:line: message".
func (p Problem) String() string { return Where(p.Doc, p.Path) + ": " + p.Message }

// objectKey identifies an object of the model: an object without
// metadata.namespace by its folder too (scope), "" for the others.
type objectKey struct{ kind, namespace, name, scope string }

// Build builds the model of docs: the documents of the kinds it reads
// (Kinds), through their Fact. Documents of other kinds are ignored.
func Build(docs []*analyzer.Document) *Model {
	m := &Model{
		accountsIn: map[string][]*ServiceAccount{},
		byUser:     map[string][]entry{},
		byGroup:    map[string][]entry{},
		effective:  map[*Role][]Source{},
		selectedBy: map[*Role][]Step{},

		builtinEffective:  map[*Role][]Source{},
		builtinSelectedBy: map[*Role][]Step{},
		boundBy:           map[*Role][]*Binding{},
		others:            map[*analyzer.Document][]*analyzer.Document{},
	}
	m.collect(docs)
	// The set's ClusterRoles aggregate and are aggregated in Build, so
	// that Problems is complete. Only ClusterRoles aggregate: a set of
	// Roles (one Role file) leaves the built-in ones to their first use.
	m.eager = slices.ContainsFunc(m.Roles, func(r *Role) bool { return r.Kind == KindClusterRole })
	for _, sa := range m.ServiceAccounts {
		m.accountsIn[sa.Namespace] = append(m.accountsIn[sa.Namespace], sa)
	}
	m.index()
	if m.eager {
		m.builtins()
		m.aggregate()
	}
	return m
}

// builtins returns the built-in ClusterRoles, made on first use: a set
// without ClusterRoles or bindings (one Job file, one Role file) never
// reads them. Without ClusterRoles in the set, the built-in ones aggregate
// only each other, here; with some, Build aggregates them all.
func (m *Model) builtins() map[string]*Role {
	m.builtinOnce.Do(func() {
		m.builtin = map[string]*Role{}
		for i, cr := range builtinClusterRoles() {
			r := (*chunks)(nil).newRole(nil, KindClusterRole, "", cr.Labels, cr.Rules, cr.AggregationRule)
			r.Name, r.builtin = cr.Name, i+1
			m.builtin[r.Name] = r
		}
		if !m.eager {
			m.aggregate()
		}
	})
	return m.builtin
}

// collect reads the objects of docs, keeping the later of two definitions.
func (m *Model) collect(docs []*analyzer.Document) {
	fact := Fact()
	// Sized once (Build runs when the heap is at its largest): the lists
	// and lookups of each kind, counted by the documents' kinds, not their
	// facts (for documents whose trees are loaded, the language server's,
	// Fact extracts again at each call).
	var roles, bindings, accounts, workloads int
	podKinds := analyzer.PodKinds()
	for _, d := range docs {
		switch d.Kind {
		case KindRole, KindClusterRole:
			roles++
		case KindRoleBinding, KindClusterRoleBinding:
			bindings++
		case KindServiceAccount:
			accounts++
		default:
			if slices.Contains(podKinds, d.Kind) {
				workloads++
			}
		}
	}
	m.Roles, m.Bindings = slices.Grow(m.Roles, roles), slices.Grow(m.Bindings, bindings)
	m.ServiceAccounts, m.Workloads = slices.Grow(m.ServiceAccounts, accounts), slices.Grow(m.Workloads, workloads)
	m.roles, m.accounts = make(map[objectKey]*Role, roles), make(map[objectKey]*ServiceAccount, accounts)
	seen := seenKeys{seed: maphash.MakeSeed(), at: make(map[uint64]int32, roles+bindings+accounts+workloads)}
	for _, d := range docs {
		switch v := d.Fact(fact).(type) {
		case *Role:
			key := v.key()
			if v.Rejected != nil {
				if m.rejectedRoles == nil {
					m.rejectedRoles = map[objectKey]*Role{}
				}
				m.rejectedRoles[key] = v
				m.RejectedRoles = append(m.RejectedRoles, v)
				m.rejected(v.String(), d, v.Rejected)
				continue
			}
			keepLast(m, &seen, &m.Roles, key, v, d, (*Role).key, func(r *Role) *analyzer.Document { return r.Doc }, nil)
			m.roles[key] = v
		case *Binding:
			if v.Rejected != nil {
				m.RejectedBindings = append(m.RejectedBindings, v)
				m.rejected(v.String(), d, v.Rejected)
				continue
			}
			keepLast(m, &seen, &m.Bindings, v.key(), v, d, (*Binding).key, func(b *Binding) *analyzer.Document { return b.Doc }, sameRoleRef)
		case *ServiceAccount:
			key := v.key()
			keepLast(m, &seen, &m.ServiceAccounts, key, v, d, (*ServiceAccount).key, func(sa *ServiceAccount) *analyzer.Document { return sa.Doc }, nil)
			m.accounts[key] = v
		case *Workload:
			keepLast(m, &seen, &m.Workloads, v.key(), v, d, (*Workload).key, func(w *Workload) *analyzer.Document { return w.Doc }, nil)
		}
	}
}

func (r *Role) key() objectKey    { return objectKey{r.Kind, r.Namespace, r.Name, r.Scope} }
func (b *Binding) key() objectKey { return objectKey{b.Kind, b.Namespace, b.Name, b.Scope} }
func (sa *ServiceAccount) key() objectKey {
	return objectKey{KindServiceAccount, sa.Namespace, sa.Name, sa.Scope}
}
func (w *Workload) key() objectKey { return objectKey{w.Kind, w.Namespace, w.Name, w.Scope} }

// seenKeys finds the objects collect has already listed: the index of each
// key in the list of its kind, by the key's hash. A map by hash has 16-byte
// entries where one by key has 72-byte ones (a tenth of what Build
// allocates at 10,000 documents, when the heap is at its largest); the
// key at the index confirms a match, and the keys whose hash an earlier
// other key has (practically never) go to a map by key.
type seenKeys struct {
	seed  maphash.Seed
	at    map[uint64]int32
	other map[objectKey]int
}

// keepLast appends v, the object key defined by d, to list, or, when list
// already holds a definition of key, puts v in its place and records the
// duplicate. keyOf and doc return the key and document of a list element.
// updatable, when not nil, says whether the API server lets the earlier
// definition be changed into v; when it does not, the earlier one stays
// in effect.
func keepLast[T any](m *Model, seen *seenKeys, list *[]T, key objectKey, v T, d *analyzer.Document,
	keyOf func(T) objectKey, doc func(T) *analyzer.Document, updatable func(old, new T) bool) {
	h := maphash.Comparable(seen.seed, key)
	i, ok := seen.at[h]
	redefine := func(at int) {
		if updatable != nil && !updatable((*list)[at], v) {
			m.unchanged(key, d, doc((*list)[at]))
			return
		}
		m.duplicate(key, d, doc((*list)[at]))
		(*list)[at] = v
	}
	switch {
	case !ok:
		seen.at[h] = int32(len(*list))
	case keyOf((*list)[i]) == key:
		redefine(int(i))
		return
	default:
		j, ok := seen.other[key]
		if ok {
			redefine(j)
			return
		}
		if seen.other == nil {
			seen.other = map[objectKey]int{}
		}
		seen.other[key] = len(*list)
	}
	*list = append(*list, v)
}

// rejected records the problem of d, which defines the object named
// name, being rejected by the API server for reasons (the first is named).
func (m *Model) rejected(name string, d *analyzer.Document, reasons []analyzer.Rejection) {
	r := reasons[0]
	m.Problems = append(m.Problems, Problem{Doc: d, Path: r.Path,
		Message: fmt.Sprintf("%s is not applied: the API server rejects it (%s: %s), so it grants nothing", name, r.Path, r.Message)})
}

// duplicate records that d redefines the object key, defined until now by
// prev: d is in effect.
func (m *Model) duplicate(key objectKey, d, prev *analyzer.Document) {
	m.redefined(key, d, prev, d, analyzer.NewPath("metadata", "name"),
		"; kvet uses this later definition, as kubectl apply -f would")
}

// sameRoleRef says whether binding b can be updated into c: the API
// server refuses to change a binding's roleRef.
func sameRoleRef(b, c *Binding) bool { return b.RoleRef == c.RoleRef }

// unchanged records that d redefines the object key, defined by prev, in a
// way the API server refuses: prev stays in effect.
func (m *Model) unchanged(key objectKey, d, prev *analyzer.Document) {
	if m.refused == nil {
		m.refused = map[*analyzer.Document]bool{}
	}
	m.refused[d] = true
	m.redefined(key, d, prev, prev, analyzer.NewPath("roleRef", "name"),
		", with another roleRef; the API server refuses to change a binding's roleRef, so kubectl apply -f leaves the first definition in effect, and kvet uses it")
}

// redefined records the problem of d redefining key, defined by prev,
// reported at path in d: inEffect (one of them) is the definition in
// effect, and the other one of its Others.
func (m *Model) redefined(key objectKey, d, prev, inEffect *analyzer.Document, path analyzer.Path, verdict string) {
	other := d
	if inEffect == d {
		other = prev
	}
	m.others[inEffect] = append(append(m.others[inEffect], other), m.others[other]...)
	delete(m.others, other)
	name := key.name
	if key.namespace != "" {
		name = key.namespace + "/" + name
	}
	m.Problems = append(m.Problems, Problem{
		Doc: d, Path: path, Other: prev,
		Message: fmt.Sprintf("%s %s is defined twice, here and at %s%s",
			key.kind, Shown(name), Where(prev, analyzer.NewPath("metadata", "name")), verdict),
	})
}

// Others returns the other definitions of the object that doc defines,
// when it is defined more than once (doc being the one in effect).
func (m *Model) Others(doc *analyzer.Document) []*analyzer.Document { return m.others[doc] }

// Refused reports whether doc, one of the Others of a binding, is not in
// effect because the API server refuses it: it changes the roleRef of the
// definition before it, so kubectl apply -f leaves that one in effect.
// The others are overridden by a later definition.
func (m *Model) Refused(doc *analyzer.Document) bool { return m.refused[doc] }

// index builds the subject index of the bindings and records the problems
// of their subjects and roleRefs.
func (m *Model) index() {
	m.order = make(map[*Binding]int, len(m.Bindings))
	n := 0
	for _, kind := range []string{KindClusterRoleBinding, KindRoleBinding} {
		for _, b := range m.Bindings {
			if b.Kind != kind {
				continue
			}
			m.order[b] = n
			n++
			m.indexBinding(b)
		}
	}
}

// indexBinding indexes a binding that the API server accepts: its subjects
// are of a valid kind, with a name (and, in a ClusterRoleBinding, a
// ServiceAccount's namespace), and its roleRef of a kind it can bind,
// with a name.
func (m *Model) indexBinding(b *Binding) {
	if len(b.Subjects) == 0 {
		m.Problems = append(m.Problems, Problem{Doc: b.Doc, Path: analyzer.NewPath("subjects"),
			Message: fmt.Sprintf("%s has no subjects: it grants nothing", b)})
	}
	for i, s := range b.Subjects {
		e := entry{binding: b, subject: i}
		switch s.Kind {
		case rbacv1.UserKind:
			m.byUser[s.Name] = append(m.byUser[s.Name], e)
		case rbacv1.GroupKind:
			m.byGroup[s.Name] = append(m.byGroup[s.Name], e)
		case rbacv1.ServiceAccountKind:
			if ns := b.subjectNamespace(s); ns != "" {
				user := ServiceAccountPrefix + ns + ":" + s.Name
				m.byUser[user] = append(m.byUser[user], e)
			}
		}
	}
	role := m.RoleOf(b)
	if role != nil {
		m.boundBy[role] = append(m.boundBy[role], b)
		return
	}
	msg := fmt.Sprintf("%s refers to %s %s, which is neither in the set nor built into Kubernetes: it grants nothing", b, b.RoleRef.Kind, b.RoleRef.Name)
	switch rejected := m.RejectedRoleOf(b); {
	case rejected != nil:
		msg = fmt.Sprintf("%s refers to %s, which the API server rejects (%s): it grants nothing", b, rejected, Where(rejected.Doc, rejected.Rejected[0].Path))
	case b.RoleRef.Kind == KindRole:
		msg = fmt.Sprintf("%s refers to Role %s, which the set does not define in namespace %s: it grants nothing", b, Shown(b.RoleRef.Name), Shown(b.Namespace))
	case strings.HasPrefix(b.RoleRef.Name, "system:"):
		return // a system role of the cluster that kvet does not know the rules of
	}
	m.Problems = append(m.Problems, Problem{Doc: b.Doc, Path: b.RoleRefPath(), Message: msg})
}

// RoleOf returns the role a binding's roleRef names, as the authorizer
// resolves it: a Role in a RoleBinding's namespace, or a ClusterRole of the
// set or built in. It is nil when there is none (or the reference is
// invalid: a Role in a ClusterRoleBinding, or another kind).
func (m *Model) RoleOf(b *Binding) *Role {
	switch {
	case b.RoleRef.Kind == KindClusterRole:
		return m.ClusterRole(b.RoleRef.Name)
	case b.RoleRef.Kind == KindRole && b.Kind == KindRoleBinding:
		return m.RoleFor(b, b.RoleRef.Name)
	}
	return nil
}

// RejectedRoleOf returns the role that a binding's roleRef names, resolved
// as RoleOf does, when the set defines it only in ways the API server
// rejects (its last such definition), else nil.
func (m *Model) RejectedRoleOf(b *Binding) *Role {
	if m.RoleOf(b) != nil {
		return nil
	}
	switch {
	case b.RoleRef.Kind == KindClusterRole:
		return m.rejectedRoles[objectKey{KindClusterRole, "", b.RoleRef.Name, ""}]
	case b.RoleRef.Kind == KindRole && b.Kind == KindRoleBinding:
		r, _ := find(m.rejectedRoles, KindRole, b.Namespace, b.RoleRef.Name, b.Scope, b.Doc)
		return r
	}
	return nil
}

// find returns the object kind ns/name as a reference from a document
// from, of scope scope, resolves it: in the same scope, then in the
// SharedScope.
func find[T any](objs map[objectKey]T, kind, ns, name, scope string, from *analyzer.Document) (T, bool) {
	if v, ok := objs[objectKey{kind, ns, name, scope}]; ok {
		return v, ok
	}
	other, ok := SharedScope(ns, scope, from)
	if !ok {
		var zero T
		return zero, false
	}
	v, ok := objs[objectKey{kind, ns, name, other}]
	return v, ok
}

// SharedScope returns the other scope where a reference from document
// from, of namespace ns and scope scope, resolves after its own: an object
// without metadata.namespace sees those of its folder, not another
// folder's, and, in namespace default, the other objects that may land
// there with it: the explicitly namespaced ones (scope "") for an object
// without metadata.namespace, those of its own folder without one for an
// object of namespace default. ok is false outside namespace default.
// Every rule that resolves references between objects of the set does it
// this way.
func SharedScope(ns, scope string, from *analyzer.Document) (other string, ok bool) {
	switch {
	case ns != DefaultNamespace:
		return "", false
	case scope != "":
		return "", true
	case from == nil:
		return "", false
	}
	return Folder(from), true
}

// ClusterRole returns the ClusterRole name: the set's, else the built-in
// one, else nil.
func (m *Model) ClusterRole(name string) *Role {
	if r := m.roles[objectKey{KindClusterRole, "", name, ""}]; r != nil {
		return r
	}
	return m.builtins()[name]
}

// BuiltinClusterRole returns the built-in ClusterRole name, even when the
// set redefines it, or nil.
func (m *Model) BuiltinClusterRole(name string) *Role { return m.builtins()[name] }

// RoleFor returns the Role name that the RoleBinding b can bind, in its
// namespace (and, without metadata.namespace, its folder): the set's, else
// the one built into Kubernetes there, or nil.
func (m *Model) RoleFor(b *Binding, name string) *Role {
	if r, ok := find(m.roles, KindRole, b.Namespace, name, b.Scope, b.Doc); ok {
		return r
	}
	return m.builtinRole(b.Namespace, name)
}

// builtinRole returns the Role ns/name that an API server creates at
// start-up (extension-apiserver-authentication-reader and the
// leader-locking roles in kube-system, ...), or nil. The table is made on
// first use: only a RoleBinding to a Role the set does not define asks.
func (m *Model) builtinRole(ns, name string) *Role {
	m.builtinRolesOnce.Do(func() {
		m.builtinRoles = map[objectKey]*Role{}
		for _, br := range builtinRoles() {
			r := (*chunks)(nil).newRole(nil, KindRole, br.Namespace, br.Labels, br.Rules, nil)
			r.Name = br.Name
			for _, rule := range r.Rules {
				rule.risks = Risks(KindRole, &rule.PolicyRule)
			}
			m.builtinRoles[objectKey{KindRole, br.Namespace, br.Name, ""}] = r
		}
	})
	return m.builtinRoles[objectKey{KindRole, ns, name, ""}]
}

// RolesNamed returns the Roles of the set named name, in any namespace.
func (m *Model) RolesNamed(name string) []*Role {
	var out []*Role
	for _, r := range m.Roles {
		if r.Kind == KindRole && r.Name == name {
			out = append(out, r)
		}
	}
	return out
}

// Account returns the ServiceAccount name of the set that the pods of w
// would run as, in its namespace (and, without metadata.namespace, its
// folder), or nil.
func (m *Model) Account(w *Workload, name string) *ServiceAccount {
	sa, _ := find(m.accounts, KindServiceAccount, w.Namespace, name, w.Scope, w.Doc)
	return sa
}

// AccountsIn returns the ServiceAccounts the set defines in namespace ns.
func (m *Model) AccountsIn(ns string) []*ServiceAccount { return m.accountsIn[ns] }

// BoundBy returns the bindings of the set whose roleRef resolves to role.
func (m *Model) BoundBy(role *Role) []*Binding { return m.boundBy[role] }

// TokenMounted reports whether a workload's pods get an API token of
// their ServiceAccount: a projected token volume, else the pod spec's
// automountServiceAccountToken, else the ServiceAccount's (when the set
// defines it), else true (the default).
func (m *Model) TokenMounted(w *Workload) bool {
	switch {
	case w.ProjectedToken:
		return true
	case w.Automount != nil:
		return *w.Automount
	}
	if sa := m.Account(w, w.Account); sa != nil && sa.Automount != nil {
		return *sa.Automount
	}
	return true
}

// WorkloadsOf returns the workloads whose pods run as ServiceAccount
// ns/name.
func (m *Model) WorkloadsOf(ns, name string) []*Workload {
	var out []*Workload
	for _, w := range m.Workloads {
		if w.Namespace == ns && w.Account == name {
			out = append(out, w)
		}
	}
	return out
}

// Subject is a User, Group or ServiceAccount, as bindings name them.
type Subject struct {
	Kind      string // rbacv1.UserKind, GroupKind or ServiceAccountKind
	Namespace string // for a ServiceAccount
	Name      string
}

// String names the subject: "User jane", "Group dev", "ServiceAccount
// billing/exporter".
func (s Subject) String() string {
	if s.Kind == rbacv1.ServiceAccountKind {
		return s.Kind + " " + Shown(s.Namespace) + "/" + Shown(s.Name)
	}
	return s.Kind + " " + Shown(s.Name)
}

// User returns the identity whose permissions are the subject's: a
// ServiceAccount's user; a user as `kubectl --as` makes it (in
// system:authenticated); for a group, a member of that group only.
func (s Subject) User() User {
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		return ServiceAccountUser(s.Namespace, s.Name)
	case rbacv1.GroupKind:
		return User{Groups: []string{s.Name}}
	}
	return Impersonate(s.Name, nil)
}

// Subjects returns every subject the set names: the Users, Groups and
// ServiceAccounts of the bindings' subjects (a ServiceAccount user named
// as a User is its ServiceAccount), the ServiceAccounts the set defines
// and those its workloads run as; sorted by kind (User, Group,
// ServiceAccount), namespace and name.
func (m *Model) Subjects() []Subject {
	seen := map[Subject]bool{}
	add := func(s Subject) {
		if ns, name, ok := SplitServiceAccount(s.Name); ok && s.Kind == rbacv1.UserKind {
			s = Subject{Kind: rbacv1.ServiceAccountKind, Namespace: ns, Name: name}
		}
		seen[s] = true
	}
	for _, b := range m.Bindings {
		for _, s := range b.Subjects {
			switch s.Kind {
			case rbacv1.UserKind, rbacv1.GroupKind:
				add(Subject{Kind: s.Kind, Name: s.Name})
			case rbacv1.ServiceAccountKind:
				if ns := b.subjectNamespace(s); ns != "" {
					add(Subject{Kind: s.Kind, Namespace: ns, Name: s.Name})
				}
			}
		}
	}
	for _, sa := range m.ServiceAccounts {
		add(Subject{Kind: rbacv1.ServiceAccountKind, Namespace: sa.Namespace, Name: sa.Name})
	}
	for _, w := range m.Workloads {
		add(Subject{Kind: rbacv1.ServiceAccountKind, Namespace: w.Namespace, Name: w.Account})
	}
	out := make([]Subject, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	rank := map[string]int{rbacv1.UserKind: 0, rbacv1.GroupKind: 1, rbacv1.ServiceAccountKind: 2}
	slices.SortFunc(out, func(a, b Subject) int {
		if a.Kind != b.Kind {
			return rank[a.Kind] - rank[b.Kind]
		}
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
