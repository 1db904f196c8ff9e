package policies_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/policies"
)

func userEngine(t *testing.T, opts policies.Options) *policies.Engine {
	t.Helper()
	e, err := policies.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		t.Fatal(err)
	}
	return e
}

func ruleByID(rules []*analyzer.Rule, id string) *analyzer.Rule {
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// A conftest policy folder works unchanged: package main with deny, warn
// and violation rules returning strings or {msg} objects, a helper package,
// deny_<name> with an exception, and a Rego v0 file. Rule IDs derive from
// package and rule name; deny and violation are errors, warn warnings; the
// findings point at the start of their document.
func TestConftestPolicies(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/conftest/policy"}, NoBuiltin: true})
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, fmt.Sprintf("%s/%s/%v", r.ID, r.Severity, r.Kinds))
	}
	// In the order of packages (main, in deployment and service, then
	// legacy), of files and of rules.
	want := "main-deny/error/[] main-deny-latest-tag/error/[] main-warn/warning/[] main-violation/error/[] legacy-deny/error/[]"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("rules = %s\nwant    %s", got, want)
	}
	if err := analyzer.Validate(e.Rules()); err != nil {
		t.Error(err)
	}
	diags := analyzertest.Run(t, e.Rules(), "testdata/conftest/manifests")
	for _, d := range diags {
		if d.Range.Start.Column != 1 {
			t.Errorf("%s at column %d, want the document start", d.RuleID, d.Range.Start.Column)
		}
		wantSev := analyzer.SeverityError
		if d.RuleID == "main-warn" {
			wantSev = analyzer.SeverityWarning
		}
		if d.Severity != wantSev {
			t.Errorf("%s: severity %s, want %s", d.RuleID, d.Severity, wantSev)
		}
	}
}

// kvet-style user policies: METADATA gives ID, severity, kinds and
// parameters; results carry a path resolved like a Go rule's (a missing
// field at its nearest ancestor) and may override the severity; only the
// declared kinds are evaluated; the library is importable.
func TestKvetStylePolicies(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/kvetstyle/policy"}})
	r := ruleByID(e.Rules(), "acme-image-registry")
	if r == nil {
		t.Fatal("acme-image-registry not loaded")
	}
	if r.Title != "images come from an approved registry" || r.Severity != analyzer.SeverityWarning ||
		strings.Join(r.Kinds, ",") != "Deployment,Job" || len(r.Params) != 1 ||
		fmt.Sprint(r.Params[0].Default) != "[registry.acme.example/]" || !strings.HasPrefix(r.Rationale, "Images pulled") {
		t.Errorf("metadata: %+v", r)
	}
	if got := len(e.Rules()); got != len(policies.BuiltinIDs())+1 {
		t.Errorf("%d rules, want the built-in ones plus 1", got)
	}
	diags := analyzertest.Run(t, []*analyzer.Rule{r}, "testdata/kvetstyle/manifests")
	got := map[string]string{}
	for _, d := range diags {
		got[fmt.Sprintf("%d:%d", d.Range.Start.Line, d.Range.Start.Column)] = d.Severity.String()
	}
	if want := map[string]string{"14:16": "warning", "13:9": "info"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("positions and severities = %v, want %v", got, want)
	}
}

// A rule's documentation link (SARIF helpUri) is its first related
// resource that is an absolute web address; a relative reference, such as
// docs/policies.md, is listed in its documentation, as the others are.
func TestPolicyRelatedResources(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/relref"}, NoBuiltin: true})
	for _, tt := range []struct{ id, url, doc string }{
		{"acme-rel", "", "See also docs/policies.md"},
		{"acme-both", "https://acme.example/policies#both", "See also docs/policies.md\n\nSee also https://acme.example/more"},
	} {
		r := ruleByID(e.Rules(), tt.id)
		if r == nil {
			t.Fatalf("%s not loaded", tt.id)
		}
		if r.URL != tt.url || r.Doc != tt.doc {
			t.Errorf("%s: URL %q, Doc %q; want %q, %q", tt.id, r.URL, r.Doc, tt.url, tt.doc)
		}
	}
}

