// Package access builds kvet's access report: who can do what over a set
// of manifests. For every subject the set names (users, groups,
// ServiceAccounts, with the workloads whose pods run as them) it lists the
// permissions the set's bindings grant, per namespace, each with the chain
// that grants it (binding subject → roleRef → aggregation → rule) located
// to file:line, and marks the dangerous ones: the grants kvet's RBAC rules
// rate error or warning (rbac.Risks). It renders the report as a text
// table, JSON, Markdown with a Mermaid graph, and a self-contained HTML
// page. It reads an rbac.Model and never does I/O beyond the writer it is
// given.
package access

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// ClusterWide is the namespace of permissions granted by a
// ClusterRoleBinding: every namespace, and cluster-scoped resources.
const ClusterWide = "*"

// Report is the access report of one run: one Set per set of documents
// that kvet analyses together.
type Report struct {
	Sets []*Set `json:"sets"`
}

// Set is the access report of one set of documents: the documents read as
// they are, or those of one rendered Kustomize overlay or Helm chart.
type Set struct {
	// Root is the rendered root's directory ("" for the documents read as
	// they are) and RootKind its kind ("overlay", "chart").
	Root     string `json:"root"`
	RootKind string `json:"rootKind,omitempty"`
	// Namespaces are the namespaces the set names (of its roles, bindings,
	// ServiceAccounts, ServiceAccount subjects and workloads), sorted, with
	// ClusterWide first when a ClusterRoleBinding grants something.
	Namespaces []string `json:"namespaces"`
	// Subjects are sorted by kind (User, Group, ServiceAccount), namespace
	// and name.
	Subjects []*Subject `json:"subjects"`
	// Problems are what the RBAC model found wrong in the set (duplicate
	// objects, roleRefs to missing roles, ...), as "file:line: message".
	Problems []string `json:"problems"`
}

// Subject is a User, Group or ServiceAccount and what it may do.
type Subject struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Workloads are the workloads whose pods run as a ServiceAccount.
	Workloads []Workload `json:"workloads"`
	// Permissions are what the bindings that name the subject grant it
	// (for a ServiceAccount, also those naming its user
	// system:serviceaccount:NS:NAME), in namespace order (ClusterWide
	// first), then in the authorizer's order (ClusterRoleBindings, then
	// RoleBindings, each in the order of the set).
	Permissions []Permission `json:"permissions"`
	// Inherits names the groups the subject is in whose permissions it
	// holds too ("Group system:authenticated",
	// "Group system:serviceaccounts:billing"): each is a subject of the
	// set with its own permissions, listed once there rather than under
	// every member, so that the report grows with the set, not with
	// members × grants.
	Inherits []string `json:"inherits"`
}

// Workload is a pod-bearing object and whether its pods get an API token.
type Workload struct {
	Kind         string   `json:"kind"`
	Namespace    string   `json:"namespace"`
	Name         string   `json:"name"`
	Location     Location `json:"location"`
	TokenMounted bool     `json:"tokenMounted"`
}

// Permission is one rule in effect for a subject through one binding.
type Permission struct {
	// Namespace is where it applies: the RoleBinding's namespace, or
	// ClusterWide for a ClusterRoleBinding.
	Namespace       string   `json:"namespace"`
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups"`
	Resources       []string `json:"resources"`
	ResourceNames   []string `json:"resourceNames"`
	NonResourceURLs []string `json:"nonResourceURLs"`
	// Risks are the sensitive accesses the rule grants, as kvet's RBAC
	// rules rate them (with the configuration's severities), most severe
	// first.
	Risks []Risk `json:"risks"`
	// Dangerous is set when one of the risks is rated error or warning.
	Dangerous bool `json:"dangerous"`
	// Subject is the binding's subject entry through which the subject
	// holds the permission: itself, or a group it is in ("Group
	// system:serviceaccounts:billing").
	Subject string `json:"subject"`
	// Binding and Role name the binding that grants the permission and
	// the role its roleRef names ("RoleBinding dev/readers", "ClusterRole
	// view"); Via names the ClusterRoles through which the role aggregates
	// the rule, in order; Rule is the place of the rule entry.
	Binding string   `json:"binding"`
	Role    string   `json:"role"`
	Via     []string `json:"via"`
	Rule    Location `json:"rule"`
	// Chain is how the permission is granted, hop by hop: the binding's
	// subject entry, its roleRef, each aggregation selector, the rule.
	Chain []Hop `json:"chain"`
}

