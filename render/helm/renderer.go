package helm

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
)

// Settings are how charts are rendered: release name, namespace and
// Kubernetes version for every chart, and each chart's values.
type Settings struct {
	// ReleaseName, Namespace and KubeVersion apply to every chart; empty
	// means DefaultReleaseName, DefaultNamespace, DefaultKubeVersion.
	ReleaseName string
	Namespace   string
	KubeVersion string
	// Timeout and MaxMemory bound the rendering of each chart (see
	// Request); 0 means the defaults.
	Timeout   time.Duration
	MaxMemory int64
	// Chart returns the settings of the chart in dir (as discovered), or
	// nil; it may be nil.
	Chart func(dir string) *ChartSettings
}

// ChartSettings are the settings of one chart.
type ChartSettings struct {
	// Values are values files and Set --set style values (see Request).
	Values []string
	Set    []string
	// ReleaseName and Namespace override the Settings' when not empty.
	ReleaseName string
	Namespace   string
}

// Renderer renders Helm charts for the render stage (render.Renderer).
type Renderer struct {
	settings Settings

	once   sync.Once
	render RenderFunc
	err    error // kvet-helm not found
	find   func() (RenderFunc, error)
}

// New returns the renderer of charts with settings s. Charts are rendered
// by fn, or when fn is nil by the kvet-helm command (see FindHelper),
// looked for only when a chart is rendered.
func New(s Settings, fn RenderFunc) *Renderer {
	r := &Renderer{settings: s}
	r.find = func() (RenderFunc, error) {
		if fn != nil {
			return fn, nil
		}
		p, err := FindHelper()
		if err != nil {
			return nil, err
		}
		return Exec(p), nil
	}
	return r
}

// Kind implements render.Renderer.
func (*Renderer) Kind() string { return "chart" }

// Names implements render.Renderer: charts are marked by Chart.yaml, which
// discovery finds anyway.
func (*Renderer) Names() []string { return nil }

// Root implements render.Renderer: a Chart.yaml marks its directory, and
// a template named alone (a pre-commit hook passes the staged files) marks
// its chart: the outermost one whose templates, or vendored subcharts'
// templates, hold it.
func (*Renderer) Root(file, wd string) string { return chartOf(file, wd) }

// chartOf returns the chart that file marks (see Renderer.Root), or "".
func chartOf(file, wd string) string {
	if path.Base(file) == ChartFile {
		return path.Dir(file)
	}
	abs, ok := render.Abs(file, wd)
	if !ok || !strings.Contains(filepath.ToSlash(abs), "/templates/") {
		return ""
	}
	abs = filepath.ToSlash(abs)
	root := ""
	for dir := path.Dir(abs); ; dir = path.Dir(dir) {
		if IsTemplate(dir, abs) && IsChart(filepath.FromSlash(dir)) {
			root = dir
		}
		if dir == path.Dir(dir) {
			break
		}
	}
	if root == "" || filepath.IsAbs(filepath.FromSlash(file)) {
		return root
	}
	rel, err := filepath.Rel(wd, filepath.FromSlash(root))
	if err != nil {
		return root
	}
	return filepath.ToSlash(rel)
}

// Includes implements render.Renderer: the subcharts vendored as
// directories under charts/ are rendered with their parent.
func (*Renderer) Includes(_ *render.Env, dir string) []string {
	entries, err := os.ReadDir(filepath.Join(filepath.FromSlash(dir), "charts"))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		sub := path.Join(dir, "charts", e.Name())
		if e.IsDir() && IsChart(filepath.FromSlash(sub)) {
			out = append(out, sub)
		}
	}
	return out
}

