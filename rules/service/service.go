// Package service holds the rules about Services.
package service

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

// headless is a headless Service of the set; statefulSet is a StatefulSet's
// governing Service name. Each has its namespace ("default" when unset)
// and, when metadata.namespace is unset, its folder (rbac.Scope): such
// manifests go wherever their folder is applied, so a StatefulSet without
// namespace governs the Services without namespace of its own folder, and
// those of namespace default (where the default context puts both); one of
// namespace default, those of namespace default and those without
// namespace of its own folder (rbac.SharedScope).
type (
	headless    struct{ namespace, folder, name string }
	statefulSet struct{ namespace, folder, serviceName string }
)

// fact extracts what HeadlessLoadBalancing needs: headless Services (with
// the position of clusterIP) and the serviceName of StatefulSets.
func fact() *analyzer.Fact {
	return &analyzer.Fact{Name: "service-headless", Kinds: []string{"Service", "StatefulSet"}, Extract: func(d *analyzer.Document) (any, []analyzer.Path) {
		switch o := d.Object.(type) {
		case *corev1.Service:
			if o.Spec.ClusterIP == corev1.ClusterIPNone {
				return headless{rbac.Namespace(d.Namespace), rbac.Scope(d, d.Namespace), d.Name}, []analyzer.Path{analyzer.NewPath("spec", "clusterIP")}
			}
		case *appsv1.StatefulSet:
			return statefulSet{rbac.Namespace(d.Namespace), rbac.Scope(d, d.Namespace), o.Spec.ServiceName}, []analyzer.Path{serviceName}
		}
		return nil, nil
	}}
}

// serviceName is the path of a StatefulSet's governing Service.
var serviceName = analyzer.NewPath("spec", "serviceName")

// HeadlessLoadBalancing flags headless Services that no StatefulSet of the
// set governs.
func HeadlessLoadBalancing() *analyzer.Rule {
	f := fact()
	return &analyzer.Rule{
		ID:       "service-headless-load-balancing",
		Title:    "headless Service that no StatefulSet uses",
		Severity: analyzer.SeverityInfo,
		Kinds:    []string{"Service", "StatefulSet"},
		Source:   "go",
		Facts:    []*analyzer.Fact{f},
		Rationale: "A headless Service (clusterIP: None) has no virtual IP: its DNS name resolves to the pod " +
			"addresses, and clients balance by DNS round robin. Clients and resolvers cache those answers, so " +
			"traffic keeps going to a pod for up to ~20 s after it died or was rescheduled, spreads unevenly, " +
			"and every connection costs DNS load. A ClusterIP Service balances each connection through kube-proxy " +
			"and follows pods as they come and go. Headless Services are right for StatefulSets (stable per-pod " +
			"names) and for clients that balance themselves.",
		Remediation: "Remove clusterIP: None so the Service gets a cluster IP, unless a StatefulSet names it " +
			"as serviceName (then it is not reported) or its clients need each pod's address.",
		Doc: "Bad:\n\n    kind: Service\n    metadata: {name: api}\n    spec:\n      clusterIP: None\n      selector: {app: api}\n",
		RunSet: func(p *analyzer.SetPass) {
			// One pass over the facts (on a loaded set, Fact extracts anew
			// at each call), then the headless Services no StatefulSet
			// governs.
			type service struct {
				d *analyzer.Document
				h headless
			}
			type user struct {
				d *analyzer.Document
				s statefulSet
			}
			var services []service
			var users []user
			isHeadless := map[headless]bool{}
			for _, d := range p.Docs {
				switch v := d.Fact(f).(type) {
				case statefulSet:
					users = append(users, user{d, v})
				case headless:
					isHeadless[v] = true
					// A Service whose overlay did not render: what the
					// overlay adds may hold its StatefulSet.
					if d.Partial() == "" {
						services = append(services, service{d, v})
					}
				}
			}
			// A StatefulSet governs the Service its serviceName resolves
			// to as the RBAC model resolves references (rbac.SharedScope):
			// in its own scope, then, in namespace default, among the
			// manifests that land there with it. elsewhere is, by Service
			// name, the first StatefulSet of a folder (without namespace,
			// or of namespace default) that names it, in the order of the
			// set, with its folder.
			type other struct {
				d      *analyzer.Document
				folder string
			}
			governed := map[headless]bool{}
			elsewhere := map[string]other{}
			for _, u := range users {
				k := headless{u.s.namespace, u.s.folder, u.s.serviceName}
				if !isHeadless[k] {
					if scope, ok := rbac.SharedScope(k.namespace, k.folder, u.d); ok {
						k.folder = scope
					}
				}
				governed[k] = true
				if _, ok := elsewhere[k.name]; !ok && u.s.namespace == rbac.DefaultNamespace {
					elsewhere[k.name] = other{u.d, rbac.Folder(u.d)}
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
					note = " (the one that does is in folder " + o.folder + ": manifests without metadata.namespace go wherever their folder is applied, so it is not necessarily in the Service's namespace)"
					related = []analyzer.Related{{Doc: o.d, Path: serviceName,
						Message: fmt.Sprintf("StatefulSet %s of folder %s names %s here", o.d.Name, o.folder, h.name)}}
				}
				p.Report(d, analyzer.Finding{Path: analyzer.NewPath("spec", "clusterIP"), Related: related, Message: fmt.Sprintf(
					"Service %s/%s is headless (clusterIP: None) and no StatefulSet in the set names it as serviceName%s: clients balance by DNS round robin, keep stale pod addresses for up to ~20 s after a pod goes away and load DNS on every connection; remove clusterIP: None to get a ClusterIP Service",
					h.namespace, h.name, note)})
			}
		},
	}
}
