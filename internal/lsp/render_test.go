package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/render/helm/helmtest"
)

// archiveTree writes the files of a txtar archive of the repository's
// testdata under a new directory (a repository root) and returns it.
func archiveTree(t testing.TB, archive string) string {
	t.Helper()
	dir := writeTree(t, nil)
	helmtest.Extract(t, filepath.Join("..", "..", "testdata", filepath.FromSlash(archive)), dir)
	return dir
}

// settle waits for a publication of uri's diagnostics for which ok holds,
// consuming the publications of uri before it: after a change, every open
// document of the folder may be published again, some before the lint
// that the test waits for.
func (c *client) settle(uri, what string, ok func([]Diagnostic) bool) []Diagnostic {
	c.t.Helper()
	var last []Diagnostic
	for {
		m := c.waitFor(fmt.Sprintf("%s: such diagnostics of %s; last published: %s", what, uri, describeDiags(last)), func(m message) bool {
			var p PublishDiagnosticsParams
			return m.Method == methodPublishDiagnostics && json.Unmarshal(m.Params, &p) == nil && p.URI == uri
		})
		var p PublishDiagnosticsParams
		if err := json.Unmarshal(m.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		if last = p.Diagnostics; ok(last) {
			return last
		}
	}
}

// describeDiags lists diagnostics one per line: line:character code message.
func describeDiags(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\n  %d:%d-%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, d.Code, d.Message)
		for _, r := range d.RelatedInformation {
			fmt.Fprintf(&b, "\n    related %s %d:%d-%d:%d %s", r.Location.URI, r.Location.Range.Start.Line, r.Location.Range.Start.Character, r.Location.Range.End.Line, r.Location.Range.End.Character, r.Message)
		}
	}
	return b.String()
}

// at is an expected diagnostic: its code, 0-based start, and a part of its
// message.
type at struct {
	code      string
	line, col int
	msg       string
}

// exactly returns a predicate that holds for diagnostics that are want,
// in that order.
func exactly(want ...at) func([]Diagnostic) bool {
	return func(ds []Diagnostic) bool {
		if len(ds) != len(want) {
			return false
		}
		for i, w := range want {
			d := ds[i]
			if d.Code != w.code || d.Range.Start.Line != w.line || d.Range.Start.Character != w.col || !strings.Contains(d.Message, w.msg) || d.Source != "kvet" {
				return false
			}
		}
		return true
	}
}

