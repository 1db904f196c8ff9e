package rbacset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// maxChains is how many accesses a workload-excessive-permissions message
// explains with their chain (the others are named).
const maxChains = 3

// WorkloadExcessivePermissions flags pod-bearing workloads whose
// ServiceAccount holds, through the set's bindings, a permission that an
// RBAC rule rates error, reads secrets or execs into pods.
func WorkloadExcessivePermissions() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "workload-excessive-permissions",
		Title:    "workload whose ServiceAccount can read secrets, exec into pods or escalate",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Rationale: "A workload's pods act with the permissions of their ServiceAccount, through the token mounted " +
			"into them: a compromised container (or a bug) can do whatever the ServiceAccount is bound to. Least " +
			"privilege means a Job or a web workload holds only what it needs; reading secrets, exec into other " +
			"pods, escalating or binding roles, impersonating, reaching the kubelet through nodes/proxy or doing " +
			"everything (\"*\" on \"*\") turn one compromised pod into the whole namespace or cluster. kvet " +
			"follows the chain across files: workload → serviceAccountName → RoleBinding or " +
			"ClusterRoleBinding → Role or ClusterRole (aggregation and built-in roles included) → the rule " +
			"that grants, with the API server's own matching. What counts is what the RBAC rules rate error, " +
			"reading secrets and exec into pods, as the configuration rates them: an access whose rule is " +
			"turned off does not count, nor one whose rule is lowered below error (unless it reads secrets " +
			"or execs).",
		Remediation: "Give the workload a ServiceAccount of its own, bound to a Role with only the verbs and " +
			"resources it needs (resourceNames for the secrets it must read), or set " +
			"automountServiceAccountToken: false when it never calls the API. Pods that do not mount a token " +
			"(automountServiceAccountToken: false on the pod, or on the ServiceAccount and not overridden by " +
			"the pod) are not reported. Only bindings of the linted set count.",
		Doc: "Bad (two files):\n\n" +
			"    kind: CronJob\n    metadata: {name: invoice-export, namespace: billing}\n" +
			"    spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: exporter}}}}}\n" +
			"    ---\n    kind: RoleBinding\n    metadata: {name: exporter-reads-secrets, namespace: billing}\n" +
			"    subjects: [{kind: ServiceAccount, name: exporter}]\n" +
			"    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: secret-reader}\n\n" +
			"The finding is reported on serviceAccountName and names the chain; the binding's subject, its " +
			"roleRef and the granting rule are its related locations.",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			rate := p.Rating()
			x := m.NewExposures(func(r rbac.Risk) bool { return r.Excessive(rate) })
			r := renderer{m: m, chains: map[chainKey]chain{}, findings: map[findingKey]chain{}}
			// Workloads that run as one ServiceAccount (a namespace's
			// default, most often) hold the same exposures.
			type account struct{ namespace, name, scope string }
			held := map[account][]*rbac.Exposure{}
			for _, w := range m.Workloads {
				if !m.TokenMounted(w) {
					continue
				}
				a := account{w.Namespace, w.Account, w.Scope}
				exps, ok := held[a]
				if !ok {
					exps = x.Of(w.User())
					held[a] = exps
				}
				if f, ok := r.excessive(w, exps); ok {
					p.Report(w.Doc, f)
				}
			}
		},
	})
}

// renderer writes the findings of workload-excessive-permissions. Many
// workloads hold the same grants (through the same group bindings, or
// sharing a ServiceAccount), so each chain is rendered once.
type renderer struct {
	m      *rbac.Model
	chains map[chainKey]chain
	// findings are rendered findings by the exposures they explain (most
	// workloads of a set share theirs). Findings share these read-only
	// values, as they share the paths of Workload.AccountPath.
	findings map[findingKey]chain
}

// findingKey identifies the exposures of a finding: the chains it
// explains and the accesses it only names.
type findingKey struct {
	chains [maxChains]chainKey
	rest   string
}

// chainKey identifies a rendered exposure.
type chainKey struct {
	binding *rbac.Binding
	subject int
	rule    *rbac.Rule
	access  string
}

// chain is an exposure as a finding shows it: the clause of the message,
// the related places, and the documents on the way (for duplicates).
type chain struct {
	text    string
	related []analyzer.Related
	docs    []*analyzer.Document
}

