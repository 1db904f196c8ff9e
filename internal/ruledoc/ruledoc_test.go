package ruledoc

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.md")

// testRules cover every part of a section: parameters of each type, an
// off-by-default rule, kinds, a pipe in a table cell, Doc with code blocks.
func testRules() []*analyzer.Rule {
	return []*analyzer.Rule{
		{
			ID: "test-engine", Title: "document is broken", Severity: analyzer.SeverityError, Source: "engine",
			Rationale: "It cannot be applied.", Remediation: "Fix it.",
		},
		{
			ID: "test-history", Title: "CronJob history limits | out of range", Severity: analyzer.SeverityInfo,
			Kinds: []string{"CronJob"}, Source: "go",
			Rationale: "Too many finished Jobs\npile up.", Remediation: "Set the limits.",
			Doc: "Bad:\n\n    spec:\n      successfulJobsHistoryLimit: 100\n\n\nGood:\n\n    spec:\n      successfulJobsHistoryLimit: 3\n",
			Params: []analyzer.Param{
				{Name: "successful", Doc: "allowed range", Default: []int{3, 7}},
				{Name: "require", Doc: "resources | names", Default: []string{"cpu", "memory"}},
				{Name: "max", Doc: "largest value", Default: 6},
				{Name: "strict", Doc: "also check X", Default: false},
				{Name: "zone", Doc: "a zone", Default: "UTC"},
			},
		},
		{
			ID: "test-off", Title: "kvet:ignore without reason", Severity: analyzer.SeverityWarning,
			Kinds: []string{"Role", "ClusterRole"}, Source: "rego", DisabledByDefault: true,
			Rationale: "Why.", Remediation: "What.",
		},
	}
}

func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, testRules()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden.md")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(want) {
		t.Errorf("Markdown output differs from %s (run go test ./internal/ruledoc -update and review the diff):\n%s", golden, buf.String())
	}
}

// TestAnchors checks that every rule has a section whose heading gives the
// anchor that URL (and so SARIF's helpUri) points at, and that every link
// of the index leads to a heading.
func TestAnchors(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, testRules()); err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^## (.*)$").FindAllStringSubmatch(buf.String(), -1) {
		headings[githubAnchor(m[1])] = true
	}
	for _, r := range testRules() {
		if !headings[Anchor(r.ID)] {
			t.Errorf("no heading with anchor %q for %s", Anchor(r.ID), r.ID)
		}
		if URL(r.ID) != "https://github.com/kvet-dev/kvet/blob/main/docs/rules.md#"+r.ID {
			t.Errorf("URL(%s) = %s", r.ID, URL(r.ID))
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(buf.String(), -1) {
		if !headings[m[1]] && !strings.HasPrefix(m[1], "unused-suppression") && !strings.HasPrefix(m[1], "suppression-reason-missing") {
			t.Errorf("link to #%s, which no heading defines", m[1])
		}
	}
}

// githubAnchor is GitHub's heading-to-anchor rule: lower case, punctuation
// other than hyphens and underscores dropped, spaces to hyphens.
func githubAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestFenceCode(t *testing.T) {
	got := fenceCode("Bad:\n\n    a: 1\n\n    b: 2\n\nGood:\n    c: 3\ntext after\n")
	want := "Bad:\n\n```yaml\na: 1\n\nb: 2\n```\n\nGood:\n```yaml\nc: 3\n```\ntext after\n"
	if got != want {
		t.Errorf("fenceCode:\n%s\nwant:\n%s", got, want)
	}
}
