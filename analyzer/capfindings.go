package analyzer

import "fmt"

// DefaultMaxFindings is the default number of findings of one rule shown
// in one file (see CapFindings).
const DefaultMaxFindings = 1000

// CapFindings returns the sorted diags with at most limit findings of each
// rule in each file (all of them when limit <= 0): the findings past the
// limit are replaced by one finding of the same rule, at the first of them,
// that says how many more there are, with the highest severity among them.
// Suppressed and unsuppressed findings are capped apart, so suppressed
// findings never hide unsuppressed ones (and the summary finding of
// suppressed ones is suppressed too). A generated file with hundreds of
// thousands of findings then yields a report of bounded size; exit status,
// summary counts and baselines use the findings before the cap.
func CapFindings(diags []Diagnostic, limit int) []Diagnostic {
	if limit <= 0 {
		return diags
	}
	if !fileOver(diags, limit) {
		return diags
	}
	type key struct {
		file, rule string
		suppressed bool
	}
	// Count first, so that out holds only what is shown: sized by diags,
	// it kept a second copy of every finding alive while the report was
	// written (55 MB for 32,000 Jobs in one file).
	total := map[key]int{}
	for i := range diags {
		d := &diags[i]
		total[key{d.File, d.RuleID, d.Suppressed()}]++
	}
	shown := 0
	for _, n := range total {
		shown += min(n, limit+1)
	}
	seen := map[key]int{}
	more := map[key]int{} // index in out of the summary finding
	out := make([]Diagnostic, 0, shown)
	for _, d := range diags {
		k := key{d.File, d.RuleID, d.Suppressed()}
		seen[k]++
		switch n := seen[k]; {
		case n <= limit:
			out = append(out, d)
		case n == limit+1:
			more[k] = len(out)
			out = append(out, Diagnostic{
				RuleID: d.RuleID, Severity: d.Severity, File: d.File, Range: d.Range, Suppression: d.Suppression,
			})
		default:
			m := &out[more[k]]
			m.Severity = max(m.Severity, d.Severity)
		}
	}
	for k, i := range more {
		n := seen[k] - limit
		out[i].Message = fmt.Sprintf("%d more %s %s in this file from here on %s not shown: kvet shows at most %d per rule per file "+
			"(--max-findings, or max-findings: in .kvet.yaml; 0 shows all)", n, k.rule, pluralFindings(n), plural(n, "is", "are"), limit)
	}
	Sort(out)
	return out
}

// fileOver reports whether a file has more than limit of diags, whatever
// their rules: when none has, no rule has more than limit in a file. It
// counts runs of one file (the diagnostics come sorted, so a file's are
// mostly one run) rather than each diagnostic by file and rule: a run of
// 40,000 findings spent 15 ms hashing their keys.
func fileOver(diags []Diagnostic, limit int) bool {
	if len(diags) <= limit {
		return false
	}
	var totals map[string]int
	for start := 0; start < len(diags); {
		end := start + 1
		for end < len(diags) && diags[end].File == diags[start].File {
			end++
		}
		if end-start > limit {
			return true
		}
		if totals == nil {
			totals = map[string]int{}
		}
		totals[diags[start].File] += end - start
		if totals[diags[start].File] > limit {
			return true
		}
		start = end
	}
	return false
}

func pluralFindings(n int) string { return plural(n, "finding", "findings") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