// Configured parameters replace the METADATA defaults.
func TestPolicyParams(t *testing.T) {
	e, err := policies.New(policies.Options{Dirs: []string{"testdata/kvetstyle/policy"}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetParams(map[string]map[string]any{"acme-image-registry": {"registries": []string{"registry.acme.example/", "docker.io/library/"}}}); err != nil {
		t.Fatal(err)
	}
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"testdata/kvetstyle/manifests"}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "has no resources") {
		t.Errorf("errors %v, diagnostics %v", res.Errors, res.Diagnostics)
	}
	if err := e.SetParams(nil); err == nil {
		t.Error("SetParams after compilation succeeded")
	}
}

// Policies that cannot load fail with file:line:col, and the sandbox names
// the builtin that is not allowed.
func TestPolicyLoadErrors(t *testing.T) {
	tests := []struct {
		dir     string
		reserve []string
		want    string
	}{
		{dir: "http", want: `^testdata/bad/http/policy.rego:4:10: error: builtin http.send is not allowed in kvet policies: it sends HTTP requests \(network access\); kvet runs policies without network, environment or file system access$`},
		{dir: "runtime", want: `^testdata/bad/runtime/policy.rego:4:11: error: builtin opa.runtime is not allowed in kvet policies: it exposes the environment variables`},
		{dir: "dns", want: `^testdata/bad/dns/policy.rego:4:11: error: builtin net.lookup_ip_addr is not allowed`},
		{dir: "syntax", want: `^testdata/bad/syntax/policy.rego:5:9: error: non-terminated string \(rego_parse_error\)\n`},
		{dir: "type", want: `^testdata/bad/type/policy.rego:7:9: error: concat: invalid argument\(s\) \(rego_type_error\)$`},
		{dir: "reserved", want: `^testdata/bad/reserved/policy.rego:1:1: error: package kvet.mine is reserved for kvet's built-in policies`},
		{dir: "duplicate", want: `^testdata/bad/duplicate/b.rego:4:9: error: rule ID "team-rule" is already used by package team.a \(testdata/bad/duplicate/a.rego\)`},
		{dir: "metadata", want: `^testdata/bad/metadata/policy.rego:5:15: error: METADATA custom.severity: want error, warning or info$`},
		{dir: "id", want: `^testdata/bad/id/policy.rego:7:9: error: METADATA custom.id: want a kebab-case rule ID`},
		{dir: "param", want: `^testdata/bad/param/policy.rego:11:16: error: METADATA custom.parameters: parameter "limits": default must be`},
		{dir: "dataref", want: `^testdata/bad/dataref/policy.rego:3:1: error: rule data.dataref.deny is recursive: data.dataref.deny -> data.dataref.deny \(rego_recursion_error\)$`},
		{dir: "conflict", want: `^testdata/bad/conflict/policy.rego:9:1: error: rule deny has METADATA here and at testdata/bad/conflict/policy.rego:3:1; kvet reads one`},
		{dir: "x509", want: `^testdata/bad/x509/policy.rego:4:16: error: builtin crypto.x509.parse_and_verify_certificates is not allowed in kvet policies: it checks validity against the current time`},
		{dir: "now", want: `^testdata/bad/now/policy.rego:4:2: error: builtin time.now_ns is not allowed in kvet policies: its result differs between runs`},
		{dir: "../kvetstyle/policy", reserve: []string{"acme-image-registry"}, want: `rule ID "acme-image-registry" is already used by one of kvet's rules`},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			e, err := policies.New(policies.Options{Dirs: []string{"testdata/bad/" + tt.dir}, ReservedIDs: tt.reserve})
			if err == nil {
				err = e.Compile()
			}
			if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error = %v\nwant match %s", err, tt.want)
			}
		})
	}
}

