package policies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// BuiltinIDs lists the built-in policies in catalog order: the order of
// `kvet rules` and of the docs. Every embedded policy is listed (tested).
func BuiltinIDs() []string {
	return []string{
		"rbac-wildcard-verbs",
		"rbac-wildcard-resources",
		"rbac-wildcard-api-groups",
		"rbac-admin-equivalent",
		"rbac-secrets-access",
		"rbac-escalation-verbs",
		"rbac-pod-exec",
		"rbac-workload-create",
		"rbac-nodes-proxy",
		"rbac-token-request",
		"rbac-webhook-config",
		"rbac-persistent-volume-create",
		"rbac-namespace-modify",
		"rbac-resource-matches-nothing",
		"rbac-cluster-admin-binding",
		"rbac-anonymous-subject",
		"rbac-broad-group-subject",
		"rbac-user-subject",
		"rbac-default-sa-subject",
		"rbac-subject-namespace-missing",
	}
}

// resultRule matches the rules whose values are results, as conftest does:
// deny, violation and warn, optionally suffixed with _name.
var resultRule = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(deny|violation|warn)(_[a-zA-Z0-9_]+)?$`) })

// policy is one rule of the catalog made of one or more result rules
// (entries) of one package.
type policy struct {
	index int
	rule  *analyzer.Rule
	// pkg is the package's reference, e.g. data.main.
	pkg string
	// file is the file that defines it; at is the position of its
	// METADATA custom.id, else of its first result rule, file:line:col,
	// for errors about its ID.
	file, at string
	builtin  bool
	entries  []*entry
}

// entry is one result rule, <pkg>.<name>, evaluated for the kinds of its
// policy.
type entry struct {
	index  int
	policy *policy
	name   string
	// severity is the default severity of its findings when the metadata
	// gives none: error for deny and violation, warning for warn.
	severity analyzer.Severity
	// exception is set when the package has an `exception` rule: the name
	// that exempts this rule (conftest's convention).
	exception *string
	// multiValue says the rule is a partial set (deny contains ..., v0's
	// deny[msg]), whose value is always defined; a complete rule (deny :=
	// true if ...) may be undefined.
	multiValue bool
}

// wrapped says whether the entry's value is queried inside an array
// comprehension (see program.prepare): a rule that may be undefined, or one
// with an exception.
func (en *entry) wrapped() bool { return en.exception != nil || !en.multiValue }

// ref is the entry's rule reference, e.g. data.main.deny.
func (en *entry) ref() string { return en.policy.pkg + "." + en.name }

// name is the entry's rule as users write it, e.g. main.deny.
func (en *entry) String() string { return strings.TrimPrefix(en.ref(), "data.") }

// meta is the part of a METADATA annotation kvet reads.
type meta struct {
	ann         *ast.Annotations
	mod         *ast.Module // the module of ann
	id          string
	severity    analyzer.Severity
	kinds       []string
	remediation string
	doc         string
	params      []analyzer.Param
	disabled    bool
}

// catalog sets the engine's policies, entries and rules: the built-in ones
// from the table generated from their METADATA (no parsing), then those of
// the user's parsed sources. IDs must be unique and not reserved.
func (e *Engine) catalog(builtin bool, user []*source, reservedIDs []string) error {
	var all []*policy
	if builtin {
		all = builtinPolicies()
	}
	users, err := policiesFromSources(user)
	errs := []error{err}
	reserved := map[string]bool{}
	for _, id := range reservedIDs {
		reserved[id] = true
	}
	byID := map[string]*policy{}
	for _, p := range all {
		byID[p.rule.ID] = p
	}
	for _, p := range users {
		switch other := byID[p.rule.ID]; {
		case reserved[p.rule.ID]:
			errs = append(errs, errorAt(p.at, "rule ID %q is already used by one of kvet's rules; choose another custom.id", p.rule.ID))
		case other != nil:
			errs = append(errs, errorAt(p.at, "rule ID %q is already used by package %s (%s); give one of them another custom.id",
				p.rule.ID, strings.TrimPrefix(other.pkg, "data."), other.file))
		default:
			byID[p.rule.ID] = p
			all = append(all, p)
		}
	}
	for i, p := range all {
		p.index = i
		p.rule.Run = e.run(p)
		e.policies = append(e.policies, p)
		e.rules = append(e.rules, p.rule)
		for _, en := range p.entries {
			en.index = len(e.entries)
			e.entries = append(e.entries, en)
		}
	}
	return errors.Join(errs...)
}

// policiesFromSources reads the policies of parsed sources: one per
// METADATA custom.id, or per result rule (deny, violation, warn and their
// _name variants) without one, in the order of files and rules. A package
// may be spread over several files (conftest folders often put package
// main in each): Rego merges them, and so does kvet, reading each result
// rule once, with the METADATA, exception rule and kind of rule of the
// whole package. Result rules of one package that share an ID make one
// policy.
func policiesFromSources(srcs []*source) ([]*policy, error) {
	var errs []error
	byID := map[string]*policy{}
	var out []*policy
	// The packages, in the order of their first file, with their files.
	var pkgs []string
	files := map[string][]*source{}
	for _, src := range srcs {
		if src.test {
			continue
		}
		pkg := src.module.Package.Path.String()
		if files[pkg] == nil {
			pkgs = append(pkgs, pkg)
		}
		files[pkg] = append(files[pkg], src)
	}
	for _, pkg := range pkgs {
		srcs := files[pkg]
		mods := make([]*ast.Module, len(srcs))
		for i, src := range srcs {
			mods[i] = src.module
		}
		hasException := false
		for _, m := range mods {
			for _, r := range m.Rules {
				if n, ok := ruleName(r); ok && n == "exception" {
					hasException = true
				}
			}
		}
		seen := map[string]bool{}
		for k, src := range srcs {
			m := src.module
			for _, r := range m.Rules {
				name, ok := ruleName(r)
				if !ok || !resultRule().MatchString(name) || seen[name] {
					continue
				}
				seen[name] = true
				md, err := metadataFor(mods, k, name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				id := md.id
				if id == "" {
					if src.builtin {
						errs = append(errs, errorAt(location(r.Location), "built-in policy without custom.id"))
						continue
					}
					id = derivedID(m.Package.Path, name)
				}
				p := byID[id]
				switch {
				case p == nil:
					p = &policy{rule: ruleFor(id, md, src, m.Package.Path, name), pkg: pkg, file: src.name,
						at: md.idAt(r), builtin: src.builtin}
					byID[id] = p
					out = append(out, p)
				case p.pkg != pkg:
					errs = append(errs, errorAt(md.idAt(r), "rule ID %q is already used by package %s (%s); give one of them another custom.id",
						id, strings.TrimPrefix(p.pkg, "data."), p.file))
					continue
				}
				en := &entry{policy: p, name: name, multiValue: multiValue(mods, name)}
				if md.severity == 0 {
					en.severity = analyzer.SeverityError
					if strings.HasPrefix(name, "warn") {
						en.severity = analyzer.SeverityWarning
					}
					p.rule.Severity = max(p.rule.Severity, en.severity)
				}
				if hasException {
					suffix := strings.TrimPrefix(resultRule().FindStringSubmatch(name)[2], "_")
					en.exception = &suffix
				}
				p.entries = append(p.entries, en)
			}
		}
	}
	return out, errors.Join(errs...)
}

// multiValue reports whether every rule name of the package's modules is
// a partial set rule.
func multiValue(mods []*ast.Module, name string) bool {
	for _, m := range mods {
		for _, r := range m.Rules {
			if n, ok := ruleName(r); ok && n == name && r.Head.RuleKind() != ast.MultiValue {
				return false
			}
		}
	}
	return true
}

// ruleName returns the name of a rule whose head is a single name (deny,
// deny_x, exception); rules with longer refs (a.b.deny) are not results.
func ruleName(r *ast.Rule) (string, bool) {
	ref := r.Head.Ref()
	if len(ref) == 0 {
		return "", false
	}
	v, ok := ref[0].Value.(ast.Var)
	if !ok {
		return "", false
	}
	if len(ref) > 1 && r.Head.Key == nil {
		return "", false
	}
	return string(v), true
}

// derivedID names a conftest-style rule: the package path and the rule
// name, lower-cased, with every run of other characters turned into one
// hyphen ("main" + "deny_run_as_root" -> "main-deny-run-as-root").
func derivedID(pkg ast.Ref, name string) string {
	var parts []string
	for _, t := range pkg[1:] {
		if s, ok := t.Value.(ast.String); ok {
			parts = append(parts, string(s))
		}
	}
	parts = append(parts, name)
	id := nonAlnum().ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-")
	id = strings.Trim(id, "-")
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = "policy-" + id
	}
	return id
}

var nonAlnum = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// metadataFor finds the METADATA of result rule name in the modules of
// one package (mods; k is the module of its first rule): an annotation on
// a rule of that name (scope rule or document), else the package's (in
// any of its files). Two rules of the name annotated with different
// annotations are an error: kvet would have to choose one.
func metadataFor(mods []*ast.Module, k int, name string) (*meta, error) {
	var pkgAnn, ruleAnn *ast.Annotations
	var pkgMod, ruleMod *ast.Module
	for _, m := range append([]*ast.Module{mods[k]}, slices.Delete(slices.Clone(mods), k, k+1)...) {
		rulePath := m.Package.Path.Append(ast.StringTerm(name))
		for _, a := range m.Annotations {
			switch a.Scope {
			case "package":
				if pkgAnn == nil {
					pkgAnn, pkgMod = a, m
				}
			case "rule", "document":
				if !a.GetTargetPath().Equal(rulePath) {
					continue
				}
				if ruleAnn == nil {
					ruleAnn, ruleMod = a, m
					continue
				}
				if a.Scope == "rule" && ruleAnn.Scope == "rule" && a.Compare(ruleAnn) != 0 {
					return nil, errorAt(location(a.Location), "rule %s has METADATA here and at %s; kvet reads one: give the rules of one name one METADATA block, or give them other names",
						name, location(ruleAnn.Location))
				}
			}
		}
	}
	a, m := ruleAnn, ruleMod
	if a == nil {
		a, m = pkgAnn, pkgMod
	}
	if a == nil {
		return &meta{}, nil
	}
	return parseMeta(m, a)
}

// idAt returns the position of the METADATA custom.id, for errors about
// the ID; else that of rule r.
func (md *meta) idAt(r *ast.Rule) string {
	if md.ann != nil && md.id != "" && md.mod != nil {
		if at := metaFieldLocation(md.mod, md.ann, "custom", "id"); at != "" {
			return at
		}
	}
	return location(r.Location)
}

// parseMeta reads the kvet fields of annotation a of module m: title and
// description, and under custom: id, severity, kinds, remediation, doc,
// parameters and enabled. Errors point at the field's value in the
// METADATA comment block.
func parseMeta(m *ast.Module, a *ast.Annotations) (*meta, error) {
	md := &meta{ann: a, mod: m}
	bad := func(field, want string) error {
		return errorAt(metaFieldLocation(m, a, "custom", field), "METADATA custom.%s: want %s", field, want)
	}
	c := a.Custom
	if v, ok := c["id"]; ok {
		s, ok := v.(string)
		if !ok || !kebab().MatchString(s) {
			return nil, bad("id", "a kebab-case rule ID such as my-team-no-latest")
		}
		md.id = s
	}
	if v, ok := c["severity"]; ok {
		s, _ := v.(string)
		sev, err := analyzer.ParseSeverity(s)
		if err != nil {
			return nil, bad("severity", "error, warning or info")
		}
		md.severity = sev
	}
	if v, ok := c["kinds"]; ok {
		kinds, ok := stringList(v)
		if !ok {
			return nil, bad("kinds", "a list of kinds such as [Role, ClusterRole]")
		}
		md.kinds = kinds
	}
	for field, dst := range map[string]*string{"remediation": &md.remediation, "doc": &md.doc} {
		if v, ok := c[field]; ok {
			s, ok := v.(string)
			if !ok {
				return nil, bad(field, "a string")
			}
			*dst = strings.TrimSpace(s)
		}
	}
	if v, ok := c["enabled"]; ok {
		b, ok := v.(bool)
		if !ok {
			return nil, bad("enabled", "true or false")
		}
		md.disabled = !b
	}
	if v, ok := c["parameters"]; ok {
		params, err := parseParams(v)
		if err != nil {
			path := []any{"custom", "parameters"}
			if pe := (*paramError)(nil); errors.As(err, &pe) {
				path = append(path, pe.path...)
			}
			return nil, errorAt(metaFieldLocation(m, a, path...), "METADATA custom.parameters: %v", err)
		}
		md.params = params
	}
	return md, nil
}

// metaFieldLocation returns the position (file:line:col) of the value at
// path (keys and sequence indices) in annotation a's METADATA block, or of the block when it cannot be
// found. OPA keeps no position for the fields of an annotation, so the
// block's comments are parsed again as YAML, the way OPA reads them: the
// text of each comment after "#" and one space, from the line after
// "# METADATA" to the end of the block.
func metaFieldLocation(m *ast.Module, a *ast.Annotations, path ...any) string {
	if a.Location == nil {
		return location(a.Location)
	}
	var block []*ast.Comment
	row := a.Location.Row
	for _, c := range m.Comments {
		if c.Location == nil || c.Location.File != a.Location.File || c.Location.Row <= a.Location.Row {
			continue
		}
		if c.Location.Row != row+1 {
			break
		}
		block = append(block, c)
		row++
	}
	var text strings.Builder
	for _, c := range block {
		text.Write(bytes.TrimPrefix(c.Text, []byte(" ")))
		text.WriteByte('\n')
	}
	var doc yaml.Node
	if yaml.Unmarshal([]byte(text.String()), &doc) != nil || len(doc.Content) == 0 {
		return location(a.Location)
	}
	n := doc.Content[0]
	for _, el := range path {
		var next *yaml.Node
		switch el := el.(type) {
		case string:
			for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == el {
					next = n.Content[i+1]
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && el < len(n.Content) {
				next = n.Content[el]
			}
		}
		if next == nil {
			return location(a.Location)
		}
		n = next
	}
	if n.Line < 1 || n.Line > len(block) {
		return location(a.Location)
	}
	c := block[n.Line-1]
	// The comment's "#", the space OPA trims when there is one, then the
	// YAML column.
	col := c.Location.Col + 1 + n.Column - 1
	if bytes.HasPrefix(c.Text, []byte(" ")) {
		col++
	}
	return fmt.Sprintf("%s:%d:%d", c.Location.File, c.Location.Row, col)
}

var kebab = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`) })

