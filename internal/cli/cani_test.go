package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/cli"
)

// canIMore adds to teamRoles and teamBindings: a Role limited to one
// secret by name bound to User alice, a ClusterRole of non-resource URLs
// bound to Group monitoring, and two workloads running as
// production/exporter, one without an API token.
const canIMore = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: db-reader
  namespace: production
rules:
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: ["db-password"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: alice-db
  namespace: production
subjects:
- kind: User
  name: alice
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: db-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics
rules:
- nonResourceURLs: ["/metrics", "/metrics/*"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: monitoring-metrics
subjects:
- kind: Group
  name: monitoring
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: metrics
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: export
  namespace: production
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: exporter
          restartPolicy: OnFailure
          containers:
          - name: export
            image: exporter:1.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: quiet
  namespace: production
spec:
  selector:
    matchLabels: {app: quiet}
  template:
    metadata:
      labels: {app: quiet}
    spec:
      serviceAccountName: exporter
      automountServiceAccountToken: false
      containers:
      - name: quiet
        image: quiet:1.0
`

// canIRepo makes a repository with the can-i fixtures under k8s/.
func canIRepo(t *testing.T) {
	repo(t, map[string]string{"k8s/roles.yaml": teamRoles, "k8s/bindings.yaml": teamBindings, "k8s/more.yaml": canIMore})
}

// kvet can-i answers yes (exit 0) or no (exit 1) as the RBAC authorizer
// would, for users, groups, ServiceAccounts and workloads, resources with
// names and subresources, non-resource URLs and cluster-scoped resources.
func TestCanIAnswers(t *testing.T) {
	canIRepo(t)
	for _, c := range []struct {
		args   string
		answer string // "yes" or "no"
		stderr string // a substring of stderr, or "" for none
	}{
		{"get pods -n development --as jane --as-group developers k8s", "yes", ""},
		{"delete deployments.apps -n development --as jane --as-group developers k8s", "yes", ""},
		{"get pods -n production --as jane --as-group developers k8s", "no", ""},
		// No -n: the namespace is "default", as kubectl's usual context.
		{"get pods --as jane --as-group developers k8s", "no", ""},
		// A group's permissions are not a user's of the same name.
		{"get pods -n development --as developers k8s", "no", ""},
		{"list secrets -n production --as system:serviceaccount:production:exporter k8s", "yes", ""},
		{"get secrets -n production --as system:serviceaccount:production:exporter k8s", "no", ""},
		// A RoleBinding never grants a request across all namespaces.
		{"list secrets -A --as system:serviceaccount:production:exporter k8s", "no", ""},
		{"list secrets -n production --workload CronJob/production/export k8s", "yes", ""},
		{"list secrets -n production --workload cronjob/production/export k8s", "yes", ""},
		{"list secrets -n development --workload cronjob/production/export k8s", "no", ""},
		// resourceNames: the named secret only, and not a request without a name.
		{"get secrets db-password -n production --as alice k8s", "yes", ""},
		{"get secrets other -n production --as alice k8s", "no", ""},
		{"get secrets -n production --as alice k8s", "no", ""},
		{"get secret db-password -n production --as alice -- k8s", "yes", ""},
		// Subresources: "*" covers them, a plain resource does not.
		{"create pods/exec -n development --as jane --as-group developers k8s", "yes", ""},
		{"list secrets/status -n production --as system:serviceaccount:production:exporter k8s", "no", ""},
		// Non-resource URLs, with a trailing *.
		{"get /metrics --as m --as-group monitoring k8s", "yes", ""},
		{"get /metrics/cadvisor --as m --as-group monitoring k8s", "yes", ""},
		{"get /healthz --as m --as-group monitoring k8s", "no", ""},
		// A non-resource URL's verb is the request's HTTP method.
		{"post /metrics --as m --as-group monitoring k8s", "no", ""},
		{"list /metrics --as m --as-group monitoring k8s", "no", `"list" is not a verb Kubernetes checks for a non-resource URL (get, head, options, post, put, patch, delete, *)`},
		// A cluster-scoped resource: RoleBindings do not grant it, -n is ignored.
		{"list nodes -n development --as jane --as-group developers k8s", "no", "nodes is not namespaced: -n development is ignored"},
		{"get widgets -n development --as jane --as-group developers k8s", "yes", `"widgets" is not a resource Kubernetes`},
		{"get pods/mypod -n development --as jane --as-group developers k8s", "yes", `"mypod" is not a subresource`},
	} {
		t.Run(c.args, func(t *testing.T) {
			code, stdout, stderr := kvet(t, append([]string{"can-i"}, strings.Fields(c.args)...)...)
			want := map[string]int{"yes": 0, "no": 1}[c.answer]
			if stdout != c.answer+"\n" || code != want {
				t.Errorf("stdout %q, exit %d; want %q, exit %d (stderr %q)", stdout, code, c.answer+"\n", want, stderr)
			}
			if c.stderr == "" && stderr != "" || !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr %q, want %q", stderr, c.stderr)
			}
		})
	}
}

// -v shows who asks and each grant's chain with file:line:col (the
// binding's subject entry, its roleRef, the rule element that allows the
// request), or why the answer is no.
func TestCanIVerbose(t *testing.T) {
	canIRepo(t)
	for _, c := range []struct{ args, want string }{
		{"list secrets -n production --workload deployment/production/quiet -v k8s", `yes
  Deployment production/quiet runs as ServiceAccount production/exporter (k8s/more.yaml:74:27)
  note: its pods get no API token (automountServiceAccountToken: false): they cannot use these permissions
  asking as User system:serviceaccount:production:exporter (groups system:serviceaccounts, system:serviceaccounts:production, system:authenticated)
  granted by RoleBinding production/exporter → Role production/secrets (k8s/roles.yaml:17)
    k8s/bindings.yaml:21:9: RoleBinding production/exporter binds ServiceAccount production/exporter
    k8s/bindings.yaml:25:9: to Role secrets
    k8s/roles.yaml:18:15: grants list on secrets
`},
		{"get /metrics/cadvisor --as m --as-group monitoring -v k8s", `yes
  asking as User m (groups monitoring, system:authenticated)
  granted by ClusterRoleBinding monitoring-metrics → ClusterRole metrics (k8s/more.yaml:30)
    k8s/more.yaml:39:9: ClusterRoleBinding monitoring-metrics binds Group monitoring
    k8s/more.yaml:43:9: to ClusterRole metrics
    k8s/more.yaml:30:33: grants get on /metrics, /metrics/*
`},
		{"get pods -n production --as jane --as-group developers -v k8s", `no
  asking as User jane (groups developers, system:authenticated)
  1 binding applies to User jane (groups developers, system:authenticated); none of their roles' rules allows get pods in namespace production
`},
		{"get pods -n production --as nobody -v k8s", `no
  asking as User nobody (groups system:authenticated)
  no binding of the manifests applies to User nobody (groups system:authenticated)
`},
	} {
		code, stdout, stderr := kvet(t, append([]string{"can-i"}, strings.Fields(c.args)...)...)
		if stdout != c.want || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout\n%s\nwant\n%s", c.args, code, stderr, stdout, c.want)
		}
	}
}

// -v places the chain as kvet lint's text output does, file:line:col with
// the column in bytes (what editors read), also after non-ASCII text on
// the line; the JSON answer keeps code points, as kvet's JSON reports do.
func TestCanIVerboseByteColumns(t *testing.T) {
	repo(t, map[string]string{"k8s/rbac.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
  namespace: x
rules:
- apiGroups: [""]
  resources: ["café", "secrets"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: b
  namespace: x
subjects:
- kind: User
  name: u
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
`})
	code, stdout, stderr := kvet(t, "can-i", "get", "secrets", "-n", "x", "--as", "u", "-v", "k8s")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "\n    k8s/rbac.yaml:8:24: grants get on café, secrets\n") {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant the rule element at k8s/rbac.yaml:8:24 (byte column)", code, stderr, stdout)
	}
	code, stdout, _ = kvet(t, "can-i", "get", "secrets", "-n", "x", "--as", "u", "-f", "json", "k8s")
	if code != 0 || !strings.Contains(stdout, `"line": 8,
                "column": 23`) {
		t.Errorf("json: exit %d, want the rule element at line 8, code point column 23:\n%s", code, stdout)
	}
}

// --list prints every permission of the subject per namespace (its
// groups' too), as a table or JSON.
func TestCanIList(t *testing.T) {
	canIRepo(t)
	code, stdout, stderr := kvet(t, "can-i", "--list", "--as", "jane", "--as-group", "developers", "--as-group", "monitoring", "k8s")
	want := `NAMESPACE    VERBS  RESOURCES             DANGER                                          GRANTED BY
*            get    /metrics, /metrics/*  -                                               ClusterRoleBinding monitoring-metrics → ClusterRole metrics (k8s/more.yaml:30)
development  *      *.*                   warning: do everything (rbac-admin-equivalent)  RoleBinding development/developers → Role development/dev-full-access (k8s/roles.yaml:7)
`
	if code != 0 || stdout != want || stderr != "" {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", code, stderr, stdout, want)
	}
	code, stdout, _ = kvet(t, "can-i", "--list", "--as", "nobody", "k8s")
	if want := "no permissions (no binding of the manifests applies to User nobody (groups system:authenticated))\n"; code != 0 || stdout != want {
		t.Errorf("nobody: exit %d, stdout %q, want %q", code, stdout, want)
	}

	code, stdout, stderr = kvet(t, "can-i", "--list", "--workload", "cronjob/production/export", "-f", "json", "k8s")
	var r struct {
		User     string   `json:"user"`
		Groups   []string `json:"groups"`
		Workload string   `json:"workload"`
		Allowed  *bool    `json:"allowed"`
		Sets     []struct {
			Root        string `json:"root"`
			Permissions []struct {
				Namespace string   `json:"namespace"`
				Verbs     []string `json:"verbs"`
				Resources []string `json:"resources"`
				Dangerous bool     `json:"dangerous"`
				Rule      struct {
					File string `json:"file"`
					Line int    `json:"line"`
				} `json:"rule"`
			} `json:"permissions"`
		} `json:"sets"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 0 {
		t.Fatalf("exit %d, stderr %q, %v:\n%s", code, stderr, err, stdout)
	}
	if r.User != "system:serviceaccount:production:exporter" || r.Workload != "CronJob production/export" || r.Allowed != nil ||
		!slices.Equal(r.Groups, []string{"system:serviceaccounts", "system:serviceaccounts:production", "system:authenticated"}) {
		t.Errorf("who: %+v", r)
	}
	if len(r.Sets) != 1 || len(r.Sets[0].Permissions) != 1 {
		t.Fatalf("sets: %+v", r.Sets)
	}
	p := r.Sets[0].Permissions[0]
	if p.Namespace != "production" || !slices.Equal(p.Verbs, []string{"list"}) || !slices.Equal(p.Resources, []string{"secrets"}) ||
		!p.Dangerous || p.Rule.File != "k8s/roles.yaml" || p.Rule.Line != 17 {
		t.Errorf("permission: %+v", p)
	}
}

// An answer in JSON: the request as the authorizer sees it, and the
// permissions that allow it.
func TestCanIJSON(t *testing.T) {
	canIRepo(t)
	code, stdout, stderr := kvet(t, "can-i", "get", "secrets", "db-password", "-n", "production", "--as", "alice", "-f", "json", "k8s")
	var r struct {
		Request map[string]string `json:"request"`
		Allowed *bool             `json:"allowed"`
		Sets    []struct {
			Allowed     *bool `json:"allowed"`
			Permissions []struct {
				ResourceNames []string `json:"resourceNames"`
				Chain         []struct {
					Message  string
					Location struct {
						File   string
						Line   int
						Column int
					}
				} `json:"chain"`
			} `json:"permissions"`
		} `json:"sets"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 0 {
		t.Fatalf("exit %d, stderr %q, %v:\n%s", code, stderr, err, stdout)
	}
	wantReq := map[string]string{"verb": "get", "apiGroup": "", "resource": "secrets", "name": "db-password", "namespace": "production"}
	if !maps.Equal(r.Request, wantReq) || r.Allowed == nil || !*r.Allowed || len(r.Sets) != 1 || !*r.Sets[0].Allowed {
		t.Fatalf("request %v, allowed %v, sets %+v", r.Request, r.Allowed, r.Sets)
	}
	perms := r.Sets[0].Permissions
	if len(perms) != 1 || !slices.Equal(perms[0].ResourceNames, []string{"db-password"}) {
		t.Fatalf("permissions: %+v", perms)
	}
	last := perms[0].Chain[len(perms[0].Chain)-1]
	if last.Location.File != "k8s/more.yaml" || last.Location.Line != 8 || last.Location.Column != 15 {
		t.Errorf("the chain ends at %+v, want the resources element at k8s/more.yaml:8:15", last)
	}

	code, stdout, _ = kvet(t, "can-i", "get", "secrets", "-n", "production", "--as", "alice", "-f", "json", "k8s")
	if code != 1 || !strings.Contains(stdout, `"allowed": false`) || !strings.Contains(stdout, `"permissions": []`) {
		t.Errorf("no: exit %d\n%s", code, stdout)
	}
}

// Mistakes on the command line are usage errors (exit 2) that say what
// to do; a --workload the manifests do not have is an error.
func TestCanIUsage(t *testing.T) {
	canIRepo(t)
	for _, c := range []struct{ args, stderr string }{
		{"get pods k8s", "say who asks: --as USER"},
		{"get pods --as a --workload pod/default/x k8s", "--as and --workload both name who asks"},
		{"get pods --workload pod/default/x --as-group g k8s", "--as-group needs --as"},
		{"get pods --as a -f yaml k8s", `--format: unknown format "yaml"`},
		{"get pods --as a -A -n x k8s", "-A and -n both name the namespace"},
		{"get pods --workload pod/x k8s", "want KIND/NAMESPACE/NAME"},
		{"get pods --workload service/default/x k8s", `"service" is not a kind of workload`},
		{"get --as a", "want VERB and RESOURCE"},
		{"get pods --as a a b -- k8s", "unexpected \"b\" before --"},
		{"get /healthz x --as a -- k8s", "a non-resource URL (/healthz) has no NAME"},
		{"--list --as a get pods -- k8s", "--list takes no VERB or RESOURCE"},
	} {
		code, stdout, stderr := kvet(t, append([]string{"can-i"}, strings.Fields(c.args)...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.stderr) || !strings.Contains(stderr, "kvet can-i --help") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, stdout, stderr, c.stderr)
		}
	}
	code, stdout, stderr := kvet(t, "can-i", "get", "pods", "--workload", "job/production/export", "k8s")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "--workload: the manifests have no job/production/export") {
		t.Errorf("missing workload: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// folderRBAC is a folder's manifests without metadata.namespace: a
// ServiceAccount runner (mounting its token or not), a Role runner that
// may get resource, its RoleBinding, and a Job build running as runner.
func folderRBAC(resource string, automount bool) string {
	return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
automountServiceAccountToken: ` + strconv.FormatBool(automount) + `
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: runner
rules:
- {apiGroups: [""], resources: [` + resource + `], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: runner
subjects: [{kind: ServiceAccount, name: runner}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: runner}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: build
spec:
  template:
    spec:
      serviceAccountName: runner
      containers: [{name: c, image: "c:1"}]
`
}

// Workloads without metadata.namespace in two folders are two workloads,
// each running as its own folder's ServiceAccount and bound by its own
// folder's RoleBindings: --workload naming both is an error, and each
// folder answers for its own.
func TestCanIWorkloadFolders(t *testing.T) {
	repo(t, map[string]string{"k8s/a/all.yaml": folderRBAC("secrets", false), "k8s/b/all.yaml": folderRBAC("configmaps", true)})
	code, stdout, stderr := kvet(t, "can-i", "get", "secrets", "--workload", "job/default/build", "k8s")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "the manifests have 2 of job/default/build (k8s/a/all.yaml:24, k8s/b/all.yaml:24)") {
		t.Errorf("two folders: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, c := range []struct {
		dir    string
		answer int
	}{{"k8s/a", 0}, {"k8s/b", 1}} {
		code, stdout, stderr := kvet(t, "can-i", "get", "secrets", "--workload", "job/default/build", c.dir)
		if code != c.answer || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d", c.dir, code, stdout, stderr, c.answer)
		}
	}
	// No duplicate warnings, and the ServiceAccount's user name alone is
	// bound in both folders.
	code, stdout, stderr = kvet(t, "can-i", "get", "configmaps", "--as", "system:serviceaccount:default:runner", "k8s")
	if code != 0 || stderr != "" {
		t.Errorf("--as: exit %d, stdout %q, stderr %q; want yes without warnings", code, stdout, stderr)
	}
}

// A Role and a RoleBinding without metadata.namespace in one folder: the
// binding grants the Role however the folder is spelled (relative,
// absolute, through a symbolic link to it).
func TestCanIFolderSpellings(t *testing.T) {
	dir := repo(t, map[string]string{
		"k8s/role.yaml":    "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules:\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n",
		"k8s/binding.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n- {kind: ServiceAccount, name: app}\n",
	})
	if err := os.Symlink("k8s", filepath.Join(dir, "lk")); err != nil {
		t.Skipf("no symbolic links: %v", err)
	}
	for _, binding := range []string{"k8s/binding.yaml", filepath.Join(dir, "k8s", "binding.yaml"), "lk/binding.yaml"} {
		code, stdout, stderr := kvet(t, "can-i", "get", "configmaps", "--as", "system:serviceaccount:default:app", "k8s/role.yaml", binding)
		if code != 0 || stdout != "yes\n" || stderr != "" {
			t.Errorf("binding %s: exit %d, stdout %q, stderr %q; want yes", binding, code, stdout, stderr)
		}
	}
}

// What kvet cannot read is a warning naming file:line, and the rest is
// still answered; a path that cannot be read is an error (exit 2).
func TestCanIBadInput(t *testing.T) {
	canIRepo(t)
	writeFile(t, "k8s/broken.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [broken\n")
	code, stdout, stderr := kvet(t, "can-i", "list", "secrets", "-n", "production", "--as", "system:serviceaccount:production:exporter", "k8s")
	if code != 0 || stdout != "yes\n" || !strings.Contains(stderr, "kvet: warning: k8s/broken.yaml:4:") {
		t.Errorf("broken file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = kvet(t, "can-i", "list", "secrets", "-n", "production", "--as", "system:serviceaccount:production:exporter", "-q", "k8s", "missing")
	if code != 2 || stdout != "yes\n" || !strings.Contains(stderr, "missing") || strings.Contains(stderr, "warning") {
		t.Errorf("missing path: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// Each rendered Kustomize overlay is answered on its own line, and the
// exit status is 0 only when every one says yes.
func TestCanIRendered(t *testing.T) {
	repo(t, map[string]string{
		"base/kustomization.yaml":       "resources: [roles.yaml, bindings.yaml]\n",
		"base/roles.yaml":               teamRoles,
		"base/bindings.yaml":            teamBindings,
		"overlays/a/kustomization.yaml": "resources: [../../base]\n",
		"overlays/b/kustomization.yaml": "resources: [../../base]\npatches:\n- target: {kind: RoleBinding, name: developers}\n  patch: |\n    - op: replace\n      path: /subjects/0/name\n      value: testers\n",
	})
	code, stdout, stderr := kvet(t, "can-i", "get", "pods", "-n", "development", "--as", "jane", "--as-group", "developers", "overlays")
	if want := "overlay overlays/a: yes\noverlay overlays/b: no\n"; code != 1 || stdout != want {
		t.Errorf("exit %d, stdout %q, want %q (stderr %q)", code, stdout, want, stderr)
	}
	code, stdout, _ = kvet(t, "can-i", "get", "pods", "-n", "development", "--as", "jane", "--as-group", "developers", "--as-group", "testers", "overlays")
	if want := "overlay overlays/a: yes\noverlay overlays/b: yes\n"; code != 0 || stdout != want {
		t.Errorf("both groups: exit %d, stdout %q, want %q", code, stdout, want)
	}
}

// Interrupted (Ctrl-C), kvet can-i gives no answer and exits 130.
func TestCanIInterrupted(t *testing.T) {
	canIRepo(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cli.Interrupted{Signal: os.Interrupt})
	var out, errb bytes.Buffer
	code := cli.Main(ctx, []string{"can-i", "get", "pods", "--as", "jane", "k8s"}, strings.NewReader(""), &out, &errb)
	if code != cli.ExitInterrupted || out.String() != "" || errb.String() != "kvet: interrupted: no answer\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}

// A request for one namespace object is made in that namespace, as the API
// server sees it: a RoleBinding there may allow it (kubectl get namespace
// team), but not another namespace, nor listing them.
func TestCanINamespaceObject(t *testing.T) {
	repo(t, map[string]string{"rb.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: alice-view\n  namespace: team\n" +
		"subjects:\n- kind: User\n  name: alice\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  kind: ClusterRole\n  name: view\n  apiGroup: rbac.authorization.k8s.io\n"})
	for _, c := range []struct{ args, answer, stderr string }{
		{"get namespaces team --as alice rb.yaml", "yes", ""},
		{"get namespaces team -n team --as alice rb.yaml", "yes", ""},
		{"get namespaces team -n other --as alice rb.yaml", "yes", "a request for namespace team is made in namespace team: -n other is ignored"},
		{"get namespaces other --as alice rb.yaml", "no", ""},
		{"list namespaces -n team --as alice rb.yaml", "no", "namespaces is not namespaced: -n team is ignored"},
		{"delete namespaces team --as alice rb.yaml", "no", ""},
	} {
		code, stdout, stderr := kvet(t, append([]string{"can-i"}, strings.Fields(c.args)...)...)
		want := map[string]int{"yes": 0, "no": 1}[c.answer]
		if stdout != c.answer+"\n" || code != want || c.stderr == "" && stderr != "" || !strings.Contains(stderr, c.stderr) {
			t.Errorf("can-i %s: stdout %q, exit %d, stderr %q; want %q, exit %d, stderr with %q", c.args, stdout, code, stderr, c.answer, want, c.stderr)
		}
	}
}

// TestCanIRequestScope checks the namespace a request is made in, as the
// API server's request info and RBAC checks see it: a request on the
// namespaces collection (create, list, watch, deletecollection) is outside
// any namespace even with a NAME; binding a ClusterRole in a RoleBinding is
// checked in the binding's namespace (the delegation the Kubernetes docs
// describe); impersonating a user or group is outside any namespace, so a
// RoleBinding never allows it.
func TestCanIRequestScope(t *testing.T) {
	role := func(kind, ns, name, rules string) string {
		meta := "  name: " + name + "\n"
		if ns != "" {
			meta += "  namespace: " + ns + "\n"
		}
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n" + meta + "rules:\n" + rules + "---\n"
	}
	binding := func(kind, ns, name, user, roleKind, roleName string) string {
		meta := "  name: " + name + "\n"
		if ns != "" {
			meta += "  namespace: " + ns + "\n"
		}
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata:\n" + meta +
			"subjects:\n- {kind: User, name: " + user + ", apiGroup: rbac.authorization.k8s.io}\n" +
			"roleRef: {kind: " + roleKind + ", name: " + roleName + ", apiGroup: rbac.authorization.k8s.io}\n---\n"
	}
	repo(t, map[string]string{"rbac.yaml": role("ClusterRole", "", "ns-admin", "- {apiGroups: [\"\"], resources: [namespaces], verbs: [\"*\"]}\n") +
		binding("RoleBinding", "team", "alice-ns", "alice", "ClusterRole", "ns-admin") +
		role("ClusterRole", "", "role-grantor", "- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}\n"+
			"- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [edit, view]}\n") +
		binding("RoleBinding", "team", "bob-grants", "bob", "ClusterRole", "role-grantor") +
		role("Role", "team", "imp", "- {apiGroups: [\"\"], resources: [users, groups, serviceaccounts], verbs: [impersonate]}\n") +
		binding("RoleBinding", "team", "carol-imp", "carol", "Role", "imp") +
		role("ClusterRole", "", "imp-all", "- {apiGroups: [\"\"], resources: [users], verbs: [impersonate]}\n") +
		binding("ClusterRoleBinding", "", "dave-imp", "dave", "ClusterRole", "imp-all")})
	for _, c := range []struct{ args, answer, stderr string }{
		{"get namespaces team --as alice rbac.yaml", "yes", ""},
		{"delete namespaces team --as alice rbac.yaml", "yes", ""},
		{"create namespaces team --as alice rbac.yaml", "no", ""},
		{"list namespaces team --as alice rbac.yaml", "no", ""},
		{"watch namespaces team --as alice rbac.yaml", "no", ""},
		{"deletecollection namespaces team --as alice rbac.yaml", "no", ""},
		{"bind clusterroles edit -n team --as bob rbac.yaml", "yes", ""},
		{"bind clusterroles admin -n team --as bob rbac.yaml", "no", ""},
		{"bind clusterroles edit -n other --as bob rbac.yaml", "no", ""},
		{"bind clusterroles edit --as bob rbac.yaml", "no", ""},
		{"escalate clusterroles edit -n team --as bob rbac.yaml", "no", "clusterroles.rbac.authorization.k8s.io is not namespaced: -n team is ignored"},
		{"impersonate users jane --as carol rbac.yaml", "no", ""},
		{"impersonate users jane -n team --as carol rbac.yaml", "no", "users is not namespaced: -n team is ignored"},
		{"impersonate groups admins --as carol rbac.yaml", "no", ""},
		{"impersonate serviceaccounts robot -n team --as carol rbac.yaml", "yes", ""},
		{"impersonate users jane --as dave rbac.yaml", "yes", ""},
	} {
		code, stdout, stderr := kvet(t, append([]string{"can-i"}, strings.Fields(c.args)...)...)
		want := map[string]int{"yes": 0, "no": 1}[c.answer]
		if stdout != c.answer+"\n" || code != want || c.stderr == "" && stderr != "" || !strings.Contains(stderr, c.stderr) {
			t.Errorf("can-i %s: stdout %q, exit %d, stderr %q; want %q, exit %d, stderr with %q", c.args, stdout, code, stderr, c.answer, want, c.stderr)
		}
	}
}
