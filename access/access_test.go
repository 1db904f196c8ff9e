package access_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/access"
	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/rbac"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// load builds the report of the manifests under dir, read as kvet reads
// them.
func load(t *testing.T, dir string) *access.Report {
	t.Helper()
	set := analyzer.NewLoader(nil).Load(context.Background(), []string{dir})
	for _, err := range set.Errors {
		t.Fatal(err)
	}
	for _, d := range set.Diagnostics {
		t.Fatalf("%s:%d: %s (%s)", d.File, d.Range.Start.Line, d.Message, d.RuleID)
	}
	return access.Build([]access.Input{{Model: rbac.Build(set.Docs)}}, nil)
}

// TestGolden renders the report of testdata/teams in each format and
// compares it with testdata/teams.golden.FORMAT (go test -update rewrites
// them: review the diff).
func TestGolden(t *testing.T) {
	r := load(t, "testdata/teams")
	for _, format := range access.Formats() {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := access.Write(&buf, format, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "teams.golden."+format)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s output differs from %s (go test ./access -update rewrites it):\n%s", format, golden, buf.String())
			}
		})
	}
}
