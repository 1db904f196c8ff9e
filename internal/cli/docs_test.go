package cli_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
	"github.com/kvet-dev/kvet/internal/cli"
	"github.com/kvet-dev/kvet/internal/ruledoc"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules.md from the rule metadata")

// TestRulesDocUpToDate fails when the committed docs/rules.md differs from
// what `kvet rules --format markdown` generates, which is how CI catches a
// rule change without regenerated documentation.
func TestRulesDocUpToDate(t *testing.T) {
	code, generated, stderr := kvet(t, "rules", "--format", "markdown")
	if code != 0 {
		t.Fatalf("kvet rules --format markdown: exit %d: %s", code, stderr)
	}
	path := filepath.Join("..", "..", "docs", "rules.md")
	if *updateDocs {
		if err := os.WriteFile(path, []byte(generated), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v\ngenerate it with:\n\n    %s", err, ruledoc.Regenerate)
	}
	if string(committed) != generated {
		t.Errorf("docs/rules.md is out of date with the rule metadata (%s); regenerate it from the repository root with\n\n    %s\n\nor `go test ./internal/cli -run TestRulesDocUpToDate -update-docs`, and commit it",
			analyzertest.LineDiff(string(committed), generated), ruledoc.Regenerate)
	}
}

// TestRulesMarkdown checks that the generated page documents every rule of
// `kvet rules` (Go, Rego and engine rules alike) under a heading whose
// anchor is the one SARIF's helpUri and `kvet explain` link to.
func TestRulesMarkdown(t *testing.T) {
	_, list, _ := kvet(t, "rules", "--format", "json")
	_, md, _ := kvet(t, "rules", "--format", "markdown")
	var catalog struct{ Rules []struct{ ID string } }
	if err := json.Unmarshal([]byte(list), &catalog); err != nil {
		t.Fatal(err)
	}
	lines := catalog.Rules
	if len(lines) < 10 {
		t.Fatalf("kvet rules lists %d rules", len(lines))
	}
	for _, l := range lines {
		id := l.ID
		if !strings.Contains(md, "\n## `"+id+"`\n") {
			t.Errorf("no section for %s", id)
		}
		if !strings.Contains(md, "| [`"+id+"`](#"+id+") |") {
			t.Errorf("no index entry for %s", id)
		}
		_, explain, _ := kvet(t, "explain", id)
		if !strings.HasSuffix(explain, "More: "+ruledoc.URL(id)+"\n") {
			t.Errorf("kvet explain %s does not link to %s", id, ruledoc.URL(id))
		}
	}
	if n := len(regexp.MustCompile("(?m)^## `").FindAllString(md, -1)); n != len(lines) {
		t.Errorf("%d sections for %d rules", n, len(lines))
	}
	if code, _, stderr := kvet(t, "rules", "--format", "html"); code != cli.ExitError || !strings.Contains(stderr, `unknown format "html"`) {
		t.Errorf("unknown format: exit %d %q", code, stderr)
	}
}