func (r *renderer) chain(e *rbac.Exposure) chain {
	key := chainKey{e.Grant.Binding, e.Grant.Subject, e.Grant.Rule, e.Risk.Access}
	if c, ok := r.chains[key]; ok {
		return c
	}
	c := chain{
		text:    fmt.Sprintf("%s %s via %s", e.Risk.Phrase(), e.Grant.Scope(), e.Grant.Chain()),
		related: e.RiskRelated(),
		docs:    []*analyzer.Document{e.Grant.Binding.Doc, e.Grant.Rule.Role.Doc},
	}
	r.chains[key] = c
	return c
}

// excessive builds the finding of a workload with exposures.
func (r *renderer) excessive(w *rbac.Workload, exps []*rbac.Exposure) (analyzer.Finding, bool) {
	if len(exps) == 0 {
		return analyzer.Finding{}, false
	}
	f := r.explain(exps)
	var implicit string
	if !w.Explicit {
		implicit = " (it names none, so its pods get the namespace's default)"
	}
	// The ServiceAccount is on the chain too: defined twice, the
	// definition in effect decides whether the pods mount a token.
	related := f.related
	if sa := r.m.Account(w, w.Account); sa != nil {
		note, dup := duplicateNote(r.m, sa.Doc)
		implicit += note
		if len(dup) > 0 {
			related = slices.Concat(f.related, dup)
		}
	}
	// Concatenated rather than formatted: one per workload, and fmt boxes
	// each argument.
	msg := w.Kind + " " + w.Namespace + "/" + w.Name + " runs as ServiceAccount " + w.Account + implicit + ", which " + f.text +
		"; give it a ServiceAccount bound to only what it needs, or automountServiceAccountToken: false if it never calls the API"
	return analyzer.Finding{Path: w.AccountPath(), Message: msg, Related: related}, true
}

// explain renders what exposures let a workload do, once per distinct
// list: the chains of the first maxChains, and the names of the others.
func (r *renderer) explain(exps []*rbac.Exposure) chain {
	var key findingKey
	var rest []string
	for i, e := range exps {
		if i < maxChains {
			key.chains[i] = chainKey{e.Grant.Binding, e.Grant.Subject, e.Grant.Rule, e.Risk.Access}
		} else {
			rest = append(rest, e.Risk.Phrase())
		}
	}
	key.rest = strings.Join(rest, ", ")
	if f, ok := r.findings[key]; ok {
		return f
	}
	var parts []string
	var f chain
	for i, e := range exps[:min(len(exps), maxChains)] {
		c := r.chain(e)
		can := "can "
		if i > 0 {
			can = "and can "
		}
		parts = append(parts, can+c.text)
		f.related = appendNew(f.related, c.related)
		f.docs = append(f.docs, c.docs...)
	}
	if key.rest != "" {
		parts = append(parts, "and can also "+key.rest)
	}
	note, dupRelated := duplicateNote(r.m, f.docs...)
	f.text = strings.Join(parts, ", ") + note
	f.related = slices.Clip(append(f.related, dupRelated...))
	r.findings[key] = f
	return f
}

// appendNew appends the places of add that out does not have yet: the
// accesses granted through one binding share its subject and roleRef.
func appendNew(out, add []analyzer.Related) []analyzer.Related {
	for _, a := range add {
		if !slices.ContainsFunc(out, func(o analyzer.Related) bool { return o.Doc == a.Doc && slices.Equal(o.Path, a.Path) }) {
			out = append(out, a)
		}
	}
	return out
}

// ServiceAccountNotFound flags workloads that run as a ServiceAccount the
// set does not define, in a namespace where it defines others.
func ServiceAccountNotFound() *analyzer.Rule {
	return setRule(&analyzer.Rule{
		ID:       "service-account-not-found",
		Title:    "workload runs as a ServiceAccount that the set does not define",
		Severity: analyzer.SeverityWarning,
		Kinds:    analyzer.PodKinds(),
		Rationale: "The API server refuses to create a pod whose ServiceAccount does not exist, so a Job, " +
			"CronJob or Deployment that names a missing (or misspelt) ServiceAccount never starts its pods: " +
			"the controller retries with \"error looking up service account\" events. A namespace's default " +
			"ServiceAccount always exists.",
		Remediation: "Define the ServiceAccount in the workload's namespace or correct serviceAccountName (kvet " +
			"suggests the closest name). Reported only where the set defines ServiceAccounts in that " +
			"namespace: a repository that defines none there probably creates them elsewhere. Manifests " +
			"without metadata.namespace go wherever `kubectl apply -n` sends them, so a workload without " +
			"one is compared with the ServiceAccounts without one in its own directory.",
		Doc: "Bad:\n\n    kind: ServiceAccount\n    metadata: {name: report-runner, namespace: reports}\n    ---\n" +
			"    kind: Job\n    metadata: {namespace: reports}\n    spec: {template: {spec: {serviceAccountName: report-runer}}}\n",
		RunSet: func(p *analyzer.SetPass) {
			m := model(p)
			names := map[accountScope][]string{}
			for _, sa := range m.ServiceAccounts {
				scope := accountScope{sa.Namespace, sa.Scope}
				names[scope] = append(names[scope], sa.Name)
			}
			s := newSuggester()
			// The related place of a suggestion, shared by the findings
			// that suggest one ServiceAccount (the engine then resolves
			// it once).
			defined := map[*rbac.ServiceAccount][]analyzer.Related{}
			for _, w := range m.Workloads {
				scope := accountScope{w.Namespace, w.Scope}
				reportAccountNotFound(p, m, w, scope, names[scope], s, defined)
			}
		},
	})
}

