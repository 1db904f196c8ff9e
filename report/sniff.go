package report

import (
	"encoding/json"
	"io"
	"os"
)

// IsReport reports whether the file at path holds a report that kvet
// wrote in one of its JSON formats (json, sarif, gitlab), as a CI job's
// --output of a previous run does: kvet leaves such a file out of the
// files it finds in linted directories, and writes over it. Only the
// start of the file is read. Any other file (a manifest, a chart's
// Chart.yaml, a file that is not there) is not a report.
func IsReport(path string) bool {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close() //nolint:errcheck // read-only
	dec := json.NewDecoder(io.LimitReader(f, 4096))
	// The tokens each format starts with (the fields in the order the
	// formatters write them).
	starts := [][]func(json.Token) bool{
		// json: {"version": 1, "tool": {"name": "kvet"
		{tokDelim('{'), tokIs("version"), tokNumber, tokIs("tool"), tokDelim('{'), tokIs("name"), tokIs("kvet")},
		// sarif: {"$schema": …, "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "kvet"
		{tokDelim('{'), tokIs("$schema"), tokString, tokIs("version"), tokIs(SARIFVersion), tokIs("runs"), tokDelim('['), tokDelim('{'),
			tokIs("tool"), tokDelim('{'), tokIs("driver"), tokDelim('{'), tokIs("name"), tokIs("kvet")},
		// gitlab: [] or [{"type": "issue", "check_name"
		{tokDelim('['), tokDelim(']')},
		{tokDelim('['), tokDelim('{'), tokIs("type"), tokIs("issue"), tokIs("check_name")},
	}
	var read []json.Token
	for _, want := range starts {
		for i, ok := range want {
			if i == len(read) {
				t, err := dec.Token()
				if err != nil {
					break
				}
				read = append(read, t)
			}
			if !ok(read[i]) {
				break
			}
			if i == len(want)-1 {
				return true
			}
		}
	}
	return false
}

func tokDelim(d json.Delim) func(json.Token) bool {
	return func(t json.Token) bool { return t == d }
}

func tokIs(s string) func(json.Token) bool {
	return func(t json.Token) bool { return t == s }
}

func tokNumber(t json.Token) bool { _, ok := t.(float64); return ok }

func tokString(t json.Token) bool { _, ok := t.(string); return ok }
