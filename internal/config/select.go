package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
)

// Overrides are the command-line settings that take precedence over the
// configuration file.
type Overrides struct {
	// Enable and Disable name rules to turn on or off (--enable, --disable).
	Enable, Disable []string
	// RequireReason, when set, turns suppression-reason-missing on or off
	// (--require-reason).
	RequireReason *bool
	// LeftOut are rules kvet has that this run leaves out of its catalog,
	// with the reason (the built-in policies with --no-builtin-policies).
	// The configuration's settings for them are ignored, as are --disable
	// flags; --enable naming one is an error.
	LeftOut map[string]string
}

// Select chooses the rules of a run from catalog (every rule kvet knows,
// Go and Rego, in display order) by precedence: overrides, then the
// configuration file c (which may be nil), then each rule's default
// (DisabledByDefault). It also returns the engine options built from the
// file's severities and parameters, with the rules left out (those of the
// catalog that do not run, and the overrides' LeftOut) as Off. Unknown rule IDs and parameters, and
// parameter values of the wrong type, are errors with the file's line.
func Select(catalog []*analyzer.Rule, c *Config, o Overrides) ([]*analyzer.Rule, analyzer.Options, error) {
	byID := make(map[string]*analyzer.Rule, len(catalog))
	for _, r := range catalog {
		byID[r.ID] = r
	}
	enabled := map[string]bool{}
	var opts analyzer.Options
	if c != nil {
		el := &errorList{file: c.Path, text: c.text}
		if c.RequireReason != nil {
			enabled[analyzer.IDSuppressionReasonMissing] = *c.RequireReason
		}
		for _, rc := range c.Rules {
			r := byID[rc.ID]
			if _, out := o.LeftOut[rc.ID]; r == nil && out {
				continue
			}
			if r == nil {
				el.addAt(rc.pos, "unknown rule %q%s (run 'kvet rules' for the list)", rc.ID, suggest(rc.ID, catalog))
				continue
			}
			if rc.Enabled != nil {
				enabled[rc.ID] = *rc.Enabled
			}
			if rc.Severity != 0 {
				if opts.Severity == nil {
					opts.Severity = map[string]analyzer.Severity{}
				}
				opts.Severity[rc.ID] = rc.Severity
			}
			for _, p := range rc.params {
				v, ok := convertParam(r, p, el)
				if !ok {
					continue
				}
				if opts.Params == nil {
					opts.Params = map[string]map[string]any{}
				}
				if opts.Params[rc.ID] == nil {
					opts.Params[rc.ID] = map[string]any{}
				}
				opts.Params[rc.ID][p.name] = v
			}
		}
		if len(el.errs) > 0 {
			return nil, analyzer.Options{}, el.err()
		}
	}

	if o.RequireReason != nil {
		enabled[analyzer.IDSuppressionReasonMissing] = *o.RequireReason
	}
	for _, id := range o.Disable {
		if slices.Contains(o.Enable, id) {
			return nil, analyzer.Options{}, fmt.Errorf("rule %q is both enabled and disabled on the command line", id)
		}
	}
	for _, f := range []struct {
		flag string
		ids  []string
	}{{"--enable", o.Enable}, {"--disable", o.Disable}} {
		for _, id := range f.ids {
			if why, out := o.LeftOut[id]; byID[id] == nil && out {
				if f.flag == "--enable" {
					return nil, analyzer.Options{}, &FlagError{fmt.Errorf("--enable: rule %q is %s", id, why)}
				}
				continue
			}
			if byID[id] == nil {
				return nil, analyzer.Options{}, &FlagError{fmt.Errorf("%s: unknown rule %q%s (run 'kvet rules' for the list)", f.flag, id, suggest(id, catalog))}
			}
			enabled[id] = f.flag == "--enable"
		}
	}

	var rules []*analyzer.Rule
	for _, r := range catalog {
		on, set := enabled[r.ID]
		if !set {
			on = !r.DisabledByDefault
		}
		if on {
			rules = append(rules, r)
			continue
		}
		if opts.Off == nil {
			opts.Off = map[string]bool{}
		}
		opts.Off[r.ID] = true
	}
	for id := range o.LeftOut {
		if opts.Off == nil {
			opts.Off = map[string]bool{}
		}
		opts.Off[id] = true
	}
	return rules, opts, nil
}