// Risk is a sensitive access a permission grants.
type Risk struct {
	// Rule is the ID of the rule that reports it (rbac-secrets-access...).
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	// Access names it (admin, secrets, exec, ...) and Description says
	// what it lets the subject do.
	Access      string `json:"access"`
	Description string `json:"description"`
}

// Hop is one step of a grant's chain.
type Hop struct {
	Message  string   `json:"message"`
	Location Location `json:"location"`
}

// Location is a place in a manifest; File is empty for the ClusterRoles
// built into Kubernetes. Column counts code points, as kvet's JSON and
// SARIF reports do; ByteColumn counts bytes, as kvet lint's text output
// and editors (file:line:col) do.
type Location struct {
	File       string `json:"file,omitempty"`
	Line       int    `json:"line,omitempty"`
	Column     int    `json:"column,omitempty"`
	ByteColumn int    `json:"-"`
}

// String renders the location as file:line, or "built-in".
func (l Location) String() string {
	if l.File == "" {
		return "built-in"
	}
	return fmt.Sprintf("%s:%d", l.File, l.Line)
}

// String names the subject as rbac.Subject does: "User jane",
// "ServiceAccount billing/exporter".
func (s *Subject) String() string {
	return rbac.Subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}.String()
}

// String names the workload: "CronJob billing/export".
func (w Workload) String() string { return w.Kind + " " + w.Namespace + "/" + w.Name }

// Dangerous reports whether a risk is rated error or warning.
func (r Risk) Dangerous() bool {
	return r.Severity == analyzer.SeverityError.String() || r.Severity == analyzer.SeverityWarning.String()
}

// Grant renders how the permission is granted in short: "RoleBinding
// dev/readers → Role dev/reader (rbac.yaml:12)", with the aggregated
// ClusterRoles in between and the place of the rule.
func (p *Permission) Grant() string {
	return strings.Join(slices.Concat([]string{p.Binding, p.Role}, p.Via), " → ") + " (" + p.Rule.String() + ")"
}

// Severity returns the highest severity of the permission's risks, or "".
func (p *Permission) Severity() string {
	if len(p.Risks) == 0 {
		return ""
	}
	return p.Risks[0].Severity
}

// In returns the subject's permissions in namespace ns (ClusterWide for
// those of ClusterRoleBindings).
func (s *Subject) In(ns string) []Permission {
	i, _ := slices.BinarySearchFunc(s.Permissions, ns, func(p Permission, ns string) int { return compareNamespaces(p.Namespace, ns) })
	j := i
	for j < len(s.Permissions) && s.Permissions[j].Namespace == ns {
		j++
	}
	return s.Permissions[i:j]
}

// Dangerous returns the number of the subject's dangerous permissions.
func (s *Subject) Dangerous() int {
	n := 0
	for i := range s.Permissions {
		if s.Permissions[i].Dangerous {
			n++
		}
	}
	return n
}

// compareNamespaces orders namespaces: ClusterWide first, then by name.
func compareNamespaces(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == ClusterWide:
		return -1
	case b == ClusterWide:
		return 1
	}
	return strings.Compare(a, b)
}

// Rating says how the run rates the risks of a rule (see
// analyzer.Rating). A nil Rating keeps the defaults.
type Rating = analyzer.Rating

// Input is one set of documents to report on.
type Input struct {
	Model *rbac.Model
	// Root and RootKind name a rendered root (see Set).
	Root, RootKind string
}

// Build builds the report of the inputs, rating risks with rate. It
// stops early with ctx's error when ctx is done.
func Build(ctx context.Context, inputs []Input, rate Rating) (*Report, error) {
	r := &Report{Sets: make([]*Set, 0, len(inputs))}
	for _, in := range inputs {
		set, err := BuildSet(ctx, in, rate)
		if err != nil {
			return nil, err
		}
		r.Sets = append(r.Sets, set)
	}
	return r, nil
}

