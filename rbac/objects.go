package rbac

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/pack"
)

// Kinds of the objects the model reads.
const (
	KindRole               = "Role"
	KindClusterRole        = "ClusterRole"
	KindRoleBinding        = "RoleBinding"
	KindClusterRoleBinding = "ClusterRoleBinding"
	KindServiceAccount     = "ServiceAccount"
)

// DefaultNamespace is the namespace of namespaced objects that do not set
// metadata.namespace: where `kubectl apply` puts them with the default
// context.
const DefaultNamespace = "default"

// Role is a Role or a ClusterRole: from the set, or built into Kubernetes.
// Its fields are as written; the rules in effect for an aggregated
// ClusterRole are the model's (Model.Effective).
type Role struct {
	Kind      string // KindRole or KindClusterRole
	Namespace string // "" for a ClusterRole
	// Scope is the folder of a Role without metadata.namespace (see the
	// function Scope), "" for others (see Folder).
	Scope  string
	Name   string
	Labels map[string]string
	Rules  []*Rule
	// Aggregation is a ClusterRole's aggregationRule, nil when it has none.
	Aggregation *rbacv1.AggregationRule
	// Doc is the document that defines the role; nil for a built-in role.
	Doc *analyzer.Document
	// Rejected says why the API server rejects the role
	// (analyzer.RBACRejections), nil when it accepts it. A rejected role
	// is never created: the model leaves it out (Model.RejectedRoles).
	Rejected []analyzer.Rejection
	// builtin is 1 + the role's index in builtinClusterRoles for a
	// built-in role, 0 for a role of the set.
	builtin int
}

// Builtin reports whether the role is built into Kubernetes (not from the
// set).
func (r *Role) Builtin() bool { return r.Doc == nil }

// String names the role as messages do: "Role billing/secret-reader",
// "ClusterRole view".
func (r *Role) String() string {
	if r.Kind == KindRole {
		return r.Kind + " " + Shown(r.Namespace) + "/" + Shown(r.Name)
	}
	return r.Kind + " " + Shown(r.Name)
}

// Rule is one entry of a role's rules.
type Rule struct {
	rbacv1.PolicyRule
	// Role declares the rule, at Role.Rules[Index].
	Role  *Role
	Index int
	// risks are the entry's Risks, for a role of the set.
	risks []Risk
}

// Risks returns the sensitive accesses the entry grants (Risks), computed
// once: when the set's role is read, and for a built-in role when a run
// first asks (most runs bind few of the built-in ClusterRoles, and a run
// without bindings none).
func (r *Rule) Risks() []Risk {
	if i := r.Role.builtin; i > 0 {
		return builtinRisks()[i-1]()[r.Index]
	}
	return r.risks
}

// builtinRisks are the Risks of the built-in ClusterRoles' rules, by role
// (in builtinClusterRoles' order) and rule, each role's computed on first
// use and then shared by every model of the process. Never modified.
var builtinRisks = sync.OnceValue(func() []func() [][]Risk {
	roles := builtinClusterRoles()
	out := make([]func() [][]Risk, len(roles))
	for i := range roles {
		rules := roles[i].Rules
		out[i] = sync.OnceValue(func() [][]Risk {
			risks := make([][]Risk, len(rules))
			for j := range rules {
				risks[j] = Risks(KindClusterRole, &rules[j])
			}
			return risks
		})
	}
	return out
})

// Path returns the path of the rule entry in its role's document.
// The path is shared: do not modify it.
func (r *Rule) Path() analyzer.Path {
	if r.Index < len(fixed().rules) {
		return fixed().rules[r.Index]
	}
	return analyzer.NewPath("rules", r.Index)
}

// fixedPaths are paths that most roles, bindings and ServiceAccounts have,
// built once (a set has thousands of them, and extraction only hashes
// them). Never modified.
type fixedPaths struct {
	name, kind, roleRefName, roleRefKind analyzer.Path
	serviceName                          analyzer.Path    // a StatefulSet's spec.serviceName
	subjects, rules                      [8]analyzer.Path // subjects[i].name, rules[i]
}

