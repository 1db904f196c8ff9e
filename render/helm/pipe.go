package helm

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/safefile"
)

// sourcePrefix starts the comment helm template writes before each
// rendered template: "# Source: CHART/templates/x.yaml".
const sourcePrefix = "# Source: "

// HasSourceComments reports whether content looks like helm template
// output: a line starting with "# Source: ".
func HasSourceComments(content []byte) bool {
	return bytes.HasPrefix(content, []byte(sourcePrefix)) || bytes.Contains(content, []byte("\n"+sourcePrefix))
}

// Stream maps the objects of helm template output (read on standard
// input) to the template files named by its "# Source:" comments, found
// under the working directory.
type Stream struct {
	file *analyzer.File
	// open reads a template file (a path relative to the working
	// directory) for positions and suppressions.
	open func(path string) (*analyzer.File, error)

	linesOnce   sync.Once
	sourceLines []sourceLine // the "# Source:" comments, in order

	mu      sync.Mutex
	sources map[string]*Source // by Helm's template name; nil value: not found
	charts  map[string][]string
	indexed bool
}

// NewStream returns the map of the stream f; open reads template files.
func NewStream(f *analyzer.File, open func(path string) (*analyzer.File, error)) *Stream {
	return &Stream{file: f, open: open, sources: map[string]*Source{}}
}

// Source returns the template source of the rendered object d, with d
// added to it, or nil when the stream names no template for d or the
// template is not under the working directory.
func (s *Stream) Source(d *analyzer.Document) *Source {
	name := s.sourceName(d.Line())
	if name == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src, seen := s.sources[name]
	if !seen {
		if p := s.resolve(name); p != "" {
			if f, err := s.open(p); err == nil {
				src = NewSource(f)
			}
		}
		s.sources[name] = src
	}
	if src != nil {
		src.Add(d)
	}
	return src
}

// Files returns the template files the stream's objects map to.
func (s *Stream) Files() []*analyzer.File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*analyzer.File
	for _, src := range s.sources {
		if src != nil {
			out = append(out, src.File())
		}
	}
	return out
}

// sourceName returns the template named by the last "# Source:" comment
// before line: helm template writes one before the output of each
// template, which may hold several documents.
func (s *Stream) sourceName(line int) string {
	s.linesOnce.Do(func() {
		for n := 1; n <= s.file.LineCount(); n++ {
			if rest, ok := bytes.CutPrefix(s.file.Line(n), []byte(sourcePrefix)); ok {
				s.sourceLines = append(s.sourceLines, sourceLine{n, strings.TrimSpace(string(rest))})
			}
		}
	})
	i, _ := slices.BinarySearchFunc(s.sourceLines, line, func(l sourceLine, line int) int { return l.line - line })
	if i == 0 {
		return ""
	}
	return s.sourceLines[i-1].name
}

type sourceLine struct {
	line int
	name string
}

// resolve finds the file of Helm's template name ("CHART/templates/x.yaml",
// "CHART/charts/SUB/templates/x.yaml") under the working directory: the
// name itself, or the same path inside a chart named CHART (by its
// Chart.yaml) anywhere below, with subcharts named by their alias found
// in their directories (see inChart).
func (s *Stream) resolve(name string) string {
	name = path.Clean(name)
	if path.IsAbs(name) || strings.HasPrefix(name, "../") || !strings.Contains(name, "/templates/") {
		return ""
	}
	if isFile(name) {
		return name
	}
	chart, rest, _ := strings.Cut(name, "/")
	if !s.indexed {
		s.charts = indexCharts(".")
		s.indexed = true
	}
	dirs := s.charts[chart]
	if isFile(path.Join(chart, ChartFile)) {
		dirs = append([]string{chart}, dirs...)
	}
	for _, dir := range dirs {
		if p := inChart(dir, rest); p != "" {
			return p
		}
	}
	return ""
}

// inChart returns the file of the chart in dir that Helm names rest in its
// output ("templates/x.yaml", "charts/SUB/templates/x.yaml"), or "". Helm
// names a subchart by its alias when the dependency has one: the alias is
// mapped to the subchart's directory under charts/ through the
// dependencies of Chart.yaml (requirements.yaml for apiVersion v1 charts).
func inChart(dir, rest string) string {
	if p := path.Join(dir, rest); isFile(p) {
		return p
	}
	sub, after, ok := strings.Cut(strings.TrimPrefix(rest, "charts/"), "/")
	if !ok || !strings.HasPrefix(rest, "charts/") {
		return ""
	}
	for _, d := range subchartDirs(dir, sub) {
		if p := inChart(d, after); p != "" {
			return p
		}
	}
	return ""
}

// subchartDirs returns the directories under dir/charts of the subchart
// that Helm names sub: the dependency whose alias is sub (else sub), found
// by its directory name, else by its Chart.yaml name.
func subchartDirs(dir, sub string) []string {
	name := sub
	for _, meta := range []string{ChartFile, "requirements.yaml"} {
		data, err := safefile.Read(context.Background(), path.Join(dir, meta), 0)
		if err != nil {
			continue
		}
		var deps struct {
			Dependencies []struct{ Name, Alias string }
		}
		if yaml.Unmarshal(data, &deps) != nil {
			continue
		}
		for _, d := range deps.Dependencies {
			if d.Alias == sub && d.Name != "" {
				name = d.Name
			}
		}
	}
	var out []string
	if isFile(path.Join(dir, "charts", name, ChartFile)) {
		out = append(out, path.Join(dir, "charts", name))
	}
	entries, _ := os.ReadDir(filepath.FromSlash(path.Join(dir, "charts")))
	for _, e := range entries {
		p := path.Join(dir, "charts", e.Name())
		if e.IsDir() && e.Name() != name && chartName(path.Join(p, ChartFile)) == name {
			out = append(out, p)
		}
	}
	return out
}

func isFile(p string) bool {
	st, err := os.Stat(filepath.FromSlash(p))
	return err == nil && !st.IsDir()
}

// indexCharts maps chart names (Chart.yaml's name) to the directories of
// the charts under root, skipping hidden directories, vendor and
// node_modules as discovery does.
func indexCharts(root string) map[string][]string {
	charts := map[string][]string{}
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "vendor" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != ChartFile {
			return nil
		}
		if name := chartName(p); name != "" {
			dir := filepath.ToSlash(filepath.Dir(p))
			charts[name] = append(charts[name], dir)
		}
		return nil
	})
	return charts
}

// chartName reads the name: of a Chart.yaml (a top-level plain scalar);
// of a name: written twice, the last, which Helm reads.
func chartName(p string) string {
	data, err := safefile.Read(context.Background(), p, 0)
	if err != nil {
		return ""
	}
	f := &analyzer.File{Content: data}
	for n := f.LineCount(); n >= 1; n-- {
		if rest, ok := strings.CutPrefix(string(f.Line(n)), "name:"); ok {
			if i := strings.Index(rest, " #"); i >= 0 {
				rest = rest[:i]
			}
			return unquote(strings.TrimSpace(rest))
		}
	}
	return ""
}
