package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// applyEdits applies the LSP edits of uri in a workspace edit to text
// (UTF-16 positions), as a client does.
func applyEdits(t *testing.T, text string, e *WorkspaceEdit, uri string) string {
	t.Helper()
	if e == nil {
		t.Fatal("no edit")
	}
	f := &analyzer.File{Content: []byte(text)}
	var edits []analyzer.TextEdit
	for _, te := range e.Changes[uri] {
		edits = append(edits, analyzer.TextEdit{
			Offset:  encoding(positionEncodingUTF16).offset(f, te.Range.Start),
			End:     encoding(positionEncodingUTF16).offset(f, te.Range.End),
			NewText: te.NewText,
		})
	}
	out, err := analyzer.ApplyEdits([]byte(text), edits)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func (c *client) codeActions(uri string, line int, only ...string) []CodeAction {
	c.t.Helper()
	var actions []CodeAction
	params := map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        Range{Start: Position{Line: line}, End: Position{Line: line}},
		"context":      map[string]any{"diagnostics": []any{}, "only": only},
	}
	if len(only) == 0 {
		delete(params["context"].(map[string]any), "only")
	}
	c.result(methodCodeAction, params, &actions)
	return actions
}

func action(t *testing.T, actions []CodeAction, title string) CodeAction {
	t.Helper()
	for _, a := range actions {
		if strings.HasPrefix(a.Title, title) {
			return a
		}
	}
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
	}
	t.Fatalf("no action %q among %q", title, titles)
	return CodeAction{}
}

