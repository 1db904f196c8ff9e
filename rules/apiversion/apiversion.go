// Package apiversion holds the rule about apiVersions that Kubernetes no
// longer serves.
package apiversion

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
)

// table indexes the removals by apiVersion and kind.
type table map[gvk]*Removal

// gvk is a table key; a struct, not a joined string, so that neither
// building the table (every run) nor a lookup (every document) allocates.
type gvk struct{ apiVersion, kind string }

func newTable(removals []Removal) table {
	t := make(table, len(removals))
	for i := range removals {
		r := &removals[i]
		t[gvk{r.APIVersion, r.Kind}] = r
	}
	return t
}

// removedAt returns the removal of apiVersion/kind if the target release
// no longer serves it.
func (t table) removedAt(apiVersion, kind string, target analyzer.KubeVersion) *Removal {
	r := t[gvk{apiVersion, kind}]
	if r == nil || !target.AtLeast(r.RemovedIn) {
		return nil
	}
	return r
}

// replacement returns the first replacement of r that the target release
// serves, following replacements that were removed in turn (extensions/v1beta1
// PodSecurityPolicy → policy/v1beta1 → none). It returns "" and what to do
// instead when there is none.
func (t table) replacement(r *Removal, target analyzer.KubeVersion) (apiVersion, instead string) {
	for _, repl := range r.Replacements {
		if !target.AtLeast(repl.Since) {
			continue
		}
		if gone := t.removedAt(repl.APIVersion, r.Kind, target); gone != nil {
			if av, _ := t.replacement(gone, target); av != "" {
				return av, ""
			}
			continue
		}
		return repl.APIVersion, ""
	}
	instead = r.Instead
	for _, repl := range r.Replacements {
		if gone := t.removedAt(repl.APIVersion, r.Kind, target); gone != nil && gone.Instead != "" {
			instead = gone.Instead
		}
	}
	return "", instead
}

// message describes a removal for the target release.
func (t table) message(r *Removal, target analyzer.KubeVersion) string {
	msg := fmt.Sprintf("%s %s was removed in Kubernetes 1.%d", r.APIVersion, r.Kind, r.RemovedIn)
	if target != analyzer.NewestKubeVersion {
		msg += fmt.Sprintf(" (the target is %s)", target)
	}
	if av, instead := t.replacement(r, target); av != "" {
		return msg + "; use apiVersion: " + av
	} else if instead != "" {
		return msg + " and has no replacement: " + instead
	}
	return msg + " and has no replacement"
}

// DeprecatedAPIVersion flags apiVersions that the target Kubernetes release
// no longer serves, and versions of the kinds kvet decodes that Kubernetes
// never served.
func DeprecatedAPIVersion() *analyzer.Rule {
	removals := Removals()
	t := newTable(removals)
	return &analyzer.Rule{
		ID:       "deprecated-api-version",
		Title:    "apiVersion that Kubernetes no longer serves, or never did",
		Severity: analyzer.SeverityError,
		Source:   "go",
		Rationale: "The API server rejects objects of removed apiVersions, so the manifest fails to apply. " +
			"kvet knows every group/version/kind removed up to Kubernetes " + analyzer.NewestKubeVersion.String() +
			" (from Kubernetes' Deprecated API Migration Guide, checked against the k8s.io/api types) and " +
			"judges them against the target release: --kube-version, or kube-version: in .kvet.yaml " +
			"(default " + analyzer.NewestKubeVersion.String() + "), so a manifest for 1.21 may still use " +
			"batch/v1beta1. A version that Kubernetes never served, such as batch/v2 for a Job, is " +
			"reported for the kinds kvet checks (Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet, " +
			"ReplicaSet, ReplicationController, RBAC kinds, ServiceAccount, Service, PersistentVolumeClaim), " +
			"and so is one of these " +
			"kinds under another of Kubernetes' own API groups (v1 Deployment, apps/v1 CronJob), which " +
			"kubectl rejects with the same error; a group with a dot (serving.knative.dev Service) is " +
			"another API's and not checked.",
		Remediation: "Change apiVersion to the replacement named in the message (the newest version the " +
			"target release serves) and check the fields that changed between versions (the guide lists " +
			"them); kvet then checks the object against the current schema. Where there is no " +
			"replacement (PodSecurityPolicy), the message says what to use instead.",
		Doc: tableDoc(removals),
		Run: func(pass *analyzer.Pass) {
			d := pass.Doc
			target := pass.KubeVersion()
			if r := t.removedAt(d.APIVersion, d.Kind, target); r != nil {
				pass.Report(analyzer.Finding{Path: analyzer.NewPath("apiVersion"), Message: t.message(r, target)})
				return
			}
			if t[gvk{d.APIVersion, d.Kind}] != nil {
				return // removed after the target, which serves it
			}
			// A kind kvet knows, under a version Kubernetes never served.
			if use, served, known := analyzer.ServedAPIVersion(d.APIVersion, d.Kind); known && !served {
				pass.Reportf(analyzer.NewPath("apiVersion"),
					"%s %s is not served by any Kubernetes release kvet knows, so applying it fails with: no matches for kind %s in version %s; use apiVersion: %s",
					d.APIVersion, d.Kind, analyzer.Quote(d.Kind), analyzer.Quote(d.APIVersion), use)
			}
		},
	}
}

// tableDoc renders the table for `kvet explain` and docs/rules.md.
// Built in every run (the rule's Doc), so without fmt and into one buffer
// sized up front, without a string per line or number.
func tableDoc(removals []Removal) string {
	var b strings.Builder
	b.Grow(docSize)
	var num [20]byte
	b.WriteString("Removed API versions kvet knows (" + GuideURL + "):\n\n")
	for _, r := range removals {
		b.WriteString("    1.")
		b.Write(strconv.AppendInt(num[:0], int64(r.RemovedIn), 10))
		b.WriteString("  ")
		b.WriteString(r.APIVersion)
		b.WriteByte(' ')
		b.WriteString(r.Kind)
		b.WriteString(" → ")
		if len(r.Replacements) == 0 {
			b.WriteString("none")
		}
		for i, x := range r.Replacements {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(x.APIVersion)
			b.WriteString(" (1.")
			b.Write(strconv.AppendInt(num[:0], int64(x.Since), 10))
			b.WriteByte(')')
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// docSize is a little more than tableDoc's length, so that its buffer
// grows once.
const docSize = 8 << 10
