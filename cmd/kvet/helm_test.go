package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/render/helm/helmtest"
)

// chartsDir extracts the charts of testdata/helm/lint.txtar (see its
// comment) into a temporary directory.
func chartsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	helmtest.Extract(t, "../../testdata/helm/lint.txtar", dir)
	return dir
}

// jobsFindings are the findings on the jobs chart's CronJob and Role
// templates with its default values.
var jobsFindings = []*regexp.Regexp{
	finding("jobs/templates/cronjob.yaml", 7, 1, "warning", "cronjob-concurrency-allow"),
	finding("jobs/templates/cronjob.yaml", 7, 1, "warning", "cronjob-starting-deadline-missing"),
	finding("jobs/templates/cronjob.yaml", 7, 1, "info", "cronjob-timezone-missing"),
	finding("jobs/templates/cronjob.yaml", 10, 5, "warning", "job-active-deadline-missing"),
	finding("jobs/templates/cronjob.yaml", 10, 5, "info", "job-backoff-limit-unset"),
	finding("jobs/templates/cronjob.yaml", 12, 9, "warning", "default-service-account"),
	finding("jobs/templates/cronjob.yaml", 18, 13, "warning", "resource-limits-missing"),
	finding("jobs/templates/role.yaml", 13, 15, "warning", "rbac-secrets-access"),
}

func TestHelmCharts(t *testing.T) {
	dir := chartsDir(t)
	o := kvet(t, run{args: []string{"lint", "."}, dir: dir})
	want := append([]*regexp.Regexp{
		regexp.MustCompile(`^jobs/templates/broken\.yaml:4:12: warning: chart jobs: execution error at \(jobs/templates/broken\.yaml:4:11\): configName is required \(render-failed\)$`),
	}, jobsFindings...)
	want = append(want, regexp.MustCompile(`^library/Chart\.yaml:5:3: warning: chart library: found in Chart\.yaml, but missing in charts/ directory: common \(run helm dependency build to vendor it; kvet never downloads charts\) \(render-failed\)$`))
	if o.code != 1 {
		t.Errorf("exit %d, want 1:\n%s", o.code, o)
	}
	wantLines(t, o.stdout, want)
	if !strings.Contains(o.stderr, "; 1 suppressed") {
		t.Errorf("the kvet:ignore in the template suppressed nothing:\n%s", o)
	}

	// Values for the one chart linted: the required value renders the
	// ConfigMap, the tag of values-prod.yaml makes the suppression unused.
	o = kvet(t, run{args: []string{"lint", "--helm-values", "jobs/ci/values-prod.yaml", "--helm-set", "configName=cfg", "jobs"}, dir: dir})
	want = append(append([]*regexp.Regexp{}, jobsFindings[:6]...),
		finding("jobs/templates/cronjob.yaml", 16, 27, "info", "unused-suppression"))
	wantLines(t, o.stdout, append(want, jobsFindings[6:]...))

	o = kvet(t, run{args: []string{"lint", "--helm-set", "a=b", "."}, dir: dir})
	if o.code != 2 || !strings.Contains(o.stderr, "--helm-values and --helm-set apply to one chart, and the paths hold 2: jobs, library") {
		t.Errorf("--helm-set with two charts:\n%s", o)
	}
	// A template named alone stands for its chart, as it renders it.
	o = kvet(t, run{args: []string{"lint", "--helm-set", "a=b", "jobs", "library/templates/job.yaml"}, dir: dir})
	if o.code != 2 || !strings.Contains(o.stderr, "--helm-values and --helm-set apply to one chart, and the paths hold 2: jobs, library") {
		t.Errorf("--helm-set with a chart and another's template:\n%s", o)
	}
	o = kvet(t, run{args: []string{"lint", "--helm-set", "configName=cfg", "jobs/templates/broken.yaml"}, dir: dir})
	if o.code == 2 || strings.Contains(o.stdout, "render-failed") {
		t.Errorf("--helm-set with a template named alone:\n%s", o)
	}

	// .kvet.yaml gives the values per chart.
	cfg := "helm:\n  release-name: prod\n  charts:\n    jobs:\n      set: [configName=cfg]\n"
	if err := os.WriteFile(filepath.Join(dir, ".kvet.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	o = kvet(t, run{args: []string{"lint", "--format", "json", "jobs"}, dir: dir})
	if strings.Contains(o.stdout, "render-failed") || !strings.Contains(o.stdout, `"name": "prod-report"`) {
		t.Errorf("helm: settings of .kvet.yaml not applied:\n%s", o)
	}

	// --no-render lints the templates as they are.
	o = kvet(t, run{args: []string{"lint", "--no-render", "jobs/templates/cronjob.yaml"}, dir: dir})
	if !strings.Contains(o.stdout, "(yaml-syntax)") {
		t.Errorf("--no-render:\n%s", o)
	}
}

// TestHelmFailurePlaces: a chart's failures point at the entry at fault.
// Dependencies that are not vendored, named or not, at the start of their
// entry (after "- "); values of a subchart that are not a map, at the key
// in the values file of .kvet.yaml that sets them.
func TestHelmFailurePlaces(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "deps", "Chart.yaml"),
		"apiVersion: v2\nname: deps\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 1.0.0\n  - version: 2.0.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "app", "Chart.yaml"),
		"apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "app", "charts", "sub", "Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "app", "values.yaml"), "sub:\n  replicas: 1\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "env", "prod.yaml"), "image: x\nsub: oops\n")
	analyzertest.WriteFile(t, filepath.Join(dir, ".kvet.yaml"), "helm:\n  charts:\n    app:\n      values: [env/prod.yaml]\n")
	o := kvet(t, run{args: []string{"lint", "."}, dir: dir})
	wantLines(t, o.stdout, []*regexp.Regexp{
		finding("deps/Chart.yaml", 5, 5, "warning", "render-failed"),
		regexp.MustCompile(`^deps/Chart\.yaml:7:5: warning: chart deps: Chart\.yaml: dependency 2 has no name \(Helm finds each dependency under charts/ by its name\) \(render-failed\)$`),
		regexp.MustCompile(`^env/prod\.yaml:2:1: warning: chart app: processing dependencies: the values of subchart sub must be a map, not the string "oops" \(render-failed\)$`),
	})
}