// builder builds one set, remembering what many subjects share: what a
// rule grants and its risks, and the places of bindings and rules.
type builder struct {
	m      *rbac.Model
	rate   Rating
	rules  map[*rbac.Rule]*ruleInfo
	places map[place]Location
	// groups says whether a group holds a permission.
	groups map[string]bool
}

func newBuilder(m *rbac.Model, rate Rating) *builder {
	return &builder{m: m, rate: rate, rules: map[*rbac.Rule]*ruleInfo{}, places: map[place]Location{}, groups: map[string]bool{}}
}

// inherits names the groups among groups that hold permissions.
func (b *builder) inherits(groups []string) []string {
	out := []string{}
	for _, g := range groups {
		has, ok := b.groups[g]
		if !ok {
			has = len(b.m.Permissions(rbac.User{Groups: []string{g}})) > 0
			b.groups[g] = has
		}
		if has {
			out = append(out, rbacv1.GroupKind+" "+g)
		}
	}
	return out
}

// place is a path in a document, resolved once.
type place struct {
	doc  *analyzer.Document
	path string
}

// BuildSet builds the report of one set. It stops early with ctx's error
// when ctx is done.
func BuildSet(ctx context.Context, in Input, rate Rating) (*Set, error) {
	b := newBuilder(in.Model, rate)
	m := in.Model
	set := &Set{Root: in.Root, RootKind: in.RootKind, Namespaces: []string{}, Subjects: []*Subject{}, Problems: []string{}}
	for _, p := range m.Problems {
		set.Problems = append(set.Problems, b.locate(p.Doc, p.Path).String()+": "+p.Message)
	}
	workloads := map[[2]string][]*rbac.Workload{}
	for _, w := range m.Workloads {
		key := [2]string{w.Namespace, w.Account}
		workloads[key] = append(workloads[key], w)
	}
	namespaces := map[string]bool{}
	for _, s := range m.Subjects() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		subj := &Subject{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name, Workloads: []Workload{}, Inherits: []string{}}
		for _, w := range workloads[[2]string{s.Namespace, s.Name}] {
			if s.Kind != rbacv1.ServiceAccountKind {
				break
			}
			subj.Workloads = append(subj.Workloads, Workload{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name,
				Location: b.locate(w.Doc, w.AccountPath()), TokenMounted: m.TokenMounted(w)})
		}
		u := s.User()
		direct := u
		if s.Kind != rbacv1.GroupKind {
			direct = rbac.User{Name: u.Name}
			subj.Inherits = b.inherits(u.Groups)
		}
		grants := m.Permissions(direct)
		subj.Permissions = make([]Permission, 0, len(grants))
		for _, g := range grants {
			if p, ok := b.permission(g); ok {
				subj.Permissions = append(subj.Permissions, p)
			}
		}
		slices.SortStableFunc(subj.Permissions, func(a, b Permission) int { return compareNamespaces(a.Namespace, b.Namespace) })
		for i := range subj.Permissions {
			namespaces[subj.Permissions[i].Namespace] = true
		}
		if s.Namespace != "" {
			namespaces[s.Namespace] = true
		}
		set.Subjects = append(set.Subjects, subj)
	}
	for _, r := range m.Roles {
		if r.Kind == rbac.KindRole {
			namespaces[r.Namespace] = true
		}
	}
	for _, bd := range m.Bindings {
		if bd.Kind == rbac.KindRoleBinding {
			namespaces[bd.Namespace] = true
		}
	}
	for _, w := range m.Workloads {
		namespaces[w.Namespace] = true
	}
	for ns := range namespaces {
		set.Namespaces = append(set.Namespaces, ns)
	}
	slices.SortFunc(set.Namespaces, compareNamespaces)
	return set, nil
}