var fixed = sync.OnceValue(func() *fixedPaths {
	f := &fixedPaths{name: analyzer.NewPath("metadata", "name"), kind: analyzer.NewPath("kind"),
		roleRefName: analyzer.NewPath("roleRef", "name"), roleRefKind: analyzer.NewPath("roleRef", "kind"),
		serviceName: analyzer.NewPath("spec", "serviceName")}
	for i := range f.subjects {
		f.subjects[i] = analyzer.NewPath("subjects", i, "name")
	}
	for i := range f.rules {
		f.rules[i] = analyzer.NewPath("rules", i)
	}
	return f
})

// ElementPath returns the path of element i of the rule's field ("verbs",
// "apiGroups", "resources", "resourceNames" or "nonResourceURLs"), or the
// entry's own path when i < 0.
func (r *Rule) ElementPath(field string, i int) analyzer.Path {
	if i < 0 {
		return r.Path()
	}
	return analyzer.NewPath("rules", r.Index, field, i)
}

// Binding is a RoleBinding or a ClusterRoleBinding.
type Binding struct {
	Kind      string // KindRoleBinding or KindClusterRoleBinding
	Namespace string // "" for a ClusterRoleBinding
	// Scope is the folder of a RoleBinding without metadata.namespace
	// (see the function Scope), "" for others (see Folder).
	Scope    string
	Name     string
	Subjects []rbacv1.Subject
	RoleRef  rbacv1.RoleRef
	Doc      *analyzer.Document
	// Rejected says why the API server rejects the binding
	// (analyzer.RBACRejections), nil when it accepts it. A rejected
	// binding is never created: the model leaves it out
	// (Model.RejectedBindings).
	Rejected []analyzer.Rejection
}

// String names the binding as messages do: "RoleBinding billing/readers",
// "ClusterRoleBinding ops".
func (b *Binding) String() string {
	if b.Kind == KindRoleBinding {
		return b.Kind + " " + Shown(b.Namespace) + "/" + Shown(b.Name)
	}
	return b.Kind + " " + Shown(b.Name)
}

// SubjectPath returns the path of the name of subject i (where the
// catalog's binding rules point). The path is shared: do not modify it.
func (b *Binding) SubjectPath(i int) analyzer.Path {
	if i < len(fixed().subjects) {
		return fixed().subjects[i]
	}
	return analyzer.NewPath("subjects", i, "name")
}

// RoleRefPath returns the path of roleRef's name.
// The path is shared: do not modify it.
func (b *Binding) RoleRefPath() analyzer.Path { return fixed().roleRefName }

// subjectNamespace returns the namespace of a ServiceAccount subject: its
// own, else (in a RoleBinding) the binding's; "" means it matches nobody.
func (b *Binding) subjectNamespace(s rbacv1.Subject) string {
	if s.Namespace != "" {
		return s.Namespace
	}
	return b.Namespace
}

// ServiceAccount is a ServiceAccount of the set.
type ServiceAccount struct {
	Namespace string
	// NamespaceSet tells whether metadata.namespace is set (when it is
	// not, Namespace is the rendering's, else DefaultNamespace: see the
	// function Namespace).
	NamespaceSet bool
	// Scope is the folder of a ServiceAccount without
	// metadata.namespace (see the function Scope), "" for others (see
	// Folder).
	Scope string
	Name  string
	// Automount is automountServiceAccountToken, nil when unset.
	Automount *bool
	Doc       *analyzer.Document
}