// TestHelmTemplatePipe lints helm template output read on standard input:
// objects whose "# Source:" template is under the working directory are
// reported there.
func TestHelmTemplatePipe(t *testing.T) {
	dir := chartsDir(t)
	stdin := `---
# Source: jobs/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: release-name-reader
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: ["get", "list"]
---
# Source: elsewhere/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: other
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: ["get"]
`
	o := kvet(t, run{args: []string{"lint", "-"}, dir: dir, stdin: stdin})
	wantLines(t, o.stdout, []*regexp.Regexp{
		finding("<stdin>", 19, 15, "warning", "rbac-secrets-access"),
		jobsFindings[7],
	})
}

// TestHelmRendererMissing runs a kvet with no kvet-helm beside it or on
// PATH: each chart is one render-failed naming the install command, and
// kvet version says so.
func TestHelmRendererMissing(t *testing.T) {
	dir := chartsDir(t)
	alone := filepath.Join(t.TempDir(), filepath.Base(kvetBin))
	data, err := os.ReadFile(kvetBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	saved := kvetBin
	kvetBin = alone
	defer func() { kvetBin = saved }()
	path := []string{"PATH=" + filepath.Dir(alone)}
	o := kvet(t, run{args: []string{"lint", "jobs"}, dir: dir, env: path})
	wantLines(t, o.stdout, []*regexp.Regexp{regexp.MustCompile(
		`^jobs/Chart\.yaml:1:1: warning: chart jobs: cannot render the chart: kvet-helm not found next to kvet \(in .*\) nor on PATH; go install github\.com/kvet-dev/kvet/cmd/\.\.\.@latest .* \(render-failed\)$`)})
	o = kvet(t, run{args: []string{"version"}, env: path})
	if !strings.Contains(o.stdout, "Helm renderer: none (kvet-helm not found") {
		t.Errorf("kvet version without kvet-helm:\n%s", o)
	}

	// A kvet-helm of another build is refused, not trusted.
	stale := "#!/bin/sh\ncat >/dev/null\necho '{\"protocol\": 1, \"build\": \"v0.0.1\"}'\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(alone), "kvet-helm"), []byte(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	o = kvet(t, run{args: []string{"lint", "jobs"}, dir: dir, env: path})
	if !strings.Contains(o.stdout, `jobs/Chart.yaml:1:1: warning: chart jobs: cannot render the chart: kvet-helm (`) ||
		!strings.Contains(o.stdout, `is from another kvet build ("v0.0.1"`) {
		t.Errorf("stale kvet-helm:\n%s", o)
	}
}

// TestHelmKubeVersion: charts are rendered for the target Kubernetes
// release (--kube-version, else the newest kvet knows): it is
// .Capabilities.KubeVersion in templates, and a chart's kubeVersion
// constraint that the target does not satisfy is render-failed at its
// Chart.yaml line.
func TestHelmKubeVersion(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"caps/Chart.yaml": "apiVersion: v2\nname: caps\nversion: 0.1.0\n",
		"caps/templates/role.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
{{- if semverCompare "<1.30-0" .Capabilities.KubeVersion.Version }}
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
{{- end }}
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
`,
		"new/Chart.yaml":        "apiVersion: v2\nname: new\nversion: 0.1.0\nkubeVersion: \">=1.33.0-0\"\n",
		"new/templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
	}
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	o := kvet(t, run{args: []string{"lint", "."}, dir: dir})
	if o.code != 0 || o.stdout != "" {
		t.Errorf("newest release: want no finding:\n%s", o)
	}
	o = kvet(t, run{args: []string{"lint", "--kube-version", "1.29", "."}, dir: dir})
	wantLines(t, o.stdout, []*regexp.Regexp{
		finding("caps/templates/role.yaml", 8, 15, "warning", "rbac-secrets-access"),
		regexp.MustCompile(`^new/Chart\.yaml:4:1: warning: chart new: .*kubeVersion.*>=1\.33\.0-0.*v1\.29\.0.* \(render-failed\)$`),
	})
}

// TestHelmRenderLimits: a chart whose templates would run for minutes or
// take gigabytes (a range over `until` of a huge number, as a typo in a
// values file gives) is stopped at the limits of .kvet.yaml's helm:
// section and fails alone, at its Chart.yaml; the other charts are linted.
func TestHelmRenderLimits(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".kvet.yaml":     "helm:\n  timeout: 5s\n  max-memory: 32MiB\n",
		"big/Chart.yaml": "apiVersion: v2\nname: big\nversion: 0.1.0\n",
		"big/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: big
data:
{{- range $i := until 400000000 }}
  k{{ $i }}: v
{{- end }}
`,
		"slow/Chart.yaml": "apiVersion: v2\nname: slow\nversion: 0.1.0\n",
		"slow/templates/sa.yaml": `{{- range $i := until 100000 }}{{- range $j := until 100000 }}{{- end }}{{- end }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: slow
`,
		"ok/Chart.yaml":        "apiVersion: v2\nname: ok\nversion: 0.1.0\n",
		"ok/templates/sa.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n",
		"ok/templates/role.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
`,
	}
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	start := time.Now()
	o := kvet(t, run{args: []string{"lint", "."}, dir: dir})
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("kvet took %v: the charts were not stopped at their limits", took)
	}
	if o.code != 1 {
		t.Errorf("exit %d, want 1:\n%s", o.code, o)
	}
	wantLines(t, o.stdout, []*regexp.Regexp{
		regexp.MustCompile(`^big/Chart\.yaml:1:1: warning: chart big: rendering stopped: it took more than 32 MiB of memory \(a template ranging over a huge list\?\); helm: max-memory: in \.kvet\.yaml raises the limit \(render-failed\)$`),
		finding("ok/templates/role.yaml", 7, 15, "warning", "rbac-secrets-access"),
		regexp.MustCompile(`^slow/Chart\.yaml:1:1: warning: chart slow: rendering stopped: it ran longer than 5s \(a template looping too long\?\); helm: timeout: in \.kvet\.yaml raises the limit \(render-failed\)$`),
	})
}

// TestRenderedSizeLimit: what a chart's template or a kustomization
// renders is bounded by --max-file-size as a file is: over it, one
// render-failed says so, and the rest is linted.
func TestRenderedSizeLimit(t *testing.T) {
	dir := t.TempDir()
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"" + strings.Repeat("x", 800) + "\"\n"
	files := map[string]string{
		"chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
		"chart/templates/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: big
data:
{{- range $i := until 100 }}
  key{{ $i }}: "{{ repeat 20 "x" }}"
{{- end }}
`,
		"chart/templates/sa.yaml":      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ok\n",
		"base/cm.yaml":                 cm,
		"base/kustomization.yaml":      "resources:\n- cm.yaml\n",
		"overlay/a/kustomization.yaml": "namePrefix: a-\nresources:\n- ../../base\n",
		"overlay/b/kustomization.yaml": "namePrefix: b-\nresources:\n- ../../base\n",
		"overlay/c/kustomization.yaml": "namePrefix: c-\nresources:\n- ../../base\n",
		"overlay/kustomization.yaml":   "resources:\n- a\n- b\n- c\n",
		"role/role.yaml":               "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [\"\"]\n  resources: [secrets]\n  verbs: [get]\n",
	}
	for name, content := range files {
		analyzertest.WriteFile(t, filepath.Join(dir, filepath.FromSlash(name)), content)
	}
	o := kvet(t, run{args: []string{"lint", "--max-file-size", "2KiB", "chart", "overlay", "role"}, dir: dir})
	if o.code != 1 {
		t.Errorf("exit %d, want 1:\n%s", o.code, o)
	}
	wantLines(t, o.stdout, []*regexp.Regexp{
		regexp.MustCompile(`^chart/templates/cm\.yaml:1:1: warning: chart chart: chart/templates/cm\.yaml renders 3\.2 KiB, over the 2 KiB limit \(--max-file-size\); not linted \(render-failed\)$`),
		regexp.MustCompile(`^overlay/kustomization\.yaml:1:1: warning: kustomize build overlay renders more than 2 KiB \(3 objects\), over the limit \(--max-file-size\); not linted \(render-failed\)$`),
		finding("role/role.yaml", 7, 15, "warning", "rbac-secrets-access"),
	})
	// Under the default limit everything renders.
	o = kvet(t, run{args: []string{"lint", "chart", "overlay"}, dir: dir})
	if strings.Contains(o.stdout, "render-failed") {
		t.Errorf("default limit:\n%s", o)
	}
}