// A policy that exceeds the time limit is an error naming the policy and
// the document, for that document only: the policy is still evaluated on
// the following documents (and reports its findings there). Evaluation
// errors (a conflict, a result without msg) are errors of their policy on
// their document, and the other policies' findings of that document are
// kept.
func TestPolicyRunErrors(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/errors/policy"}, NoBuiltin: true, Timeout: 200 * time.Millisecond})
	start := time.Now()
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"testdata/errors/configmaps.yaml"}, e.Rules(), analyzer.Options{})
	elapsed := time.Since(start)
	var errs []string
	for _, err := range res.Errors {
		errs = append(errs, err.Error())
	}
	wantErrs := []string{
		`^rule slow-deny on testdata/errors/configmaps.yaml \(document 1, ConfigMap first\): evaluating slow.deny \(testdata/errors/policy/slow.rego\) exceeded the time limit of 200ms \(policy-timeout\) on this document; no policy finding is reported for it$`,
		`^rule conflict-deny on testdata/errors/configmaps.yaml \(document 2, ConfigMap second\): evaluating conflict.deny \(testdata/errors/policy/conflict.rego\): testdata/errors/policy/conflict.rego:8: eval_conflict_error`,
		`^rule shape-deny on testdata/errors/configmaps.yaml \(document 3, ConfigMap bad-shape\): shape.deny \(testdata/errors/policy/shape.rego\): result {"message":"no msg key"} has no msg string$`,
	}
	if len(errs) != len(wantErrs) {
		t.Fatalf("errors:\n%s", strings.Join(errs, "\n"))
	}
	for i, w := range wantErrs {
		if !regexp.MustCompile(w).MatchString(errs[i]) {
			t.Errorf("error %d = %s\nwant match %s", i, errs[i], w)
		}
	}
	var msgs []string
	for _, d := range res.Diagnostics {
		msgs = append(msgs, fmt.Sprintf("%d %s: %s", d.Range.Start.Line, d.RuleID, d.Message))
	}
	want := "6 fast-warn: saw second\n6 slow-deny: slow policy saw second\n12 fast-warn: saw bad-shape\n12 slow-deny: slow policy saw bad-shape"
	if got := strings.Join(msgs, "\n"); got != want {
		t.Errorf("diagnostics:\n%s\nwant\n%s", got, want)
	}
	// One evaluation hits the limit.
	if elapsed > 2*time.Second {
		t.Errorf("run took %s", elapsed)
	}
}

// The time limit is a total for all the policies of a document: three
// slow policies on one document cost one time limit, not one each (nor one
// more for a combined evaluation).
func TestPolicyTimeoutPerDocument(t *testing.T) {
	const limit = 300 * time.Millisecond
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/slow/policy"}, NoBuiltin: true, Timeout: limit})
	start := time.Now()
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"testdata/slow/configmap.yaml"}, e.Rules(), analyzer.Options{})
	elapsed := time.Since(start)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "exceeded the time limit of 300ms") {
		t.Errorf("errors %v", res.Errors)
	}
	if elapsed >= 3*limit {
		t.Errorf("three slow policies on one document took %s with a limit of %s per document", elapsed, limit)
	}
}

// Cancelling the run (Ctrl-C) stops a policy evaluation at once, long
// before its time limit.
func TestPolicyEvaluationCancelled(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/slow/policy"}, NoBuiltin: true, Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, res := analyzer.Lint(ctx, analyzer.NewLoader(nil), []string{"testdata/slow/configmap.yaml"}, e.Rules(), analyzer.Options{})
	if elapsed := time.Since(start); elapsed > 1100*time.Millisecond {
		t.Errorf("cancelled run took %s", elapsed)
	}
	if len(res.Errors) != 1 || !errors.Is(res.Errors[0], context.Canceled) {
		t.Errorf("errors %v, want only the cancellation", res.Errors)
	}
	if len(res.Diagnostics) != 0 {
		t.Errorf("diagnostics of a cancelled evaluation: %v", res.Diagnostics)
	}
}

// A policy may read any part of data, kvet's namespace included: kvet adds
// no rule of its own that would depend on the policy.
func TestPolicyReadsData(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/dataref"}})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"testdata/errors/configmaps.yaml"}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 || len(res.Diagnostics) != 3 || !strings.Contains(res.Diagnostics[0].Message, "first sees") {
		t.Errorf("errors %v, diagnostics %v", res.Errors, res.Diagnostics)
	}
}

