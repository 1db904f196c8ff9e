// Package helm is kvet's side of Helm charts that links none of Helm: it
// recognises charts, describes a rendering request and its output (the
// rendered templates and the failures), and maps rendered objects back to
// the template text they came from (the "# Source:" line Helm writes, then
// the finding's key path in the template, skipping template actions).
//
// The rendering itself, with Helm's own chart loader and template engine,
// is package render/helm/engine, run by the kvet-helm command so that
// kvet's start-up does not pay for Helm's package initialisation.
package helm

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ChartFile is the file that makes a directory a Helm chart.
const ChartFile = "Chart.yaml"

// DefaultKubeVersion is the Kubernetes version charts are rendered for
// (.Capabilities.KubeVersion) when the request names none.
const DefaultKubeVersion = "v1.37.0"

// DefaultReleaseName is the release name (.Release.Name) when the request
// names none; helm template uses the same.
const DefaultReleaseName = "release-name"

// DefaultNamespace is the namespace (.Release.Namespace) when the request
// names none.
const DefaultNamespace = "default"

// DefaultTimeout and DefaultMaxMemory bound the rendering of one chart
// when the request sets no limit (see Request.Timeout): a template that
// loops over a huge range (`until 100000000`) is stopped, not left to run
// for minutes and take the machine's memory.
const (
	DefaultTimeout   = time.Minute
	DefaultMaxMemory = 1 << 30 // bytes
)

// Request asks for one chart to be rendered.
type Request struct {
	// Dir is the chart's directory (the one holding Chart.yaml).
	Dir string `json:"dir"`
	// ReleaseName and Namespace are .Release.Name and .Release.Namespace.
	ReleaseName string `json:"releaseName,omitempty"`
	Namespace   string `json:"namespace,omitempty"`
	// KubeVersion is .Capabilities.KubeVersion, such as "v1.34.0".
	KubeVersion string `json:"kubeVersion,omitempty"`
	// ValuesFiles are merged over the chart's values.yaml, in order, as
	// helm template --values does.
	ValuesFiles []string `json:"valuesFiles,omitempty"`
	// Set are --set style assignments ("a.b=c,d[0]=e"), applied last.
	Set []string `json:"set,omitempty"`
	// SetOnly asks only whether Helm parses Set: no chart is loaded or
	// rendered, and the output has a Failure for the first assignment
	// that does not parse (kvet itself does not link Helm's parser).
	SetOnly bool `json:"setOnly,omitempty"`
	// Overlay replaces the content of files of the chart and of values
	// files, by absolute slash-separated path: an editor's unsaved
	// buffers, rendered instead of the files on disk.
	Overlay map[string]string `json:"overlay,omitempty"`
	// Timeout and MaxMemory bound the rendering: kvet-helm stops it, and
	// the chart fails at its Chart.yaml saying why, when it runs longer
	// than Timeout or its heap grows by more than MaxMemory bytes; 0 means
	// DefaultTimeout, DefaultMaxMemory.
	Timeout   time.Duration `json:"timeout,omitempty"`
	MaxMemory int64         `json:"maxMemory,omitempty"`
	// MaxTemplateSize bounds the rendered text of one template, as
	// --max-file-size bounds a file (0: safefile.DefaultMaxSize): a larger
	// template is a failure at its file, and its text is not sent.
	MaxTemplateSize int64 `json:"maxTemplateSize,omitempty"`
}

// Output is the result of rendering one chart.
type Output struct {
	// Templates are the rendered templates that produced any text, in
	// the order of their names.
	Templates []Template `json:"templates,omitempty"`
	// Failures are what prevented the chart, or some of its templates,
	// from rendering; the other templates are still in Templates.
	Failures []Failure `json:"failures,omitempty"`
}

// Template is the rendered text of one template file.
type Template struct {
	// Name is Helm's name of the template, as on the "# Source:" line:
	// "mychart/templates/job.yaml", "mychart/charts/sub/templates/x.yaml".
	Name string `json:"name"`
	// Path is the template's file, slash-separated, relative to the
	// chart directory ("templates/job.yaml", "charts/sub/templates/x.yaml"),
	// or "" when it is inside a packaged subchart (charts/sub-1.0.0.tgz).
	Path string `json:"path,omitempty"`
	// Dependency names the Chart.yaml dependency (its name or alias) that
	// brought in the packaged subchart of a template without Path.
	Dependency string `json:"dependency,omitempty"`
	// Content is the rendered text.
	Content string `json:"content"`
}

// Failure is a problem that kept a chart or a template from rendering.
type Failure struct {
	// Path is the file at fault, relative to the chart directory
	// ("Chart.yaml", "templates/job.yaml", "values-prod.yaml"), or ""
	// when it is not known (the chart as a whole: Chart.yaml is reported).
	Path string `json:"path,omitempty"`
	// Line is 1-based, 0 when not known. Column is the byte offset in the
	// line, as Go's template errors count it (0-based); 0 also stands for
	// the line's first character that is not a space.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Dependency names a Chart.yaml dependency that is not vendored under
	// charts/: the failure points at its entry.
	Dependency string `json:"dependency,omitempty"`
	// Message is Helm's message.
	Message string `json:"message"`
}

// IsChart reports whether dir holds a Chart.yaml file.
func IsChart(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, ChartFile))
	return err == nil && !st.IsDir()
}

// ChartRoots returns the outermost charts among files (slash-separated
// paths, as discovered, relative to the working directory wd): the charts
// the render stage renders for them (see Renderer.Root: a Chart.yaml's
// directory, the chart of a template named alone) that no other one
// contains (a vendored subchart under charts/ is rendered with its
// parent). The result is sorted.
func ChartRoots(files []string, wd string) []string {
	var charts []string
	for _, f := range files {
		if c := chartOf(f, wd); c != "" {
			charts = append(charts, c)
		}
	}
	var roots []string
	for _, c := range charts {
		inner := false
		for _, o := range charts {
			if o != c && Contains(o, c) {
				inner = true
				break
			}
		}
		if !inner {
			roots = append(roots, c)
		}
	}
	return sortedUnique(roots)
}

// Contains reports whether the slash-separated path p is dir or lies
// under it.
func Contains(dir, p string) bool {
	if dir == "." {
		return !strings.HasPrefix(p, "../") && p != ".." && !path.IsAbs(p)
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// IsTemplate reports whether the file at the slash-separated path p,
// inside the chart whose directory is chart, is one of its templates or
// of its vendored subcharts' templates: such files are Go templates, never
// linted as YAML.
func IsTemplate(chart, p string) bool {
	if !Contains(chart, p) {
		return false
	}
	rel := strings.TrimPrefix(p, chart+"/")
	if chart == "." {
		rel = p
	}
	parts := strings.Split(rel, "/")
	// templates/..., or charts/<sub>/templates/..., at any depth.
	for i := 0; i < len(parts)-1; i++ {
		switch {
		case parts[i] == "templates":
			return true
		case parts[i] == "charts" && i+1 < len(parts)-1:
			i++ // skip the subchart's directory name
		default:
			return false
		}
	}
	return false
}

func sortedUnique(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
