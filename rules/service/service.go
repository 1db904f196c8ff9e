// Package service holds the rules about Services.
package service

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// headless is a headless Service of the set; user is what a pod-bearing
// workload needs a headless Service for: a StatefulSet's governing Service
// (serviceName), or the subdomain of another workload's pods (per-pod DNS
// names, as an Indexed Job's pods use to reach each other). Each has its
// namespace (rbac.Namespace: "default" when unset, unless a chart's release
// namespace decides it) and, when that is unset, its folder (rbac.Scope): such manifests go wherever their folder is
// applied, so a workload without namespace uses the Services without
// namespace of its own folder, and those of namespace default (where the
// default context puts both); one of namespace default, those of namespace
// default and those without namespace of its own folder (rbac.SharedScope).
type (
	headless struct{ namespace, folder, name string }
	user     struct {
		namespace, folder, service string
		// path is where the workload names the Service: serviceName, or
		// its pod template's subdomain.
		path analyzer.Path
	}
)

// fact extracts the headless Services (with the position of clusterIP);
// what workloads name as their pods' subdomain is the RBAC model's fact
// (rbac.Workload.Subdomain), which the set rules read anyway: one
// extraction per pod-bearing document.
func fact() *analyzer.Fact {
	return &analyzer.Fact{Name: "service-headless", Kinds: []string{"Service"}, Extract: func(d *analyzer.Document) (any, []analyzer.Path) {
		if o, ok := d.Object.(*corev1.Service); ok && o.Spec.ClusterIP == corev1.ClusterIPNone {
			return headless{rbac.Namespace(d, d.Namespace), rbac.Scope(d, d.Namespace), d.Name}, []analyzer.Path{analyzer.NewPath("spec", "clusterIP")}
		}
		return nil, nil
	}}
}

// HeadlessLoadBalancing flags headless Services that no StatefulSet of the
// set governs and no pod of the set has as its subdomain.
func HeadlessLoadBalancing() *analyzer.Rule {
	f, workloads := fact(), rbac.Fact()
	return &analyzer.Rule{
		ID:       "service-headless-load-balancing",
		Title:    "headless Service that no StatefulSet or pod subdomain uses",
		Severity: analyzer.SeverityInfo,
		Kinds:    append([]string{"Service"}, analyzer.PodKinds()...),
		Source:   "go",
		Facts:    []*analyzer.Fact{f, workloads},
		Rationale: "A headless Service (clusterIP: None) has no virtual IP: its DNS name resolves to the pod " +
			"addresses, and clients balance by DNS round robin. Clients and resolvers cache those answers, so " +
			"traffic keeps going to a pod for up to ~20 s after it died or was rescheduled, spreads unevenly, " +
			"and every connection costs DNS load. A ClusterIP Service balances each connection through kube-proxy " +
			"and follows pods as they come and go. Headless Services are right for StatefulSets (stable per-pod " +
			"names), for pods that set hostname and subdomain (per-pod DNS names, as the pods of an Indexed Job " +
			"use to reach each other, need a headless Service named as the subdomain) and for clients that " +
			"balance themselves.",
		Remediation: "Remove clusterIP: None so the Service gets a cluster IP, unless a StatefulSet names it " +
			"as serviceName or a pod template (of any workload kind) as its subdomain (then it is not reported), " +
			"or its clients need each pod's address.",
		Doc: "Bad:\n\n    kind: Service\n    metadata: {name: api}\n    spec:\n      clusterIP: None\n      selector: {app: api}\n",
		RunSet: func(p *analyzer.SetPass) {
			// One pass over the facts (on a loaded set, Fact extracts anew
			// at each call), then the headless Services no workload uses.
			type service struct {
				d *analyzer.Document
				h headless
			}
			type use struct {
				d *analyzer.Document
				u user
			}
			var services []service
			var uses []use
			isHeadless := map[headless]bool{}
			for _, d := range p.Docs {
				if w, ok := d.Fact(workloads).(*rbac.Workload); ok {
					if w.Subdomain != "" {
						uses = append(uses, use{d, user{w.Namespace, w.Scope, w.Subdomain, w.SubdomainPath}})
					}
					continue
				}
				if v, ok := d.Fact(f).(headless); ok {
					isHeadless[v] = true
					// A Service whose overlay did not render: what the
					// overlay adds may hold its StatefulSet.
					if d.Partial() == "" {
						services = append(services, service{d, v})
					}
				}
			}
			// A workload uses the Service its serviceName or subdomain
			// resolves to as the RBAC model resolves references
			// (rbac.SharedScope): in its own scope, then, in namespace
			// default, among the manifests that land there with it.
			// elsewhere is, by Service name, the first workload of a folder
			// (without namespace, or of namespace default) that names it,
			// in the order of the set, with its folder.
			type other struct {
				use
				folder string
			}
			governed := map[headless]bool{}
			elsewhere := map[string]other{}
			for _, u := range uses {
				k := headless{u.u.namespace, u.u.folder, u.u.service}
				if !isHeadless[k] {
					if scope, ok := rbac.SharedScope(k.namespace, k.folder, u.d); ok {
						k.folder = scope
					}
				}
				governed[k] = true
				if _, ok := elsewhere[k.name]; !ok && u.u.namespace == rbac.DefaultNamespace {
					elsewhere[k.name] = other{u, rbac.Folder(u.d)}
				}
			}
			for _, s := range services {
				d, h := s.d, s.h
				if governed[h] {
					continue
				}
				note := ""
				var related []analyzer.Related
				if o, ok := elsewhere[h.name]; ok && h.folder != "" && h.folder != o.folder {
					note = " (the one that does is in folder " + rbac.FolderName(o.d) + ": manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the Service's namespace)"
					as := ""
					if o.d.Kind != "StatefulSet" {
						as = " as the subdomain of its pods"
					}
					related = []analyzer.Related{{Doc: o.d, Path: o.u.path,
						Message: fmt.Sprintf("%s %s of folder %s names %s here%s", o.d.Kind, o.d.Name, rbac.FolderName(o.d), h.name, as)}}
				}
				p.Report(d, analyzer.Finding{Path: analyzer.NewPath("spec", "clusterIP"), Related: related, Message: fmt.Sprintf(
					"Service %s/%s is headless (clusterIP: None) and no StatefulSet in the set names it as serviceName, nor any pod as its subdomain%s: clients balance by DNS round robin, keep stale pod addresses for up to ~20 s after a pod goes away and load DNS on every connection; remove clusterIP: None to get a ClusterIP Service",
					h.namespace, h.name, note)})
			}
		},
	}
}