// TestHelmTemplatesNotFixed: a chart's templates are never edited, nor is
// any file by kvet fix - (which writes standard input's fixed text to
// standard output): a misspelt key in a template has no [fixable] fix
// (offered at the rendered text's offsets, it corrupted the template),
// and helm template output piped through kvet fix - leaves the chart as
// it is.
func TestHelmTemplatesNotFixed(t *testing.T) {
	dir := t.TempDir()
	template := "# a comment that is not rendered\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-a\nspec:\n  backofLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox:1.36\n"
	write(t, filepath.Join(dir, "ch", "Chart.yaml"), "apiVersion: v2\nname: ch\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "ch", "templates", "job.yaml"), template)
	o := kvet(t, run{args: []string{"lint", "."}, dir: dir})
	if !strings.Contains(o.stdout, "ch/templates/job.yaml:7:3: error: unknown field \"backofLimit\"") || strings.Contains(o.stdout, "[fixable]") {
		t.Errorf("kvet lint: want the unknown field, with no fix:\n%s", o)
	}
	o = kvet(t, run{args: []string{"fix", "."}, dir: dir})
	stdin := "---\n# Source: ch/templates/job.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: release-name-a\nspec:\n  backofLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: c\n        image: busybox:1.36\n"
	o2 := kvet(t, run{args: []string{"fix", "-"}, dir: dir, stdin: stdin})
	if o2.stdout != stdin {
		t.Errorf("kvet fix - changed standard input:\n%s", o2.stdout)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "ch", "templates", "job.yaml")); err != nil || string(data) != template {
		t.Errorf("the template was edited (kvet fix . then kvet fix -): %v\n%s\n%s\n%s", err, data, o, o2)
	}
}

