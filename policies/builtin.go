package policies

import "github.com/kvet-dev/kvet/analyzer"

//go:generate go test -run TestBuiltinTableUpToDate -update .

// tableRule is a built-in policy as builtin_table.go records it: the
// metadata read from its METADATA, its package and its result rules.
// Listing rules (every kvet run) then needs no Rego parsing; the table is
// regenerated from the .rego files, and a test fails when it is stale.
type tableRule struct {
	Rule    analyzer.Rule
	Package string
	File    string
	At      string
	Entries []tableEntry
}

// tableEntry is one result rule of a built-in policy.
type tableEntry struct {
	Name         string
	Severity     analyzer.Severity
	HasException bool
	Exception    string
	// Complete marks a complete rule (not a partial set).
	Complete bool
}

// builtinPolicies returns fresh policies from the generated table, in
// catalog order.
func builtinPolicies() []*policy {
	var out []*policy
	for _, t := range builtinTable() {
		r := t.Rule
		p := &policy{rule: &r, pkg: t.Package, file: t.File, at: t.At, builtin: true}
		for _, te := range t.Entries {
			en := &entry{policy: p, name: te.Name, severity: te.Severity, multiValue: !te.Complete}
			if te.HasException {
				x := te.Exception
				en.exception = &x
			}
			p.entries = append(p.entries, en)
		}
		out = append(out, p)
	}
	return out
}
