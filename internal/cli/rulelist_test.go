package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/internal/linter"
)

// TestRulesTable checks the default `kvet rules` table: at most 100
// columns (it was 213), every rule on a line of its own with its severity,
// titles wrapped under the TITLE column, rules that are off by default
// marked.
func TestRulesTable(t *testing.T) {
	repo(t, nil)
	code, out, stderr := kvet(t, "rules")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	catalog, _, err := linter.Catalog(linter.Source{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	titleCol := strings.Index(lines[0], "TITLE")
	if !strings.HasPrefix(lines[0], "RULE ") || titleCol < 0 {
		t.Fatalf("header %q", lines[0])
	}
	var ids []string
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > 100 {
			t.Errorf("line of %d columns: %q", n, l)
		}
		if f := strings.Fields(l); len(f) > 0 && !strings.HasPrefix(l, " ") && l != lines[0] {
			ids = append(ids, f[0])
		} else if l != lines[0] && strings.TrimSpace(l[:titleCol]) != "" {
			t.Errorf("continuation line not under TITLE: %q", l)
		}
	}
	var want []string
	for _, r := range catalog {
		want = append(want, r.ID)
		line := ""
		for _, l := range lines {
			if strings.HasPrefix(l, r.ID+" ") {
				line = l
			}
		}
		if !strings.Contains(line, " "+r.Severity.String()+" ") {
			t.Errorf("%s: line %q lacks its severity", r.ID, line)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("rules %q, want %q", ids, want)
	}
	if !strings.Contains(out, "(off by default)") {
		t.Error("no rule is marked off by default")
	}
}

// TestRulesJSON checks `kvet rules --format json` against the catalog.
func TestRulesJSON(t *testing.T) {
	repo(t, nil)
	code, out, stderr := kvet(t, "rules", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Version int `json:"version"`
		Rules   []struct {
			ID, Title, Severity, Source, URL, Rationale, Remediation, Doc string
			Kinds                                                         []string
			Enabled                                                       *bool
			Params                                                        []struct {
				Name, Doc string
				Default   any
			}
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	catalog, _, err := linter.Catalog(linter.Source{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Rules) != len(catalog) {
		t.Fatalf("version %d, %d rules; want 1 and %d", doc.Version, len(doc.Rules), len(catalog))
	}
	for i, r := range catalog {
		got := doc.Rules[i]
		if got.ID != r.ID || got.Title != r.Title || got.Severity != r.Severity.String() || got.Source != r.Source ||
			got.URL != r.URL || got.Rationale != r.Rationale || got.Enabled == nil || *got.Enabled == r.DisabledByDefault ||
			got.Kinds == nil || !slices.Equal(got.Kinds, r.Kinds) && len(r.Kinds) > 0 || len(got.Params) != len(r.Params) {
			t.Errorf("rules[%d] = %+v, want %s", i, got, r.ID)
		}
	}
	if code, _, stderr := kvet(t, "rules", "--format", "yaml"); code != 2 || !strings.Contains(stderr, "want text, json or markdown") {
		t.Errorf("unknown format: exit %d %q", code, stderr)
	}
}