// TestHelmReleaseNamespace: helm install -n creates a chart's objects
// without metadata.namespace in the release namespace, so the RBAC model
// puts them there: a ServiceAccount subject named in the release
// namespace is the chart's own.
func TestHelmReleaseNamespace(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "templates", "rbac.yaml"), `apiVersion: v1
kind: ServiceAccount
metadata:
  name: runner
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
  - kind: ServiceAccount
    name: runner
    namespace: {{ .Release.Namespace }}
`)
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "templates", "job.yaml"), `apiVersion: batch/v1
kind: Job
metadata:
  name: j
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 100
  ttlSecondsAfterFinished: 100
  template:
    spec:
      serviceAccountName: runner
      restartPolicy: Never
      containers:
        - name: x
          image: busybox:1.2
          resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}
`)
	analyzertest.WriteFile(t, filepath.Join(dir, ".kvet.yaml"), "helm:\n  namespace: jobs\n")
	o := kvet(t, run{args: []string{"lint", "c"}, dir: dir})
	wantLines(t, o.stdout, []*regexp.Regexp{
		regexp.MustCompile(`^c/templates/job\.yaml:11:27: warning: Job jobs/j runs as ServiceAccount runner, which can get secrets in jobs via RoleBinding jobs/reader → Role reader \(c/templates/rbac\.yaml:12\); .* \(workload-excessive-permissions\)$`),
		regexp.MustCompile(`^  c/templates/rbac\.yaml:22:11: note: RoleBinding jobs/reader binds ServiceAccount jobs/runner$`),
		regexp.MustCompile(`^  c/templates/rbac\.yaml:19:66: note: to Role reader$`),
		regexp.MustCompile(`^  c/templates/rbac\.yaml:12:17: note: which lets it get secrets$`),
		finding("c/templates/rbac.yaml", 12, 17, "warning", "rbac-secrets-access"),
	})
	o = kvet(t, run{args: []string{"can-i", "get", "secrets", "-n", "jobs", "--workload", "Job/jobs/j", "c"}, dir: dir})
	if o.code != 0 || strings.TrimSpace(o.stdout) != "yes" {
		t.Errorf("can-i --workload Job/jobs/j:\n%s", o)
	}
}