// Workload is a pod-bearing object: Pod, Deployment, StatefulSet,
// DaemonSet, ReplicaSet, ReplicationController, Job or CronJob.
type Workload struct {
	Kind      string
	Namespace string
	// NamespaceSet tells whether metadata.namespace is set (when it is
	// not, Namespace is the rendering's, else DefaultNamespace: see the
	// function Namespace).
	NamespaceSet bool
	// Scope is the folder of a workload without metadata.namespace (see
	// the function Scope), "" for others (see Folder).
	Scope string
	Name  string
	Doc   *analyzer.Document
	// Account is the ServiceAccount its pods run as: serviceAccountName,
	// else the deprecated serviceAccount, else "default".
	Account string
	// AccountField is the pod spec field that names the account:
	// serviceAccountName, or the deprecated serviceAccount; Explicit is
	// false when neither is set.
	AccountField string
	Explicit     bool
	// Automount is the pod spec's automountServiceAccountToken, nil when
	// unset; ProjectedToken is set when a projected volume mounts a
	// ServiceAccount token explicitly.
	Automount      *bool
	ProjectedToken bool
	// Subdomain is the headless Service its pods' DNS names need: a
	// StatefulSet's serviceName (its pods get it as their subdomain,
	// whatever the template says), else the pod template's subdomain; ""
	// when neither is set. SubdomainPath is where it is named.
	Subdomain     string
	SubdomainPath analyzer.Path
}

// AccountPath returns the path of the field that names the account, or of
// the pod spec's serviceAccountName when neither field is set (it then
// points at the pod spec). The path is shared: do not modify it.
func (w *Workload) AccountPath() analyzer.Path {
	return accountPaths()[[2]string{w.Kind, w.AccountField}]
}

// accountPaths are the paths of serviceAccountName and serviceAccount in
// each pod-bearing kind, built once (workloads are many). Never modified.
var accountPaths = sync.OnceValue(func() map[[2]string]analyzer.Path {
	out := map[[2]string]analyzer.Path{}
	for _, k := range analyzer.PodKinds() {
		for _, f := range []string{"serviceAccountName", "serviceAccount"} {
			out[[2]string{k, f}] = analyzer.PodSpecPath(k).Key(f)
		}
	}
	return out
})

// String names the workload as messages do: "CronJob billing/export".
func (w *Workload) String() string { return w.Kind + " " + Shown(w.Namespace) + "/" + Shown(w.Name) }

// User returns the identity the workload's pods act as (with its Scope).
func (w *Workload) User() User {
	u := ServiceAccountUser(w.Namespace, w.Account)
	u.Scope = w.Scope
	return u
}

// Kinds returns the kinds the model reads.
func Kinds() []string {
	return append([]string{KindRole, KindClusterRole, KindRoleBinding, KindClusterRoleBinding, KindServiceAccount}, analyzer.PodKinds()...)
}

// Fact returns the fact the model is built from: for each document of
// Kinds, its Role, Binding, ServiceAccount or Workload, and the paths that
// the cross-document rules report or relate to (names, roleRefs, subjects,
// rule entries and the resource elements of sensitive ones, aggregation
// selectors and labels, serviceAccountName). Set rules declare it so that
// Lint keeps these small values rather than whole objects.
func Fact() *analyzer.Fact {
	return &analyzer.Fact{Name: "rbac", Kinds: Kinds(), Extract: (*chunks)(nil).extract,
		ForRun: func() func(*analyzer.Document) (any, []analyzer.Path) { return new(chunks).extract }}
}

// chunks allocates the objects of one run's facts together, in a pack of
// each type (see analyzer.Fact.ForRun): thousands of objects that live
// until the set rules have run would otherwise each keep a memory span of
// the per-document phase's garbage in use. A nil chunks allocates each
// object alone. It is safe for concurrent use.
//
// What only the decoded object holds (the strings of serviceAccountName,
// rule lists, subjects and roleRefs, the automount flags) is copied into
// packs too, so that the facts point into a few large blocks rather than
// keep the decoded objects' many small allocations alive: the collector
// marks what the facts point at in every cycle while files are checked.
// Names, namespaces and kinds are the document's own strings (the decoder
// and the document share the YAML node's value), which the document keeps
// anyway, so they are not copied; nor are a role's labels and aggregation
// rule, which few roles have.
type chunks struct {
	roles     pack.Pack[Role]
	entries   pack.Pack[Rule]
	bindings  pack.Pack[Binding]
	accounts  pack.Pack[ServiceAccount]
	workloads pack.Pack[Workload]
	text      pack.Pack[byte]
	lists     pack.Pack[string]
	subjects  pack.Pack[rbacv1.Subject]
	flags     pack.Pack[bool]
	rules     pack.Pack[*Rule]
}

