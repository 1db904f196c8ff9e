package rbac

import (
	"slices"
	"strings"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kvet-dev/kvet/analyzer"
)

// Access names of Risk.
const (
	AccessAdmin       = "admin"
	AccessSecrets     = "secrets"
	AccessExec        = "exec"
	AccessPortForward = "portforward"
	AccessDebug       = "debug"
	AccessWorkloads   = "workloads"
	AccessEscalate    = "escalate"
	// AccessImpersonate is impersonating users, groups, UIDs or user
	// extras, outside any namespace: acting as any user (with groups, as
	// anyone); groups, UIDs and user extras only alongside a user or a
	// ServiceAccount.
	AccessImpersonate = "impersonate"
	// AccessImpersonateServiceAccounts is impersonating ServiceAccounts:
	// acting as those of the namespaces the grant applies in.
	AccessImpersonateServiceAccounts = "impersonate-serviceaccounts"
	AccessNodesProxy                 = "nodes-proxy"
	AccessToken                      = "token"
	AccessWebhooks                   = "webhooks"
	AccessPersistentVolumes          = "persistent-volumes"
	AccessNamespaces                 = "namespaces"
)

// Risk is a sensitive access that one rule entry grants, rated as kvet's
// per-document RBAC rules (the rbac-* Rego policies) rate it.
type Risk struct {
	// Access is one of the Access* names.
	Access string
	// RuleID is the per-document rule that reports it, with its default
	// severity for this entry.
	RuleID   string
	Severity analyzer.Severity
	// Description says what the access lets a subject do, e.g. "read
	// secrets".
	Description string
	// Verbs are the requested verbs that the entry allows, e.g. get and
	// list for secrets.
	Verbs []string
	// Verb and Resource are the indexes of the verb and resources elements
	// that grant it; -1 (both) for admin, which the whole entry grants.
	Verb, Resource int
	// Cluster marks accesses to cluster-scoped resources, which a
	// RoleBinding cannot grant.
	Cluster bool
	// Names are the entry's resourceNames: the access is to those objects
	// only (nil: to every object). Shared with the entry: never modified.
	Names []string
}

// rank orders accesses in messages: admin first, then the table's order.
func (r Risk) rank() int {
	if r.Access == AccessAdmin {
		return -1
	}
	for i, def := range accessTable() {
		if def.access == r.Access {
			return i
		}
	}
	return len(accessTable())
}

// Excessive reports whether the access is one that
// workload-excessive-permissions and rbac-aggregation-leak flag, as rate
// (nil: the defaults) rates the per-document rule that reports it: a
// permission rated error, reading secrets or exec into pods, unless the
// run leaves that rule out.
func (r Risk) Excessive(rate analyzer.Rating) bool {
	sev, on := r.Severity, true
	if rate != nil {
		sev, on = rate(r.RuleID, r.Severity)
	}
	return on && (sev == analyzer.SeverityError || r.Access == AccessAdmin || r.Access == AccessSecrets || r.Access == AccessExec)
}

// Path returns the path of the element that grants the access in the
// rule's document: the resources element, or the entry for admin.
func (r Risk) Path(rule *Rule) analyzer.Path {
	if r.Resource < 0 {
		return rule.Path()
	}
	return rule.ElementPath("resources", r.Resource)
}

// probe is a request an access consists of.
type probe struct {
	group, resource, sub string
}

// accessDef describes one access: the requests that make it up and the
// verbs that grant it (nil: any verb). cluster marks an access whose
// requests are never made in a namespace (cluster-scoped resources, or
// impersonating users, groups, UIDs and user extras), which only a
// ClusterRoleBinding can allow; impersonating a ServiceAccount is made in
// its namespace, so it is an access of its own. The rbac-* policies rate the
// same accesses (sensitive in policies/lib/rbac.rego).
type accessDef struct {
	access, ruleID string
	severity       analyzer.Severity
	description    string
	probes         []probe
	verbs          []string
	cluster        bool
}

// accessTable is the table of accessDefs, built once: Risks runs for every
// rule of a set. It is never modified.
var accessTable = sync.OnceValue(accessDefs)

