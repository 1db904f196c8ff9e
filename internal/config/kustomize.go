package config

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

var kustomizeKeys = []string{"timeout"}

// parseKustomize reads the kustomize: section (how kustomizations are
// built).
func (c *Config) parseKustomize(m *yaml.Node, el *errorList) {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return
	}
	if m.Kind != yaml.MappingNode {
		el.add(m, "kustomize: want a mapping with %s, got %s", strings.Join(kustomizeKeys, ", "), describe(m))
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
