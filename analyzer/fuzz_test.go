package analyzer_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// FuzzParse checks that no input makes loading, decoding or locating panic
// or hang. Seeds are the loading fixtures. Run it with
// go test ./analyzer -run '^$' -fuzz FuzzParse -fuzztime 60s.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/load/*")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	paths := []analyzer.Path{
		nil,
		analyzer.NewPath("metadata", "name"),
		analyzer.NewPath("spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"),
		analyzer.NewPath("rules", 0, "verbs", 1),
		analyzer.NewPath("items", 3),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &analyzer.File{Path: "fuzz.yaml", Content: data}
		docs, diags := analyzer.NewLoader(nil).Parse(file)
		for _, d := range docs {
			for _, p := range paths {
				r := d.Locate(p, false)
				if r.Start.Line < 1 || r.Start.Column < 1 || r.End.Line < r.Start.Line {
					t.Fatalf("bad range %+v for %s", r, p)
				}
				d.Locate(p, true)
			}
			d.Value()
		}
		for _, dg := range diags {
			if dg.Range.Start.Line < 1 {
				t.Fatalf("diagnostic without a line: %+v", dg)
			}
		}
	})
}
