package report

import "github.com/kvet-dev/kvet/internal/jsonsniff"

// IsReport reports whether the file at path holds a report that kvet
// wrote in one of its JSON formats (json, sarif, gitlab), as a CI job's
// --output of a previous run does: kvet leaves such a file out of the
// files it finds in linted directories, and writes over it. Only the
// start of the file is read. Any other file (a manifest, a chart's
// Chart.yaml, a file that is not there) is not a report.
func IsReport(path string) bool {
	// The tokens each format starts with (the fields in the order the
	// formatters write them).
	return jsonsniff.StartsWith(path,
		// json: {"version": 1, "tool": {"name": "kvet"
		[]jsonsniff.Token{jsonsniff.Delim('{'), jsonsniff.Is("version"), jsonsniff.Number, jsonsniff.Is("tool"), jsonsniff.Delim('{'),
			jsonsniff.Is("name"), jsonsniff.Is("kvet")},
		// sarif: {"$schema": …, "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "kvet"
		[]jsonsniff.Token{jsonsniff.Delim('{'), jsonsniff.Is("$schema"), jsonsniff.String, jsonsniff.Is("version"), jsonsniff.Is(SARIFVersion),
			jsonsniff.Is("runs"), jsonsniff.Delim('['), jsonsniff.Delim('{'), jsonsniff.Is("tool"), jsonsniff.Delim('{'), jsonsniff.Is("driver"),
			jsonsniff.Delim('{'), jsonsniff.Is("name"), jsonsniff.Is("kvet")},
		// gitlab: [] or [{"type": "issue", "check_name"
		[]jsonsniff.Token{jsonsniff.Delim('['), jsonsniff.Delim(']')},
		[]jsonsniff.Token{jsonsniff.Delim('['), jsonsniff.Delim('{'), jsonsniff.Is("type"), jsonsniff.Is("issue"), jsonsniff.Is("check_name")},
	)
}