// request returns the rendering request of the chart in dir, with the
// unsaved buffers of its files and values files (env's overlay).
func (r *Renderer) request(env *render.Env, dir string) Request {
	s := r.settings
	req := Request{Dir: filepath.FromSlash(dir), ReleaseName: s.ReleaseName, Namespace: s.Namespace, KubeVersion: s.KubeVersion,
		Timeout: s.Timeout, MaxMemory: s.MaxMemory, MaxTemplateSize: env.Loader.MaxFileSize}
	if s.Chart != nil {
		if c := s.Chart(dir); c != nil {
			req.ValuesFiles, req.Set = c.Values, c.Set
			if c.ReleaseName != "" {
				req.ReleaseName = c.ReleaseName
			}
			if c.Namespace != "" {
				req.Namespace = c.Namespace
			}
		}
	}
	overlay := env.Overlay(dir)
	for _, v := range req.ValuesFiles {
		if data, ok := env.Overlaid(v); ok {
			if abs, err := filepath.Abs(v); err == nil {
				if overlay == nil {
					overlay = map[string][]byte{}
				}
				overlay[filepath.ToSlash(abs)] = data
			}
		}
	}
	for p, data := range overlay {
		if req.Overlay == nil {
			req.Overlay = map[string]string{}
		}
		req.Overlay[p] = string(data)
	}
	return req
}

// Render implements render.Renderer: it renders the chart in dir and maps
// its objects to their templates. The chart's template files are linted
// only through the rendering, whether it succeeds or not.
func (r *Renderer) Render(ctx context.Context, env *render.Env, dir string) *analyzer.Rendering {
	out := &analyzer.Rendering{Root: dir, Kind: "chart", Templates: true}
	b := &build{env: env, dir: dir, out: out}
	b.templateFiles()
	defer b.finish()
	req := r.request(env, dir)
	// helm install -n creates every namespaced object without
	// metadata.namespace in the release namespace.
	out.Namespace = req.Namespace
	if msg := b.unreadable(req); msg != "" {
		// A file kvet cannot read itself (a named pipe, a device, over
		// --max-file-size) is not handed to kvet-helm either.
		b.fail(Failure{Path: ChartFile}, msg)
		return out
	}
	r.once.Do(func() { r.render, r.err = r.find() })
	if r.err != nil {
		b.fail(Failure{Path: ChartFile}, fmt.Sprintf("cannot render the chart: %v", r.err))
		return out
	}
	outputs, err := r.render(ctx, []Request{req})
	if err != nil {
		b.fail(Failure{Path: ChartFile}, fmt.Sprintf("cannot render the chart: %v", err))
		return out
	}
	res := outputs[0]
	for _, f := range res.Failures {
		b.fail(f, f.Message)
	}
	for _, t := range res.Templates {
		b.add(t)
	}
	return out
}

// build is the rendering of one chart.
type build struct {
	env *render.Env
	dir string
	out *analyzer.Rendering
	// templates are the chart's template files that discovery would find.
	templates []*analyzer.File
	// unread are the chart files (templates, Chart.yaml) that could not
	// be read, with why.
	unread []string
}

// unreadable says why the chart cannot be rendered when one of its
// template files, its Chart.yaml or the values files of req could not be
// read with the loader's bounded read, or returns "".
func (b *build) unreadable(req Request) string {
	problems := slices.Clone(b.unread)
	for _, v := range req.ValuesFiles {
		if _, err := b.env.ReadFile(v); err != nil {
			problems = append(problems, fmt.Sprintf("values file %s: %v", v, err))
		}
	}
	if len(problems) == 0 {
		return ""
	}
	return "not rendered: " + strings.Join(problems, "; ")
}

// file returns the chart's file at rel (slash-separated, relative to the
// chart), adding it to the rendering's files.
func (b *build) file(rel string) *analyzer.File {
	f, err := b.env.File(path.Join(b.dir, rel))
	if err != nil {
		return nil
	}
	if !slices.Contains(b.out.Files, f) {
		b.out.Files = append(b.out.Files, f)
	}
	return f
}

// templateFiles finds the chart's template files (and its vendored
// subcharts') that discovery would find: none is linted as YAML.
func (b *build) templateFiles() {
	root := filepath.FromSlash(b.dir)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		switch strings.ToLower(path.Ext(rel)) {
		case ".yaml", ".yml", ".json":
			if IsTemplate(".", rel) || path.Base(rel) == ChartFile {
				f, err := b.env.File(path.Join(b.dir, rel))
				if err != nil {
					b.unread = append(b.unread, err.Error())
					return nil
				}
				b.templates = append(b.templates, f)
			}
		}
		return nil
	})
}

