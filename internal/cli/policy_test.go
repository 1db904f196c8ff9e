package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/cli"
)

const wideRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: wide
  namespace: apps
rules:
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "*"]
`

// A conftest-style policy: a string result, reported at the document start.
const noLatest = `package main

import rego.v1

deny contains msg if {
	input.kind == "Role"
	msg := sprintf("Role %s: roles need an owner label", [input.metadata.name])
	not input.metadata.labels.owner
}
`

// A kvet-style policy with a path and a parameter.
const maxVerbs = `# METADATA
# title: rule entries list few verbs
# description: Long verb lists hide what a role is for.
# related_resources:
# - ref: https://wiki.example.com/rbac#verbs
# custom:
#   id: team-max-verbs
#   severity: info
#   kinds: [Role]
#   remediation: Split the entry.
#   parameters:
#   - name: max
#     doc: the most verbs an entry may list
#     default: 5
package team.verbs

import data.kvet.lib.result

deny contains result.at(["rules", i, "verbs"], sprintf("rules[%d] lists %d verbs", [i, count(rule.verbs)])) if {
	some i, rule in input.rules
	count(rule.verbs) > data.kvet.params["team-max-verbs"].max
}
`

func TestLintWithPolicies(t *testing.T) {
	repo(t, map[string]string{"role.yaml": wideRole, "policy/owner.rego": noLatest, "policy/verbs.rego": maxVerbs})

	code, stdout, stderr := kvet(t, "lint", "--policy", "policy", "role.yaml")
	got := findings(t, stdout)
	want := []string{"role.yaml:1 main-deny error", "role.yaml:9 rbac-wildcard-verbs warning"}
	if code != cli.ExitFindings || !slices.Equal(got, want) {
		t.Errorf("exit %d, findings %v, want %v (stderr %s)", code, got, want, stderr)
	}

	// --no-builtin-policies runs only the user's policies; the parameter
	// comes from .kvet.yaml, like a Go rule's.
	writeFile(t, ".kvet.yaml", "rules:\n  team-max-verbs:\n    params: {max: 1}\n")
	code, stdout, _ = kvet(t, "lint", "--policy", "policy", "--no-builtin-policies", "role.yaml")
	got = findings(t, stdout)
	want = []string{"role.yaml:1 main-deny error", "role.yaml:9 team-max-verbs info"}
	if code != cli.ExitFindings || !slices.Equal(got, want) {
		t.Errorf("exit %d, findings %v, want %v", code, got, want)
	}

	// policies: in .kvet.yaml, relative to the file; the flag replaces it.
	writeFile(t, ".kvet.yaml", "policies: [policy]\nrules:\n  main-deny: {enabled: false}\n")
	_, stdout, _ = kvet(t, "lint", "role.yaml")
	if got := findings(t, stdout); !slices.Equal(got, []string{"role.yaml:9 rbac-wildcard-verbs warning"}) {
		t.Errorf("with policies from .kvet.yaml: %v", got)
	}
}

// --policy-timeout (over policy-timeout: of .kvet.yaml) bounds the
// evaluation of a document; a document that exceeds it is an error (exit
// 2) naming the policy and the document.
//
// The outcome depends on no timing: the policy cannot finish (10¹²
// iterations), so the limit is always exceeded, and it is the document's
// only policy (--no-builtin-policies), so the limit is exceeded in it
// whenever the timer fires. (With the built-in policies, which are
// evaluated first, a process paused for the whole limit on a loaded
// machine ran out of time in one of them, and the error named that.)
func TestPolicyTimeout(t *testing.T) {
	slow := "package slow\n\ndeny contains \"never\" if {\n\tr := numbers.range(1, 1000)\n" +
		"\tcount([1 | some a in r; some b in r; some c in r; some d in r; a * b * c * d < 0]) > 0\n}\n"
	repo(t, map[string]string{"role.yaml": wideRole, "policy/slow.rego": slow, ".kvet.yaml": "policy-timeout: 1h\n"})
	code, stdout, stderr := kvet(t, "lint", "--no-builtin-policies", "--policy", "policy", "--policy-timeout", "100ms", "role.yaml")
	want := "rule slow-deny on role.yaml (document 1, Role wide): evaluating slow.deny (policy/slow.rego) exceeded the time limit of 100ms (policy-timeout) on this document"
	if code != cli.ExitError || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 with %q", code, stdout, stderr, want)
	}
	code, _, stderr = kvet(t, "lint", "--policy-timeout", "-1s", "role.yaml")
	if code != cli.ExitError || !strings.Contains(stderr, "--policy-timeout: want a positive duration") {
		t.Errorf("negative --policy-timeout: exit %d, stderr %q", code, stderr)
	}
}

// Policies that do not load stop kvet with exit 2 before anything is
// linted, each error on a line of its own in the shape of a finding,
// path:line:col: error: message, which editors and CI annotations read;
// kvet policy test says the same.
func TestLintPolicyErrors(t *testing.T) {
	tests := []struct{ name, policy, want string }{
		{"sandbox", "package x\n\ndeny contains r.body if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"http://169.254.169.254/\"})\n}\n",
			"policy/p.rego:4:7: error: builtin http.send is not allowed in kvet policies: it sends HTTP requests (network access); kvet runs policies without network, environment or file system access\n"},
		{"syntax", "package x\n\ndeny contains msg if {\n", "policy/p.rego:4:1: error: unexpected eof token (rego_parse_error)\n"},
		{"type", "package x\n\ndeny contains msg if {\n\tmsg := upper(input.metadata.labels, 1)\n}\n", "policy/p.rego:4:9: error: upper: arity mismatch (rego_type_error)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo(t, map[string]string{"role.yaml": wideRole, "policy/p.rego": tt.policy})
			for _, args := range [][]string{{"lint", "--policy", "policy", "role.yaml"}, {"policy", "test", "policy"}} {
				code, stdout, stderr := kvet(t, args...)
				if code != cli.ExitError || stdout != "" || stderr != tt.want {
					t.Errorf("kvet %v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 with:\n%s", args, code, stdout, stderr, tt.want)
				}
			}
		})
	}
	// Several errors, one a line; an error without a position is kvet's.
	repo(t, map[string]string{
		"role.yaml":          wideRole,
		"policy/a.rego":      "package a\n\ndeny contains msg if {\n",
		"policy/b.rego":      "package kvet.mine\n",
		"policy/c_test.rego": "package c\n",
	})
	code, stdout, stderr := kvet(t, "lint", "--policy", "policy", "--policy", "nosuch", "role.yaml")
	want := "kvet: reading policies: stat nosuch: no such file or directory\n" +
		"policy/a.rego:4:1: error: unexpected eof token (rego_parse_error)\n" +
		"policy/b.rego:1:1: error: package kvet.mine is reserved for kvet's built-in policies; use another package name\n"
	if code != cli.ExitError || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", code, stdout, stderr, want)
	}
}

// Rego rules are listed, explained and described in SARIF like Go rules.
func TestRegoRulesLikeGoRules(t *testing.T) {
	repo(t, map[string]string{"role.yaml": wideRole, "policy/verbs.rego": maxVerbs})

	_, stdout, _ := kvet(t, "rules")
	if !strings.Contains(stdout, "rbac-admin-equivalent") || !strings.Contains(stdout, "cronjob-concurrency-allow") || strings.Contains(stdout, "team-max-verbs") {
		t.Errorf("kvet rules:\n%s", stdout)
	}
	_, stdout, _ = kvet(t, "rules", "--policy", "policy")
	if !strings.Contains(stdout, "team-max-verbs") {
		t.Errorf("kvet rules --policy does not list the user's rule:\n%s", stdout)
	}
	code, stdout, _ := kvet(t, "explain", "rbac-escalation-verbs")
	if code != 0 || !strings.HasPrefix(stdout, "rbac-escalation-verbs: RBAC rule allows privilege escalation") || !strings.Contains(stdout, "What to do") {
		t.Errorf("explain: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = kvet(t, "explain", "--policy", "policy", "team-max-verbs")
	if code != 0 || !strings.Contains(stdout, "max (default 5): the most verbs an entry may list") || !strings.Contains(stdout, "More: https://wiki.example.com/rbac#verbs") {
		t.Errorf("explain user rule: exit %d\n%s", code, stdout)
	}

	_, stdout, _ = kvet(t, "lint", "--format", "sarif", "--policy", "policy", "role.yaml")
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []map[string]any `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, stdout)
	}
	byID := map[string]map[string]any{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		byID[r["id"].(string)] = r
	}
	goRule, regoRule, userRule := byID["cronjob-concurrency-allow"], byID["rbac-wildcard-verbs"], byID["team-max-verbs"]
	if goRule == nil || regoRule == nil || userRule == nil {
		t.Fatalf("SARIF rules lack a Go, built-in Rego or user rule: %v", byID)
	}
	if keys(goRule) != keys(regoRule) || keys(regoRule) != keys(userRule) {
		t.Errorf("SARIF rule fields differ: Go %s, Rego %s, user %s", keys(goRule), keys(regoRule), keys(userRule))
	}
	var results []string
	for _, r := range log.Runs[0].Results {
		results = append(results, r.RuleID)
	}
	if !slices.Equal(results, []string{"rbac-wildcard-verbs"}) {
		t.Errorf("SARIF results = %v", results)
	}
}

