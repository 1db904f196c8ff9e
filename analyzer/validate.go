package analyzer

import (
	"errors"
	"fmt"
	"regexp"
)

var kebab = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks a rule list: IDs unique and kebab-case, metadata present,
// a valid severity, exactly one run function (none for engine rules), and
// parameters with names and defaults of a supported type.
func Validate(rules []*Rule) error {
	var errs []error
	seen := map[string]bool{}
	for _, r := range rules {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("rule %q: %s", r.ID, fmt.Sprintf(format, args...)))
		}
		if !kebab.MatchString(r.ID) {
			bad("ID is not kebab-case")
		}
		if seen[r.ID] {
			bad("duplicate ID")
		}
		seen[r.ID] = true
		if r.Title == "" || r.Rationale == "" || r.Remediation == "" {
			bad("title, rationale and remediation are required")
		}
		if r.Severity < SeverityInfo || r.Severity > SeverityError {
			bad("invalid severity %d", r.Severity)
		}
		switch r.Source {
		case "engine":
			if r.Run != nil || r.RunSet != nil {
				bad("engine rules have no run function")
			}
		case "go", "rego":
			if (r.Run == nil) == (r.RunSet == nil) {
				bad("exactly one of Run and RunSet must be set")
			}
		default:
			bad("source must be go, rego or engine, not %q", r.Source)
		}
		for _, p := range r.Params {
			if p.Name == "" || p.Doc == "" {
				bad("parameters need a name and a doc")
			}
			switch p.Default.(type) {
			case int, bool, string, []string, []int:
			default:
				bad("parameter %q has unsupported default type %T", p.Name, p.Default)
			}
		}
	}
	return errors.Join(errs...)
}