func accessDefs() []accessDef {
	warn, errSev := analyzer.SeverityWarning, analyzer.SeverityError
	return []accessDef{
		{AccessSecrets, "rbac-secrets-access", warn, "read secrets", []probe{{"", "secrets", ""}}, []string{"get", "list", "watch"}, false},
		{AccessExec, "rbac-pod-exec", warn, "exec into pods", []probe{{"", "pods", "exec"}, {"", "pods", "attach"}}, []string{"create", "get"}, false},
		{AccessPortForward, "rbac-pod-exec", warn, "port-forward to pods", []probe{{"", "pods", "portforward"}}, []string{"create"}, false},
		{AccessDebug, "rbac-pod-exec", warn, "add debug containers to pods", []probe{{"", "pods", "ephemeralcontainers"}}, []string{"update", "patch"}, false},
		{AccessWorkloads, "rbac-workload-create", warn, "create pods that run as any ServiceAccount of the namespace", []probe{
			{"", "pods", ""}, {"", "replicationcontrollers", ""}, {"apps", "deployments", ""}, {"apps", "daemonsets", ""},
			{"apps", "statefulsets", ""}, {"apps", "replicasets", ""}, {"batch", "jobs", ""}, {"batch", "cronjobs", ""},
		}, []string{"create"}, false},
		{AccessEscalate, "rbac-escalation-verbs", errSev, "escalate or bind roles beyond its own permissions", []probe{
			{"rbac.authorization.k8s.io", "roles", ""}, {"rbac.authorization.k8s.io", "clusterroles", ""},
		}, []string{"escalate", "bind"}, false},
		// Described by impersonation, naming the identities an entry grants.
		{AccessImpersonate, "rbac-escalation-verbs", errSev, "", []probe{
			{"", "users", ""}, {"", "groups", ""}, {"authentication.k8s.io", "uids", ""}, {"authentication.k8s.io", "userextras", "*"},
		}, []string{"impersonate"}, true},
		{AccessImpersonateServiceAccounts, "rbac-escalation-verbs", errSev, "impersonate ServiceAccounts", []probe{{"", "serviceaccounts", ""}}, []string{"impersonate"}, false},
		{AccessNodesProxy, "rbac-nodes-proxy", errSev, "reach the kubelet API through nodes/proxy", []probe{{"", "nodes", "proxy"}}, nil, true},
		{AccessToken, "rbac-token-request", warn, "mint ServiceAccount tokens", []probe{{"", "serviceaccounts", "token"}}, []string{"create"}, false},
		{AccessWebhooks, "rbac-webhook-config", warn, "change admission webhooks", []probe{
			{"admissionregistration.k8s.io", "validatingwebhookconfigurations", ""}, {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", ""},
		}, []string{"create", "update", "patch", "delete", "deletecollection"}, true},
		{AccessPersistentVolumes, "rbac-persistent-volume-create", warn, "create persistent volumes (hostPath escapes the node)", []probe{{"", "persistentvolumes", ""}}, []string{"create"}, true},
		{AccessNamespaces, "rbac-namespace-modify", warn, "relabel namespaces (Pod Security level, NetworkPolicy selectors)", []probe{{"", "namespaces", ""}}, []string{"patch", "update"}, false},
	}
}

// standardVerbs are the verbs that, all together, make an entry
// admin-equivalent (as "*" does).
var standardVerbs = [...]string{"get", "list", "watch", "create", "update", "patch", "delete"}

// adminEquivalent reports whether an entry grants everything on every
// resource: "*" apiGroups and resources, and "*" verbs or every standard
// verb. nonResourceURLs never make an entry admin-equivalent.
func adminEquivalent(r *rbacv1.PolicyRule) bool {
	if !slices.Contains(r.APIGroups, "*") || !slices.Contains(r.Resources, "*") {
		return false
	}
	if slices.Contains(r.Verbs, "*") {
		return true
	}
	for _, v := range standardVerbs {
		if !slices.Contains(r.Verbs, v) {
			return false
		}
	}
	return true
}

// Risks returns the sensitive accesses that one entry of a Role or
// ClusterRole (kind) grants, decided with the authorizer's own matching: a
// "*" resource or verb grants them all. An admin-equivalent entry has one
// risk, admin (error in a ClusterRole, warning in a Role), as
// rbac-admin-equivalent then reports it alone. A Role's entries grant no
// Cluster access: a RoleBinding applies only to requests in its namespace.
func Risks(kind string, r *rbacv1.PolicyRule) []Risk {
	if adminEquivalent(r) {
		sev := analyzer.SeverityError
		if kind == KindRole {
			sev = analyzer.SeverityWarning
		}
		return []Risk{{Access: AccessAdmin, RuleID: "rbac-admin-equivalent", Severity: sev, Description: "do everything",
			Verbs: []string{"*"}, Verb: -1, Resource: -1}}
	}
	if len(r.Resources) == 0 || len(r.Verbs) == 0 {
		return nil
	}
	var out []Risk
	table := accessTable()
	for i := range table {
		if risk, ok := table[i].grantedBy(r); ok && (!risk.Cluster || kind != KindRole) {
			out = append(out, risk)
		}
	}
	return out
}

// grantedBy checks whether rule r grants the access. Extraction runs it
// for every access of every entry of every role of a set: the table's
// entries are not copied, and the probes are tried in plain loops.
func (def *accessDef) grantedBy(r *rbacv1.PolicyRule) (Risk, bool) {
	may := false
	for _, p := range def.probes {
		if mayMatch(r, p) {
			may = true
			break
		}
	}
	if !may {
		return Risk{}, false // most entries: no request to try
	}
	risk := Risk{Access: def.access, RuleID: def.ruleID, Severity: def.severity, Description: def.description,
		Verb: -1, Resource: -1, Cluster: def.cluster, Names: r.ResourceNames}
	verbs := def.verbs
	if verbs == nil { // any verb: those of the entry
		verbs = nil
		for _, v := range r.Verbs {
			if v == "*" {
				v = "get"
			}
			if !slices.Contains(verbs, v) {
				verbs = append(verbs, v)
			}
		}
	}
	// An entry restricted to resourceNames grants the access on those
	// objects: rated as the rbac-* rules rate it, which do not look at
	// names (reading one named secret is still reading secrets). Creating
	// an object or deleting a collection is no request with a name.
	name := ""
	if len(r.ResourceNames) > 0 {
		name = r.ResourceNames[0]
	}
	var who []string // the identities impersonated, for AccessImpersonate
	for _, p := range def.probes {
		subs := []string{p.sub}
		if p.sub == "*" {
			subs = anySubresource(r, p.resource)
		}
		for _, sub := range subs {
			for _, verb := range verbs {
				req := Request{Verb: verb, APIGroup: p.group, Resource: p.resource, Subresource: sub, Name: name}
				if sub == "" && (verb == "create" || verb == "deletecollection") {
					req.Name = ""
				}
				m, ok := matchRule(r, req)
				if !ok {
					continue
				}
				// The elements of the first request.
				if risk.Resource < 0 {
					risk.Verb, risk.Resource = m.Verb, m.Resource
				}
				if id := identities[p.resource]; id != "" && !slices.Contains(who, id) {
					who = append(who, id)
				}
				if !slices.Contains(risk.Verbs, verb) {
					risk.Verbs = append(risk.Verbs, verb)
				}
			}
		}
	}
	if def.access == AccessImpersonate {
		risk.Description = impersonation(who)
	}
	return risk, risk.Resource >= 0
}

// identities name the identities that impersonating a resource's objects
// lets a subject choose (ServiceAccounts aside, an access of their own),
// in the order of the access's probes.
var identities = map[string]string{"users": "users", "groups": "groups", "uids": "UIDs", "userextras": "user extras"}

// impersonation describes impersonating the identities who (as
// identities names them, in order), as the rbac-escalation-verbs policy
// does (impersonation in policies/lib/rbac.rego): the API server honours
// impersonated groups, UIDs and user extras only in a request that also
// impersonates a user or a ServiceAccount, so without users they act as
// no one.
func impersonation(who []string) string {
	if !slices.Contains(who, identities["users"]) {
		return "impersonate " + joinWords(who) + " (only alongside impersonating a user or ServiceAccount)"
	}
	return "impersonate " + joinWords(who)
}

// mayMatch reports whether rule r may allow a request of probe p: one of
// its apiGroups is p's or "*", and one of its resources is p's resource or
// "*", with or without a subresource. matchRule allows nothing else, and
// this is much cheaper than asking it for each verb and subresource (Risks
// rates every entry of every role of a set).
func mayMatch(r *rbacv1.PolicyRule, p probe) bool {
	group := false
	for _, g := range r.APIGroups {
		if g == rbacv1.APIGroupAll || g == p.group {
			group = true
			break
		}
	}
	if !group {
		return false
	}
	for _, el := range r.Resources {
		if res, _, _ := strings.Cut(el, "/"); res == p.resource || res == rbacv1.ResourceAll {
			return true
		}
	}
	return false
}

// anySubresource returns subresource names of resource that an entry may
// grant: those its "resource/sub" and "*/sub" elements name, and one that
// only "*" matches. It stands for "any subresource" (user extras are named
// by their key).
func anySubresource(r *rbacv1.PolicyRule, resource string) []string {
	subs := []string{"\x00any"}
	for _, el := range r.Resources {
		res, sub, ok := strings.Cut(el, "/")
		if ok && (res == resource || res == "*") && sub != "" && sub != "*" {
			subs = append(subs, sub)
		}
	}
	return subs
}
