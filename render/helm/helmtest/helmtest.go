// Package helmtest extracts chart fixtures for tests.
package helmtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/kvet-dev/kvet/analyzer/analyzertest"
)

// Extract writes the files of a txtar archive under dir. A directory
// whose name ends in .tgz is written as a gzipped tar of its contents, as
// helm dependency build leaves packaged subcharts.
func Extract(t testing.TB, archive, dir string) {
	t.Helper()
	a, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	packs := map[string][]txtar.File{}
	for _, f := range a.Files {
		if i := strings.Index(f.Name, ".tgz/"); i >= 0 {
			packs[f.Name[:i+4]] = append(packs[f.Name[:i+4]], txtar.File{Name: f.Name[i+5:], Data: f.Data})
			continue
		}
		analyzertest.WriteFile(t, filepath.Join(dir, f.Name), string(f.Data))
	}
	for name, files := range packs {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		for _, f := range files {
			if err := tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			if _, err := tw.Write(f.Data); err != nil {
				t.Fatal(err)
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		analyzertest.WriteFile(t, filepath.Join(dir, name), buf.String())
	}
}