// convertParam checks a configured parameter against the rule's declaration
// and returns its value with the declared default's Go type.
func convertParam(r *analyzer.Rule, p param, el *errorList) (any, bool) {
	var decl *analyzer.Param
	for i := range r.Params {
		if r.Params[i].Name == p.name {
			decl = &r.Params[i]
		}
	}
	where := "rules." + r.ID + ".params." + p.name
	if decl == nil {
		if len(r.Params) == 0 {
			el.add(p.key, "rules.%s.params: %s has no parameters", r.ID, r.ID)
		} else {
			var names []string
			for _, d := range r.Params {
				names = append(names, d.Name)
			}
			el.add(p.key, "rules.%s.params: unknown parameter %q (%s has %s)", r.ID, p.name, r.ID, strings.Join(names, ", "))
		}
		return nil, false
	}
	v := p.value
	bad := func(n *yaml.Node) (any, bool) {
		el.add(n, "%s: want %s such as %s, got %s", where, ParamType(*decl), FormatValue(decl.Default), describe(n))
		return nil, false
	}
	scalar := func(n *yaml.Node, tag string) bool { return n.Kind == yaml.ScalarNode && n.Tag == tag }
	switch decl.Default.(type) {
	case int:
		var n int
		if !scalar(v, "!!int") || v.Decode(&n) != nil || decl.NonNegative && n < 0 {
			return bad(v)
		}
		return n, true
	case bool:
		var b bool
		if !scalar(v, "!!bool") || v.Decode(&b) != nil {
			return bad(v)
		}
		return b, true
	case string:
		if !scalar(v, "!!str") {
			return bad(v)
		}
		return v.Value, true
	case []string:
		if v.Kind != yaml.SequenceNode {
			return bad(v)
		}
		out := []string{}
		for _, n := range v.Content {
			n = deref(n)
			if !scalar(n, "!!str") {
				return bad(n)
			}
			out = append(out, n.Value)
		}
		return out, true
	case []int:
		if v.Kind != yaml.SequenceNode {
			return bad(v)
		}
		out := []int{}
		for _, n := range v.Content {
			n = deref(n)
			var i int
			if !scalar(n, "!!int") || n.Decode(&i) != nil || decl.NonNegative && i < 0 {
				return bad(n)
			}
			out = append(out, i)
		}
		if decl.Range && (len(out) != 2 || out[0] > out[1]) {
			el.add(v, "%s: want an inclusive range [min, max] such as %s, got %s", where, FormatValue(decl.Default), FormatValue(out))
			return nil, false
		}
		return out, true
	}
	el.add(v, "%s: parameter of unsupported type %T", where, decl.Default)
	return nil, false
}

// ParamType describes what a parameter takes: its type, and for a
// NonNegative one that its values are 0 or more.
func ParamType(p analyzer.Param) string {
	t := TypeName(p.Default)
	if p.NonNegative {
		t += " of 0 or more"
	}
	return t
}

// TypeName describes a parameter's type from its default value.
func TypeName(v any) string {
	switch v.(type) {
	case int:
		return "an integer"
	case bool:
		return "true or false"
	case string:
		return "a string"
	case []string:
		return "a list of strings"
	case []int:
		return "a list of integers"
	}
	return fmt.Sprintf("a %T", v)
}

// FormatValue renders a parameter value as YAML flow, as it is written in
// .kvet.yaml: 6, true, "text", [cpu, memory], [3, 7].
func FormatValue(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case []string:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = yamlString(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []int:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// yamlString writes s plain when YAML reads it back as the same string
// (and YAML 1.1 readers would not take it for a boolean).
func yamlString(s string) string {
	var n yaml.Node
	yaml11Bool := slices.Contains([]string{"y", "n", "yes", "no", "on", "off"}, strings.ToLower(s))
	if s != "" && !yaml11Bool && !strings.ContainsAny(s, ",[]{}#&*!|>'\"%@`:") && yaml.Unmarshal([]byte(s), &n) == nil &&
		len(n.Content) == 1 && n.Content[0].Tag == "!!str" && n.Content[0].Value == s {
		return s
	}
	return strconv.Quote(s)
}

// suggest returns ` (did you mean "x"?)` for the closest rule ID, if close.
func suggest(id string, catalog []*analyzer.Rule) string {
	best, bestD := "", 4
	for _, r := range catalog {
		if d := analyzer.EditDistance(id, r.ID, bestD); d < bestD {
			best, bestD = r.ID, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// FlagError is an error in the overrides given on the command line
// (--enable, --disable), as opposed to the configuration file.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap returns the error.
func (e *FlagError) Unwrap() error { return e.Err }