func keys(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ",")
}

func TestPolicyTest(t *testing.T) {
	t.Run("built-in", func(t *testing.T) {
		repo(t, nil)
		code, stdout, stderr := kvet(t, "policy", "test")
		if code != 0 || !strings.HasPrefix(stdout, "PASS: ") || stderr != "" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("user", func(t *testing.T) {
		repo(t, map[string]string{
			"policy/verbs.rego": maxVerbs,
			"policy/verbs_test.rego": `package team.verbs

test_long_entry if {
	count(deny) == 1 with input as {"kind": "Role", "rules": [{"verbs": ["a", "b", "c", "d", "e", "f"]}]}
}

test_wrong_expectation if {
	print("entries:", count(deny))
	count(deny) == 2 with input as {"kind": "Role", "rules": [{"verbs": ["a"]}]}
}
`,
		})
		code, stdout, _ := kvet(t, "policy", "test", "policy")
		want := "policy/verbs_test.rego:7: FAIL team.verbs.test_wrong_expectation ("
		if code != cli.ExitFindings || !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, "    entries: 0\n") ||
			!strings.HasSuffix(stdout, "PASS: 1/2, FAIL: 1/2\n") {
			t.Errorf("exit %d, stdout:\n%s", code, stdout)
		}
		code, stdout, _ = kvet(t, "policy", "test", "-v", "--run", "long", "policy")
		if code != 0 || !strings.HasPrefix(stdout, "policy/verbs_test.rego:3: PASS team.verbs.test_long_entry (") || !strings.HasSuffix(stdout, "PASS: 1/1\n") {
			t.Errorf("-v --run: exit %d, stdout:\n%s", code, stdout)
		}
	})
	t.Run("broken", func(t *testing.T) {
		repo(t, map[string]string{"policy/p_test.rego": "package p\n\ntest_x if {\n\tnet.lookup_ip_addr(\"example.com\")\n}\n"})
		code, _, stderr := kvet(t, "policy", "test", "policy")
		if code != cli.ExitError || !strings.HasPrefix(stderr, "policy/p_test.rego:4:2: error: builtin net.lookup_ip_addr is not allowed") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}

// --policy naming a directory without policies is an error (exit 2), not a
// run that silently checks nothing more.
func TestLintPolicyDirWithoutPolicies(t *testing.T) {
	repo(t, map[string]string{"role.yaml": wideRole, "policy/README.md": "policies go here\n", "tests/p_test.rego": "package p\n\ntest_x if { true }\n"})
	for dir, want := range map[string]string{
		"policy": "reading policies: policy holds no .rego policies (only *_test.rego files, if any)",
		"tests":  "reading policies: tests holds no .rego policies (only *_test.rego files, if any)",
	} {
		code, stdout, stderr := kvet(t, "lint", "--policy", dir, "role.yaml")
		if code != cli.ExitError || stdout != "" || !strings.Contains(stderr, want) {
			t.Errorf("--policy %s: exit %d, stdout %q, stderr %q; want exit 2 with %q", dir, code, stdout, stderr, want)
		}
	}
	if code, _, stderr := kvet(t, "policy", "test", "policy"); code != cli.ExitError || !strings.Contains(stderr, "reading policies: policy holds no .rego files") {
		t.Errorf("policy test: exit %d, stderr %q", code, stderr)
	}
}

// kvet rules, explain and policy test know the policies: of .kvet.yaml, as
// lint does (--policy replaces them; --config names another file).
func TestConfiguredPolicies(t *testing.T) {
	repo(t, map[string]string{
		".kvet.yaml":        "policies: [policy]\n",
		"policy/verbs.rego": maxVerbs,
		"policy/verbs_test.rego": `package team.verbs

test_long_entry if {
	count(deny) == 1 with input as {"kind": "Role", "rules": [{"verbs": ["a", "b", "c", "d", "e", "f"]}]}
}
`,
		"other/owner.rego": noLatest,
		"other.yaml":       "policies: [other]\n",
	})
	if _, stdout, stderr := kvet(t, "rules"); !strings.Contains(stdout, "\nteam-max-verbs ") {
		t.Errorf("kvet rules does not list the configured policy:\n%s%s", stdout, stderr)
	}
	if code, stdout, stderr := kvet(t, "explain", "team-max-verbs"); code != 0 || !strings.HasPrefix(stdout, "team-max-verbs: rule entries list few verbs") {
		t.Errorf("kvet explain: exit %d, %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr := kvet(t, "policy", "test", "-v"); code != 0 || !strings.Contains(stdout, "PASS team.verbs.test_long_entry") || !strings.HasSuffix(stdout, "PASS: 1/1\n") {
		t.Errorf("kvet policy test: exit %d, %q %q", code, stdout, stderr)
	}
	// --config names another file; --policy replaces the file's policies.
	if _, stdout, _ := kvet(t, "rules", "--config", "other.yaml"); !strings.Contains(stdout, "\nmain-deny ") || strings.Contains(stdout, "team-max-verbs") {
		t.Errorf("kvet rules --config other.yaml:\n%s", stdout)
	}
	if _, stdout, _ := kvet(t, "rules", "--policy", "other"); strings.Contains(stdout, "team-max-verbs") {
		t.Errorf("kvet rules --policy other lists the configured policy:\n%s", stdout)
	}
	// A broken configuration is reported, as lint reports it.
	writeFile(t, ".kvet.yaml", "policies: policy\n")
	if code, _, stderr := kvet(t, "explain", "team-max-verbs"); code != cli.ExitError || !strings.Contains(stderr, ".kvet.yaml:1:11: error: policies: want a list of strings") {
		t.Errorf("broken configuration: exit %d, %q", code, stderr)
	}
}

// With --no-builtin-policies, the configuration's settings and suppressions
// of the built-in RBAC rules are not errors about unknown rules: those rules
// exist and are left out on purpose. Enabling one is a contradiction.
func TestNoBuiltinPoliciesWithConfig(t *testing.T) {
	repo(t, map[string]string{
		".kvet.yaml": "rules:\n  rbac-wildcard-verbs: {severity: error}\n  rbac-pod-exec: {enabled: false}\n",
		"role.yaml":  strings.Replace(wideRole, "rules:", "rules:  # kvet:ignore-document rbac-wildcard-verbs -- reviewed", 1),
	})
	code, stdout, stderr := kvet(t, "lint", "--no-builtin-policies", "--disable", "rbac-secrets-access", "role.yaml")
	if code != 0 || stdout != "" || strings.Contains(stderr, "unknown rule") {
		t.Errorf("exit %d, stdout %q, stderr %q; want a clean run", code, stdout, stderr)
	}
	code, _, stderr = kvet(t, "lint", "--no-builtin-policies", "--enable", "rbac-pod-exec", "role.yaml")
	if code != cli.ExitError || !strings.Contains(stderr, `--enable: rule "rbac-pod-exec" is a built-in policy, left out by --no-builtin-policies`) {
		t.Errorf("--enable a left-out rule: exit %d, %q", code, stderr)
	}
	// A misspelt rule is still an error.
	writeFile(t, ".kvet.yaml", "rules:\n  rbac-wildcard-verb: {severity: error}\n")
	if code, _, stderr := kvet(t, "lint", "--no-builtin-policies", "role.yaml"); code != cli.ExitError || !strings.Contains(stderr, `unknown rule "rbac-wildcard-verb"`) {
		t.Errorf("misspelt rule: exit %d, %q", code, stderr)
	}
}