// parseParams reads custom.parameters: a list of {name, doc, default}
// whose defaults are ints, booleans, strings or lists of strings or ints.
// An error is a *paramError naming the field it is about.
func parseParams(v any) ([]analyzer.Param, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, &paramError{msg: "want a list of {name, doc, default}"}
	}
	var out []analyzer.Param
	for i, item := range list {
		m, ok := item.(map[string]any)
		name, _ := m["name"].(string)
		doc, _ := m["doc"].(string)
		if !ok || name == "" || doc == "" {
			return nil, &paramError{path: []any{i}, msg: fmt.Sprintf("parameter %d: want name, doc and default", i+1)}
		}
		def, ok := paramDefault(m["default"])
		if !ok {
			return nil, &paramError{path: []any{i, "default"},
				msg: fmt.Sprintf("parameter %q: default must be an integer, a boolean, a string, or a list of strings or of integers", name)}
		}
		out = append(out, analyzer.Param{Name: name, Doc: strings.TrimSpace(doc), Default: def})
	}
	return out, nil
}

// paramError is an invalid custom.parameters, with the path of the field
// it is about under parameters (an item index, then a key).
type paramError struct {
	path []any
	msg  string
}

func (e *paramError) Error() string { return e.msg }

func paramDefault(v any) (any, bool) {
	switch x := v.(type) {
	case bool, string:
		return x, true
	case json.Number:
		n, err := x.Int64()
		return int(n), err == nil
	case int:
		return x, true
	case float64:
		return int(x), x == float64(int(x))
	case []any:
		if s, ok := stringList(x); ok {
			return s, true
		}
		var ints []int
		for _, e := range x {
			n, ok := paramDefault(e)
			i, isInt := n.(int)
			if !ok || !isInt {
				return nil, false
			}
			ints = append(ints, i)
		}
		return ints, true
	}
	return nil, false
}

