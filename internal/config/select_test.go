package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kvet-dev/kvet/analyzer"
)

// testCatalog has a rule on by default, one off by default, one with a
// parameter of each supported type, and the suppression rules.
func testCatalog() []*analyzer.Rule {
	return append([]*analyzer.Rule{
		{ID: "on-rule", Severity: analyzer.SeverityWarning},
		{ID: "off-rule", Severity: analyzer.SeverityInfo, DisabledByDefault: true},
		{ID: "param-rule", Severity: analyzer.SeverityInfo, Params: []analyzer.Param{
			{Name: "max", Default: 6},
			{Name: "strict", Default: false},
			{Name: "zone", Default: "UTC"},
			{Name: "require", Default: []string{"cpu", "memory"}},
			{Name: "range", Default: []int{3, 7}, Range: true},
			{Name: "count", Default: 6, NonNegative: true},
			{Name: "counts", Default: []int{1, 3}, Range: true, NonNegative: true},
		}},
	}, analyzer.SuppressionRules()...)
}

func ids(rules []*analyzer.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return out
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	c, err := Parse(".kvet.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSelectPrecedence checks flags > configuration file > defaults for
// enabling rules and requiring reasons.
func TestSelectPrecedence(t *testing.T) {
	file := mustParse(t, "require-reason: true\nrules:\n  on-rule: {enabled: false}\n  off-rule: {enabled: true}\n")
	no, yes := false, true
	tests := []struct {
		name string
		file *Config
		over Overrides
		want []string
	}{
		{"defaults", nil, Overrides{}, []string{"on-rule", "param-rule", "unused-suppression"}},
		{"file over defaults", file, Overrides{},
			[]string{"off-rule", "param-rule", "unused-suppression", "suppression-reason-missing"}},
		{"flags over file", file, Overrides{Enable: []string{"on-rule"}, Disable: []string{"off-rule"}, RequireReason: &no},
			[]string{"on-rule", "param-rule", "unused-suppression"}},
		{"flags over defaults", nil, Overrides{Enable: []string{"off-rule"}, Disable: []string{"unused-suppression"}, RequireReason: &yes},
			[]string{"on-rule", "off-rule", "param-rule", "suppression-reason-missing"}},
		{"rules entry for the reason rule", mustParse(t, "rules: {suppression-reason-missing: {enabled: true}}"), Overrides{},
			[]string{"on-rule", "param-rule", "unused-suppression", "suppression-reason-missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, _, err := Select(testCatalog(), tt.file, tt.over)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(rules); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSelectOptions(t *testing.T) {
	c := mustParse(t, `rules:
  on-rule:
    severity: error
  param-rule:
    params:
      max: 10
      strict: true
      zone: Europe/Paris
      require: [memory]
      range: [1, 3]
`)
	_, opts, err := Select(testCatalog(), c, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(opts.Severity, map[string]analyzer.Severity{"on-rule": analyzer.SeverityError}) {
		t.Errorf("severity %v", opts.Severity)
	}
	want := map[string]map[string]any{"param-rule": {
		"max": 10, "strict": true, "zone": "Europe/Paris", "require": []string{"memory"}, "range": []int{1, 3},
	}}
	if !reflect.DeepEqual(opts.Params, want) {
		t.Errorf("params %#v\nwant %#v", opts.Params, want)
	}
	// The converted values are what rules read through Pass.Param helpers.
	if lo, hi, ok := analyzer.IntRangeParam(opts.Params["param-rule"]["range"]); !ok || lo != 1 || hi != 3 {
		t.Errorf("IntRangeParam = %d, %d, %v", lo, hi, ok)
	}
}

func TestSelectErrors(t *testing.T) {
	tests := []struct {
		name, src string
		over      Overrides
		want      string
	}{
		{"unknown rule", "rules:\n  on-rul:\n    enabled: true\n", Overrides{},
			`.kvet.yaml:2:3: error: unknown rule "on-rul" (did you mean "on-rule"?) (run 'kvet rules' for the list)`},
		{"unknown rule, nothing close", "rules:\n  something-else: {}\n", Overrides{},
			`.kvet.yaml:2:3: error: unknown rule "something-else" (run 'kvet rules' for the list)`},
		{"unknown parameter", "rules:\n  param-rule:\n    params: {maximum: 3}\n", Overrides{},
			`.kvet.yaml:3:14: error: rules.param-rule.params: unknown parameter "maximum" (param-rule has max, strict, zone, require, range, count, counts)`},
		{"rule without parameters", "rules:\n  on-rule:\n    params:\n      max: 3\n", Overrides{},
			`.kvet.yaml:4:7: error: rules.on-rule.params: on-rule has no parameters`},
		{"int given a string", "rules:\n  param-rule:\n    params: {max: \"10\"}\n", Overrides{},
			`.kvet.yaml:3:19: error: rules.param-rule.params.max: want an integer such as 6, got the string "10"`},
		{"int given a float", "rules:\n  param-rule:\n    params: {max: 1.5}\n", Overrides{},
			`.kvet.yaml:3:19: error: rules.param-rule.params.max: want an integer such as 6, got the number 1.5`},
		{"bool given an int", "rules:\n  param-rule:\n    params: {strict: 1}\n", Overrides{},
			`.kvet.yaml:3:22: error: rules.param-rule.params.strict: want true or false such as false, got the integer 1`},
		{"range of one value", "rules:\n  param-rule:\n    params: {range: [3]}\n", Overrides{},
			`.kvet.yaml:3:21: error: rules.param-rule.params.range: want an inclusive range [min, max] such as [3, 7], got [3]`},
		{"range upside down", "rules:\n  param-rule:\n    params: {range: [7, 3]}\n", Overrides{},
			`.kvet.yaml:3:21: error: rules.param-rule.params.range: want an inclusive range [min, max] such as [3, 7], got [7, 3]`},
		{"count below 0", "rules:\n  param-rule:\n    params: {count: -1}\n", Overrides{},
			`.kvet.yaml:3:21: error: rules.param-rule.params.count: want an integer of 0 or more such as 6, got the integer -1`},
		{"range of counts below 0", "rules:\n  param-rule:\n    params:\n      counts: [-2, 3]\n", Overrides{},
			`.kvet.yaml:4:16: error: rules.param-rule.params.counts: want a list of integers of 0 or more such as [1, 3], got the integer -2`},
		{"string given a list", "rules:\n  param-rule:\n    params: {zone: [UTC]}\n", Overrides{},
			`.kvet.yaml:3:20: error: rules.param-rule.params.zone: want a string such as "UTC", got a list`},
		{"string list given a string", "rules:\n  param-rule:\n    params: {require: cpu}\n", Overrides{},
			`.kvet.yaml:3:23: error: rules.param-rule.params.require: want a list of strings such as [cpu, memory], got the string "cpu"`},
		{"int list with a string element", "rules:\n  param-rule:\n    params:\n      range: [3, seven]\n", Overrides{},
			`.kvet.yaml:4:18: error: rules.param-rule.params.range: want a list of integers such as [3, 7], got the string "seven"`},
		{"several errors, sorted", "rules:\n  param-rule:\n    params: {max: x}\n  nope: {}\n", Overrides{},
			".kvet.yaml:3:19: error: rules.param-rule.params.max: want an integer such as 6, got the string \"x\"\n" +
				`.kvet.yaml:4:3: error: unknown rule "nope" (run 'kvet rules' for the list)`},
		{"unknown rule on the command line", "", Overrides{Enable: []string{"off-rul"}},
			`--enable: unknown rule "off-rul" (did you mean "off-rule"?) (run 'kvet rules' for the list)`},
		{"enabled and disabled", "", Overrides{Enable: []string{"on-rule"}, Disable: []string{"on-rule"}},
			`rule "on-rule" is both enabled and disabled on the command line`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Select(testCatalog(), mustParse(t, tt.src), tt.over)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error:\n  %v\nwant:\n  %s", err, tt.want)
			}
		})
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[any]string{6: "6", true: "true", "UTC": `"UTC"`} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %s, want %s", v, got, want)
		}
	}
	if got := FormatValue([]string{"cpu", "a b", "yes", "x,y", ""}); got != `[cpu, a b, "yes", "x,y", ""]` {
		t.Errorf("FormatValue(strings) = %s", got)
	}
	if got := FormatValue([]int{1, 3}); got != "[1, 3]" {
		t.Errorf("FormatValue(ints) = %s", got)
	}
}

func TestTemplate(t *testing.T) {
	catalog := testCatalog()
	tmpl := Template(catalog)
	c, err := Parse(".kvet.yaml", tmpl)
	if err != nil {
		t.Fatalf("template does not parse: %v\n%s", err, tmpl)
	}
	rules, opts, err := Select(catalog, c, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	// As written, the template keeps every default.
	if got := ids(rules); !reflect.DeepEqual(got, []string{"on-rule", "param-rule", "unused-suppression"}) || opts.Params != nil || c.FailOn != "warning" {
		t.Errorf("template changes defaults: rules %q, params %v, fail-on %q", got, opts.Params, c.FailOn)
	}
	// Uncommenting every indented example gives a valid configuration that
	// turns on the rules that are off and sets every parameter's default.
	var lines []string
	for _, l := range strings.SplitAfter(string(tmpl), "\n") {
		if trimmed := strings.TrimLeft(l, " "); len(trimmed) < len(l) && strings.HasPrefix(trimmed, "# ") {
			l = l[:len(l)-len(trimmed)] + strings.TrimPrefix(trimmed, "# ")
		}
		lines = append(lines, l)
	}
	uncommented := strings.Join(lines, "")
	c, err = Parse(".kvet.yaml", []byte(uncommented))
	if err != nil {
		t.Fatalf("uncommented template does not parse: %v\n%s", err, uncommented)
	}
	rules, opts, err = Select(catalog, c, Overrides{})
	if err != nil {
		t.Fatalf("uncommented template: %v\n%s", err, uncommented)
	}
	if got := ids(rules); !reflect.DeepEqual(got, []string{"off-rule", "param-rule", "unused-suppression"}) {
		t.Errorf("uncommented: rules %q", got)
	}
	want := map[string]any{"max": 6, "strict": false, "zone": "UTC", "require": []string{"cpu", "memory"}, "range": []int{3, 7}, "count": 6, "counts": []int{1, 3}}
	if !reflect.DeepEqual(opts.Params["param-rule"], want) {
		t.Errorf("uncommented: params %#v", opts.Params)
	}
	if !reflect.DeepEqual(c.Exclude, []string{"charts/**", "vendor/**"}) || !reflect.DeepEqual(c.Policies, []string{"policy/"}) {
		t.Errorf("uncommented: exclude %q, policies %q", c.Exclude, c.Policies)
	}
	// The commented kube-version setting names the default.
	c, err = Parse(".kvet.yaml", []byte(strings.Replace(string(tmpl), "\n# kube-version:", "\nkube-version:", 1)))
	if err != nil || c.KubeVersion != analyzer.NewestKubeVersion {
		t.Errorf("kube-version uncommented: %v, %v", c, err)
	}
}
