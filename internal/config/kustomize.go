package config

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

var kustomizeKeys = []string{"timeout"}

// parseKustomize reads the kustomize: section (how kustomizations are
// built).
func (c *Config) parseKustomize(m *yaml.Node, el *errorList) {
	if !section(m, el, "kustomize", kustomizeKeys) {
		return
	}
	entries(m, el, func(key string, k, v *yaml.Node) {
		switch key {
		case "timeout":
			c.KustomizeTimeout = duration(v, el, "kustomize.timeout")
		default:
			el.add(k, "unknown key %q in kustomize (want %s)", key, strings.Join(kustomizeKeys, ", "))
		}
	})
}

// section reports whether m, the value of the top-level key name, is a
// mapping to read with keys: null is an empty section (false, and no
// error), anything else is reported.
func section(m *yaml.Node, el *errorList, name string, keys []string) bool {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return false
	}
	if m.Kind != yaml.MappingNode {
		el.add(m, "%s: want a mapping with %s, got %s", name, strings.Join(keys, ", "), describe(m))
		return false
	}
	return true
}
