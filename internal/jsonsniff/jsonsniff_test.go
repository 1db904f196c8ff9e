package jsonsniff_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/internal/jsonsniff"
)

func TestStartsWith(t *testing.T) {
	object := []jsonsniff.Token{jsonsniff.Delim('{'), jsonsniff.Is("version"), jsonsniff.Number, jsonsniff.Is("name"), jsonsniff.String}
	array := []jsonsniff.Token{jsonsniff.Delim('['), jsonsniff.Delim(']')}
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          bool
	}{
		{"object", `{"version": 1, "name": "x", "more": true}`, true},
		{"second shape", "[\n]\n", true},
		{"other key", `{"version": 1, "title": "x"}`, false},
		{"string for number", `{"version": "1", "name": "x"}`, false},
		{"cut short", `{"version": 1`, false},
		{"yaml", "version: 1\nname: x\n", false},
		{"past the first 4 KiB", `{"version": ` + strings.Repeat(" ", 5000) + `1, "name": "x"}`, false},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
		if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := jsonsniff.StartsWith(p, object, array); got != tc.want {
			t.Errorf("%s: StartsWith = %t, want %t", tc.name, got, tc.want)
		}
	}
	if jsonsniff.StartsWith(dir, object, array) || jsonsniff.StartsWith(filepath.Join(dir, "missing"), object) {
		t.Error("a directory or a missing file matched")
	}
}