// str returns s, copied into c's text pack (s itself when c is nil).
func (c *chunks) str(s string) string {
	if c == nil {
		return s
	}
	return pack.String(&c.text, s)
}

// strs returns ss with its strings copied into c's packs (ss itself when
// c is nil).
func (c *chunks) strs(ss []string) []string {
	if c == nil || len(ss) == 0 {
		return ss
	}
	out := c.lists.Take(len(ss))
	for i, s := range ss {
		out[i] = c.str(s)
	}
	return out
}

// flag returns b (nil for unset) in c's pack (b itself when c is nil).
func (c *chunks) flag(b *bool) *bool {
	if c == nil || b == nil {
		return b
	}
	f := &c.flags.Take(1)[0]
	*f = *b
	return f
}

// rule returns r with its lists in c's packs.
func (c *chunks) rule(r rbacv1.PolicyRule) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: c.strs(r.Verbs), APIGroups: c.strs(r.APIGroups), Resources: c.strs(r.Resources),
		ResourceNames: c.strs(r.ResourceNames), NonResourceURLs: c.strs(r.NonResourceURLs)}
}

// binding returns the subjects and roleRef of a binding in c's packs.
func (c *chunks) binding(subjects []rbacv1.Subject, ref rbacv1.RoleRef) ([]rbacv1.Subject, rbacv1.RoleRef) {
	if c == nil {
		return subjects, ref
	}
	out := c.subjects.Take(len(subjects))
	for i, s := range subjects {
		out[i] = rbacv1.Subject{Kind: c.str(s.Kind), APIGroup: c.str(s.APIGroup), Name: c.str(s.Name), Namespace: c.str(s.Namespace)}
	}
	return out, rbacv1.RoleRef{APIGroup: c.str(ref.APIGroup), Kind: c.str(ref.Kind), Name: c.str(ref.Name)}
}

func rolesOf(c *chunks) *pack.Pack[Role]              { return &c.roles }
func entriesOf(c *chunks) *pack.Pack[Rule]            { return &c.entries }
func bindingsOf(c *chunks) *pack.Pack[Binding]        { return &c.bindings }
func accountsOf(c *chunks) *pack.Pack[ServiceAccount] { return &c.accounts }
func workloadsOf(c *chunks) *pack.Pack[Workload]      { return &c.workloads }
func rulesOf(c *chunks) *pack.Pack[*Rule]             { return &c.rules }

// take returns n zero values from the pack of c that field selects (of
// their own when c is nil).
func take[T any](c *chunks, field func(*chunks) *pack.Pack[T], n int) []T {
	if c == nil {
		return make([]T, n)
	}
	return field(c).Take(n)
}