// finish lists the template files that no object came from, and that no
// failure points at, as unrendered.
func (b *build) finish() {
	for _, f := range b.templates {
		if !slices.Contains(b.out.Files, f) {
			b.out.Unrendered = append(b.out.Unrendered, f)
		}
	}
}

// fail records a render-failed diagnostic at the place f names.
func (b *build) fail(f Failure, msg string) {
	name := path.Join(b.dir, ChartFile)
	file, rng := b.place(f)
	if file != nil {
		name = file.Path
	} else {
		// Chart.yaml itself could not be read: its first position.
		rng = analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}, End: analyzer.Position{Line: 1, Column: 1}}
	}
	b.out.Diagnostics = append(b.out.Diagnostics, analyzer.Diagnostic{
		RuleID: analyzer.IDRenderFailed, Severity: analyzer.SeverityWarning,
		Message: "chart " + b.name() + ": " + msg, File: name, Range: rng,
	})
}

// name names the chart in messages: its directory, or the directory's
// own name when that is "." or above the working directory.
func (b *build) name() string {
	if b.dir != "." && b.dir != ".." && !strings.HasPrefix(b.dir, "../") {
		return b.dir
	}
	if abs, err := filepath.Abs(filepath.FromSlash(b.dir)); err == nil {
		return filepath.Base(abs)
	}
	return b.dir
}

// place resolves where a failure is: a template line (and column), a
// dependency of Chart.yaml, or the first line of Chart.yaml.
func (b *build) place(f Failure) (*analyzer.File, analyzer.Range) {
	if f.Path != "" && f.Line > 0 {
		if file := b.file(f.Path); file != nil && f.Line <= file.LineCount() {
			return file, lineFrom(file, f.Line, f.Column)
		}
	}
	if f.Dependency != "" {
		if file, rng, ok := b.dependency(f.Dependency); ok {
			return file, rng
		}
	}
	file := b.file(ChartFile)
	if file == nil {
		return nil, analyzer.Range{}
	}
	return file, lineFrom(file, 1, 0)
}

// dependency returns the position of the entry of the chart's
// dependencies (in Chart.yaml, or requirements.yaml for apiVersion v1
// charts) whose name, or alias, is name.
func (b *build) dependency(name string) (*analyzer.File, analyzer.Range, bool) {
	for _, meta := range []string{ChartFile, "requirements.yaml"} {
		file, docs, err := b.env.Documents(path.Join(b.dir, meta))
		if err != nil || len(docs) == 0 {
			continue
		}
		top, ok := docs[0].Value().(map[string]any)
		if !ok {
			continue
		}
		deps, _ := top["dependencies"].([]any)
		for i, d := range deps {
			m, _ := d.(map[string]any)
			if m["alias"] == name || m["name"] == name && m["alias"] == nil {
				b.file(meta)
				_, rng := docs[0].Position(analyzer.NewPath("dependencies", i), false)
				return file, rng, true
			}
		}
	}
	return nil, analyzer.Range{}, false
}

// lineFrom covers line n of file from the 0-based byte column col (Go
// template errors count bytes) to the end of the line; col 0 starts at the
// first character that is not a space.
func lineFrom(file *analyzer.File, n, col int) analyzer.Range {
	text := file.Line(n)
	trimmed := strings.TrimRight(string(text), " \t")
	start := col
	if col <= 0 || col > len(trimmed) {
		start = len(trimmed) - len(strings.TrimLeft(trimmed, " \t"))
	}
	startCol := 1 + utf8.RuneCountInString(trimmed[:start])
	endCol := max(1+utf8.RuneCountInString(trimmed), startCol+1)
	return analyzer.Range{Start: analyzer.Position{Line: n, Column: startCol}, End: analyzer.Position{Line: n, Column: endCol}}
}

