// Package render is kvet's render stage, between discovery and loading: it
// finds the roots among the discovered files (kustomization directories,
// Helm charts), renders each root in-process with the Renderer of its kind,
// and yields ordinary analyzer Documents whose positions resolve, through a
// source map, in the source files (a base, a patch, a kustomization entry,
// a template line), so that rules, policies, suppressions and baselines work
// unchanged on source lines. Files that a rendering reads are linted only
// through it; the other files are linted as they are.
package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/kvet-dev/kvet/analyzer"
)

// Renderer renders one kind of root (kustomizations, Helm charts).
// Implementations live in the sub-packages (render/kustomize, ...).
type Renderer interface {
	// Kind names this renderer's roots in messages, in the singular:
	// "overlay", "chart".
	Kind() string
	// Names are the extension-less file names that discovery must report
	// for Root to see them (kustomize's "Kustomization").
	Names() []string
	// Root returns the directory of the root that the discovered file
	// marks (the directory of a kustomization.yaml, of a Chart.yaml), or
	// "" when the file marks none. wd is the working directory (absolute;
	// "" if unknown), which the caller looks up once for all its files:
	// os.Getwd stats two directories at each call.
	Root(file, wd string) string
	// Includes returns the directories of the other roots that the root
	// at dir renders as part of itself (the bases and components of a
	// kustomization, the subcharts of a chart). A root included by another
	// one within the linted paths is not rendered on its own. Source files
	// are read through env.
	Includes(env *Env, dir string) []string
	// Render renders the root at dir. It never fails: a root that cannot
	// be rendered yields a render-failed diagnostic at the line at fault.
	// The rendering's Files must come from env.File.
	Render(ctx context.Context, env *Env, dir string) *analyzer.Rendering
}

// memberRenderer is implemented by renderers that also find the root of a
// file that a root reads, when the file is linted without its root (a
// patch named on the command line, as a pre-commit hook does): the root
// is then rendered, and the file linted through it if the rendering reads
// it. Unlike the files that mark a root, such a file is not otherwise
// set aside.
type memberRenderer interface {
	// Member returns the directory of the root that reads file, or "";
	// wd as for Root.
	Member(file, wd string) string
}

// Env is what renderers share during one run.
type Env struct {
	// Loader parses rendered text into documents (Loader.ParseRendered)
	// and reads the source files (Loader.ReadFile: bounded, never blocking).
	Loader *analyzer.Loader
	// Context is the run's context (reads stop when it is done).
	Context context.Context

	mu    sync.Mutex
	files map[string]*fileEntry
}

type fileEntry struct {
	once sync.Once
	file *analyzer.File
	err  error

	docsOnce sync.Once
	docs     []*analyzer.Document
}

// File returns the source file at path (slash-separated, relative to the
// working directory as the discovered files are, or absolute), read once
// per run: renderings that read the same file share one *analyzer.File.
func (e *Env) File(path string) (*analyzer.File, error) {
	ent, err := e.entry(path)
	if err != nil {
		return nil, err
	}
	return ent.file, ent.err
}

// Documents returns the documents of the source file at path (see
// analyzer.SourceDocuments), parsed once per run. Their node trees are
// shared: callers only read them.
func (e *Env) Documents(path string) (*analyzer.File, []*analyzer.Document, error) {
	ent, err := e.entry(path)
	if err != nil {
		return nil, nil, err
	}
	if ent.err != nil {
		return nil, nil, ent.err
	}
	ent.docsOnce.Do(func() { ent.docs = analyzer.SourceDocuments(ent.file) })
	return ent.file, ent.docs, nil
}

// ReadFile reads the file at path (slash-separated or native) through the
// loader's bounded read, without caching it: renderers read every source
// file through it or File, so that a named pipe, a device or a huge file
// is an error, never a hang.
func (e *Env) ReadFile(path string) ([]byte, error) {
	ctx := e.Context
	if ctx == nil {
		ctx = context.Background()
	}
	l := e.Loader
	if l == nil {
		l = analyzer.NewLoader(nil)
	}
	return l.ReadFile(ctx, path)
}

// entry returns the cache entry of path, read.
func (e *Env) entry(path string) (*fileEntry, error) {
	key, err := filepath.Abs(filepath.FromSlash(path))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	e.mu.Lock()
	if e.files == nil {
		e.files = map[string]*fileEntry{}
	}
	ent := e.files[key]
	if ent == nil {
		ent = &fileEntry{}
		e.files[key] = ent
	}
	e.mu.Unlock()
	ent.once.Do(func() {
		data, err := e.ReadFile(path)
		if err != nil {
			ent.err = fmt.Errorf("reading %s: %w", path, err)
			return
		}
		ent.file = &analyzer.File{Path: path, Content: data}
	})
	return ent, nil
}

