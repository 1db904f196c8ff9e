package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// FuzzConfig parses any bytes as .kvet.yaml and selects the rules of a
// catalog with the configuration: neither may panic, and every error names
// the file and, when it has a position, a line of the file (counted as
// kvet and editors count them) and a column from 1.
//
//	go test ./internal/config -run '^$' -fuzz '^FuzzConfig$' -fuzztime 60s
func FuzzConfig(f *testing.F) {
	for _, seed := range []string{
		"",
		"fail-on: error\nformat: json\nkube-version: \"1.30\"\nexclude: [\"vendor/**\"]\npolicies: [policies]\npolicy-timeout: 5s\nrequire-reason: true\nmax-file-size: 1MiB\nmax-findings: 10\n",
		"rules:\n  on-rule: {enabled: false}\n  param-rule:\n    severity: error\n    params: {max: 3, strict: true, zone: Europe/Paris, require: [cpu], range: [1, 2]}\n",
		"rules:\n  off-rule:\n    enabled: true\n  nope: {}\n",
		"x: &l [a, b]\nexclude: [*l, *l]\nfail-on: *l\n",
		"exclude: [\"a\u0085b\", \"c\u2028d\"]\nfail-on: bad\n",
		"helm:\n  values: [v.yaml]\n  set: [a=b]\nkustomize:\n  load-restrictor: none\nrender: false\n",
		"fail-on: error\n---\nformat: json\n",
		"rules:\n  a: [b\n",
		"\xef\xbb\xbffail-on: warning\r\nformat: sarif\r\n",
	} {
		f.Add([]byte(seed))
	}
	catalog := testCatalog()
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := (&analyzer.File{Path: ".kvet.yaml", Content: data}).LineCount()
		c, err := Parse(".kvet.yaml", data)
		checkErrors(t, data, lines, err)
		if err != nil {
			return
		}
		_, _, err = Select(catalog, c, Overrides{Enable: []string{"off-rule"}, Disable: []string{"on-rule"}})
		checkErrors(t, data, lines, err)
	})
}

// checkErrors checks the positions of err's errors (see FuzzConfig).
func checkErrors(t *testing.T, data []byte, lines int, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var joined interface{ Unwrap() []error }
	errs := []error{err}
	if errors.As(err, &joined) {
		errs = joined.Unwrap()
	}
	for _, e := range errs {
		var pe *Error
		if !errors.As(e, &pe) {
			if !strings.Contains(e.Error(), ".kvet.yaml") {
				t.Errorf("error %q does not name the file (input %q)", e, data)
			}
			continue
		}
		if pe.File != ".kvet.yaml" {
			t.Errorf("error %q names %q (input %q)", pe, pe.File, data)
		}
		// Line 0 is an error about the whole file; a position one past the
		// last line is the end of a file without a final newline.
		if pe.Line != 0 && (pe.Line < 1 || pe.Line > lines+1 || pe.Column < 1) {
			t.Errorf("error %q at %d:%d: the file has %d lines (input %q)", pe, pe.Line, pe.Column, lines, data)
		}
	}
}