// A patch file gets the findings of the rendered object at the fields the
// patch sets, not the findings of a whole object; its unsaved edits are
// rendered; with render: false it is linted as it is.
func TestRenderedPatch(t *testing.T) {
	dir := archiveTree(t, "render/kustomize/overlays.txtar")
	c := startServer(t, Options{})
	c.initialize(dir)
	patch := "overlays/production/concurrency.yaml"
	uri := pathToURI(filepath.Join(dir, patch))
	text, err := os.ReadFile(filepath.Join(dir, patch))
	if err != nil {
		t.Fatal(err)
	}
	c.open(uri, string(text))
	c.settle(uri, "the patch", exactly(at{"cronjob-concurrency-allow", 5, 21, "concurrencyPolicy: Allow"}))

	// An unsaved edit: the patch fixes the policy and breaks the restart
	// policy, which the base sets.
	edited := strings.Replace(string(text), "Allow", "Forbid", 1) +
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Always\n"
	c.change(uri, 2, edited)
	c.settle(uri, "the edited patch", exactly(at{"job-restart-policy-invalid", 10, 25, "restartPolicy: Always"}))

	// Linted as it is, the patch is a whole CronJob with its findings.
	if err := os.WriteFile(filepath.Join(dir, ".kvet.yaml"), []byte("render: false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: pathToURI(filepath.Join(dir, ".kvet.yaml")), Type: 1}}})
	ds := c.settle(uri, "render: false", func(ds []Diagnostic) bool { return len(ds) > 3 })
	if !strings.Contains(describeDiags(ds), "default-service-account") {
		t.Errorf("render: false: %s", describeDiags(ds))
	}
}

// A base used by two overlays: one finding at the base line naming both
// overlays, none that the overlays fix (the namespace they set); unsaved
// edits of an overlay's kustomization.yaml change the findings of the
// other open documents, and an overlay that no longer renders gives
// render-failed at its entry.
func TestRenderedBase(t *testing.T) {
	dir := archiveTree(t, "render/kustomize/overlays.txtar")
	c := startServer(t, Options{})
	c.initialize(dir)
	uri := func(name string) string { return pathToURI(filepath.Join(dir, name)) }
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The base's image has no tag, which both overlays set: linted
	// alone, the base would get image-tag-mutable.
	write("base/cronjob.yaml", strings.Replace(read("base/cronjob.yaml"), "report:1.4.2", "report", 1))
	write("overlays/staging/kustomization.yaml", strings.Replace(read("overlays/staging/kustomization.yaml"), "patches:",
		"images:\n- name: registry.example.com/report\n  newTag: 1.4.2\npatches:", 1))
	base := uri("base/cronjob.yaml")
	staging, prod := uri("overlays/staging/kustomization.yaml"), uri("overlays/production/kustomization.yaml")
	limits := at{"resource-limits-missing", 22, 12, "(in overlays production, staging)"}
	c.open(base, read("base/cronjob.yaml"))
	c.settle(base, "the base", exactly(limits))
	c.open(staging, read("overlays/staging/kustomization.yaml"))
	c.settle(staging, "the staging overlay", exactly(at{"job-backoff-limit-high", 16, 13, "backoffLimit"}))
	c.open(prod, read("overlays/production/kustomization.yaml"))
	c.settle(prod, "the production overlay", exactly(at{"image-tag-mutable", 7, 10, "latest"}))

	// Staging sets limits in its unsaved kustomization: the base's
	// finding is production's only.
	withLimits := read("overlays/staging/kustomization.yaml") + `
- target:
    kind: CronJob
  patch: |-
    - op: add
      path: /spec/jobTemplate/spec/template/spec/containers/0/resources/limits
      value: {cpu: "1", memory: 256Mi}
`
	withLimits = strings.Replace(withLimits, "value: 10     # want job-backoff-limit-high", "value: 3", 1)
	c.change(staging, 2, withLimits)
	c.settle(staging, "staging with limits", exactly())
	c.settle(base, "the base after staging's change", exactly(at{"resource-limits-missing", 22, 12, "(in overlay production)"}))

	// Production names a file that does not exist: render-failed at the
	// entry; its image and the base's finding are no longer its.
	broken := strings.Replace(read("overlays/production/kustomization.yaml"), "- ../../base\n", "- ../../base\n- missing.yaml\n", 1)
	c.change(prod, 2, broken)
	c.settle(prod, "production broken", exactly(at{"render-failed", 5, 2, "kustomize build overlays/production: "}))
	c.settle(base, "the base without production", exactly())
	c.settle(staging, "staging, unchanged", exactly())

	// Closed without saving, the files on disk count again.
	for _, u := range []string{prod, staging} {
		c.notify(methodDidClose, DidCloseTextDocumentParams{TextDocument: TextDocumentIdentifier{URI: u}})
	}
	c.settle(base, "the base after closing", exactly(limits))
}

// helmOnce builds kvet-helm once per test run.
var helmOnce struct {
	sync.Once
	dir string
	err error
}

// withKvetHelm builds the kvet-helm command into a temporary directory
// (without VCS stamping, so that its build identity is the test binary's,
// "(devel)") and puts it on PATH, where the Helm renderer finds it.
func withKvetHelm(t testing.TB) {
	t.Helper()
	helmOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kvet-lsp-helm-")
		if err != nil {
			helmOnce.err = err
			return
		}
		out, err := exec.Command("go", "build", "-buildvcs=false", "-o", filepath.Join(dir, "kvet-helm"), "../../cmd/kvet-helm").CombinedOutput()
		if err != nil {
			helmOnce.err = fmt.Errorf("building kvet-helm: %w\n%s", err, out)
			return
		}
		helmOnce.dir = dir
	})
	if helmOnce.err != nil {
		t.Fatal(helmOnce.err)
	}
	t.Setenv("PATH", helmOnce.dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

const (
	helmChart  = "apiVersion: v2\nname: migrate\nversion: 0.1.0\n"
	helmValues = "image:\n  tag: \"1.0\"\nrestartPolicy: OnFailure\n"
	helmJob    = `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
spec:
  backoffLimit: 2
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 3600
  template:
    spec:
      serviceAccountName: migrate
      restartPolicy: {{ .Values.restartPolicy }}
      containers:
      - name: migrate
        image: "migrate:{{ .Values.image.tag }}"
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: "1", memory: 256Mi}
`
)

// chartServer starts a server on a new folder holding the chart chart/
// (helmChart, helmValues, helmJob); it returns the client and the folder.
func chartServer(t *testing.T) (*client, string) {
	t.Helper()
	dir := writeTree(t, map[string]string{"chart/Chart.yaml": helmChart, "chart/values.yaml": helmValues, "chart/templates/job.yaml": helmJob})
	c := startServer(t, Options{})
	c.initialize(dir)
	return c, dir
}

// A chart template is linted through the chart's rendering (by kvet-helm):
// no yaml-syntax, findings at template lines; an unsaved values.yaml
// changes them; an unsaved template that fails gives render-failed at its
// line.
func TestRenderedChartTemplate(t *testing.T) {
	withKvetHelm(t)
	c, dir := chartServer(t)
	job, values := pathToURI(filepath.Join(dir, "chart/templates/job.yaml")), pathToURI(filepath.Join(dir, "chart/values.yaml"))
	c.open(job, helmJob)
	c.settle(job, "the template", exactly())
	c.open(values, helmValues)
	c.settle(values, "values.yaml", exactly())

	c.change(values, 2, "image:\n  tag: latest\nrestartPolicy: Always\n")
	c.settle(job, "the template with the edited values", exactly(
		at{"job-restart-policy-invalid", 11, 21, "restartPolicy: Always"},
		at{"image-tag-mutable", 14, 15, "migrate:latest"},
	))

	broken := strings.Replace(helmJob, "{{ .Values.restartPolicy }}", "{{ .Values.policy.name }}", 1)
	c.change(job, 2, broken)
	c.settle(job, "the broken template", exactly(at{"render-failed", 11, 31, "chart chart: migrate/templates/job.yaml:12:31 executing"}))

	// A helper the template includes is written on disk (a .tpl file,
	// which is not a manifest): the client reports it, the chart is
	// rendered again.
	c.change(job, 3, strings.Replace(helmJob, "{{ .Values.restartPolicy }}", `{{ include "migrate.policy" . }}`, 1))
	c.settle(job, "the template without its helper", exactly(at{"render-failed", 11, 24, `no template "migrate.policy"`}))
	helpers := filepath.Join(dir, "chart/templates/_helpers.tpl")
	if err := os.WriteFile(helpers, []byte(`{{- define "migrate.policy" -}}Always{{- end }}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: pathToURI(helpers), Type: 1}}})
	c.settle(job, "the template with its helper", exactly(
		at{"job-restart-policy-invalid", 11, 21, "restartPolicy: Always"},
		at{"image-tag-mutable", 14, 15, "migrate:latest"},
	))
}

// Every file of a repository shows in the editor what kvet lint of the
// repository reports for it (positions, rule, severity, message), whether
// a rendering reads it or not: the server and kvet lint go through the
// same linter and render stage.
func TestRenderedLikeLint(t *testing.T) {
	for _, archive := range []string{"render/kustomize/overlays.txtar", "render/kustomize/failures.txtar", "render/kustomize/suppressions.txtar",
		"render/kustomize/partial.txtar", "helm/lint.txtar"} {
		t.Run(archive, func(t *testing.T) {
			if strings.HasPrefix(archive, "helm/") {
				withKvetHelm(t)
			}
			likeLint(t, archive)
		})
	}
}

// The RBAC rules that look across documents show in the editor what kvet
// lint reports, with the hops of their chains as related information at
// the lines of the other files.
func TestSetRulesLikeLint(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("..", "..", "testdata", "set-rules", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no set-rules archives: %v", err)
	}
	for _, a := range archives {
		archive := "set-rules/" + filepath.Base(a)
		t.Run(archive, func(t *testing.T) { likeLint(t, archive) })
	}
}

// An RBAC chain in the editor: the workload's finding names the hops in
// the RBAC file as related information; an unsaved edit of the Role that
// drops the grant clears it, and closing the Role without saving brings it
// back.
func TestRBACChain(t *testing.T) {
	dir := archiveTree(t, "set-rules/chain.txtar")
	c := startServer(t, Options{})
	c.initialize(dir)
	export, rbacURI := pathToURI(filepath.Join(dir, "export.yaml")), pathToURI(filepath.Join(dir, "rbac.yaml"))
	exportText, err := os.ReadFile(filepath.Join(dir, "export.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rbacText, err := os.ReadFile(filepath.Join(dir, "rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	chain := func(ds []Diagnostic) *Diagnostic {
		for i := range ds {
			if ds[i].Code == "workload-excessive-permissions" {
				return &ds[i]
			}
		}
		return nil
	}
	c.open(export, string(exportText))
	d := chain(c.settle(export, "the chain", func(ds []Diagnostic) bool { return chain(ds) != nil }))
	rel := func(line, start, end int, msg string) DiagnosticRelatedInformation {
		return DiagnosticRelatedInformation{Location: Location{URI: rbacURI, Range: Range{Start: Position{Line: line, Character: start}, End: Position{Line: line, Character: end}}}, Message: msg}
	}
	want := []DiagnosticRelatedInformation{
		rel(26, 8, 16, "RoleBinding billing/exporter-reads-secrets binds ServiceAccount billing/exporter"),
		rel(30, 8, 21, "to Role secret-reader"),
		rel(13, 14, 21, "which lets it get and list secrets"),
	}
	if d.Range.Start != (Position{Line: 11, Character: 30}) || !strings.Contains(d.Message, "via RoleBinding billing/exporter-reads-secrets → Role secret-reader (rbac.yaml:14)") ||
		!slices.Equal(d.RelatedInformation, want) {
		t.Fatalf("chain: %s\nwant related %+v", describeDiags([]Diagnostic{*d}), want)
	}

	c.open(rbacURI, string(rbacText))
	c.change(rbacURI, 2, strings.Replace(string(rbacText), "resources: [secrets]", "resources: [pods]", 1))
	c.settle(export, "the Role without secrets", func(ds []Diagnostic) bool { return len(ds) > 0 && chain(ds) == nil })
	c.notify(methodDidClose, DidCloseTextDocumentParams{TextDocument: TextDocumentIdentifier{URI: rbacURI}})
	c.settle(export, "the Role closed unsaved", func(ds []Diagnostic) bool { return chain(ds) != nil })
}

// likeLint opens every file of the testdata archive in the editor, in a
// repository made of it, and checks that each shows what kvet lint run in
// the repository reports for it, related locations included.
func likeLint(t *testing.T, archive string) {
	dir := archiveTree(t, archive)
	ar, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", filepath.FromSlash(archive)))
	if err != nil {
		t.Fatal(err)
	}
	// kvet lint run in the repository (the server runs in this process, so
	// its renderers see the same directory).
	t.Chdir(dir)
	lt, err := linter.New(nil, linter.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	loader := analyzer.NewLoader(nil)
	loader.Renderer = lt.Renderer()
	set, res := lt.Lint(context.Background(), loader, []string{"."})
	if len(set.Errors)+len(res.Errors) > 0 {
		t.Fatalf("kvet lint: %v %v", set.Errors, res.Errors)
	}
	utf16 := encoding(positionEncodingUTF16)
	rng := func(file string, r analyzer.Range) Range {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return utf16.rng(&analyzer.File{Content: data}, r)
	}
	want := map[string][]string{}
	related := 0
	for _, d := range analyzer.CapFindings(lt.Suppress(set, res.Diagnostics), analyzer.DefaultMaxFindings) {
		if d.Suppressed() {
			continue
		}
		ld := Diagnostic{Range: rng(d.File, d.Range), Code: d.RuleID, Message: fmt.Sprintf("%s %s", d.Severity, d.Message)}
		for _, rel := range d.Related {
			ld.RelatedInformation = append(ld.RelatedInformation, DiagnosticRelatedInformation{
				Location: Location{URI: pathToURI(filepath.Join(dir, filepath.FromSlash(rel.File))), Range: rng(rel.File, rel.Range)},
				Message:  rel.Message,
			})
			related++
		}
		want[d.File] = append(want[d.File], describeDiags([]Diagnostic{ld}))
	}

	c := startServer(t, Options{})
	c.initialize(dir)
	seen := 0
	for _, f := range ar.Files {
		c.open(pathToURI(filepath.Join(dir, f.Name)), string(f.Data))
	}
	for _, f := range ar.Files {
		exp := strings.Join(want[f.Name], "")
		seen += len(want[f.Name])
		c.settle(pathToURI(filepath.Join(dir, f.Name)), f.Name+" as kvet lint reports it:"+exp, func(ds []Diagnostic) bool {
			var got strings.Builder
			for _, d := range ds {
				d.Message = []string{"", "error", "warning", "info"}[d.Severity] + " " + d.Message
				got.WriteString(describeDiags([]Diagnostic{d}))
			}
			return got.String() == exp
		})
	}
	if seen == 0 {
		t.Errorf("kvet lint reports nothing on %s", archive)
	}
	if strings.HasPrefix(archive, "set-rules/") && related == 0 {
		t.Logf("%s: no related locations", archive)
	}
}

// Without kvet-helm, a chart's templates are still not linted as YAML: its
// Chart.yaml shows the render-failed finding naming the install command.
func TestRenderedChartWithoutKvetHelm(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	c, dir := chartServer(t)
	job, chart := pathToURI(filepath.Join(dir, "chart/templates/job.yaml")), pathToURI(filepath.Join(dir, "chart/Chart.yaml"))
	c.open(job, helmJob)
	c.settle(job, "the template", exactly())
	c.open(chart, helmChart)
	c.settle(chart, "Chart.yaml", exactly(at{"render-failed", 0, 0, "chart chart: cannot render the chart: kvet-helm not found next to kvet"}))
}

// A workspace folder whose files a kustomization above it reads is linted
// as kvet lint run in the folder lints it, wherever the server runs: the
// kustomization is not the folder's, so the files are linted as they are
// (rendered, the image would get the kustomization's tag).
func TestRenderedRootAboveFolder(t *testing.T) {
	cronJob := strings.Join([]string{
		"apiVersion: batch/v1", "kind: CronJob", "metadata:", "  name: report", "spec:",
		`  schedule: "0 2 * * *"`, "  timeZone: Etc/UTC", "  concurrencyPolicy: Forbid",
		"  startingDeadlineSeconds: 300", "  jobTemplate:", "    spec:", "      backoffLimit: 2",
		"      activeDeadlineSeconds: 3600", "      template:", "        spec:",
		"          serviceAccountName: report", "          restartPolicy: Never", "          containers:",
		"          - name: report", "            image: registry.example.com/report:latest",
		"            resources:", "              requests: {cpu: 100m, memory: 128Mi}",
		"              limits: {cpu: 100m, memory: 128Mi}", "",
	}, "\n")
	dir := writeTree(t, map[string]string{
		"kustomization.yaml": "resources:\n- app/cronjob.yaml\nimages:\n- name: registry.example.com/report\n  newTag: 1.4.2\n",
		"app/cronjob.yaml":   cronJob,
	})
	// The server runs in the kustomization's directory, from which the
	// stage finds the kustomizations that read a file (render.Stage.Roots).
	t.Chdir(dir)
	c := startServer(t, Options{})
	c.initialize(filepath.Join(dir, "app"))
	uri := pathToURI(filepath.Join(dir, "app", "cronjob.yaml"))
	c.open(uri, cronJob)
	c.settle(uri, "the file as it is", exactly(at{"image-tag-mutable", 19, 19, "report:latest"}))
}

// A change renders again only the roots that read the changed file: an
// unsaved edit of production's patch renders production again and keeps
// staging's rendering; an edit of the base both read renders both; an
// edit of a file in production's directory that it does not read renders
// nothing. A failed rendering (broken names a missing file) records only
// part of what it read: a change in its directory renders it again, and so
// does an added file, which renders no rendering that succeeded (a
// kustomization only reads files it names, and one that names a missing
// file fails). A removed file renders again the renderings that read it.
func TestRenderOnlyAffectedRoots(t *testing.T) {
	dir := archiveTree(t, "render/kustomize/overlays.txtar")
	configMap := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  a: b\n"
	for name, text := range map[string]string{
		"overlays/production/notes.yaml":     configMap,
		"overlays/broken/kustomization.yaml": "resources:\n- missing.yaml\n",
		"overlays/broken/readme.yaml":        configMap,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorkspace(&Server{})
	buffer := func(name, text string, version int) snapshot {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if text == "" {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			text = string(data)
		}
		return snapshot{uri: pathToURI(p), path: p, name: p, version: version, text: []byte(text)}
	}
	renderings := func(open ...snapshot) map[string]*analyzer.Rendering {
		t.Helper()
		var targets []string
		for _, o := range open {
			targets = append(targets, o.uri)
		}
		w.lint(context.Background(), []string{dir}, open, targets)
		rs := w.renders[[2]string{"", dir}]
		if rs == nil {
			t.Fatal("no render state for the folder")
		}
		out := map[string]*analyzer.Rendering{}
		for d, rr := range rs.roots {
			rel, err := filepath.Rel(dir, filepath.FromSlash(d))
			if err != nil || rr.r == nil {
				t.Fatalf("root %s: not rendered (%v)", d, err)
			}
			out[filepath.ToSlash(rel)] = rr.r
		}
		return out
	}
	roots := []string{"overlays/broken", "overlays/production", "overlays/staging"}
	// rendered checks which roots were rendered again between two lints.
	rendered := func(what string, before, after map[string]*analyzer.Rendering, want ...string) {
		t.Helper()
		for _, root := range roots {
			if again := before[root] != after[root]; again != slices.Contains(want, root) {
				t.Errorf("%s: %s rendered again: %v, want %v", what, root, again, !again)
			}
		}
	}
	failed := func(r *analyzer.Rendering) bool {
		return slices.ContainsFunc(r.Diagnostics, func(d analyzer.Diagnostic) bool { return d.RuleID == analyzer.IDRenderFailed })
	}
	patch := buffer("overlays/production/concurrency.yaml", "", 1)
	first := renderings(patch)
	if got := slices.Sorted(maps.Keys(first)); !slices.Equal(got, roots) {
		t.Fatalf("roots %v, want %v", got, roots)
	}
	if !failed(first["overlays/broken"]) || failed(first["overlays/production"]) {
		t.Fatalf("broken failed: %v, production failed: %v; want only broken", failed(first["overlays/broken"]), failed(first["overlays/production"]))
	}
	patch = buffer("overlays/production/concurrency.yaml", string(patch.text)+"# edited\n", 2)
	second := renderings(patch)
	rendered("production's patch edited", first, second, "overlays/production")

	notes := buffer("overlays/production/notes.yaml", configMap+"# edited\n", 1)
	third := renderings(patch, notes)
	rendered("a file in production's directory that it does not read edited", second, third)

	base := buffer("base/cronjob.yaml", "", 1)
	base.text = append(base.text, "# edited\n"...)
	fourth := renderings(patch, notes, base)
	rendered("the base edited", third, fourth, "overlays/production", "overlays/staging")

	readme := buffer("overlays/broken/readme.yaml", configMap+"# edited\n", 1)
	fifth := renderings(patch, notes, base, readme)
	rendered("a file in broken's directory edited", fourth, fifth, "overlays/broken")

	add := func(name string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.WriteFile(p, []byte(configMap), 0o644); err != nil {
			t.Fatal(err)
		}
		w.touch(p)
	}
	add("extra.yaml")
	sixth := renderings(patch, notes, base, readme)
	rendered("a file added", fifth, sixth, "overlays/broken")
	add("overlays/broken/missing.yaml")
	seventh := renderings(patch, notes, base, readme)
	rendered("the file broken misses added", sixth, seventh, "overlays/broken")
	if failed(seventh["overlays/broken"]) {
		t.Errorf("broken still fails with missing.yaml added: %v", seventh["overlays/broken"].Diagnostics)
	}
	rbac := filepath.Join(dir, "base", "rbac.yaml")
	if err := os.Remove(rbac); err != nil {
		t.Fatal(err)
	}
	w.touch(rbac)
	eighth := renderings(patch, notes, base, readme)
	rendered("a file of the base removed", seventh, eighth, "overlays/production", "overlays/staging")
}

// A second kustomization file added to a base that succeeding overlays read
// (kustomize fails on a directory with two) renders those overlays again,
// as a fresh lint of the folder renders them.
func TestRenderAddedKustomizationInBase(t *testing.T) {
	dir := archiveTree(t, "render/kustomize/overlays.txtar")
	patch := filepath.Join(dir, "overlays", "production", "concurrency.yaml")
	text, err := os.ReadFile(patch)
	if err != nil {
		t.Fatal(err)
	}
	open := []snapshot{{uri: pathToURI(patch), path: patch, name: patch, version: 1, text: text}}
	failed := func(w *workspace) map[string]bool {
		t.Helper()
		w.lint(context.Background(), []string{dir}, open, []string{open[0].uri})
		rs := w.renders[[2]string{"", dir}]
		if rs == nil {
			t.Fatal("no render state for the folder")
		}
		out := map[string]bool{}
		for d, rr := range rs.roots {
			rel, err := filepath.Rel(dir, filepath.FromSlash(d))
			if err != nil || rr.r == nil {
				t.Fatalf("root %s: not rendered (%v)", d, err)
			}
			out[filepath.ToSlash(rel)] = rr.failed()
		}
		return out
	}
	w := newWorkspace(&Server{})
	before := failed(w)
	if before["overlays/production"] || before["overlays/staging"] {
		t.Fatalf("overlays failed before the change: %v", before)
	}
	kust, err := os.ReadFile(filepath.Join(dir, "base", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(dir, "base", "kustomization.yml")
	if err := os.WriteFile(second, kust, 0o644); err != nil {
		t.Fatal(err)
	}
	w.touch(second)
	after := failed(w)
	fresh := failed(newWorkspace(&Server{}))
	if !maps.Equal(after, fresh) {
		t.Errorf("renderings failed after adding base/kustomization.yml: %v; a fresh lint: %v", after, fresh)
	}
	if !fresh["overlays/production"] {
		t.Errorf("a fresh lint renders production with two kustomization files in its base: %v", fresh)
	}
}
