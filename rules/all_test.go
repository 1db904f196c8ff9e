package rules_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rules"
)

func TestAllValidates(t *testing.T) {
	if err := analyzer.Validate(rules.All()); err != nil {
		t.Fatal(err)
	}
}

// catalog is the rule catalog (../shared/docs/rules.md) for the sections
// "Pods in any workload", "Jobs" and "CronJobs": IDs are a public
// contract, so they are spelled out here as well.
var catalog = map[string]analyzer.Severity{
	"resource-limits-missing":             analyzer.SeverityWarning,
	"resource-requests-missing":           analyzer.SeverityWarning,
	"resource-request-exceeds-limit":      analyzer.SeverityError,
	"default-service-account":             analyzer.SeverityWarning,
	"image-tag-mutable":                   analyzer.SeverityWarning,
	"job-restart-policy-invalid":          analyzer.SeverityError,
	"job-backoff-limit-unset":             analyzer.SeverityInfo,
	"job-backoff-limit-high":              analyzer.SeverityWarning,
	"job-active-deadline-missing":         analyzer.SeverityWarning,
	"job-ttl-missing":                     analyzer.SeverityInfo,
	"job-parallelism-exceeds-completions": analyzer.SeverityWarning,
	"cronjob-schedule-invalid":            analyzer.SeverityError,
	"cronjob-schedule-timezone":           analyzer.SeverityError,
	"cronjob-schedule-never-fires":        analyzer.SeverityError,
	"cronjob-name-too-long":               analyzer.SeverityError,
	"cronjob-timezone-missing":            analyzer.SeverityInfo,
	"cronjob-timezone-invalid":            analyzer.SeverityError,
	"cronjob-concurrency-allow":           analyzer.SeverityWarning,
	"cronjob-starting-deadline-missing":   analyzer.SeverityWarning,
	"cronjob-starting-deadline-short":     analyzer.SeverityWarning,
	"cronjob-history-limits":              analyzer.SeverityInfo,
	"cronjob-suspended":                   analyzer.SeverityInfo,
}

func TestCatalogWorkloadRules(t *testing.T) {
	byID := map[string]*analyzer.Rule{}
	for _, r := range rules.All() {
		byID[r.ID] = r
	}
	for id, sev := range catalog {
		r := byID[id]
		switch {
		case r == nil:
			t.Errorf("catalog rule %s is missing from rules.All()", id)
		case r.Severity != sev:
			t.Errorf("%s: severity %s, catalog says %s", id, r.Severity, sev)
		case r.DisabledByDefault:
			t.Errorf("%s: disabled by default", id)
		}
	}
	// Parameters named by the catalog, with its defaults.
	params := map[string]map[string]any{
		"job-backoff-limit-high":    {"max": 6},
		"cronjob-history-limits":    {"successful": []int{3, 7}, "failed": []int{1, 3}},
		"resource-limits-missing":   {"require": []string{"cpu", "memory"}},
		"resource-requests-missing": {"require": []string{"cpu", "memory"}},
	}
	for id, ps := range params {
		for name, want := range ps {
			if r := byID[id]; r == nil || !equalParam(r.Param(name), want) {
				t.Errorf("%s: parameter %s default = %v, want %v", id, name, r.Param(name), want)
			}
		}
	}
}

func equalParam(a, b any) bool {
	switch b := b.(type) {
	case []int:
		a, ok := a.([]int)
		return ok && slices.Equal(a, b)
	case []string:
		a, ok := a.([]string)
		return ok && slices.Equal(a, b)
	}
	return a == b
}

// TestCatalogDocument checks the table above against the catalog itself,
// when ../shared/docs/rules.md is there.
func TestCatalogDocument(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "..", "shared", "docs", "rules.md"))
	if err != nil {
		t.Skipf("no catalog: %v", err)
	}
	sections := map[string]bool{"## Pods in any workload": true, "## Jobs": true, "## CronJobs": true}
	row := regexp.MustCompile("^\\| `([a-z0-9-]+)` \\|.*\\| (error|warning|info) \\|$")
	in := false
	found := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = false
			for s := range sections {
				if strings.HasPrefix(line, s+" ") || line == s {
					in = true
				}
			}
			continue
		}
		m := row.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		found[m[1]] = true
		sev, err := analyzer.ParseSeverity(m[2])
		if err != nil {
			t.Fatal(err)
		}
		if want, ok := catalog[m[1]]; !ok || want != sev {
			t.Errorf("catalog has %s (%s); the test table says %v", m[1], m[2], want)
		}
	}
	if len(found) != len(catalog) {
		t.Errorf("catalog sections list %d rules, the test table %d", len(found), len(catalog))
	}
}

// repoRoot returns the directory that holds go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