// Overlaid returns the content of an editor's unsaved buffer of the file
// at path (the loader's overlay), if there is one.
func (e *Env) Overlaid(path string) ([]byte, bool) {
	if e.Loader == nil {
		return nil, false
	}
	return e.Loader.Overlaid(path)
}

// Overlay returns the unsaved buffers of the files under dir (absolute
// paths, slash-separated, to their content).
func (e *Env) Overlay(dir string) map[string][]byte {
	if e.Loader == nil || len(e.Loader.Overlay()) == 0 {
		return nil
	}
	abs, err := filepath.Abs(filepath.FromSlash(dir))
	if err != nil {
		return nil
	}
	var out map[string][]byte
	for p, data := range e.Loader.Overlay() {
		if rel, err := filepath.Rel(abs, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if out == nil {
				out = map[string][]byte{}
			}
			out[filepath.ToSlash(p)] = data
		}
	}
	return out
}

// Stage is the render stage: an analyzer.Renderer over a list of
// renderers. The zero value renders nothing.
type Stage struct {
	renderers []Renderer

	envOnce sync.Once
	env     *Env // shared by the renderings of a run, standard input's too
}

// environment returns the run's Env.
func (s *Stage) environment(ctx context.Context, l *analyzer.Loader) *Env {
	s.envOnce.Do(func() { s.env = &Env{Loader: l, Context: ctx} })
	return s.env
}

// StdinRenderer is a Renderer that also recognises rendered output on
// standard input (helm template output).
type StdinRenderer interface {
	// RenderStdin returns the rendering of standard input f, or nil when
	// f is not this renderer's output.
	RenderStdin(ctx context.Context, env *Env, f *analyzer.File) *analyzer.Rendering
}

// RenderStdin implements analyzer.StdinRenderer: the first renderer that
// recognises standard input renders it.
func (s *Stage) RenderStdin(ctx context.Context, l *analyzer.Loader, f *analyzer.File) *analyzer.Rendering {
	for _, r := range s.renderers {
		if sr, ok := r.(StdinRenderer); ok {
			if out := sr.RenderStdin(ctx, s.environment(ctx, l), f); out != nil {
				return out
			}
		}
	}
	return nil
}

// New returns a stage that renders the roots of the given renderers.
func New(renderers ...Renderer) *Stage { return &Stage{renderers: renderers} }

// Names implements analyzer.Renderer.
func (s *Stage) Names() []string {
	var names []string
	for _, r := range s.renderers {
		names = append(names, r.Names()...)
	}
	return names
}

// Root returns the directory of the root that the discovered file marks
// (see Renderer.Root), or "" when it marks none. A file that marks its own
// directory (kustomization.yaml, Chart.yaml) says what the root is; a file
// that marks another (a chart's template) belongs to it.
func (s *Stage) Root(file string) string {
	wd := workdir()
	for _, r := range s.renderers {
		if dir := r.Root(file, wd); dir != "" {
			return dir
		}
	}
	return ""
}

// workdir returns the working directory, or "" when it is unknown.
func workdir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return wd
}

// Abs returns file made absolute against the working directory wd, as
// filepath.Abs does without looking wd up; ok is false when file is
// relative and wd is unknown.
func Abs(file, wd string) (abs string, ok bool) {
	file = filepath.FromSlash(file)
	if filepath.IsAbs(file) {
		return filepath.Clean(file), true
	}
	if wd == "" {
		return "", false
	}
	return filepath.Join(wd, file), true
}

// root is a candidate root: a directory and the renderer that marks it.
type root struct {
	dir      string // as discovered
	abs      string
	renderer Renderer
	files    []string // the discovered files that mark it or that it reads
}

// Marks reports whether any of files marks a root (a kustomization file,
// a Chart.yaml), without reading anything.
func (s *Stage) Marks(files []string) bool {
	wd := workdir()
	for _, f := range files {
		for _, r := range s.renderers {
			if r.Root(f, wd) != "" {
				return true
			}
		}
	}
	return false
}

// Root is a root that the stage renders.
type Root struct {
	// Dir is the root's directory, as discovered.
	Dir string
	// Files are the discovered files that mark it (its
	// kustomization.yaml, its Chart.yaml, templates of a chart) or, for
	// a root found only through files it reads (a patch whose
	// kustomization is not among the files), those.
	Files []string
}