// TestHelmIgnoreFileAfterActions: in a template, lines that hold only
// template actions are not content, so a kvet:ignore-file comment after a
// leading {{- if }} is at the top of the file, and suppresses.
func TestHelmIgnoreFileAfterActions(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "templates", "pod.yaml"), `{{- if .Values.enabled | default true }}
# kvet:ignore-file image-tag-mutable -- test
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  serviceAccountName: x
  containers:
    - name: a
      image: busybox
      resources:
        limits: {cpu: 1, memory: 1}
        requests: {cpu: 1, memory: 1}
{{- end }}
`)
	o := kvet(t, run{args: []string{"lint", "--show-suppressed", "c"}, dir: dir})
	wantLines(t, o.stdout, []*regexp.Regexp{
		regexp.MustCompile(`^c/templates/pod\.yaml:11:14: .* \[suppressed: test\] \(image-tag-mutable\)$`),
	})
}

// TestHelmBadValues: a --helm-values file that does not parse is a usage
// error at its line and column, and a --helm-set that Helm does not parse
// a usage error too, not the chart's render-failed.
func TestHelmBadValues(t *testing.T) {
	dir := t.TempDir()
	analyzertest.WriteFile(t, filepath.Join(dir, "c", "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	analyzertest.WriteFile(t, filepath.Join(dir, "bad.yaml"), "tag: \"1.0\"\n---\ntag: [x\n")
	o := kvet(t, run{args: []string{"lint", "--helm-values", "bad.yaml", "c"}, dir: dir})
	if o.code != 2 || o.stdout != "" || !strings.Contains(o.stderr, "--helm-values: bad.yaml:3:1: invalid YAML: did not find expected ',' or ']'") {
		t.Errorf("--helm-values with a file that does not parse:\n%s", o)
	}
	o = kvet(t, run{args: []string{"lint", "--helm-set", "a[x]=1", "--fail-on", "error", "c"}, dir: dir})
	if o.code != 2 || o.stdout != "" || !strings.Contains(o.stderr, `kvet: --helm-set: a[x]=1: error parsing index: strconv.Atoi: parsing "x": invalid syntax`) {
		t.Errorf("--helm-set that Helm does not parse:\n%s", o)
	}
}
