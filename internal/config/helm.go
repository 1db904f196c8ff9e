package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/render/helm"
)

// Helm is the helm: section: how charts are rendered.
type Helm struct {
	// ReleaseName and Namespace are .Release.Name and .Release.Namespace
	// of every chart, unless the chart's own entry sets them.
	ReleaseName string
	Namespace   string
	// Timeout and MaxMemory (bytes) bound the rendering of each chart
	// (timeout:, max-memory:); 0 when not set.
	Timeout   time.Duration
	MaxMemory int64
	// Charts are the per-chart settings, in file order.
	Charts []HelmChart
}

// HelmChart are the settings of one chart.
type HelmChart struct {
	// Dir is the chart's directory, absolute.
	Dir string
	// Values are values files, absolute, merged in order over the chart's
	// values.yaml; Set are --set style assignments applied after them.
	Values []string
	Set    []string
	// ReleaseName and Namespace override the section's.
	ReleaseName string
	Namespace   string
}

var helmKeys = []string{"release-name", "namespace", "timeout", "max-memory", "charts"}

var helmChartKeys = []string{"values", "set", "release-name", "namespace"}

// parseHelm reads the helm: section. Chart directories and values files
// are relative to the configuration file and must exist.
func (c *Config) parseHelm(m *yaml.Node, el *errorList) {
	if !section(m, el, "helm", helmKeys) {
		return
	}
	h := &Helm{}
	entries(m, el, func(key string, k, v *yaml.Node) {
		where := "helm." + key
		switch key {
		case "release-name":
			h.ReleaseName, _ = str(v, el, where)
		case "namespace":
			h.Namespace, _ = str(v, el, where)
		case "timeout":
			h.Timeout = duration(v, el, where)
		case "max-memory":
			h.MaxMemory = size(v, el, where)
		case "charts":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				return
			}
			if v.Kind != yaml.MappingNode {
				el.add(v, "helm.charts: want a mapping of chart directories to settings, got %s", describe(v))
				return
			}
			entries(v, el, func(dir string, k, v *yaml.Node) {
				if ch, ok := c.parseHelmChart(dir, k, v, el); ok {
					h.Charts = append(h.Charts, ch)
				}
			})
		default:
			el.add(k, "unknown key %q in helm (want %s)", key, strings.Join(helmKeys, ", "))
		}
	})
	c.Helm = h
}

func (c *Config) parseHelmChart(dir string, k, v *yaml.Node, el *errorList) (HelmChart, bool) {
	ch := HelmChart{Dir: c.Resolve(dir)}
	ok := true
	if st, err := os.Stat(filepath.Join(ch.Dir, "Chart.yaml")); err != nil || st.IsDir() {
		el.add(k, "helm.charts: %s is not a chart (no Chart.yaml in it)", dir)
		ok = false
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return ch, ok
	}
	if v.Kind != yaml.MappingNode {
		el.add(v, "helm.charts.%s: want a mapping with %s, got %s", dir, strings.Join(helmChartKeys, ", "), describe(v))
		return ch, false
	}
	entries(v, el, func(key string, k, v *yaml.Node) {
		where := "helm.charts." + dir + "." + key
		switch key {
		case "values":
			for _, n := range strs(v, el, where) {
				p := c.Resolve(n.Value)
				if st, err := os.Stat(p); err != nil || st.IsDir() {
					el.add(n, "%s: no values file %s", where, n.Value)
					ok = false
					continue
				}
				if err := helm.CheckValues(p, n.Value); err != nil {
					el.add(n, "%s: %v", where, err)
					ok = false
					continue
				}
				ch.Values = append(ch.Values, p)
			}
		case "set":
			for _, n := range strs(v, el, where) {
				if !strings.Contains(n.Value, "=") {
					el.add(n, "%s: %q is not KEY=VALUE", where, n.Value)
					ok = false
					continue
				}
				ch.Set = append(ch.Set, n.Value)
			}
		case "release-name":
			ch.ReleaseName, _ = str(v, el, where)
		case "namespace":
			ch.Namespace, _ = str(v, el, where)
		default:
			el.add(k, "unknown key %q in %s (want %s)", key, "helm.charts."+dir, strings.Join(helmChartKeys, ", "))
		}
	})
	return ch, ok
}

// HelmChart returns the settings of the chart in dir (any form of the
// path), or nil.
func (c *Config) HelmChart(dir string) *HelmChart {
	if c == nil || c.Helm == nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	i := slices.IndexFunc(c.Helm.Charts, func(ch HelmChart) bool { return ch.Dir == abs })
	if i < 0 {
		return nil
	}
	return &c.Helm.Charts[i]
}