// extract reads one document.
func (c *chunks) extract(d *analyzer.Document) (any, []analyzer.Path) {
	switch o := d.Object.(type) {
	case *rbacv1.Role:
		r := c.newRole(d, KindRole, Namespace(d, o.Namespace), o.Labels, o.Rules, nil)
		r.Scope, r.Rejected = Scope(d, o.Namespace), analyzer.RBACRejections(o)
		return r, r.paths()
	case *rbacv1.ClusterRole:
		r := c.newRole(d, KindClusterRole, "", o.Labels, o.Rules, o.AggregationRule)
		r.Rejected = analyzer.RBACRejections(o)
		return r, r.paths()
	case *rbacv1.RoleBinding:
		b := &take(c, bindingsOf, 1)[0]
		subjects, ref := c.binding(o.Subjects, o.RoleRef)
		*b = Binding{Kind: KindRoleBinding, Namespace: Namespace(d, o.Namespace), Scope: Scope(d, o.Namespace), Name: d.Name, Subjects: subjects, RoleRef: ref, Doc: d,
			Rejected: analyzer.RBACRejections(o)}
		return b, b.paths()
	case *rbacv1.ClusterRoleBinding:
		b := &take(c, bindingsOf, 1)[0]
		subjects, ref := c.binding(o.Subjects, o.RoleRef)
		*b = Binding{Kind: KindClusterRoleBinding, Name: d.Name, Subjects: subjects, RoleRef: ref, Doc: d, Rejected: analyzer.RBACRejections(o)}
		return b, b.paths()
	case *corev1.ServiceAccount:
		sa := &take(c, accountsOf, 1)[0]
		*sa = ServiceAccount{Namespace: Namespace(d, o.Namespace), NamespaceSet: o.Namespace != "", Scope: Scope(d, o.Namespace), Name: d.Name,
			Automount: c.flag(o.AutomountServiceAccountToken), Doc: d}
		return sa, []analyzer.Path{fixed().name}
	}
	t, ok := analyzer.PodTemplateOf(d)
	if !ok {
		return nil, nil
	}
	w := &take(c, workloadsOf, 1)[0]
	*w = Workload{Kind: d.Kind, Namespace: Namespace(d, d.Namespace), NamespaceSet: d.Namespace != "", Scope: Scope(d, d.Namespace), Name: d.Name, Doc: d,
		Account: "default", AccountField: "serviceAccountName", Automount: c.flag(t.Spec.AutomountServiceAccountToken)}
	switch {
	case t.Spec.ServiceAccountName != "":
		w.Account, w.Explicit = c.str(t.Spec.ServiceAccountName), true
	case t.Spec.DeprecatedServiceAccount != "":
		w.Account, w.Explicit, w.AccountField = c.str(t.Spec.DeprecatedServiceAccount), true, "serviceAccount"
	}
	if s, ok := d.Object.(*appsv1.StatefulSet); ok {
		if s.Spec.ServiceName != "" {
			w.Subdomain, w.SubdomainPath = c.str(s.Spec.ServiceName), fixed().serviceName
		}
	} else if t.Spec.Subdomain != "" {
		w.Subdomain, w.SubdomainPath = c.str(t.Spec.Subdomain), t.Path.Key("subdomain")
	}
	for _, v := range t.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				w.ProjectedToken = true
			}
		}
	}
	if w.Subdomain != "" {
		return w, []analyzer.Path{w.AccountPath(), w.SubdomainPath}
	}
	return w, []analyzer.Path{w.AccountPath()}
}

// Namespace returns the namespace of an object of d whose
// metadata.namespace is ns: ns, else the namespace its rendering creates
// it in (a chart's release namespace, analyzer.Rendering.Namespace), else
// DefaultNamespace.
func Namespace(d *analyzer.Document, ns string) string {
	switch {
	case ns != "":
		return ns
	case d.Rendering != nil && d.Rendering.Namespace != "":
		return d.Rendering.Namespace
	}
	return DefaultNamespace
}

// Folder returns the folder of d: the manifests of one folder without
// metadata.namespace are applied together, into whatever namespace
// `kubectl apply -n` (or the context) gives them, typically one per folder
// or overlay. It is the root of d's rendering, else the directory of its
// file, absolute and with symbolic links resolved (analyzer.File.Folder),
// so that one folder is one however its files are named. The model keys
// such an object by its folder (its Scope), so that objects of the same
// kind and name in two folders are two objects, and resolves references
// between them within the folder. Messages name it as FolderName does.
func Folder(d *analyzer.Document) string {
	if d.Rendering != nil {
		return d.Rendering.Folder()
	}
	return d.File.Folder()
}