// stringList accepts a list of strings (or one string).
func stringList(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// ruleFor builds the catalog entry of a policy from its metadata, with
// defaults for conftest-style policies that have none.
func ruleFor(id string, md *meta, src *source, pkg ast.Ref, name string) *analyzer.Rule {
	ref := strings.TrimPrefix(pkg.Append(ast.StringTerm(name)).String(), "data.")
	r := &analyzer.Rule{
		ID:                id,
		Severity:          md.severity,
		Kinds:             md.kinds,
		Remediation:       md.remediation,
		Doc:               md.doc,
		Params:            md.params,
		DisabledByDefault: md.disabled,
		Source:            "rego",
	}
	if md.ann != nil {
		r.Title = strings.TrimSpace(md.ann.Title)
		r.Rationale = strings.Join(strings.Fields(md.ann.Description), " ")
		// The first related resource that is a web address is the rule's
		// documentation (SARIF helpUri, which must be an absolute URI;
		// "More:" in kvet explain); the others, relative references such as
		// docs/policies.md among them, are listed in Doc.
		for _, rr := range md.ann.RelatedResources {
			if r.URL == "" && webAddress(&rr.Ref) {
				r.URL = rr.Ref.String()
				continue
			}
			r.Doc = strings.TrimSpace(r.Doc + "\n\nSee also " + rr.Ref.String())
		}
	}
	if r.Title == "" {
		r.Title = "policy " + ref
	}
	if r.Rationale == "" {
		r.Rationale = fmt.Sprintf("User policy: the %s rule of package %s in %s.", name, strings.TrimPrefix(pkg.String(), "data."), src.name)
	}
	if r.Remediation == "" {
		r.Remediation = "Follow the policy's message."
	}
	r.Remediation = strings.Join(strings.Fields(r.Remediation), " ")
	return r
}

// webAddress reports whether u is an absolute http or https URL with a
// host: what a rule's documentation link must be.
func webAddress(u *url.URL) bool {
	return u != nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
