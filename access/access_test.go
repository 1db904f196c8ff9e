package access_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// load builds the report of the manifests under dir, read as kvet reads
// them.
func load(t *testing.T, dir string) *access.Report {
	t.Helper()
	set := analyzer.NewLoader(nil).Load(t.Context(), []string{dir})
	for _, err := range set.Errors {
		t.Fatal(err)
	}
	for _, d := range set.Diagnostics {
		t.Fatalf("%s:%d: %s (%s)", d.File, d.Range.Start.Line, d.Message, d.RuleID)
	}
	r, err := access.Build(t.Context(), []access.Input{{Model: rbac.Build(set.Docs)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden renders the report of testdata/teams in each format and
// compares it with testdata/teams.golden.FORMAT (go test -update rewrites
// them: review the diff).
func TestGolden(t *testing.T) {
	r := load(t, "testdata/teams")
	for _, format := range access.Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := access.Write(&buf, format, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "teams.golden."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (go test ./access -update rewrites it):\n%s", format, golden, buf.String())
			}
		})
	}
}

// build builds the report of manifests given as file name and content
// pairs.
func build(t *testing.T, rate access.Rating, files ...string) *access.Set {
	t.Helper()
	l := analyzer.NewLoader(nil)
	var docs []*analyzer.Document
	for i := 0; i+1 < len(files); i += 2 {
		ds, diags := l.Parse(&analyzer.File{Path: files[i], Content: []byte(files[i+1])})
		for _, d := range diags {
			t.Fatalf("%s:%d: %s (%s)", d.File, d.Range.Start.Line, d.Message, d.RuleID)
		}
		docs = append(docs, ds...)
	}
	set, err := access.BuildSet(t.Context(), access.Input{Model: rbac.Build(docs)}, rate)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// rows renders a set's permissions as "subject | namespace | what |
// risks | dangerous" lines.
func rows(set *access.Set) []string {
	var out []string
	for _, s := range set.Subjects {
		for _, p := range s.Permissions {
			line := s.String() + " | " + p.Namespace + " | " + access.Describe(&p) + " |"
			for _, r := range p.Risks {
				line += " " + r.Severity + " " + r.Rule
			}
			if p.Dangerous {
				line += " | dangerous"
			}
			out = append(out, line)
		}
	}
	return out
}

const nodesProxy = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kubelet-proxy
rules:
- apiGroups: [""]
  resources: ["nodes/proxy", "secrets"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: in-ns
  namespace: ops
subjects:
- kind: User
  name: system:serviceaccount:ops:agent
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kubelet-proxy
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: everywhere
subjects:
- kind: Group
  name: sre
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: kubelet-proxy
`

// Risks are rbac's rating, with the configuration's: cluster-scoped ones
// count only through a ClusterRoleBinding (through a RoleBinding the
// cluster-scoped resources are not listed: it cannot grant them); a rule turned off marks
// nothing; a severity lowered to info is not dangerous. A binding naming a
// ServiceAccount's user is the ServiceAccount's own permission.
func TestRisks(t *testing.T) {
	for _, c := range []struct {
		name string
		rate access.Rating
		want []string
	}{
		{"defaults", nil, []string{
			"Group sre | * | get on nodes/proxy, secrets | error rbac-nodes-proxy warning rbac-secrets-access | dangerous",
			"ServiceAccount ops/agent | ops | get on secrets | warning rbac-secrets-access | dangerous",
		}},
		{"nodes-proxy off, secrets info", func(id string, sev analyzer.Severity) (analyzer.Severity, bool) {
			switch id {
			case "rbac-nodes-proxy":
				return sev, false
			case "rbac-secrets-access":
				return analyzer.SeverityInfo, true
			}
			return sev, true
		}, []string{
			"Group sre | * | get on nodes/proxy, secrets | info rbac-secrets-access",
			"ServiceAccount ops/agent | ops | get on secrets | info rbac-secrets-access",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			set := build(t, c.rate, "rbac.yaml", nodesProxy)
			if got := rows(set); !slices.Equal(got, c.want) {
				t.Errorf("permissions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
	set := build(t, nil, "rbac.yaml", nodesProxy)
	agent := set.Subjects[len(set.Subjects)-1]
	if p := agent.Permissions[0]; p.Subject != "User system:serviceaccount:ops:agent" || p.Chain[0].Location.String() != "rbac.yaml:17" {
		t.Errorf("agent's permission is held as %q, first hop at %s; want the User entry at rbac.yaml:17", p.Subject, p.Chain[0].Location)
	}
	if !slices.Equal(set.Namespaces, []string{"*", "ops"}) {
		t.Errorf("namespaces = %q", set.Namespaces)
	}
}

// A ServiceAccount's workloads say whether their pods get a token; the
// built-in ClusterRoles' rules are named in the chain without a place.
func TestWorkloadsAndBuiltins(t *testing.T) {
	set := build(t, nil, "app.yaml", `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: shop
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
spec:
  serviceAccountName: app
  containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
  namespace: shop
spec:
  serviceAccountName: app
  automountServiceAccountToken: true
  containers: [{name: c, image: x}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: app-view
  namespace: shop
subjects:
- kind: ServiceAccount
  name: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
`)
	if len(set.Subjects) != 1 {
		t.Fatalf("subjects = %d, want the ServiceAccount", len(set.Subjects))
	}
	s := set.Subjects[0]
	var wls []string
	for _, w := range s.Workloads {
		wls = append(wls, fmt.Sprintf("%s at %s, token %v", w, w.Location, w.TokenMounted))
	}
	if want := []string{"Pod shop/api at app.yaml:14, token false", "Pod shop/worker at app.yaml:23, token true"}; !slices.Equal(wls, want) {
		t.Errorf("workloads = %q, want %q", wls, want)
	}
	if len(s.Permissions) < 10 {
		t.Fatalf("view grants %d rules, want the built-in view's", len(s.Permissions))
	}
	for _, p := range s.Permissions {
		last := p.Chain[len(p.Chain)-1]
		if p.Role != "ClusterRole view" || p.Rule.File != "" || last.Location.File != "" || !strings.HasSuffix(last.Message, "built into Kubernetes)") {
			t.Fatalf("permission %s: role %s, rule at %s, last hop %q at %s; want a built-in rule of view", access.Describe(&p), p.Role, p.Rule, last.Message, last.Location)
		}
		if slices.Contains(p.Resources, "secrets") {
			t.Errorf("view grants %s", access.Describe(&p))
		}
	}
	if s.Inherits == nil || len(s.Inherits) != 0 {
		t.Errorf("inherits = %#v, want an empty list (no group holds anything)", s.Inherits)
	}
}

// The JSON report, written subject by subject, is the report encoded in
// one piece, for any number of sets and subjects.
func TestJSONStreamed(t *testing.T) {
	teams := load(t, "testdata/teams")
	empty := build(t, nil)
	overlay := *teams.Sets[0]
	overlay.Root, overlay.RootKind = "overlays/prod", "overlay"
	// A name that reads like the key the writer looks for.
	odd := build(t, nil, "rbac.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: odd
  namespace: x
subjects:
- kind: User
  name: '"permissions": [ & <b>'
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
`)
	for _, r := range []*access.Report{
		{Sets: []*access.Set{odd}},
		{Sets: []*access.Set{}},
		{Sets: []*access.Set{empty}},
		teams,
		{Sets: []*access.Set{teams.Sets[0], empty, &overlay}},
	} {
		var got, want bytes.Buffer
		if err := access.JSON(&got, r); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			Version int           `json:"version"`
			Sets    []*access.Set `json:"sets"`
		}{access.JSONVersion, r.Sets}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed JSON differs from the encoded report:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}

// Names are text, never markup: the HTML report escapes them in content
// and attributes, and the Markdown report in table cells.
func TestEscaping(t *testing.T) {
	set := build(t, nil, "rbac.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: odd
subjects:
- kind: User
  name: '<img src=x onerror=alert(1)> "x" | y'
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
`)
	r := &access.Report{Sets: []*access.Set{set}}
	var page, md bytes.Buffer
	if err := access.HTML(&page, r); err != nil {
		t.Fatal(err)
	}
	if err := access.Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "<img") || !strings.Contains(page.String(), `data-subject="User &lt;img src=x onerror=alert(1)&gt; &#34;x&#34; | y"`) {
		t.Errorf("the HTML report does not escape the user's name")
	}
	if strings.Contains(md.String(), "<img") || !strings.Contains(md.String(), `| User &lt;img src=x onerror=alert(1)&gt; "x" \| y |`) {
		t.Errorf("the Markdown report does not escape the user's name:\n%s", md.String())
	}
}

// Building stops when the run is cancelled.
func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	set := analyzer.NewLoader(nil).Load(t.Context(), []string{"testdata/teams"})
	if _, err := access.Build(ctx, []access.Input{{Model: rbac.Build(set.Docs)}}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Build on a cancelled context: %v, want context.Canceled", err)
	}
}

// namespaces writes n namespaces, each with a ServiceAccount runner bound
// to a Role reader (get configmaps), and returns their directory.
func namespaces(t testing.TB, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: runner, namespace: ns%d}\n", i)
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: ns%d}\nrules:\n- {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n", i)
		fmt.Fprintf(&b, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: runner, namespace: ns%d}\n"+
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects: [{kind: ServiceAccount, name: runner, namespace: ns%d}]\n", i, i)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ns.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A set whose subject × namespace matrix would have more than 100,000
// cells gets each subject's permissions by namespace instead, in HTML and
// Markdown: the reports grow with the permissions, not with subjects ×
// namespaces. 316 namespaces (99,856 cells) keep the matrix.
func TestLargeSetByNamespace(t *testing.T) {
	render := func(n int, format string) string {
		var out bytes.Buffer
		if err := access.Write(&out, format, load(t, namespaces(t, n))); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	const note = "matrix is left out (more than 100,000 cells, most of them empty): each subject's permissions are listed by namespace."
	page := render(400, "html")
	if !strings.Contains(page, `<table class="matrix by-namespace">`) || !strings.Contains(page, html.EscapeString("400 subjects × 400 namespaces "+note)) {
		t.Fatalf("400 namespaces: no by-namespace table or note in the HTML report")
	}
	if strings.Contains(page, `<td class="none" data-namespace=`) {
		t.Error("400 namespaces: the HTML report still has the matrix's empty cells")
	}
	// Each ServiceAccount's row names its own namespace, with its permission.
	_, row, _ := strings.Cut(page, `data-subject="ServiceAccount ns123/runner"`)
	row, _, _ = strings.Cut(row, "</tr>")
	if strings.Count(row, `class="ns"`) != 1 || !strings.Contains(row, `<div class="ns" data-namespace="ns123">ns123</div>`) ||
		!strings.Contains(row, "get on configmaps") {
		t.Errorf("the row of ns123/runner:\n%s", row)
	}
	if big := render(800, "html"); float64(len(big)) > 2.2*float64(len(page)) {
		t.Errorf("twice the namespaces: %d bytes of HTML against %d, want about twice", len(big), len(page))
	}
	md := render(400, "markdown")
	if !strings.Contains(md, "400 subjects × 400 namespaces "+note) || strings.Contains(md, "| subject |") {
		t.Error("400 namespaces: the Markdown report has the matrix, or not the note")
	}
	if !strings.Contains(md, "| ns123 | get | configmaps |") {
		t.Error("400 namespaces: the Markdown report lacks ns123/runner's permission")
	}
	if small := render(316, "html"); !strings.Contains(small, `<table class="matrix">`) || strings.Contains(small, html.EscapeString(note)) {
		t.Error("316 namespaces (99,856 cells): the HTML report has no matrix")
	}
	if small := render(316, "markdown"); !strings.Contains(small, "| subject |") {
		t.Error("316 namespaces: the Markdown report has no matrix")
	}
}

// A RoleBinding applies to requests made in its namespace: of a
// ClusterRole it binds, the rows list what can be requested there. A rule
// of cluster-scoped resources or non-resource URLs only is no permission
// (kvet can-i answers no to each of its requests); namespaces stay (a
// request for one namespace is made in it).
func TestRoleBindingOfClusterScopedRules(t *testing.T) {
	set := build(t, nil, "rbac.yaml", `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: mixed
rules:
- apiGroups: [""]
  resources: [nodes, pods]
  verbs: [get]
- apiGroups: [""]
  resources: [nodes, persistentvolumes]
  verbs: [list]
- nonResourceURLs: [/metrics]
  verbs: [get]
- apiGroups: [""]
  resources: [namespaces]
  verbs: [get]
- apiGroups: ["*"]
  resources: [nodes]
  verbs: [watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: b
  namespace: team
subjects:
- {kind: User, name: u}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: mixed}
`)
	want := []string{
		"User u | team | get on pods |",
		"User u | team | get on namespaces |",
		"User u | team | watch on nodes.* |", // another group may serve a namespaced nodes
	}
	if got := rows(set); !slices.Equal(got, want) {
		t.Errorf("permissions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