// The built-in policies can be left out; the library stays importable.
func TestNoBuiltin(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/kvetstyle/policy"}, NoBuiltin: true})
	if len(e.Rules()) != 1 || e.Rules()[0].ID != "acme-image-registry" {
		t.Errorf("rules = %v", e.Rules())
	}
}

// kvet policy test runs the user's *_test.rego files (conftest's and
// kvet's), not the built-in ones, and reports failures.
func TestUserRegoTests(t *testing.T) {
	results, err := policies.Test(context.Background(), policies.TestOptions{Dirs: []string{"testdata/conftest/policy", "testdata/kvetstyle/policy"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range results {
		names = append(names, fmt.Sprintf("%s:%d %s %v", r.File, r.Line, r.Name, r.Passed()))
	}
	want := "testdata/conftest/policy/deployment_test.rego:5 main.test_deployment_must_run_as_non_root true\n" +
		"testdata/conftest/policy/deployment_test.rego:13 main.test_compliant_deployment true\n" +
		"testdata/conftest/policy/deployment_test.rego:24 main.test_service_without_team_warns true\n" +
		"testdata/kvetstyle/policy/images_test.rego:3 acme.images.test_approved_registry true\n" +
		"testdata/kvetstyle/policy/images_test.rego:9 acme.images.test_public_image_points_at_it true"
	if got := strings.Join(names, "\n"); got != want {
		t.Errorf("results:\n%s\nwant\n%s", got, want)
	}
}

// Functions that read no input keep their results for the whole run;
// functions that read input (directly or through a rule), and calls under
// `with`, are evaluated for each document.
func TestFunctionResultsAcrossDocuments(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/memo"}, NoBuiltin: true})
	_, res := analyzer.Lint(context.Background(), analyzer.NewLoader(nil), []string{"testdata/errors/configmaps.yaml"}, e.Rules(), analyzer.Options{})
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, fmt.Sprintf("%d %s", d.Range.Start.Line, d.Message))
	}
	want := []string{
		"1 first/x", "1 v-first", "1 firstfirst",
		"6 second/x", "6 v-second", "6 secondsecond",
		"12 bad-shape/x", "12 v-bad-shape", "12 bad-shapebad-shape",
	}
	if len(res.Errors) > 0 || !slices.Equal(got, want) {
		t.Errorf("errors %v, findings\n%s\nwant\n%s", res.Errors, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A package spread over several files is one package, as Rego merges it:
// each finding once, the METADATA of one file for the rules of all, an
// exception in another file applied (testdata/split).
func TestPackageAcrossFiles(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/split/policy"}, NoBuiltin: true})
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, fmt.Sprintf("%s/%s", r.ID, r.Severity))
	}
	if got, want := strings.Join(ids, " "), "acme-no-etl/warning main-deny/error main-deny-run-as-root/error"; got != want {
		t.Errorf("rules = %s, want %s", got, want)
	}
	analyzertest.Run(t, e.Rules(), "testdata/split/manifests")
}

// A function whose rules conflict is an error on every document, never a
// finding: OPA caches a function's first value before it checks the other
// rules, and kvet's run-wide cache of pure functions keeps only what an
// evaluation that succeeded computed (testdata/conflict).
func TestFunctionConflictOnEveryDocument(t *testing.T) {
	e := userEngine(t, policies.Options{Dirs: []string{"testdata/conflict"}, NoBuiltin: true})
	docs, _ := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: "two.yaml", Content: []byte(
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n")})
	res := analyzer.Run(context.Background(), &analyzer.Set{Docs: docs}, e.Rules(), analyzer.Options{})
	if len(res.Diagnostics) != 0 {
		t.Errorf("findings %v, want none", res.Diagnostics)
	}
	if len(res.Errors) != 2 {
		t.Fatalf("errors %v, want one per document", res.Errors)
	}
	for _, err := range res.Errors {
		if !strings.Contains(err.Error(), "eval_conflict_error: function data.acme.f produced conflicting values") {
			t.Errorf("error %v", err)
		}
	}
}