// permission describes one grant; ok is false for a grant that allows no
// request (a RoleBinding of a rule of cluster-scoped resources or
// non-resource URLs only: a RoleBinding applies to requests made in its
// namespace).
func (b *builder) permission(g rbac.Grant) (p Permission, ok bool) {
	rule := b.rule(g.Rule)
	ns := g.Namespace()
	if ns == "" {
		ns = ClusterWide
	}
	resources, urls := rule.resources, rule.urls
	if g.Binding.Kind == rbac.KindRoleBinding {
		resources, urls = rule.inNamespace, []string{}
		if len(resources) == 0 {
			return Permission{}, false
		}
	}
	p = Permission{
		Namespace:       ns,
		Verbs:           rule.verbs,
		APIGroups:       rule.groups,
		Resources:       resources,
		ResourceNames:   rule.names,
		NonResourceURLs: urls,
		Risks:           []Risk{},
		Subject:         g.SubjectName(),
		Binding:         g.Binding.String(),
		Role:            g.Role.String(),
		Via:             make([]string, 0, len(g.Via)),
		Rule:            rule.location,
	}
	for _, step := range g.Via {
		p.Via = append(p.Via, step.Selected.String())
	}
	for _, risk := range rule.risks {
		if risk.cluster && g.Binding.Kind == rbac.KindRoleBinding {
			continue // a RoleBinding cannot grant cluster-scoped resources
		}
		p.Risks = append(p.Risks, risk.Risk)
	}
	p.Dangerous = slices.ContainsFunc(p.Risks, Risk.Dangerous)
	path := rule.path
	if g.Match.Resource >= 0 || g.Match.NonResourceURL >= 0 {
		path = g.RulePath() // the element that allows a request
	}
	related := g.Related(path, rule.grants)
	p.Chain = make([]Hop, 0, len(related)+1)
	for _, rel := range related {
		p.Chain = append(p.Chain, Hop{Message: rel.Message, Location: b.locate(rel.Doc, rel.Path)})
	}
	if g.Rule.Role.Builtin() {
		// Related leaves out places without a document: say whose rule it is.
		p.Chain = append(p.Chain, Hop{Message: rule.builtin})
	}
	return p, true
}

// Describer describes the grants of one RBAC model as Permissions (with
// their risks, rated by a Rating, and their chains located), computing
// what the grants of one rule share once. kvet can-i uses it for the grants
// of one user; BuildSet for every subject.
type Describer struct{ b *builder }

// NewDescriber returns a Describer of m's grants, rating risks with rate.
func NewDescriber(m *rbac.Model, rate Rating) *Describer {
	return &Describer{newBuilder(m, rate)}
}

// Permissions describes grants, in namespace order (ClusterWide first),
// then in the order given. The chain of a grant of a request
// (rbac.Model.Allows) ends at the rule element that allows the request.
func (d *Describer) Permissions(grants []rbac.Grant) []Permission {
	out := make([]Permission, 0, len(grants))
	for _, g := range grants {
		if p, ok := d.b.permission(g); ok {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Permission) int { return compareNamespaces(a.Namespace, b.Namespace) })
	return out
}

// ruleInfo is what the permissions of one rule share, computed once.
type ruleInfo struct {
	verbs, groups, resources, names, urls []string
	// inNamespace are the resources a RoleBinding can grant: those that
	// are requested in a namespace (not nodes, not non-resource URLs; a
	// namespace itself is requested in its own).
	inNamespace []string
	path        analyzer.Path
	location    Location
	risks       []ruleRisk
	// grants is the message of the chain's last hop, and builtin that hop
	// for a rule built into Kubernetes.
	grants, builtin string
}

// rule returns the ruleInfo of r.
func (b *builder) rule(r *rbac.Rule) *ruleInfo {
	if info, ok := b.rules[r]; ok {
		return info
	}
	info := &ruleInfo{
		verbs: nonNil(r.Verbs), groups: nonNil(r.APIGroups), resources: nonNil(r.Resources),
		names: nonNil(r.ResourceNames), urls: nonNil(r.NonResourceURLs),
		path: r.Path(), risks: b.ruleRisks(r),
	}
	info.location = b.locate(r.Role.Doc, info.path)
	info.inNamespace = namespacedResources(info.groups, info.resources)
	p := Permission{Verbs: info.verbs, APIGroups: info.groups, Resources: info.resources, ResourceNames: info.names, NonResourceURLs: info.urls}
	info.grants = "grants " + Describe(&p)
	if r.Role.Builtin() {
		info.builtin = fmt.Sprintf("%s (a rule of %s, built into Kubernetes)", info.grants, r.Role)
	}
	b.rules[r] = info
	return info
}

