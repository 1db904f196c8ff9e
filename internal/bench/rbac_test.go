package bench

import (
	"context"
	"fmt"
	"io"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/cli"
	"github.com/kvet-dev/kvet/internal/cputime"
	"github.com/kvet-dev/kvet/rbac"
)

// setRuleIDs are kvet's cross-document rules (rules.All's set rules).
const setRuleIDs = "rbac-role-ref-not-found,rbac-role-ref-kind-invalid,rbac-clusterrole-could-be-role," +
	"workload-excessive-permissions,service-account-not-found,rbac-aggregation-leak,service-headless-load-balancing"

// BenchmarkLintSetRules runs `kvet lint` in-process on the benchmark
// corpus in pairs, with the cross-document rules disabled and with every
// rule, alternating so that the load of the shared machine hits both
// alike, and reports the median CPU seconds of each (GC included: kvet sets
// its soft memory limit as the command does) and their ratio:
//
//	go test ./internal/bench -run '^$' -bench LintSetRules -benchtime 8x
//
// It also reports the median number of garbage collections of each run
// (with-gcs, without-gcs): most of what the set rules cost is collections
// at the end of the run, when kvet's soft memory limit leaves the heap
// little room above what is live.
func BenchmarkLintSetRules(b *testing.B) {
	dir, n := corpus(b)
	gcs := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	run := func(args ...string) (time.Duration, float64) {
		metrics.Read(gcs)
		before := gcs[0].Value.Uint64()
		start := cputime.Used()
		if code := cli.Main(context.Background(), append(append([]string{"lint", "--fail-on", "none"}, args...), dir), nil, io.Discard, io.Discard); code != 0 {
			b.Fatalf("kvet lint exited %d", code)
		}
		used := cputime.Used() - start
		metrics.Read(gcs)
		return used, float64(gcs[0].Value.Uint64() - before)
	}
	var with, without, withGCs, withoutGCs []float64
	for b.Loop() {
		cpu, gc := run("--disable", setRuleIDs)
		without, withoutGCs = append(without, cpu.Seconds()), append(withoutGCs, gc)
		cpu, gc = run()
		with, withGCs = append(with, cpu.Seconds()), append(withGCs, gc)
	}
	w, wo := median(with), median(without)
	b.ReportMetric(w, "with-cpu-s")
	b.ReportMetric(wo, "without-cpu-s")
	b.ReportMetric(w/wo, "ratio")
	b.ReportMetric(median(withGCs), "with-gcs")
	b.ReportMetric(median(withoutGCs), "without-gcs")
	b.ReportMetric(float64(n), "docs")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkRBACModel builds the RBAC model of a set of N RBAC documents
// and N workloads and lists the permissions of every subject (what
// `kvet can-i --list` does for each), for N = 1k, 10k and 50k. CPU time
// per document (cpu-ns/doc; build-cpu-ns/doc and list-cpu-ns/doc are its
// two parts) stays flat when the work is linear in the set. The documents
// are parsed once, outside the measurement; rusage's CPU time has a
// granularity of a few milliseconds, so use -benchtime 3x or more.
//
//	go test ./internal/bench -run '^$' -bench RBACModel -benchtime 3x
func BenchmarkRBACModel(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 50_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			docs := rbacSet(b, n)
			var subjects, grants int
			var build, list time.Duration
			for b.Loop() {
				start := cputime.Used()
				m := rbac.Build(docs)
				built := cputime.Used()
				subjects, grants = 0, 0
				for _, s := range m.Subjects() {
					grants += len(m.Permissions(s.User()))
					subjects++
				}
				build += built - start
				list += cputime.Used() - built
			}
			perDoc := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / float64(len(docs)) }
			b.ReportMetric(perDoc(build+list), "cpu-ns/doc")
			b.ReportMetric(perDoc(build), "build-cpu-ns/doc")
			b.ReportMetric(perDoc(list), "list-cpu-ns/doc")
			b.ReportMetric(float64(subjects), "subjects")
			b.ReportMetric(float64(grants)/float64(subjects), "grants/subject")
		})
	}
}