// Roots returns the roots that files (discovered, in order) mark and that
// no other root among them includes, in lexical order of directory, and
// every marker file (kustomization.yaml, Chart.yaml) found. l is the
// loader of the run: the renderers read the source files that say what a
// root includes through its overlay. Rendering a root's Files (Render)
// renders it.
func (s *Stage) Roots(ctx context.Context, l *analyzer.Loader, files []string) (roots []Root, markers []string) {
	rs, ms := s.roots(s.environment(ctx, l), files)
	for _, r := range rs {
		roots = append(roots, Root{Dir: r.dir, Files: r.files})
	}
	return roots, ms
}

func (s *Stage) roots(env *Env, files []string) (roots []*root, markers []string) {
	byDir := map[string]*root{}
	var cands []*root
	wd := workdir()
	for _, f := range files {
		for _, r := range s.renderers {
			dir := r.Root(f, wd)
			if dir != "" {
				markers = append(markers, f)
			} else if m, ok := r.(memberRenderer); ok && f != "-" {
				dir = m.Member(f, wd)
			}
			if dir == "" {
				continue
			}
			abs, err := filepath.Abs(filepath.FromSlash(dir))
			if err != nil {
				continue
			}
			c := byDir[abs]
			if c == nil {
				c = &root{dir: dir, abs: abs, renderer: r}
				byDir[abs] = c
				cands = append(cands, c)
			}
			c.files = append(c.files, f)
			break
		}
	}
	if len(cands) == 0 {
		return nil, markers
	}
	includes := map[*root][]*root{}
	included := map[*root]bool{}
	for _, c := range cands {
		for _, inc := range c.renderer.Includes(env, c.dir) {
			abs, err := filepath.Abs(filepath.FromSlash(inc))
			if err != nil {
				continue
			}
			if o := byDir[abs]; o != nil && o != c {
				includes[c] = append(includes[c], o)
				included[o] = true
			}
		}
	}
	reached := map[*root]bool{}
	var visit func(c *root)
	visit = func(c *root) {
		if reached[c] {
			return
		}
		reached[c] = true
		for _, o := range includes[c] {
			visit(o)
		}
	}
	for _, c := range cands {
		if !included[c] {
			roots = append(roots, c)
			visit(c)
		}
	}
	// Roots that include each other in a cycle: the first is rendered
	// (and the renderer reports the cycle) rather than all skipped.
	for _, c := range cands {
		if !reached[c] {
			roots = append(roots, c)
			visit(c)
		}
	}
	slices.SortFunc(roots, func(a, b *root) int { return strings.Compare(a.dir, b.dir) })
	return roots, markers
}

// Render implements analyzer.Renderer: it renders the roots among files in
// parallel and returns the renderings, in lexical order of root, and the
// files that no rendering read and that mark no root.
func (s *Stage) Render(ctx context.Context, l *analyzer.Loader, files []string) ([]*analyzer.Rendering, []string, []error) {
	env := s.environment(ctx, l)
	roots, markers := s.roots(env, files)
	if len(roots) == 0 && len(markers) == 0 {
		return nil, files, nil
	}
	renderings := make([]*analyzer.Rendering, len(roots))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i, r := range roots {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			renderings[i] = r.renderer.Render(ctx, env, r.dir)
		})
	}
	wg.Wait()
	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	renderings = slices.DeleteFunc(renderings, func(r *analyzer.Rendering) bool { return r == nil })

	consumed := map[string]bool{}
	mark := func(p string) {
		if abs, err := filepath.Abs(filepath.FromSlash(p)); err == nil {
			consumed[abs] = true
		}
	}
	for _, m := range markers {
		mark(m)
	}
	for _, r := range renderings {
		for _, f := range slices.Concat(r.Files, r.Unrendered) {
			mark(f.Path)
		}
	}
	var rest []string
	for _, f := range files {
		abs, err := filepath.Abs(filepath.FromSlash(f))
		if f == "-" || err != nil || !consumed[abs] {
			rest = append(rest, f)
		}
	}
	return renderings, rest, errs
}

// Running are the renderings that are running, by root (an absolute
// directory), shared by the runs of one process: a renderer that gives up
// waiting for a rendering it cannot stop (a kustomize build over its time
// limit) leaves it running, and no other rendering of that root should
// start until it ends. The zero value is ready to use; a nil *Running
// tracks nothing.
type Running struct {
	mu    sync.Mutex
	roots map[string]bool
}

// Start records that a rendering of root runs and returns true, unless
// one already does: it then returns false.
func (r *Running) Start(root string) bool {
	if r == nil {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.roots[root] {
		return false
	}
	if r.roots == nil {
		r.roots = map[string]bool{}
	}
	r.roots[root] = true
	return true
}

// Finish records that the rendering of root ended.
func (r *Running) Finish(root string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.roots, root)
	r.mu.Unlock()
}
