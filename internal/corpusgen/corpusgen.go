// Package corpusgen writes a deterministic corpus of realistic manifests
// (Jobs, CronJobs, RBAC, ServiceAccounts, Deployments) for benchmarks.
package corpusgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Options size a corpus.
type Options struct {
	Files       int
	DocsPerFile int
	Seed        uint64
	// Kinds restricts the generated kinds (empty: the default mix).
	Kinds []string
}

// DefaultKinds is the default mix, repeated by weight.
func DefaultKinds() []string {
	return []string{"Job", "Job", "Job", "CronJob", "CronJob", "Role", "ClusterRole",
		"RoleBinding", "ClusterRoleBinding", "ServiceAccount", "Deployment"}
}

// RBACKinds is a corpus of RBAC objects only.
func RBACKinds() []string {
	return []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
}

// Generate writes opts.Files files of opts.DocsPerFile documents under dir
// (in subdirectories of 100 files) and returns the number of documents.
func Generate(dir string, opts Options) (int, error) {
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = DefaultKinds()
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 42))
	n := 0
	for f := range opts.Files {
		var b strings.Builder
		for d := range opts.DocsPerFile {
			if d > 0 {
				b.WriteString("---\n")
			}
			kind := kinds[rng.IntN(len(kinds))]
			writeDoc(&b, rng, kind, fmt.Sprintf("obj-%d-%d", f, d))
			n++
		}
		path := filepath.Join(dir, fmt.Sprintf("team-%02d", f/100), fmt.Sprintf("manifests-%04d.yaml", f))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return n, fmt.Errorf("generating corpus: %w", err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return n, fmt.Errorf("generating corpus: %w", err)
		}
	}
	return n, nil
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

func writeDoc(b *strings.Builder, rng *rand.Rand, kind, name string) {
	ns := pick(rng, "batch", "payments", "reporting", "platform")
	switch kind {
	case "Job":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    app: %s\n    team: data\nspec:\n", name, ns, name)
		if rng.IntN(2) == 0 {
			fmt.Fprintf(b, "  backoffLimit: %d\n  activeDeadlineSeconds: %d\n  ttlSecondsAfterFinished: 3600\n", rng.IntN(10), 600+rng.IntN(3000))
		}
		b.WriteString("  template:\n")
		writePod(b, rng, name, "    ")
	case "CronJob":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  schedule: %q\n", name, ns,
			pick(rng, "0 2 * * *", "*/15 * * * *", "@hourly", "30 4 * * MON-FRI", "0 0 31 2 *"))
		if rng.IntN(2) == 0 {
			b.WriteString("  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 300\n  timeZone: Europe/Paris\n  successfulJobsHistoryLimit: 3\n  failedJobsHistoryLimit: 1\n")
		}
		b.WriteString("  jobTemplate:\n    spec:\n      backoffLimit: 2\n      template:\n")
		writePod(b, rng, name, "        ")
	case "Role", "ClusterRole":
		fmt.Fprintf(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
		if kind == "Role" {
			fmt.Fprintf(b, "  namespace: %s\n", ns)
		}
		b.WriteString("rules:\n")
		for range 1 + rng.IntN(4) {
			fmt.Fprintf(b, "- apiGroups: [%s]\n  resources: [%s]\n  verbs: [%s]\n",
				pick(rng, `""`, `"apps"`, `"batch"`, `"*"`),
				pick(rng, `"pods"`, `"secrets"`, `"configmaps", "services"`, `"pods/exec"`, `"*"`, `"jobs", "cronjobs"`, `"nodes/proxy"`),
				pick(rng, `"get", "list", "watch"`, `"*"`, `"create", "delete"`, `"get"`, `"escalate", "bind"`))
		}
	case "RoleBinding", "ClusterRoleBinding":
		fmt.Fprintf(b, "apiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n  name: %s\n", kind, name)
		if kind == "RoleBinding" {
			fmt.Fprintf(b, "  namespace: %s\n", ns)
		}
		fmt.Fprintf(b, "subjects:\n- kind: ServiceAccount\n  name: %s\n  namespace: %s\n", pick(rng, "default", "runner", name), ns)
		if rng.IntN(3) == 0 {
			b.WriteString("- kind: Group\n  name: system:authenticated\n  apiGroup: rbac.authorization.k8s.io\n")
		}
		fmt.Fprintf(b, "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: %s\n", pick(rng, "view", "edit", "cluster-admin", name))
	case "ServiceAccount":
		fmt.Fprintf(b, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: %s\n  namespace: %s\nautomountServiceAccountToken: false\n", name, ns)
	default: // Deployment
		fmt.Fprintf(b, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  replicas: %d\n  selector:\n    matchLabels:\n      app: %s\n  template:\n", name, ns, 1+rng.IntN(5), name)
		writePod(b, rng, name, "    ")
	}
}

func writePod(b *strings.Builder, rng *rand.Rand, name, in string) {
	fmt.Fprintf(b, "%smetadata:\n%s  labels:\n%s    app: %s\n%sspec:\n", in, in, in, name, in)
	if rng.IntN(2) == 0 {
		fmt.Fprintf(b, "%s  serviceAccountName: %s\n", in, name)
	}
	fmt.Fprintf(b, "%s  restartPolicy: %s\n%s  containers:\n", in, pick(rng, "Never", "OnFailure", "Always"), in)
	for i := range 1 + rng.IntN(2) {
		fmt.Fprintf(b, "%s  - name: c%d\n%s    image: %s\n%s    args: [\"--batch-size=%d\", \"--verbose\"]\n", in, i, in,
			pick(rng, "registry.example.com/worker:1.4.2", "busybox", "nginx:latest", "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
			in, rng.IntN(1000))
		fmt.Fprintf(b, "%s    env:\n%s    - name: MODE\n%s      value: batch\n", in, in, in)
		if rng.IntN(3) > 0 {
			fmt.Fprintf(b, "%s    resources:\n%s      requests: {cpu: 100m, memory: 128Mi}\n", in, in)
			if rng.IntN(2) == 0 {
				fmt.Fprintf(b, "%s      limits:\n%s        cpu: 500m\n%s        memory: 256Mi\n", in, in, in)
			}
		}
	}
}