// Diagnostics carry the exact range, severity, rule ID with its
// documentation link, and source; the fix of a finding is a quick fix whose
// edit removes it, and the edited buffer is linted again.
func TestDiagnosticsAndQuickFix(t *testing.T) {
	c, uri := openIn(t, Options{}, "cron.yaml", cronJob)
	p := c.diagnostics(uri)
	if p.Version == nil || *p.Version != 1 || len(p.Diagnostics) != 2 {
		t.Fatalf("diagnostics: %+v", p)
	}
	d := p.Diagnostics[0]
	want := Diagnostic{
		Range:    Range{Start: Position{Line: 4, Character: 0}, End: Position{Line: 4, Character: 4}},
		Severity: diagnosticSeverityWarning, Code: "cronjob-concurrency-allow",
		CodeDescription: &CodeDescription{Href: "https://github.com/kvet-dev/kvet/blob/main/docs/rules.md#cronjob-concurrency-allow"},
		Source:          "kvet", Message: d.Message,
	}
	if got, _ := json.Marshal(d); string(got) != mustJSON(want) || !strings.HasPrefix(d.Message, "concurrencyPolicy is unset") {
		t.Errorf("diagnostic\n%s\nwant\n%s", got, mustJSON(want))
	}
	if p.Diagnostics[1].Code != "image-tag-mutable" || p.Diagnostics[1].Range.Start.Line != 17 {
		t.Errorf("second diagnostic: %+v", p.Diagnostics[1])
	}

	fix := action(t, c.codeActions(uri, 4), "Set concurrencyPolicy: Forbid")
	if fix.Kind != codeActionQuickFix || !fix.IsPreferred || len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != "cronjob-concurrency-allow" {
		t.Errorf("fix action: %+v", fix)
	}
	fixed := applyEdits(t, cronJob, fix.Edit, uri)
	if want := strings.Replace(cronJob, "* * *\"\n", "* * *\"\n  concurrencyPolicy: Forbid\n", 1); fixed != want {
		t.Errorf("fixed text:\n%s\nwant:\n%s", fixed, want)
	}
	c.change(uri, 2, fixed)
	p = c.diagnostics(uri)
	if *p.Version != 2 || len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "image-tag-mutable" || p.Diagnostics[0].Range.Start.Line != 18 {
		t.Errorf("after the fix: %+v", p)
	}
	// Without a fixable finding on the line, no fix; the image line has
	// only the suppressions.
	for _, a := range c.codeActions(uri, 18) {
		if !strings.HasPrefix(a.Title, "Ignore image-tag-mutable") {
			t.Errorf("unexpected action on line 18: %q", a.Title)
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// "Ignore RULE on this line" and "in this document" insert comments that
// suppress the finding, with the line's indentation and line ending.
func TestIgnoreActions(t *testing.T) {
	text := "# jobs\n---\n" + strings.ReplaceAll(cronJob, "\n", "\r\n")
	c, uri := openIn(t, Options{}, "cron.yaml", text)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 2 {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	actions := c.codeActions(uri, 19)
	line := applyEdits(t, text, action(t, actions, "Ignore image-tag-mutable on this line").Edit, uri)
	if want := strings.Replace(text, "          - {name:", "          # kvet:ignore image-tag-mutable -- \r\n          - {name:", 1); line != want {
		t.Errorf("ignore on the line:\n%q\nwant\n%q", line, want)
	}
	doc := applyEdits(t, text, action(t, actions, "Ignore image-tag-mutable in this document").Edit, uri)
	if want := "# jobs\n---\n# kvet:ignore-document image-tag-mutable -- \r\napiVersion"; !strings.HasPrefix(doc, want) {
		t.Errorf("ignore in the document:\n%q\nwant it to start with\n%q", doc, want)
	}
	for i, edited := range []string{line, doc} {
		c.change(uri, 2+i, edited)
		p := c.diagnostics(uri)
		if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "cronjob-concurrency-allow" {
			t.Errorf("after suppressing (%d): %+v", i, p.Diagnostics)
		}
	}
}

// In JSON the suppression is the kvet.dev/ignore annotation: added to the
// metadata, or to an existing annotation.
func TestIgnoreAnnotationInJSON(t *testing.T) {
	const job = `{
  "apiVersion": "batch/v1",
  "kind": "Job",
  "metadata": {
    "name": "migrate"
  },
  "spec": {
    "backoffLimit": 2,
    "activeDeadlineSeconds": 600,
    "ttlSecondsAfterFinished": 600,
    "template": {"spec": {"restartPolicy": "Never", "serviceAccountName": "m",
      "containers": [{"name": "m", "image": "m:latest", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}}]}}
  }
}
`
	c, uri := openIn(t, Options{}, "job.json", job)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "image-tag-mutable" {
		t.Fatalf("diagnostics: %+v%s", p.Diagnostics, c.describe())
	}
	actions := c.codeActions(uri, 11)
	if len(actions) != 1 {
		t.Errorf("actions: %+v", actions)
	}
	edited := applyEdits(t, job, action(t, actions, "Ignore image-tag-mutable for this object").Edit, uri)
	want := strings.Replace(job, `"metadata": {`+"\n", `"metadata": {`+"\n"+`    "annotations": {"kvet.dev/ignore": "image-tag-mutable -- "},`+"\n", 1)
	if edited != want {
		t.Fatalf("annotated:\n%s\nwant:\n%s", edited, want)
	}
	c.change(uri, 2, edited)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 0 {
		t.Errorf("after the annotation: %+v", p.Diagnostics)
	}
	// With the annotation there, another rule is added to it.
	two := strings.Replace(edited, `"backoffLimit": 2`, `"backoffLimit": "2"`, 1)
	c.change(uri, 3, two)
	p := c.diagnostics(uri)
	if len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "invalid-value" {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	again := applyEdits(t, two, action(t, c.codeActions(uri, 8), "Ignore invalid-value for this object").Edit, uri)
	if !strings.Contains(again, `"kvet.dev/ignore": "image-tag-mutable,invalid-value -- "`) {
		t.Errorf("second rule:\n%s", again)
	}
}

// Of a duplicated metadata or annotations key, the annotation goes to the
// last copy: the one kvet's decoder (and kubectl) reads, so the edit
// suppresses the finding.
func TestIgnoreAnnotationDuplicateKey(t *testing.T) {
	const spec = `  "spec": {
    "backoffLimit": 2,
    "activeDeadlineSeconds": 600,
    "ttlSecondsAfterFinished": 600,
    "template": {"spec": {"restartPolicy": "Never", "serviceAccountName": "m",
      "containers": [{"name": "m", "image": "m:latest", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}}]}}
  }
}
`
	tests := []struct {
		name, metadata string
		imageLine      int // 0-based, as LSP counts
		editLine       int // where the annotation goes
		want           string
	}{
		{
			name: "metadata",
			metadata: `  "metadata": {
    "name": "old"
  },
  "metadata": {
    "name": "migrate"
  },
`,
			imageLine: 14, editLine: 6,
			want: `  "metadata": {
    "name": "old"
  },
  "metadata": {
    "annotations": {"kvet.dev/ignore": "image-tag-mutable -- "},
    "name": "migrate"
  },
`,
		},
		{
			name: "annotations",
			metadata: `  "metadata": {
    "name": "migrate",
    "annotations": {"kvet.dev/ignore": "invalid-value -- "},
    "annotations": {"team": "a"}
  },
`,
			imageLine: 13, editLine: 6,
			want: `  "metadata": {
    "name": "migrate",
    "annotations": {"kvet.dev/ignore": "invalid-value -- "},
    "annotations": {"kvet.dev/ignore": "image-tag-mutable -- ", "team": "a"}
  },
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := "{\n  \"apiVersion\": \"batch/v1\",\n  \"kind\": \"Job\",\n"
			job := head + tt.metadata + spec
			c, uri := openIn(t, Options{}, "job.json", job)
			p := c.diagnostics(uri)
			var codes []string
			for _, d := range p.Diagnostics {
				codes = append(codes, d.Code)
			}
			if got := strings.Join(codes, " "); got != "duplicate-key image-tag-mutable" {
				t.Fatalf("diagnostics: %s%s", got, c.describe())
			}
			a := action(t, c.codeActions(uri, tt.imageLine), "Ignore image-tag-mutable for this object")
			if a.Edit == nil || len(a.Edit.Changes[uri]) != 1 {
				t.Fatalf("action: %+v", a)
			}
			if r := a.Edit.Changes[uri][0].Range; r.Start.Line != tt.editLine || r.End.Line != tt.editLine {
				t.Errorf("edit at lines %d-%d, want %d (the last copy)", r.Start.Line, r.End.Line, tt.editLine)
			}
			edited := applyEdits(t, job, a.Edit, uri)
			if want := head + tt.want + spec; edited != want {
				t.Fatalf("annotated:\n%s\nwant:\n%s", edited, want)
			}
			c.change(uri, 2, edited)
			for _, d := range c.diagnostics(uri).Diagnostics {
				if d.Code == "image-tag-mutable" {
					t.Errorf("still reported after the annotation: %+v", d)
				}
			}
		})
	}
}

// Fix all applies every fix of the document, as kvet applies them, in one
// edit.
func TestFixAll(t *testing.T) {
	const job = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  schedule: \"CRON_TZ=Europe/Paris 0 2 * * *\"\n" +
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, image: \"c:1\"}]\n"
	const want = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  schedule: \"0 2 * * *\"\n" +
		"  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 300\n  timeZone: Europe/Paris\n" +
		"  jobTemplate:\n    spec:\n      backoffLimit: 6\n      template:\n        spec:\n          restartPolicy: Never\n" +
		"          containers: [{name: c, image: \"c:1\"}]\n"
	c, uri := openIn(t, Options{}, "cron.yaml", job)
	c.diagnostics(uri)
	actions := c.codeActions(uri, 0, "source.fixAll")
	if len(actions) != 1 || actions[0].Kind != codeActionSourceFixAllKvet || actions[0].Title != "Apply all 5 kvet fixes" {
		t.Fatalf("fix all: %+v", actions)
	}
	if fixed := applyEdits(t, job, actions[0].Edit, uri); fixed != want {
		t.Errorf("fixed:\n%s\nwant:\n%s", fixed, want)
	}
	c.change(uri, 2, want)
	c.diagnostics(uri)
	if actions := c.codeActions(uri, 0, "source.fixAll"); len(actions) != 0 {
		t.Errorf("fix all after fixing: %+v", actions)
	}
	// Asked for quick fixes only, no fix all.
	for _, a := range c.codeActions(uri, 4, "quickfix") {
		if a.Kind != codeActionQuickFix {
			t.Errorf("only quickfix: got %+v", a)
		}
	}
}

// Hover on a finding shows the message and the rule's documentation.
func TestHover(t *testing.T) {
	c, uri := openIn(t, Options{}, "cron.yaml", cronJob)
	c.diagnostics(uri)
	var h *Hover
	c.result(methodHover, TextDocumentPositionParams{TextDocument: TextDocumentIdentifier{URI: uri}, Position: Position{Line: 17, Character: 40}}, &h)
	if h == nil || h.Contents.Kind != "markdown" || h.Range == nil || h.Range.Start.Character != 33 {
		t.Fatalf("hover: %+v", h)
	}
	for _, want := range []string{"**kvet** warning:", "(`image-tag-mutable`)", "## `image-tag-mutable`", "**Why it matters.**", "**What to do.**", "[Documentation](https://github.com/kvet-dev/kvet/blob/main/docs/rules.md#image-tag-mutable)"} {
		if !strings.Contains(h.Contents.Value, want) {
			t.Errorf("hover lacks %q:\n%s", want, h.Contents.Value)
		}
	}
	h = nil
	c.result(methodHover, TextDocumentPositionParams{TextDocument: TextDocumentIdentifier{URI: uri}, Position: Position{Line: 1, Character: 2}}, &h)
	if h != nil {
		t.Errorf("hover away from findings: %+v", h)
	}
}

// The configuration is found from the document's directory; excluded files
// get no diagnostics; the baseline and user policies apply; a change of
// the configuration or of a policy on disk is picked up.
func TestConfigurationPoliciesBaseline(t *testing.T) {
	const policy = `# METADATA
# title: jobs carry a team label
# custom:
#   id: acme-team-label
#   severity: error
#   kinds: [CronJob]
package acme.team

import data.kvet.lib.result

deny contains result.at(["metadata", "labels", "team"], "no team label") if {
	not input.metadata.labels.team
}
`
	dir := writeTree(t, map[string]string{
		"k8s/.kvet.yaml":         "exclude: [\"vendored/**\"]\npolicies: [\"../policy\"]\nrules:\n  image-tag-mutable: {enabled: false}\n",
		"policy/team.rego":       policy,
		"k8s/vendored/cron.yaml": cronJob,
	})
	c := startServer(t, Options{})
	c.initialize(dir)
	uri := pathToURI(filepath.Join(dir, "k8s/cron.yaml"))
	c.open(uri, cronJob)
	codes := func(p PublishDiagnosticsParams) string {
		var out []string
		for _, d := range p.Diagnostics {
			out = append(out, d.Code)
		}
		return strings.Join(out, " ")
	}
	if got := codes(c.diagnostics(uri)); got != "acme-team-label cronjob-concurrency-allow" {
		t.Errorf("with the configuration: %q", got)
	}
	vendored := pathToURI(filepath.Join(dir, "k8s/vendored/cron.yaml"))
	c.open(vendored, cronJob)
	if got := codes(c.diagnostics(vendored)); got != "" {
		t.Errorf("excluded file: %q", got)
	}
	// The set rules see the whole folder, so opening a document re-checks
	// the other open ones: the first is published again, unchanged.
	if got := codes(c.diagnostics(uri)); got != "acme-team-label cronjob-concurrency-allow" {
		t.Errorf("re-checked with the configuration: %q", got)
	}

	// A changed policy and configuration are picked up.
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("policy/team.rego", strings.Replace(policy, "severity: error", "severity: info", 1))
	write("k8s/.kvet.yaml", "policies: [\"../policy\"]\nbaseline: base.json\n")
	write("k8s/base.json", `{"version": 1, "findings": [{"file": "cron.yaml", "kind": "CronJob", "name": "nightly-report", "rule": "cronjob-concurrency-allow", "path": "spec.concurrencyPolicy", "message": ""}]}`)
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: pathToURI(filepath.Join(dir, "k8s/.kvet.yaml")), Type: 2}}})
	p := c.diagnostics(uri)
	if got := codes(p); got != "acme-team-label image-tag-mutable" || p.Diagnostics[0].Severity != diagnosticSeverityInformation {
		t.Errorf("after the change: %q %+v", got, p.Diagnostics)
	}
	if got := codes(c.diagnostics(vendored)); got != "acme-team-label cronjob-concurrency-allow image-tag-mutable" {
		t.Errorf("no longer excluded (the baseline names another file): %q", got)
	}

	// A broken configuration is shown to the user, once.
	write("k8s/.kvet.yaml", "rules:\n  no-such-rule: {enabled: false}\n")
	c.change(uri, 2, cronJob)
	c.waitFor("configuration error", func(m message) bool {
		return m.Method == methodShowMessage && strings.Contains(m.raw, `unknown rule \"no-such-rule\"`)
	})
	if got := codes(c.diagnostics(uri)); got != "" {
		t.Errorf("with a broken configuration: %q", got)
	}
}

// The configuration's limits apply to buffers as to files: max-file-size
// (file-too-large) and max-findings (the cap per rule).
func TestConfigurationLimits(t *testing.T) {
	dir := writeTree(t, map[string]string{".kvet.yaml": "max-file-size: 1KiB\nmax-findings: 2\n"})
	c := startServer(t, Options{})
	c.initialize(dir)
	big := pathToURI(filepath.Join(dir, "big.yaml"))
	c.open(big, cronJob+strings.Repeat("# padding\n", 200))
	if p := c.diagnostics(big); len(p.Diagnostics) != 1 || p.Diagnostics[0].Code != "file-too-large" {
		t.Errorf("buffer over max-file-size: %+v", p.Diagnostics)
	}
	many := pathToURI(filepath.Join(dir, "many.yaml"))
	c.open(many, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Never\n  serviceAccountName: p\n  containers:\n"+
		"  - {name: a, image: a}\n  - {name: b, image: b}\n  - {name: c, image: c}\n  - {name: d, image: d}\n")
	n := 0
	for _, d := range c.diagnostics(many).Diagnostics {
		if d.Code == "image-tag-mutable" {
			n++
		}
	}
	if n != 3 { // two, and one saying how many more
		t.Errorf("image-tag-mutable findings: %d, want 3 with max-findings: 2", n)
	}
}

// A document closed and opened again with the same version number (a
// client that numbers versions from 1 at every open) and another text is
// linted anew: its findings and fixes are the new text's.
func TestReopenSameVersion(t *testing.T) {
	c, uri := openIn(t, Options{}, "cron.yaml", cronJob)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 2 {
		t.Fatalf("diagnostics: %+v", p)
	}
	c.notify(methodDidClose, DidCloseTextDocumentParams{TextDocument: TextDocumentIdentifier{URI: uri}})
	c.diagnostics(uri) // cleared
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	c.open(uri, cm) // version 1 again
	if p := c.diagnostics(uri); len(p.Diagnostics) != 0 {
		t.Errorf("diagnostics of the reopened ConfigMap: %+v", p.Diagnostics)
	}
	if actions := c.codeActions(uri, 0, "source.fixAll"); len(actions) != 0 {
		t.Errorf("fix all on the reopened ConfigMap: %+v", actions)
	}
}

// "Apply all kvet fixes" applies the fix of every finding, as kvet fix
// does, those past max-findings (which caps what is shown) included.
func TestFixAllPastMaxFindings(t *testing.T) {
	const job = "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j%d\nspec:\n  backoffLimit: 1\n  activeDeadlineSeconds: 60\n" +
		"  template:\n    spec:\n      serviceAccountName: s\n      restartPolicy: Never\n" +
		"      containers: [{name: c, image: \"c:1\", resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}}]\n"
	var text strings.Builder
	for i := range 3 {
		fmt.Fprintf(&text, job, i)
	}
	dir := writeTree(t, map[string]string{".kvet.yaml": "max-findings: 1\n"})
	c := startServer(t, Options{})
	c.initialize(dir)
	uri := pathToURI(filepath.Join(dir, "jobs.yaml"))
	c.open(uri, text.String())
	c.diagnostics(uri)
	actions := c.codeActions(uri, 0, "source.fixAll")
	if len(actions) != 1 || actions[0].Title != "Apply all 3 kvet fixes" {
		t.Fatalf("fix all: %+v", actions)
	}
	if fixed := applyEdits(t, text.String(), actions[0].Edit, uri); strings.Count(fixed, "ttlSecondsAfterFinished") != 3 {
		t.Errorf("fixed:\n%s", fixed)
	}
}

// An unsaved buffer the client says is JSON (no .json name) gets the JSON
// suppression, the annotation, never a comment; a document written on
// its "---" line at the end of a file without a final line break gets its
// ignore-document comment on a line of its own.
func TestIgnoreActionsUntitledJSONAndLastLine(t *testing.T) {
	dir := writeTree(t, nil)
	c := startServer(t, Options{})
	c.initialize(dir)
	const job = `{"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "m"},
 "spec": {"backoffLimit": 2, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 600,
  "template": {"spec": {"restartPolicy": "Never", "serviceAccountName": "m",
   "containers": [{"name": "m", "image": "m:latest", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}}]}}}}
`
	const untitled = "untitled:Untitled-2"
	c.notify(methodDidOpen, map[string]any{"textDocument": map[string]any{"uri": untitled, "languageId": "json", "version": 1, "text": job}})
	if p := c.diagnostics(untitled); len(p.Diagnostics) != 1 {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	actions := c.codeActions(untitled, 3)
	for _, a := range actions {
		if !strings.HasPrefix(a.Title, "Ignore image-tag-mutable for this object") {
			t.Errorf("action %q offered on a JSON buffer", a.Title)
		}
	}
	if len(actions) != 1 {
		t.Errorf("actions %+v, want the annotation", actions)
	}

	const last = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n--- {apiVersion: batch/v1, kind: Job, metadata: {name: j}, spec: {backoffLimit: 2, activeDeadlineSeconds: 60, ttlSecondsAfterFinished: 60, template: {spec: {restartPolicy: Never, serviceAccountName: s, containers: [{name: c, image: \"c:latest\", resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}}]}}}}"
	uri := pathToURI(filepath.Join(dir, "eof.yaml"))
	c.open(uri, last)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 1 {
		t.Fatalf("diagnostics: %+v", p.Diagnostics)
	}
	edited := applyEdits(t, last, action(t, c.codeActions(uri, 3), "Ignore image-tag-mutable in this document").Edit, uri)
	if want := last + "\n# kvet:ignore-document image-tag-mutable -- \n"; edited != want {
		t.Fatalf("edited:\n%q\nwant:\n%q", edited, want)
	}
	c.change(uri, 2, edited)
	if p := c.diagnostics(uri); len(p.Diagnostics) != 0 {
		t.Errorf("after the comment: %+v", p.Diagnostics)
	}
}

// A policy directory missing when the server starts (an error shown) is
// picked up once it is created, as kvet lint would read it.
func TestPolicyDirectoryCreatedLater(t *testing.T) {
	dir := writeTree(t, map[string]string{".kvet.yaml": "policies: [\"policy/\"]\n"})
	c := startServer(t, Options{})
	c.initialize(dir)
	uri := pathToURI(filepath.Join(dir, "cron.yaml"))
	c.open(uri, cronJob)
	c.waitFor("policy error", func(m message) bool {
		return m.Method == methodShowMessage && strings.Contains(m.raw, "policy")
	})
	if err := os.MkdirAll(filepath.Join(dir, "policy"), 0o755); err != nil {
		t.Fatal(err)
	}
	policy := "package acme.always\n\ndeny contains \"always\" if input.kind == \"CronJob\"\n"
	if err := os.WriteFile(filepath.Join(dir, "policy", "always.rego"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: pathToURI(filepath.Join(dir, "policy", "always.rego")), Type: 1}}})
	c.change(uri, 2, cronJob)
	c.waitFor("the policy's finding", func(m message) bool {
		return m.Method == methodPublishDiagnostics && strings.Contains(m.raw, "acme-always-deny")
	})
}

// A policy that does not load is shown as kvet lint prints it: each error
// on a line of its own, path:line:col: error: message.
func TestPolicyErrorShown(t *testing.T) {
	dir := writeTree(t, map[string]string{
		".kvet.yaml":    "policies: [\"policy/\"]\n",
		"policy/p.rego": "package acme.broken\n\ndeny contains msg if {\n",
	})
	c := startServer(t, Options{})
	c.initialize(dir)
	c.open(pathToURI(filepath.Join(dir, "cron.yaml")), cronJob)
	m := c.waitFor("policy error", func(m message) bool { return m.Method == methodShowMessage })
	var p MessageParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		t.Fatal(err)
	}
	want := "kvet: " + filepath.Join(dir, "policy", "p.rego") + ":4:1: error: unexpected eof token (rego_parse_error)"
	if p.Type != messageError || p.Message != want {
		t.Errorf("shown: %d %q\nwant: %d %q", p.Type, p.Message, messageError, want)
	}
}
