package policies

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/kvet-dev/kvet/analyzer"
)

// opaRunTests runs the tests with OPA's test runner, as kvet did before it
// had its own (runTests), for comparison.
func opaRunTests(ctx context.Context, c *ast.Compiler, modules map[string]*ast.Module, timeout time.Duration, filter string) ([]TestResult, error) {
	ch, err := tester.NewRunner().
		SetCompiler(c).
		SetModules(modules).
		CapturePrintOutput(true).
		SetTimeout(timeout).
		Filter(filter).
		RunTests(ctx, nil)
	if err != nil {
		return nil, err
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Name:     strings.TrimPrefix(r.Package, "data.") + "." + r.Name,
			Duration: r.Duration,
			Fail:     r.Fail,
			Err:      r.Error,
			Skip:     r.Skip,
			Output:   r.Output,
		}
		if r.Location != nil {
			tr.File, tr.Line = r.Location.File, r.Location.Row
		}
		out = append(out, tr)
	}
	return out, nil
}

// outcomes renders results one per line, without their durations:
// file:line name OUTCOME, the error, and the output.
func outcomes(dir string, results []TestResult) string {
	var b strings.Builder
	for _, r := range results {
		outcome := "PASS"
		switch {
		case r.Err != nil:
			outcome = "ERROR " + r.Err.Error()
			if dir != "" {
				outcome = strings.ReplaceAll(outcome, dir+string(filepath.Separator), "")
			}
		case r.Fail:
			outcome = "FAIL"
		case r.Skip:
			outcome = "SKIP"
		}
		file := r.File
		if dir != "" {
			file = strings.TrimPrefix(file, dir+string(filepath.Separator))
		}
		fmt.Fprintf(&b, "%s:%d %s %s", file, r.Line, r.Name, outcome)
		if len(r.Output) > 0 {
			fmt.Fprintf(&b, " output %q", r.Output)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// runBoth runs the tests of opts with kvet's runner and with OPA's, and
// renders each one's outcomes (or its error).
func runBoth(t *testing.T, ctx context.Context, dir string, opts TestOptions) (own, opa string) {
	t.Helper()
	render := func(run testRunner) string {
		results, err := testWith(ctx, opts, run)
		if err != nil {
			s := "error: " + err.Error()
			if dir != "" {
				s = strings.ReplaceAll(s, dir+string(filepath.Separator), "")
			}
			return s + "\n" + outcomes(dir, results)
		}
		return outcomes(dir, results)
	}
	return render(runTests), render(opaRunTests)
}

// Each of OPA's test semantics, on the same policies, with kvet's runner
// and with OPA's: both report the same outcome, error and output for every
// test, and the one the table expects.
func TestRunnerMatchesOPA(t *testing.T) {
	const basics = `package basics

test_pass if {
	1 + 1 == 2
}

test_undefined if {
	input.missing == 1
}

test_false := false

test_number := 3

todo_test_later if {
	false
}

test_print if {
	print("hello", 1)
	true
}

test_print_fail if {
	print("why", input)
	false
}

test_builtin_error if {
	to_number("x") == 1
}

group.test_inner if {
	true
}

test_outer.test_in if {
	true
}
`
	const cases = `package cases

test_all[name] if {
	some tc in [{"name": "a", "x": 1}, {"name": "b", "x": 1}]
	name := tc.name
	tc.x == 1
}

# Case b is named, then fails: OPA's runner reports it (the injected
# internal.test_case call records it).
test_one_fails[name] if {
	some tc in [{"name": "a", "x": 1}, {"name": "b", "x": 2}]
	name := tc.name
	tc.x == 1
}

# The head's tc.note is bound by an expression the compiler generates at
# the end of the body: the runner moves it up to name the cases that fail.
test_concat[tc.note] if {
	some tc in [{"note": "ok", "a": [1], "b": [2], "exp": [1, 2]}, {"note": "wrong", "a": [1], "b": [2], "exp": [2, 1]}]
	act := array.concat(tc.a, tc.b)
	act == tc.exp
}

test_values[name] := ok if {
	some name, ok in {"yes": true, "no": false}
}

test_null_value[name] := null if {
	some name in ["n"]
}

test_not_bool[name] := 1 if {
	some name in ["one"]
}

test_nested[a][b] if {
	some a in ["x", "y"]
	some b in [1, 2]
	b < 3
}

test_nested_fails[a][b] if {
	some a in ["x", "y"]
	some b in [1, 2]
	b < 2
}

test_none[name] if {
	some name in []
}

test_print_cases[name] if {
	some name in ["p", "q"]
	print("case", name)
	name == "p"
}
`
	const errs = `package errs

p := 1 if input.x

p := 2 if input.x

test_conflict if {
	p == 1 with input as {"x": true}
}

f(x) := x if x > 0

f(x) := -x if x > 0

test_function_conflict if {
	f(1) == 1
}
`
	const dup = `package dup

test_same if {
	true
}

test_same if {
	false
}

test_same if {
	true
}
`
	const slow = `package slow

test_slow if {
	n := numbers.range(1, 3000)
	count([1 | some i in n; some j in n; i * j < 0]) == 0
}

test_fast if {
	true
}
`
	const filter = `package filter

test_a if {
	true
}

test_ab if {
	true
}

test_b if {
	false
}
`
	tests := []struct {
		name  string
		files map[string]string
		opts  TestOptions
		want  string
	}{
		{"pass, fail, skip, print", map[string]string{"basics_test.rego": basics}, TestOptions{}, `basics_test.rego:3 basics.test_pass PASS
basics_test.rego:7 basics.test_undefined FAIL
basics_test.rego:11 basics.test_false FAIL
basics_test.rego:13 basics.test_number FAIL
basics_test.rego:15 basics.todo_test_later SKIP
basics_test.rego:19 basics.test_print PASS output "hello 1\n"
basics_test.rego:24 basics.test_print_fail FAIL output "why <undefined>\n"
basics_test.rego:29 basics.test_builtin_error FAIL
basics_test.rego:33 basics.group.test_inner PASS
basics_test.rego:37 basics.test_outer FAIL
`},
		{"partial-object tests", map[string]string{"cases_test.rego": cases}, TestOptions{}, `cases_test.rego:3 cases.test_all PASS
cases_test.rego:11 cases.test_one_fails FAIL
cases_test.rego:19 cases.test_concat FAIL
cases_test.rego:25 cases.test_values FAIL
cases_test.rego:29 cases.test_null_value PASS
cases_test.rego:33 cases.test_not_bool FAIL
cases_test.rego:37 cases.test_nested PASS
cases_test.rego:43 cases.test_nested_fails FAIL
cases_test.rego:49 cases.test_none PASS
cases_test.rego:53 cases.test_print_cases FAIL output "case p\ncase q\n"
`},
		{"errors", map[string]string{"errs_test.rego": errs}, TestOptions{}, `errs_test.rego:7 errs.test_conflict ERROR errs_test.rego:5: eval_conflict_error: rule data.errs.p produced conflicting values:
  1 at errs_test.rego:3
  2 at errs_test.rego:5
errs_test.rego:15 errs.test_function_conflict ERROR errs_test.rego:13: eval_conflict_error: function data.errs.f produced conflicting values for the same inputs:
  1 at errs_test.rego:11
  -1 at errs_test.rego:13
`},
		{"duplicate names", map[string]string{"dup_test.rego": dup}, TestOptions{}, `dup_test.rego:3 dup.test_same PASS
dup_test.rego:7 dup.test_same#01 FAIL
dup_test.rego:11 dup.test_same#02 PASS
`},
		{"timeout", map[string]string{"slow_test.rego": slow}, TestOptions{Timeout: 200 * time.Millisecond}, `slow_test.rego:3 slow.test_slow ERROR eval_cancel_error: context deadline exceeded
slow_test.rego:8 slow.test_fast PASS
`},
		{"filter", map[string]string{"filter_test.rego": filter}, TestOptions{Run: `test_a$`}, `filter_test.rego:3 filter.test_a PASS
`},
		{"filter on the package", map[string]string{"filter_test.rego": filter}, TestOptions{Run: `^data\.filter\.test_a`}, `filter_test.rego:3 filter.test_a PASS
filter_test.rego:7 filter.test_ab PASS
`},
		{"invalid filter", map[string]string{"filter_test.rego": filter}, TestOptions{Run: `(`}, `error: error parsing regexp: missing closing ): ` + "`(`" + `
`},
		{"type error", map[string]string{"bad_test.rego": "package bad\n\ntest_x if {\n\tx := 1 + \"a\"\n}\n"}, TestOptions{}, `error: bad_test.rego:4:7: error: plus: invalid argument(s) (rego_type_error)
`},
		{"sandbox", map[string]string{"net_test.rego": "package net\n\ntest_x if {\n\tnet.lookup_ip_addr(\"example.com\")\n}\n"}, TestOptions{}, `error: net_test.rego:4:2: error: builtin net.lookup_ip_addr is not allowed in kvet policies: it resolves host names (network access); kvet runs policies without network, environment or file system access
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := tt.opts
			opts.Dirs = []string{dir}
			opts.NoBuiltin = true
			own, opa := runBoth(t, context.Background(), dir, opts)
			if own != opa {
				t.Errorf("kvet's runner:\n%s\nOPA's runner:\n%s", own, opa)
			}
			if own != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", own, tt.want)
			}
		})
	}
}

// The built-in policies' tests, and the user policies' of testdata, have
// the same outcomes with kvet's runner as with OPA's.
func TestRunnerMatchesOPAOnPolicies(t *testing.T) {
	for _, opts := range []TestOptions{
		{},
		{Dirs: []string{"testdata/conftest/policy", "testdata/kvetstyle/policy"}},
	} {
		own, opa := runBoth(t, context.Background(), "", opts)
		if own != opa {
			t.Errorf("%v: kvet's runner:\n%s\nOPA's runner:\n%s", opts.Dirs, own, opa)
		}
		if strings.Count(own, "\n") < 5 || strings.Contains(own, "error: ") {
			t.Errorf("%v: too few tests ran:\n%s", opts.Dirs, own)
		}
	}
}

// A cancelled run starts no test and says so.
func TestRunnerCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, run := range map[string]testRunner{"kvet": runTests, "OPA": opaRunTests} {
		results, err := testWith(ctx, TestOptions{}, run)
		if !errors.Is(err, context.Canceled) || len(results) != 0 {
			t.Errorf("%s: %d results, error %v; want none and context.Canceled", name, len(results), err)
		}
	}
}

// A test that names a case below a value that is not an object (calling
// internal.test_case itself) makes OPA's runner panic, which would end
// kvet; kvet's runner reports the test as failed, and its cases that
// pass as passing.
func TestRunnerCaseBelowValue(t *testing.T) {
	p := write(t, "deep_test.rego", `package deep

test_deeper[name] if {
	some name in ["m"]
	internal.test_case(["m", "deeper"])
}

test_named[name] if {
	some name in ["m"]
	internal.test_case(["m"])
}
`)
	results, err := Test(context.Background(), TestOptions{Dirs: []string{p}, NoBuiltin: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	want := "deep_test.rego:3 deep.test_deeper FAIL\ndeep_test.rego:8 deep.test_named PASS\n"
	if got := outcomes(dir, results); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A user's policies in a directory named policies/, as the built-in files'
// names begin, have their tests run (they were all taken for built-in
// tests and left out: "no tests found").
func TestUserTestsInPoliciesDir(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("policies", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("policies", "p_test.rego"), []byte("package p\n\ntest_x if {\n\ttrue\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"policies", "./policies"} {
		results, err := Test(context.Background(), TestOptions{Dirs: []string{dir}})
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if got, want := outcomes("", results), "policies/p_test.rego:3 p.test_x PASS\n"; got != want {
			t.Errorf("%s: got:\n%s\nwant:\n%s", dir, got, want)
		}
	}
}

// TestUserFilesNamedAsBuiltin: a repository's own policies/lib/result.rego
// (the path of a file of kvet's library) neither replaces kvet's file nor
// is replaced by it: its tests run, its rule reports, and the built-in
// policies, which read kvet's file, still report.
func TestUserFilesNamedAsBuiltin(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll(filepath.Join("policies", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"result.rego":      "package team.checks\n\ndeny contains \"no configmaps\" if input.kind == \"ConfigMap\"\n\ntest_in_lib if {\n\tdeny[\"no configmaps\"] with input as {\"kind\": \"ConfigMap\"}\n}\n",
		"result_test.rego": "package team.checks\n\ntest_denies if {\n\tdeny[\"no configmaps\"] with input as {\"kind\": \"ConfigMap\"}\n}\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join("policies", "lib", name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	results, err := Test(t.Context(), TestOptions{Dirs: []string{"policies"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outcomes("", results), "policies/lib/result.rego:5 team.checks.test_in_lib PASS\npolicies/lib/result_test.rego:3 team.checks.test_denies PASS\n"; got != want {
		t.Errorf("kvet policy test policies: got:\n%s\nwant:\n%s", got, want)
	}

	e, err := New(Options{Dirs: []string{"policies"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Compile(); err != nil {
		t.Fatalf("compiling the built-in policies with the user's: %v", err)
	}
	manifest := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: x}\n" +
		"rules:\n- apiGroups: ['']\n  resources: [secrets]\n  verbs: [get]\n"
	if err := os.WriteFile("m.yaml", []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	_, res := analyzer.Lint(t.Context(), analyzer.NewLoader(nil), []string{"m.yaml"}, e.Rules(), analyzer.Options{})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	var got []string
	for _, d := range res.Diagnostics {
		got = append(got, fmt.Sprintf("%d:%d %s", d.Range.Start.Line, d.Range.Start.Column, d.RuleID))
	}
	if want := []string{"1:1 team-checks-deny", "10:15 rbac-secrets-access"}; !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}