// FolderName names the folder of d (see Folder) in messages, as the user
// gave it: the root of its rendering as discovered, else the directory of
// its file as named.
func FolderName(d *analyzer.Document) string {
	if d.Rendering != nil {
		return d.Rendering.Root
	}
	return path.Dir(d.File.Path)
}

// Scope returns the Scope of a namespaced object of d whose
// metadata.namespace is ns: its folder when its namespace depends on where
// the folder is applied (ns is unset and its rendering does not decide
// it, see Namespace), else "".
func Scope(d *analyzer.Document, ns string) string {
	if ns != "" || d.Rendering != nil && d.Rendering.Namespace != "" {
		return ""
	}
	return Folder(d)
}

// newRole makes a role with its entries (c's, when c is not nil).
func (c *chunks) newRole(d *analyzer.Document, kind, ns string, labels map[string]string, rules []rbacv1.PolicyRule, agg *rbacv1.AggregationRule) *Role {
	r := &take(c, rolesOf, 1)[0]
	*r = Role{Kind: kind, Namespace: ns, Labels: labels, Aggregation: agg, Doc: d}
	if d != nil {
		r.Name = d.Name
	}
	entries := take(c, entriesOf, len(rules))
	r.Rules = take(c, rulesOf, len(rules))
	for i := range rules {
		entries[i] = Rule{PolicyRule: c.rule(rules[i]), Role: r, Index: i}
		r.Rules[i] = &entries[i]
		if d != nil {
			r.Rules[i].risks = Risks(kind, &entries[i].PolicyRule)
		}
	}
	return r
}

// paths are the places of a role that findings report or relate to: its
// name (and kind, for a ClusterRole), the entries that grant a sensitive
// access and their resource elements, its labels and aggregation
// selectors.
func (r *Role) paths() []analyzer.Path {
	ps := []analyzer.Path{fixed().name}
	if r.Kind == KindClusterRole {
		ps = append(ps, fixed().kind)
	}
	for _, rule := range r.Rules {
		if len(rule.risks) == 0 {
			continue
		}
		ps = append(ps, rule.Path())
		for _, risk := range rule.risks {
			if risk.Resource >= 0 {
				ps = append(ps, rule.ElementPath("resources", risk.Resource))
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.Labels)) {
		ps = append(ps, analyzer.NewPath("metadata", "labels", k))
	}
	if r.Aggregation != nil {
		for i := range r.Aggregation.ClusterRoleSelectors {
			ps = append(ps, analyzer.NewPath("aggregationRule", "clusterRoleSelectors", i))
		}
	}
	if len(r.Rejected) > 0 {
		ps = append(ps, r.Rejected[0].Path)
	}
	return ps
}

// paths are the places of a binding that findings report or relate to.
func (b *Binding) paths() []analyzer.Path {
	ps := make([]analyzer.Path, 0, 3+len(b.Subjects))
	ps = append(ps, fixed().name, b.RoleRefPath(), fixed().roleRefKind)
	for i := range b.Subjects {
		ps = append(ps, b.SubjectPath(i))
	}
	if len(b.Rejected) > 0 {
		ps = append(ps, b.Rejected[0].Path)
	}
	return ps
}

// Where returns "file:line" of path in doc (in its source file, for a
// rendered document), for messages, or "built-in" when doc is nil.
func Where(doc *analyzer.Document, path analyzer.Path) string {
	if doc == nil {
		return "built-in"
	}
	file, r := doc.Position(path, false)
	return fmt.Sprintf("%s:%d", file.Path, r.Start.Line)
}

// maxShownName is the number of characters of a name that messages show:
// Kubernetes names have at most 253.
const maxShownName = 253

// Shown returns a name as messages show it: whole, unless it is longer
// than any valid Kubernetes name (a hostile manifest's megabyte name,
// which every finding naming it would repeat), then cut.
func Shown(name string) string {
	if len(name) <= maxShownName {
		return name
	}
	return analyzer.Shorten(name, maxShownName)
}