// rbacSet generates, in memory, n RBAC documents (Roles, ClusterRoles,
// RoleBindings, ClusterRoleBindings) and n workloads (Deployments, Jobs,
// CronJobs) for a cluster that grows by teams: 20 namespaces per 1,000
// documents, each with its ServiceAccounts, Roles and bindings to them,
// team groups and users, some bindings of ClusterRoles (set and
// built-in), and a fixed handful of cluster-wide grants to broad groups,
// as real clusters have.
func rbacSet(b *testing.B, n int) []*analyzer.Document {
	b.Helper()
	var sb strings.Builder
	doc := func(format string, args ...any) {
		sb.WriteString("---\n")
		fmt.Fprintf(&sb, format, args...)
	}
	rbacDocs, workloads := 0, 0
	namespaces := max(1, n/50)
	clusterRoles := max(1, n/100)
	for i := range clusterRoles {
		doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-%d\n  labels: {tier: t%d}\nrules:\n"+
			"- {apiGroups: [\"\"], resources: [pods, configmaps], verbs: [get, list]}\n- {apiGroups: [apps], resources: [deployments], verbs: [\"*\"]}\n", i, i%5)
		rbacDocs++
	}
	doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: aggregated}\naggregationRule:\n  clusterRoleSelectors: [{matchLabels: {tier: t1}}]\n")
	rbacDocs++
	for _, g := range []string{"system:authenticated", "system:serviceaccounts", "platform-admins"} {
		doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: broad-%s}\n"+
			"subjects: [{kind: Group, name: %q}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n", strings.ReplaceAll(g, ":", "-"), g)
		rbacDocs++
	}
	users := max(1, n/10)
	for i := 0; rbacDocs < n || workloads < n; i++ {
		ns := fmt.Sprintf("team-%d", i%namespaces)
		sa := (i / namespaces) % 10 // ten ServiceAccounts per team
		if rbacDocs < n {
			switch i % 4 {
			case 0:
				doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: role-%d, namespace: %s}\nrules:\n"+
					"- {apiGroups: [\"\"], resources: [secrets], resourceNames: [app-%d], verbs: [get]}\n- {apiGroups: [batch], resources: [jobs], verbs: [create, get]}\n", i, ns, i)
			case 1:
				doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb-%d, namespace: %s}\n"+
					"subjects: [{kind: ServiceAccount, name: sa-%d}, {kind: Group, name: %s-devs}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: role-%d}\n",
					i, ns, sa, ns, i-1)
			case 2:
				doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rbc-%d, namespace: %s}\n"+
					"subjects: [{kind: User, name: user-%d}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: %s}\n",
					i, ns, i%users, []string{"edit", "view", fmt.Sprintf("cr-%d", i%clusterRoles), "aggregated"}[i%4])
			default:
				doc("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb-%d}\n"+
					"subjects: [{kind: ServiceAccount, name: sa-%d, namespace: %s}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr-%d}\n",
					i, sa, ns, i%clusterRoles)
			}
			rbacDocs++
		}
		if workloads < n {
			kind := []string{"Deployment", "Job", "CronJob"}[i%3]
			switch kind {
			case "Deployment":
				doc("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w-%d, namespace: %s}\nspec:\n  selector: {matchLabels: {app: w}}\n"+
					"  template:\n    metadata: {labels: {app: w}}\n    spec:\n      serviceAccountName: sa-%d\n      containers: [{name: c, image: \"c:1\"}]\n", i, ns, sa)
			case "Job":
				doc("apiVersion: batch/v1\nkind: Job\nmetadata: {name: w-%d, namespace: %s}\nspec:\n  template:\n    spec:\n"+
					"      serviceAccountName: sa-%d\n      restartPolicy: Never\n      containers: [{name: c, image: \"c:1\"}]\n", i, ns, sa)
			default:
				doc("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w-%d, namespace: %s}\nspec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"+
					"          serviceAccountName: sa-%d\n          restartPolicy: Never\n          containers: [{name: c, image: \"c:1\"}]\n", i, ns, sa)
			}
			workloads++
		}
	}
	docs, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "set.yaml", Content: []byte(sb.String())})
	if len(diags) > 0 {
		b.Fatalf("generated set: %s at line %d", diags[0].Message, diags[0].Range.Start.Line)
	}
	return docs
}