// add parses a rendered template into the rendering's documents, each
// mapped to the template text (or, for a packaged subchart, to the
// dependency that brings it in).
func (b *build) add(t Template) {
	name := t.Path
	if name == "" {
		_, tmpl, _ := strings.Cut(t.Name, "/templates/")
		name = path.Join("charts", t.Dependency, "templates", tmpl)
	}
	rendered := &analyzer.File{Path: path.Join(b.dir, name) + " (helm template)", Content: []byte(t.Content)}
	var source func(d *analyzer.Document) analyzer.SourceMap
	var tmpl *analyzer.File
	if t.Path != "" {
		tmpl = b.file(t.Path)
	}
	if tmpl != nil {
		src := NewSource(tmpl)
		source = func(d *analyzer.Document) analyzer.SourceMap {
			src.Add(d)
			return sourceMap{src}
		}
	} else {
		file, rng := b.place(Failure{Dependency: t.Dependency})
		source = func(*analyzer.Document) analyzer.SourceMap { return fixed{file, rng} }
	}
	docs, diags := b.env.Loader.ParseRendered(rendered, b.out, source)
	b.out.Docs = append(b.out.Docs, docs...)
	for _, d := range diags {
		if d.RuleID == analyzer.IDYAMLSyntax {
			// The rendered text is not YAML: the template is at fault.
			b.fail(Failure{Path: t.Path, Line: 1, Dependency: t.Dependency},
				fmt.Sprintf("%s renders invalid YAML (line %d of its output): %s", t.Name, d.Range.Start.Line, strings.TrimPrefix(d.Message, "invalid YAML: ")))
			continue
		}
		b.out.Diagnostics = append(b.out.Diagnostics, d)
	}
}

// sourceMap resolves the rendered objects of a template in its text.
type sourceMap struct{ src *Source }

// Source implements analyzer.SourceMap.
func (m sourceMap) Source(d *analyzer.Document, p analyzer.Path, atKey bool) analyzer.Source {
	rng, _ := m.src.Locate(d, p, atKey)
	return analyzer.Source{File: m.src.File(), Range: rng}
}

// fixed points every field of an object at one place: a packaged
// subchart's objects at the dependency that brings it in.
type fixed struct {
	file *analyzer.File
	rng  analyzer.Range
}

// Source implements analyzer.SourceMap.
func (f fixed) Source(*analyzer.Document, analyzer.Path, bool) analyzer.Source {
	return analyzer.Source{File: f.file, Range: f.rng}
}

// RenderStdin implements render.StdinRenderer: helm template output read
// on standard input ("helm template ... | kvet lint -") is linted as one
// rendering whose objects map to the templates its "# Source:" comments
// name, when they are under the working directory; the other objects
// keep their positions in the input. Input without such comments is not
// Helm's (nil).
func (*Renderer) RenderStdin(_ context.Context, env *render.Env, f *analyzer.File) *analyzer.Rendering {
	if !HasSourceComments(f.Content) {
		return nil
	}
	out := &analyzer.Rendering{Root: f.Path, Kind: "helm template output", Templates: true}
	s := NewStream(f, env.File)
	docs, diags := env.Loader.ParseRendered(f, out, func(d *analyzer.Document) analyzer.SourceMap {
		if src := s.Source(d); src != nil {
			return sourceMap{src}
		}
		return nil
	})
	out.Docs, out.Diagnostics = docs, diags
	templates := s.Files()
	slices.SortFunc(templates, func(a, b *analyzer.File) int { return strings.Compare(a.Path, b.Path) })
	out.Files = append([]*analyzer.File{f}, templates...)
	return out
}

// Precision says how precisely the field path p of the rendered object d
// is located in its template (see Quality); ok is false when d does not
// come from a template's text.
func Precision(d *analyzer.Document, p analyzer.Path, atKey bool) (q Quality, rng analyzer.Range, ok bool) {
	m, ok := d.Source.(sourceMap)
	if !ok {
		return 0, analyzer.Range{}, false
	}
	rng, q = m.src.Locate(d, p, atKey)
	return q, rng, true
}
