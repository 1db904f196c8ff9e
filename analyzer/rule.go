package analyzer

// Param is a tunable parameter of a rule with its default value. The
// default's Go type is the parameter's type: int, bool, string, []string or
// []int.
type Param struct {
	Name    string
	Doc     string
	Default any
	// Range marks an []int parameter that is an inclusive range [min,
	// max] (see IntRangeParam): a configured value of another shape is a
	// configuration error.
	Range bool
	// NonNegative marks an int or []int parameter whose values count
	// something, so that a configured value below 0 is a configuration
	// error.
	NonNegative bool
}

// Rule is a check with its metadata. Rules are plain values, listed
// explicitly by rules.All; the same metadata feeds `kvet rules`,
// `kvet explain`, SARIF and the generated documentation.
type Rule struct {
	// ID is the stable, kebab-case identifier (a public contract).
	ID string
	// Title is a one-line summary, lower case, no final period.
	Title    string
	Severity Severity
	// Kinds lists the object kinds the rule applies to; empty means every
	// document that has a kind.
	Kinds []string
	// Rationale says why the problem matters; Remediation what to do.
	Rationale   string
	Remediation string
	// Doc is extra documentation (examples) shown by `kvet explain`.
	Doc    string
	Params []Param
	// DisabledByDefault rules run only when the configuration enables them.
	DisabledByDefault bool
	// Source is "go", "rego" or "engine" (findings produced while loading).
	Source string
	// URL is the address of the rule's documentation, when it has one: the
	// rule's section of docs/rules.md for kvet's own rules (SARIF helpUri).
	// It is an absolute http or https URL, as SARIF requires of helpUri.
	URL string

	// Run checks one document. Exactly one of Run and RunSet is set, except
	// for engine rules, which have neither.
	Run func(*Pass)
	// RunSet checks the whole set of documents at once. It runs once per
	// set (the documents read as they are, then each rendering's), the
	// sets one after the other; the set rules of one set run concurrently
	// with each other, so RunSet must not write to state that another
	// rule reads, other than through SetPass.Shared.
	RunSet func(*SetPass)
	// Facts are what a set rule reads from each document (Document.Fact).
	// Lint releases the typed objects of the kinds a set rule declares
	// unless the rule reads them directly, that is, has no Facts.
	Facts []*Fact
}

// AppliesTo reports whether the rule runs on documents of the given kind.
func (r *Rule) AppliesTo(kind string) bool {
	if len(r.Kinds) == 0 {
		return true
	}
	for _, k := range r.Kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// Param returns the default value of the named parameter, or nil.
func (r *Rule) Param(name string) any {
	for _, p := range r.Params {
		if p.Name == name {
			return p.Default
		}
	}
	return nil
}

// PodKinds returns the kinds that carry a pod template.
func PodKinds() []string {
	return []string{"Pod", "Job", "CronJob", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}
}