// accountScope is where a workload looks for its ServiceAccount: a
// namespace that manifests name explicitly, or, for manifests that name
// none (applied to whatever namespace `kubectl -n` says), the folder they
// are in (rbac.Folder, their Scope).
type accountScope struct{ namespace, scope string }

// reportAccountNotFound reports w when its ServiceAccount is not one of
// names, the ServiceAccounts of its scope.
func reportAccountNotFound(p *analyzer.SetPass, m *rbac.Model, w *rbac.Workload, scope accountScope, names []string, s *suggester,
	defined map[*rbac.ServiceAccount][]analyzer.Related) {
	if !w.Explicit || w.Account == "default" || len(names) == 0 || m.Account(w, w.Account) != nil {
		return
	}
	if w.Doc != nil && w.Doc.Partial() != "" {
		return // its overlay did not render: what it adds may define the account
	}
	// Concatenated rather than formatted: thousands of workloads, and
	// fmt boxes each argument.
	const refuses = "): the API server refuses to create its pods until the ServiceAccount exists"
	msg := w.Kind + " " + w.Namespace + "/" + w.Name + " runs as ServiceAccount " + w.Account + ", which the set does not define in namespace " + w.Namespace + " ("
	// One of that name without metadata.namespace in another folder: the
	// lookup is by folder, as rbac-role-ref-not-found's for Roles.
	var related []analyzer.Related
	for _, sa := range m.AccountsIn(w.Namespace) {
		if sa.Name == w.Account && sa.Scope != "" {
			if related == nil {
				msg += "it defines one in folder " + rbac.FolderName(sa.Doc) + ": manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the workload's namespace"
			}
			related = append(related, analyzer.Related{Doc: sa.Doc, Path: analyzer.NewPath("metadata", "name"),
				Message: fmt.Sprintf("ServiceAccount %s is defined here, without metadata.namespace, in folder %s", sa.Name, rbac.FolderName(sa.Doc))})
		}
	}
	if related != nil {
		p.Report(w.Doc, analyzer.Finding{Path: w.AccountPath(), Related: related, Message: msg + refuses})
		return
	}
	key := scope.namespace + "\x00" + scope.scope
	c := s.closest(key, w.Account, func() []string { return names })
	if c == "" {
		p.Report(w.Doc, analyzer.Finding{Path: w.AccountPath(), Message: msg + s.listing(key, names) + refuses})
		return
	}
	sa := m.Account(w, c)
	related, ok := defined[sa]
	if !ok {
		// sa is in w's namespace: Account looks c up there.
		related = []analyzer.Related{{Doc: sa.Doc, Path: analyzer.NewPath("metadata", "name"),
			Message: fmt.Sprintf("ServiceAccount %s/%s is defined here", w.Namespace, c)}}
		defined[sa] = related
	}
	p.Report(w.Doc, analyzer.Finding{Path: w.AccountPath(), Related: related, Message: msg + "did you mean " + strconv.Quote(c) + "?" + refuses})
}

// listing names the ServiceAccounts of a namespace for a message, once per
// namespace: "it defines a, b there", the first five and a count.
func (s *suggester) listing(ns string, names []string) string {
	if l, ok := s.listings[ns]; ok {
		return l
	}
	const most = 5
	list := names
	if len(list) > most {
		list = append(slices.Clip(list[:most]), fmt.Sprintf("%d more", len(names)-most))
	}
	l := "it defines " + strings.Join(list, ", ") + " there"
	s.listings[ns] = l
	return l
}
