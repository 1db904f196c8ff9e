package cli_test

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// accessJSON is the part of kvet access's JSON report the tests read.
type accessJSON struct {
	Version int `json:"version"`
	Sets    []struct {
		Root       string   `json:"root"`
		RootKind   string   `json:"rootKind"`
		Namespaces []string `json:"namespaces"`
		Problems   []string `json:"problems"`
		Subjects   []struct {
			Kind      string `json:"kind"`
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
			Workloads []struct {
				Kind, Namespace, Name string
				TokenMounted          bool
			} `json:"workloads"`
			Permissions []struct {
				Namespace string   `json:"namespace"`
				Verbs     []string `json:"verbs"`
				Resources []string `json:"resources"`
				Dangerous bool     `json:"dangerous"`
				Risks     []struct {
					Rule, Severity string
				} `json:"risks"`
				Rule struct {
					File string
					Line int
				} `json:"rule"`
				Chain []struct {
					Message  string
					Location struct {
						File string
						Line int
					}
				} `json:"chain"`
			} `json:"permissions"`
		} `json:"subjects"`
	} `json:"sets"`
}

// accessRun runs kvet access -f json and decodes its report.
func accessRun(t *testing.T, args ...string) (accessJSON, string) {
	t.Helper()
	code, stdout, stderr := kvet(t, append([]string{"access", "-f", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("kvet access %v: exit %d, stderr %q", args, code, stderr)
	}
	var r accessJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("kvet access %v: not JSON: %v\n%s", args, err, stdout)
	}
	return r, stderr
}

// cells returns "subject | namespace | verbs on resources | marks" lines of
// a set of the report, in report order.
func (r accessJSON) cells(set int) []string {
	var out []string
	for _, s := range r.Sets[set].Subjects {
		name := s.Kind + " " + s.Name
		if s.Namespace != "" {
			name = s.Kind + " " + s.Namespace + "/" + s.Name
		}
		for _, p := range s.Permissions {
			line := name + " | " + p.Namespace + " | " + strings.Join(p.Verbs, ",") + " on " + strings.Join(p.Resources, ",")
			for _, risk := range p.Risks {
				line += " | " + risk.Severity + " " + risk.Rule
			}
			if p.Dangerous {
				line += " | dangerous"
			}
			out = append(out, line)
		}
	}
	return out
}

const teamRoles = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: dev-full-access
  namespace: development
rules:
- apiGroups: ["*"]
  resources: ["*"]
  verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secrets
  namespace: production
rules:
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["list"]
`

const teamBindings = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: developers
  namespace: development
subjects:
- kind: Group
  name: developers
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: dev-full-access
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: exporter
  namespace: production
subjects:
- kind: ServiceAccount
  name: exporter
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secrets
`

// kvet access reads what kvet lint reads and writes each format; an
// unknown format is a usage error.
func TestAccessFormats(t *testing.T) {
	repo(t, map[string]string{"k8s/roles.yaml": teamRoles, "k8s/bindings.yaml": teamBindings})
	r, stderr := accessRun(t)
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
	want := []string{
		"Group developers | development | * on * | warning rbac-admin-equivalent | dangerous",
		"ServiceAccount production/exporter | production | list on secrets | warning rbac-secrets-access | dangerous",
	}
	if got := r.cells(0); !slices.Equal(got, want) {
		t.Errorf("permissions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p := r.Sets[0].Subjects[1].Permissions[0]; p.Rule.File != "k8s/roles.yaml" || p.Rule.Line != 17 {
		t.Errorf("exporter's rule is at %s:%d, want k8s/roles.yaml:17", p.Rule.File, p.Rule.Line)
	}
	for format, marker := range map[string]string{
		"text":     "Group developers\n  NAMESPACE",
		"markdown": "```mermaid\nflowchart LR\n",
		"html":     "<!DOCTYPE html>",
	} {
		code, stdout, stderr := kvet(t, "access", "--format", format, "k8s")
		if code != 0 || !strings.Contains(stdout, marker) {
			t.Errorf("--format %s: exit %d, stderr %q, output without %q:\n%s", format, code, stderr, marker, stdout)
		}
	}
	code, _, stderr := kvet(t, "access", "--format", "sarif")
	if code != 2 || !strings.Contains(stderr, `unknown format "sarif"`) {
		t.Errorf("--format sarif: exit %d, stderr %q; want a usage error", code, stderr)
	}
	// The same input gives the same bytes.
	_, first, _ := kvet(t, "access", "--format", "html")
	_, second, _ := kvet(t, "access", "--format", "html")
	if first != second {
		t.Errorf("two runs on the same input differ")
	}
}

// The configuration rates the risks: a rule turned off marks nothing, a
// severity set to info is not dangerous; excluded files are not read; the
// configuration's lint format does not apply to kvet access.
func TestAccessConfiguration(t *testing.T) {
	repo(t, map[string]string{
		"k8s/roles.yaml":    teamRoles,
		"k8s/bindings.yaml": teamBindings,
		"k8s/ignored.yaml":  strings.ReplaceAll(teamBindings, "name: developers\n  namespace", "name: other\n  namespace"),
		".kvet.yaml": `format: sarif
exclude: [k8s/ignored.yaml]
rules:
  rbac-admin-equivalent:
    severity: info
  rbac-secrets-access:
    enabled: false
`,
	})
	r, _ := accessRun(t)
	want := []string{
		"Group developers | development | * on * | info rbac-admin-equivalent",
		"ServiceAccount production/exporter | production | list on secrets",
	}
	if got := r.cells(0); !slices.Equal(got, want) {
		t.Errorf("permissions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// -o writes the report atomically and never over an input file.
func TestAccessOutput(t *testing.T) {
	repo(t, map[string]string{"k8s/roles.yaml": teamRoles, "k8s/bindings.yaml": teamBindings})
	code, stdout, stderr := kvet(t, "access", "-f", "html", "-o", "access.html", "k8s")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	page, err := os.ReadFile("access.html")
	if err != nil || !strings.HasPrefix(string(page), "<!DOCTYPE html>") {
		t.Fatalf("access.html: %v, %.40q", err, page)
	}
	code, _, stderr = kvet(t, "access", "-o", "k8s/roles.yaml", "k8s")
	if code != 2 || !strings.Contains(stderr, "kvet does not overwrite its input") {
		t.Errorf("-o an input: exit %d, stderr %q", code, stderr)
	}
	if data, _ := os.ReadFile("k8s/roles.yaml"); string(data) != teamRoles {
		t.Errorf("the input was changed")
	}
}

// The warnings place input kvet could not read whole as kvet lint's text
// output does: file:line:col with the column in bytes, also after
// non-ASCII text on the line.
func TestAccessWarningByteColumn(t *testing.T) {
	repo(t, map[string]string{"k8s/app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: "d"}
spec: {template: {metadata: {labels: {a: "é"}}, spec: {containers: [{name: "é", image: x}], serviceAccountName: 5}}}
`})
	_, stderr := accessRun(t, "k8s")
	want := "kvet: warning: k8s/app.yaml:4:95: spec.template.spec.serviceAccountName: expected a string, got integer 5 (invalid-value)\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

// Input kvet cannot read whole, duplicates and bindings to missing roles
// are warnings naming file:line; the rest is still reported; a path that
// cannot be read is an error (exit 2) and no -o report is written.
func TestAccessBadInput(t *testing.T) {
	repo(t, map[string]string{
		"k8s/roles.yaml":    teamRoles,
		"k8s/bindings.yaml": teamBindings,
		"k8s/broken.yaml":   "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [broken\n",
		"k8s/zz-dup.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secrets
  namespace: production
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: missing
  namespace: production
subjects:
- kind: User
  name: jane
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: nowhere
`,
	})
	r, stderr := accessRun(t, "k8s")
	for _, want := range []string{
		"kvet: warning: k8s/broken.yaml:4:",
		"(yaml-syntax)",
		"kvet: warning: k8s/zz-dup.yaml:4: Role production/secrets is defined twice, here and at k8s/roles.yaml:14",
		"kvet: warning: k8s/zz-dup.yaml:22: RoleBinding production/missing refers to Role nowhere",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr has no %q:\n%s", want, stderr)
		}
	}
	// The later definition of the Role is in effect.
	want := []string{
		"Group developers | development | * on * | warning rbac-admin-equivalent | dangerous",
		"ServiceAccount production/exporter | production | get on configmaps",
	}
	if got := r.cells(0); !slices.Equal(got, want) {
		t.Errorf("permissions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(r.Sets[0].Problems) != 2 {
		t.Errorf("problems = %q, want the duplicate and the missing role", r.Sets[0].Problems)
	}
	writeFile(t, "values/values.yaml", "replicas: 3\n")
	if _, _, stderr := kvet(t, "access", "k8s", "values"); !strings.Contains(stderr, "kvet: no Kubernetes objects found in values\n") {
		t.Errorf("a directory without objects is not named: %q", stderr)
	}
	_, _, quiet := kvet(t, "access", "-q", "k8s", "values")
	if quiet != "" {
		t.Errorf("-q: stderr %q, want nothing", quiet)
	}
	code, stdout, stderr := kvet(t, "access", "-o", "out.json", "k8s", "missing-dir")
	if code != 2 || !strings.Contains(stderr, "missing-dir") || !strings.Contains(stderr, "report not written to out.json because of the errors above; it went to standard output instead") {
		t.Errorf("unreadable path: exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "ServiceAccount") {
		t.Errorf("the report of the inputs read is not on standard output: %q", stdout)
	}
	if _, err := os.Stat("out.json"); err == nil {
		t.Errorf("out.json was written despite the error")
	}
}

// Kustomize overlays are rendered as kvet lint renders them: each overlay
// is a set of its own, reported at the source lines.
func TestAccessRendered(t *testing.T) {
	repo(t, map[string]string{
		"base/kustomization.yaml":       "resources: [roles.yaml, bindings.yaml]\n",
		"base/roles.yaml":               teamRoles,
		"base/bindings.yaml":            teamBindings,
		"overlays/a/kustomization.yaml": "resources: [../../base]\nnamePrefix: a-\n",
		"overlays/b/kustomization.yaml": "resources: [../../base]\nnamePrefix: b-\n",
	})
	r, stderr := accessRun(t, "overlays")
	var roots []string
	for _, s := range r.Sets {
		roots = append(roots, s.RootKind+" "+s.Root)
	}
	if want := []string{"overlay overlays/a", "overlay overlays/b"}; !slices.Equal(roots, want) {
		t.Fatalf("sets = %q, want %q (stderr %q)", roots, want, stderr)
	}
	for i, prefix := range []string{"a-", "b-"} {
		s := r.Sets[i]
		if len(s.Subjects) == 0 || len(s.Subjects[0].Permissions) == 0 {
			t.Fatalf("set %d: no permissions", i)
		}
		p := s.Subjects[0].Permissions[0]
		var hops []string
		for _, h := range p.Chain {
			hops = append(hops, h.Message+" @ "+h.Location.File+":"+itoa(h.Location.Line))
		}
		want := []string{
			"RoleBinding development/" + prefix + "developers binds Group developers @ base/bindings.yaml:8",
			// The name the roleRef has in the overlay comes from its namePrefix.
			"to Role " + prefix + "dev-full-access @ overlays/" + prefix[:1] + "/kustomization.yaml:2",
			"grants * on *.* @ base/roles.yaml:7",
		}
		if !slices.Equal(hops, want) {
			t.Errorf("overlay %s: chain\n%s\nwant\n%s", prefix, strings.Join(hops, "\n"), strings.Join(want, "\n"))
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// kvet access sees the same-named objects without metadata.namespace of
// two folders as two objects (no duplicate problem); the ServiceAccount
// default/runner, a user name that names no folder, lists both Jobs, each
// mounting its token as its own folder's ServiceAccount says, and is bound
// in both folders.
func TestAccessFolders(t *testing.T) {
	repo(t, map[string]string{"k8s/a/all.yaml": folderRBAC("secrets", false), "k8s/b/all.yaml": folderRBAC("configmaps", true)})
	r, stderr := accessRun(t, "k8s")
	if len(r.Sets) != 1 || len(r.Sets[0].Problems) != 0 || stderr != "" {
		t.Fatalf("sets %d, problems %v, stderr %q; want one set without problems", len(r.Sets), r.Sets[0].Problems, stderr)
	}
	for _, s := range r.Sets[0].Subjects {
		if s.Kind != "ServiceAccount" || s.Name != "runner" {
			continue
		}
		var got []string
		for _, w := range s.Workloads {
			got = append(got, w.Kind+" "+w.Namespace+"/"+w.Name+" "+strconv.FormatBool(w.TokenMounted))
		}
		if want := []string{"Job default/build false", "Job default/build true"}; !slices.Equal(got, want) {
			t.Errorf("workloads of ServiceAccount default/runner: %v, want %v", got, want)
		}
		var rules []string
		for _, p := range s.Permissions {
			rules = append(rules, p.Rule.File+" "+strings.Join(p.Resources, ","))
		}
		if want := []string{"k8s/a/all.yaml secrets", "k8s/b/all.yaml configmaps"}; !slices.Equal(rules, want) {
			t.Errorf("permissions of ServiceAccount default/runner: %v, want %v", rules, want)
		}
		return
	}
	t.Errorf("no ServiceAccount default/runner among %d subjects", len(r.Sets[0].Subjects))
}