// namespacedResources returns the resources of a rule that may be
// requested in a namespace: all but those that every one of its API
// groups serves cluster-scoped (nodes, persistentvolumes, clusterroles;
// namespaces stay: a request for one is made in it). Patterns, unknown
// resources and the "*" group may be namespaced.
func namespacedResources(groups, resources []string) []string {
	out := make([]string, 0, len(resources))
	for _, res := range resources {
		name, _, _ := strings.Cut(res, "/")
		cluster := name != "namespaces" && len(groups) > 0
		for _, g := range groups {
			if ns, known := rbac.Namespaced(g, res); g == "*" || !known || ns {
				cluster = false
				break
			}
		}
		if !cluster {
			out = append(out, res)
		}
	}
	return out
}

// ruleRisk is a Risk with its rated severity and whether it concerns
// cluster-scoped resources.
type ruleRisk struct {
	Risk
	sev     analyzer.Severity
	cluster bool
}

// ruleRisks returns the rated risks of a rule, most severe first.
func (b *builder) ruleRisks(rule *rbac.Rule) []ruleRisk {
	var out []ruleRisk
	for _, r := range rbac.Risks(rule.Role.Kind, &rule.PolicyRule) {
		sev, on := r.Severity, true
		if b.rate != nil {
			sev, on = b.rate(r.RuleID, r.Severity)
		}
		if !on {
			continue
		}
		out = append(out, ruleRisk{Risk{Rule: r.RuleID, Severity: sev.String(), Access: r.Access, Description: r.Description}, sev, r.Cluster})
	}
	slices.SortStableFunc(out, func(x, y ruleRisk) int { return cmp.Compare(y.sev, x.sev) })
	return out
}

// locate resolves a path of a document to a place in its source (for a
// rendered document, the file it was rendered from).
func (b *builder) locate(doc *analyzer.Document, path analyzer.Path) Location {
	if doc == nil {
		return Location{}
	}
	key := place{doc, path.String()}
	if l, ok := b.places[key]; ok {
		return l
	}
	file, rng := doc.Position(path, false)
	l := Location{File: file.Path, Line: rng.Start.Line, Column: rng.Start.Column, ByteColumn: file.ByteColumn(rng.Start)}
	b.places[key] = l
	return l
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// Describe says what a permission allows: "get, list, watch on secrets
// named db-password", "* on *.*", "get on /healthz".
func Describe(p *Permission) string {
	return strings.Join(p.Verbs, ", ") + " on " + targetText(p)
}

// targetText renders what a permission applies to: its targets, then the
// resource names it is limited to ("secrets named db-password").
func targetText(p *Permission) string {
	s := strings.Join(Targets(p), ", ")
	if len(p.ResourceNames) > 0 {
		s += " named " + strings.Join(p.ResourceNames, ", ")
	}
	return s
}

// Targets names what a permission applies to as kubectl names resources:
// "pods", "deployments.apps", "*.*", "pods/log" (each resource in each API
// group), then its non-resource URLs ("/healthz"; "*" is "non-resource
// URLs *").
func Targets(p *Permission) []string {
	out := make([]string, 0, len(p.APIGroups)*len(p.Resources)+len(p.NonResourceURLs))
	for _, g := range p.APIGroups {
		for _, r := range p.Resources {
			if g != "" {
				r += "." + g
			}
			out = append(out, r)
		}
	}
	for _, u := range p.NonResourceURLs {
		if !strings.HasPrefix(u, "/") {
			u = "non-resource URLs " + u // "*"
		}
		out = append(out, u)
	}
	return out
}
