// Package kustomize renders kustomization roots for kvet's render stage,
// in-process with kustomize's Go API (sigs.k8s.io/kustomize/api, krusty)
// on the real file system with kustomize's default load restrictions, and
// maps every rendered field back to the base, patch or kustomization entry
// that set it (see sourcemap.go).
//
// kvet never accesses the network: a kustomization that names a remote
// base or file (a URL, a git repository) is not built at all; it gets a
// render-failed diagnostic at that entry.
package kustomize

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/abandon"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/render"
)

// Renderer renders kustomizations. The zero value is ready to use; a
// Renderer serves one run (it caches what kustomizations read).
type Renderer struct {
	timeout time.Duration   // of one build; 0: DefaultTimeout
	builds  *render.Running // builds running, shared by runs; or nil

	mu    sync.Mutex
	files map[string]map[string]bool // kustomization dir → files it reads, transitively
	kusts map[string]string          // dir → its kustomization file, or ""
}

// errStillRunning is a build not started because one of the same
// kustomization, given up on by an earlier run, still runs.
var errStillRunning = errors.New("an earlier build is still running")

// DefaultTimeout bounds one kustomize build when the renderer is given no
// limit: kustomize takes no context, and a tree of bases each included
// twice, a few levels more than a real repository has, builds for hours.
const DefaultTimeout = time.Minute

// New returns a kustomize renderer.
func New() *Renderer { return &Renderer{} }

// NewWithLimits returns a kustomize renderer whose builds stop after
// timeout (0: DefaultTimeout): the kustomization is then a render-failed,
// and the build is abandoned (it runs on, reading only, until it ends or
// the process exits). builds (nil: none) are shared by the renderers of
// one process's runs: while a build given up on still runs, no other
// build of that kustomization starts, so that a long-lived process (the
// language server, linting on every change) does not pile them up.
func NewWithLimits(timeout time.Duration, builds *render.Running) *Renderer {
	return &Renderer{timeout: timeout, builds: builds}
}

// Kind implements render.Renderer: kustomization roots are called overlays
// in messages ("in overlays production, staging").
func (*Renderer) Kind() string { return "overlay" }

// Names implements render.Renderer.
func (*Renderer) Names() []string { return []string{"Kustomization"} }

// Root implements render.Renderer: a kustomization file marks its
// directory.
func (*Renderer) Root(file, _ string) string {
	if slices.Contains(FileNames(), path.Base(file)) {
		return path.Dir(file)
	}
	return ""
}

// Includes implements render.Renderer: the local directories a
// kustomization names as resources, bases or components.
func (*Renderer) Includes(env *render.Env, dir string) []string {
	f, err := kustFile(dir)
	if err != nil || f == "" {
		return nil
	}
	// The path and the parse Render's visit uses: read once per run.
	_, docs, err := env.Documents(path.Join(dir, filepath.Base(f)))
	if err != nil {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	k := parseKustomization(docs, dir, abs)
	var out []string
	for _, e := range slices.Concat(k.resources, k.components) {
		if isRemote(e.value) {
			continue
		}
		display, abs := k.local(e.value)
		if st, err := os.Stat(abs); err == nil && st.IsDir() {
			out = append(out, display)
		}
	}
	return out
}

// Member implements the render stage's member lookup: the directory of
// the nearest kustomization, in file's directory or above it up to the
// working directory, that reads file (as a resource, a patch, a generator
// source, directly or through the kustomizations it includes). A patch
// named on the command line, as a pre-commit hook names staged files, is
// then linted through its overlay, never as an object of its own.
func (r *Renderer) Member(file, wd string) string {
	abs, ok := render.Abs(file, wd)
	if !ok || wd == "" {
		return ""
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if rel, err := filepath.Rel(wd, dir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return "" // not under the working directory
		}
		if r.kustomizationIn(dir) != "" && r.reads(dir, nil)[abs] {
			if filepath.IsAbs(filepath.FromSlash(file)) {
				return filepath.ToSlash(dir)
			}
			rel, _ := filepath.Rel(wd, dir)
			return filepath.ToSlash(rel)
		}
		if dir == wd || dir == filepath.Dir(dir) {
			return ""
		}
	}
}

// kustomizationIn returns the kustomization file of the absolute
// directory dir, or "" (cached).
func (r *Renderer) kustomizationIn(dir string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.kusts[dir]; ok {
		return f
	}
	f, _ := kustFile(dir)
	if r.kusts == nil {
		r.kusts = map[string]string{}
	}
	r.kusts[dir] = f
	return f
}

// reads returns the absolute paths of the local files that the
// kustomization in the absolute directory dir names, with those of the
// kustomizations it includes (cached; visiting guards against cycles).
func (r *Renderer) reads(dir string, visiting map[string]bool) map[string]bool {
	r.mu.Lock()
	if got, ok := r.files[dir]; ok {
		r.mu.Unlock()
		return got
	}
	r.mu.Unlock()
	out := map[string]bool{}
	name := r.kustomizationIn(dir)
	if name == "" {
		return out
	}
	data, err := safefile.Read(context.Background(), name, 0)
	if err != nil {
		return out
	}
	if visiting == nil {
		visiting = map[string]bool{}
	}
	visiting[dir] = true
	k := parseKustomization(analyzer.SourceDocuments(&analyzer.File{Path: name, Content: data}), dir, dir)
	for _, e := range k.paths() {
		if isRemote(e.value) {
			continue
		}
		_, target := k.local(e.value)
		st, err := os.Stat(target)
		switch {
		case err != nil:
		case st.IsDir():
			if !visiting[target] && r.kustomizationIn(target) != "" {
				for f := range r.reads(target, visiting) {
					out[f] = true
				}
			}
		default:
			out[target] = true
		}
	}
	r.mu.Lock()
	if r.files == nil {
		r.files = map[string]map[string]bool{}
	}
	r.files[dir] = out
	r.mu.Unlock()
	return out
}

// kustFile returns the kustomization file of dir (the first kustomize
// recognizes), or "".
func kustFile(dir string) (string, error) {
	for _, name := range FileNames() {
		p := filepath.Join(filepath.FromSlash(dir), name)
		st, err := os.Stat(p)
		if err == nil && !st.IsDir() {
			return p, nil
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	return "", nil
}

// build is the rendering of one root.
type build struct {
	env  *render.Env
	root *kustomization
	// kusts are the kustomizations read, by absolute directory.
	kusts map[string]*kustomization
	// order lists them in the order visited.
	order []*kustomization
	// remote are the entries that name remote content; missing those
	// that name local paths that do not exist; helm the Helm charts to
	// inflate.
	remote, missing, helm []located
	// patchFiles are the local patch files and generator sources named by
	// the kustomizations visited (read only through the rendering).
	patchFiles []string
	// parents are the kustomizations that include each one (see chain).
	parents map[*kustomization][]*kustomization
	// real is the root's directory with symbolic links resolved, as
	// kustomize sees it; paths resolves the root's parents (given).
	real  string
	paths realpath.Resolver
}

// located is an entry of a kustomization.
type located struct {
	k *kustomization
	e entry
	// atKey: the entry is a field's key (one kustomize does not know),
	// not its value.
	atKey bool
}

// Render implements render.Renderer.
func (r *Renderer) Render(ctx context.Context, env *render.Env, dir string) *analyzer.Rendering {
	out := &analyzer.Rendering{Root: dir, Kind: r.Kind()}
	abs, err := filepath.Abs(filepath.FromSlash(dir))
	if err != nil {
		return out
	}
	b := &build{env: env, kusts: map[string]*kustomization{}}
	b.root = b.visit(dir, abs, nil)
	if b.root == nil || b.root.doc == nil {
		// The kustomization does not parse: kustomize says why.
		b.root = &kustomization{dir: dir, abs: abs}
	}
	if b.root.kind == "Component" {
		// A component patches the kustomization that includes it; none
		// does among the linted paths, so there is nothing to render. Its
		// patches are not linted, its resources are, as they are.
		b.fail(out, located{k: b.root}, "")
		return out
	}
	if len(b.remote) > 0 {
		at := b.remote[0]
		b.fail(out, at, fmt.Sprintf("%s is remote and kvet never accesses the network, so the kustomization is not rendered "+
			"(lint the output of `kustomize build` with `kvet lint -`)", quote(at.e.value)))
		return out
	}
	if len(b.helm) > 0 {
		at := b.helm[0]
		b.fail(out, at, "Helm chart "+quote(at.e.value)+": kvet does not inflate the Helm charts of a kustomization (kustomize runs helm for them with --enable-helm, and helm downloads the chart), "+
			"so the kustomization is not rendered (lint the chart's directory, or the output of `kustomize build --enable-helm` with `kvet lint -`)")
		return out
	}
	if err := ctx.Err(); err != nil {
		return out
	}
	// kustomize works on the real path of the root (it resolves symbolic
	// links), and reports the files it reads there: they are mapped back
	// under the root as given, where discovery found them (a directory
	// named through a link, a working directory reached through one).
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		real = abs
	}
	b.real = real
	fs := &fileSystem{FileSystem: filesys.MakeFsOnDisk(), root: real, env: env}
	m, err := r.build(ctx, fs, abs)
	switch {
	case ctx.Err() != nil:
		return out // interrupted: the run reports it
	case errors.Is(err, errStillRunning):
		b.fail(out, located{k: b.root}, fmt.Sprintf("kustomize build %s not started: an earlier build of it, stopped after %v, is still running", dir, r.limit()))
		return out
	case errors.Is(err, errTimedOut):
		b.fail(out, located{k: b.root}, fmt.Sprintf("kustomize build %s stopped: it ran longer than %v (bases included many times over?); kustomize: timeout: in .kvet.yaml raises the limit", dir, r.limit()))
		return out
	}
	if err != nil {
		b.fail(out, b.culprit(err), "kustomize build "+dir+": "+relativeMessage(err.Error()))
		return out
	}
	resources := m.Resources()
	objects := make([]*object, len(resources))
	for i, res := range resources {
		objects[i] = b.object(res)
	}
	maxSize := cmp.Or(env.Loader.MaxFileSize, safefile.DefaultMaxSize)
	text, err := yamlStream(m, maxSize)
	switch {
	case errors.Is(err, errTooLarge):
		// As a file over --max-file-size is not read: bases included
		// many times over would take gigabytes to lint.
		b.fail(out, located{k: b.root}, fmt.Sprintf("kustomize build %s renders more than %s (%d objects), over the limit (--max-file-size); not linted",
			dir, safefile.FormatSize(maxSize), len(resources)))
		return out
	case err != nil:
		b.fail(out, located{k: b.root}, "kustomize build "+dir+": "+err.Error())
		return out
	}
	for _, p := range fs.read {
		if f, err := env.File(b.display(b.given(p))); err == nil && !slices.Contains(out.Files, f) {
			out.Files = append(out.Files, f)
		}
	}
	out.Rerender = func(ctx context.Context, f *analyzer.File, content []byte) ([]byte, bool) {
		// The path kustomize read the file at.
		i := slices.IndexFunc(fs.read, func(p string) bool { return b.display(b.given(p)) == f.Path })
		if i < 0 {
			return nil, false
		}
		edited := &fileSystem{FileSystem: filesys.MakeFsOnDisk(), root: real, env: env, replaced: fs.read[i], content: content}
		m, err := r.build(ctx, edited, abs)
		if err != nil {
			return nil, false
		}
		text, err := yamlStream(m, maxSize)
		return text, err == nil
	}
	rendered := &analyzer.File{Path: dir + " (kustomize build)", Content: text}
	docs, diags := env.Loader.ParseRendered(rendered, out, func(d *analyzer.Document) analyzer.SourceMap {
		if d.Index < len(objects) {
			return objects[d.Index]
		}
		return &object{b: b}
	})
	out.Docs = docs
	out.Diagnostics = append(out.Diagnostics, diags...)
	return out
}

// errTimedOut is a build stopped after the time limit; errTooLarge a
// rendering larger than the limit on a file's size.
var (
	errTimedOut = errors.New("kustomize build timed out")
	errTooLarge = errors.New("rendering too large")
)

// limit is the time limit of one build.
func (r *Renderer) limit() time.Duration { return cmp.Or(r.timeout, DefaultTimeout) }

// build runs kustomize on the kustomization at abs, reading through fs.
// kustomize takes no context, and a deep tree of bases (each included
// twice, a few levels down) keeps it busy for minutes: Ctrl-C does not
// wait for it, nor does the run wait longer than the time limit
// (errTimedOut); no build starts while an earlier build of the root, given
// up on, still runs (errStillRunning).
func (r *Renderer) build(ctx context.Context, fs *fileSystem, abs string) (resmap.ResMap, error) {
	bctx, cancel := context.WithTimeout(ctx, r.limit())
	defer cancel()
	m, err := abandon.Do(bctx, func() (resmap.ResMap, error) {
		if !r.builds.Start(abs) {
			return nil, errStillRunning
		}
		defer r.builds.Finish(abs)
		return runKustomize(fs, abs)
	})
	if errors.Is(err, context.DeadlineExceeded) && bctx.Err() != nil && ctx.Err() == nil {
		return nil, errTimedOut
	}
	return m, err
}

// yamlStream returns the objects of a build as one YAML stream, without
// kvet's own (origin) annotations, which are not part of the objects
// linted; errTooLarge when it is longer than maxSize.
func yamlStream(m resmap.ResMap, maxSize int64) ([]byte, error) {
	if err := m.RemoveOriginAnnotations(); err != nil {
		return nil, err
	}
	var text bytes.Buffer
	for i, res := range m.Resources() {
		y, err := res.AsYAML()
		if err != nil {
			return nil, err
		}
		if i > 0 {
			text.WriteString("---\n")
		}
		text.Write(y)
		if int64(text.Len()) > maxSize {
			return nil, errTooLarge
		}
	}
	return text.Bytes(), nil
}

// visit reads the kustomization of dir (once) and those it names,
// recording remote and missing entries. from is the entry that named dir.
func (b *build) visit(dir, abs string, from *located) *kustomization {
	if k := b.kusts[abs]; k != nil {
		return k
	}
	name, err := kustFile(abs)
	if err != nil || name == "" {
		return nil
	}
	_, docs, err := b.env.Documents(path.Join(dir, filepath.Base(name)))
	if err != nil {
		return nil
	}
	k := parseKustomization(docs, dir, abs)
	b.kusts[abs] = k
	b.order = append(b.order, k)
	for _, e := range k.paths() {
		if isRemote(e.value) {
			b.remote = append(b.remote, located{k: k, e: e})
			continue
		}
		display, target := k.local(e.value)
		st, err := os.Stat(target)
		switch {
		case err != nil:
			b.missing = append(b.missing, located{k: k, e: e})
		case st.IsDir():
			c := b.visit(display, target, &located{k: k, e: e})
			switch {
			case c == nil:
			case c.kind == "Component":
				if !slices.Contains(k.comps, c) {
					k.comps = append(k.comps, c)
				}
			case !slices.Contains(k.children, c):
				k.children = append(k.children, c)
			}
		default:
			if k.lists == nil {
				k.lists = map[string]bool{}
			}
			k.lists[target] = true
		}
	}
	for _, e := range k.helmCharts {
		b.helm = append(b.helm, located{k: k, e: e})
	}
	for _, p := range k.patches {
		if p.inline == nil && p.value != "" && !isRemote(p.value) {
			display, _ := k.local(p.value)
			b.patchFiles = append(b.patchFiles, display)
		}
	}
	for _, e := range k.files {
		if !isRemote(e.value) {
			display, _ := k.local(e.value)
			b.patchFiles = append(b.patchFiles, display)
		}
	}
	return k
}

// fail records the render-failed diagnostic of a root at entry at (none
// when msg is empty), and the files that are linted only through the
// rendering: every kustomization and patch visited (resource files are
// left to be linted as they are, and listed as the rendering's Partial).
func (b *build) fail(out *analyzer.Rendering, at located, msg string) {
	k := at.k
	if k == nil {
		k = b.root
	}
	var file *analyzer.File
	var rng analyzer.Range
	if k.doc != nil {
		file, rng = k.doc.Position(at.e.path, at.atKey)
	} else if f, err := b.env.File(b.kustPath(k)); err == nil {
		file = f
		rng = analyzer.Range{Start: analyzer.Position{Line: 1, Column: 1}, End: analyzer.Position{Line: 1, Column: 1 + len(f.Line(1))}}
	}
	for _, k := range b.order {
		if k.doc != nil && !slices.Contains(out.Files, k.doc.File) {
			out.Files = append(out.Files, k.doc.File)
		}
	}
	for _, p := range b.patchFiles {
		if f, err := b.env.File(p); err == nil && !slices.Contains(out.Files, f) {
			out.Files = append(out.Files, f)
		}
	}
	// The resource files are linted as they are, without what the root
	// would have added: a component adds nothing of its own.
	if b.root.kind != "Component" {
		for _, k := range b.order {
			for _, target := range slices.Sorted(maps.Keys(k.lists)) {
				if p := b.display(target); !slices.Contains(out.Partial, p) {
					out.Partial = append(out.Partial, p)
				}
			}
		}
	}
	if file == nil || msg == "" {
		return
	}
	d := analyzer.Diagnostic{
		RuleID: analyzer.IDRenderFailed, Severity: analyzer.SeverityWarning, Message: msg,
		File: file.Path, Range: rng,
	}
	out.Diagnostics = append(out.Diagnostics, d)
}

// kustPath returns the display path of a kustomization's file.
func (b *build) kustPath(k *kustomization) string {
	name, _ := kustFile(k.abs)
	return path.Join(k.dir, filepath.Base(name))
}

// culprit returns the entry at fault for a kustomize error: a missing
// path named in the message, the patch of the object the message names,
// an entry whose value the message quotes, else the first missing path,
// or else the root kustomization's first line.
func (b *build) culprit(err error) located {
	msg := err.Error()
	// A field kustomize does not know: at its key.
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		for _, k := range b.order {
			if k.doc == nil {
				continue
			}
			if key, _ := get(k.doc.Root(), m[1]); key != nil {
				return located{k: k, e: entry{path: analyzer.NewPath(m[1])}, atKey: true}
			}
		}
	}
	for _, m := range b.missing {
		if strings.Contains(msg, m.e.value) {
			return m
		}
	}
	// A patch that matches nothing is named by the id of its object
	// ("Deployment.v1.apps/absent.[noNs]").
	for i := len(b.order) - 1; i >= 0; i-- {
		k := b.order[i]
		for _, p := range k.patches {
			docs, _ := b.patchDocs(k, p)
			for _, d := range docs {
				if d.Kind != "" && d.Name != "" && strings.Contains(msg, d.Kind+".") && strings.Contains(msg, "/"+d.Name+".") {
					return located{k: k, e: p.entry}
				}
			}
		}
	}
	// A resource added twice fails at its second entry: the first one was
	// accepted.
	again := strings.Contains(msg, "already registered id")
	for i := len(b.order) - 1; i >= 0; i-- {
		k := b.order[i]
		var found *entry
		for _, e := range k.paths() {
			if quotes(msg, e.value) {
				if found != nil && !again {
					break
				}
				found = &e
			}
		}
		if found != nil {
			return located{k: k, e: *found}
		}
	}
	if len(b.missing) > 0 {
		return b.missing[0]
	}
	return located{k: b.root}
}

// unknownField finds the field of kustomize's error about a kustomization
// field it does not know (encoding/json's message).
var unknownField = regexp.MustCompile(`invalid Kustomization: json: unknown field "([^"]*)"`)

// quotes reports whether msg names value as a whole: between quotes or
// parentheses ('patch.yaml', path(patch.yaml)).
func quotes(msg, value string) bool {
	for i := 0; ; {
		j := strings.Index(msg[i:], value)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(value)
		if start > 0 && end < len(msg) && strings.ContainsRune("'\"(", rune(msg[start-1])) && strings.ContainsRune("'\")", rune(msg[end])) {
			return true
		}
		i = start + 1
	}
}

// given maps a path that kustomize read, under the real directory of the
// root or of one of its parents (kustomize's: a base beside the overlay),
// to the same file as spelled from the root's directory as given: under
// the nearest of the root and its parents whose real directory holds it.
func (b *build) given(p string) string {
	if b.real == "" || b.real == b.root.abs {
		return p
	}
	for dir := b.root.abs; ; dir = filepath.Dir(dir) {
		if rel, ok := b.paths.Under(dir, p); ok {
			return filepath.Join(dir, rel)
		}
		if dir == filepath.Dir(dir) {
			return p
		}
	}
}

// display turns an absolute path that kustomize read into a path as the
// root's directory was given (relative when it was).
func (b *build) display(abs string) string {
	rel, err := filepath.Rel(b.root.abs, abs)
	if err != nil || filepath.IsAbs(b.root.dir) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(filepath.Join(filepath.FromSlash(b.root.dir), rel))
}

// object builds the source map of one rendered resource from its origin
// annotation.
func (b *build) object(res *resource.Resource) *object {
	o := &object{b: b}
	origin, err := res.GetOrigin()
	if err != nil || origin == nil {
		return o
	}
	switch {
	case origin.ConfiguredIn != "":
		k := b.kustomizationAt(origin.ConfiguredIn)
		o.generated = k
		if k != nil {
			// The generator whose name, renamed along a path up to the
			// root, is the rendered one (exactly: generators named app
			// and app-extra are two).
			kind, rendered := res.GetKind(), res.GetName()
			o.chain = b.chain(k, "", func(path []*kustomization) bool {
				for _, g := range k.generators {
					if g.generates(kind, rendered, path) {
						if o.name == "" {
							o.generator, o.name = g.path, g.value
						}
						return true
					}
				}
				return false
			})
		}
	case origin.Path != "" && origin.Repo == "":
		abs := filepath.Join(b.root.abs, filepath.FromSlash(origin.Path))
		o.src = b.sourceDoc(b.display(abs), res)
		if o.src != nil {
			o.name = o.src.Name
		}
		var named func([]*kustomization) bool
		if o.name != "" {
			named = func(path []*kustomization) bool { return rename(o.name, path) == res.GetName() }
		}
		o.chain = b.chain(nil, abs, named)
	}
	return o
}

// chain returns the kustomizations whose transformers and patches ran on
// an object, in the order they ran: the one that lists the resource file
// (or generated the object), then those that include it, up to the root.
// kustomize's transformer annotations would say the same at a cost of a
// third of the build. An object reached along several paths (a base
// included twice) was renamed along one of them: the paths that named
// accepts (those whose prefixes and suffixes turn its source name into
// the rendered one; nil when the name is unknown) are the object's; when
// none or all are, it gets the kustomizations of all of them, and the
// values decide (see object.Source).
func (b *build) chain(owner *kustomization, file string, named func(path []*kustomization) bool) []*kustomization {
	if b.parents == nil {
		b.parents = map[*kustomization][]*kustomization{}
		for _, k := range b.order {
			for _, c := range slices.Concat(k.children, k.comps) {
				b.parents[c] = append(b.parents[c], k)
			}
		}
	}
	var starts []*kustomization
	if owner != nil {
		starts = append(starts, owner)
	}
	for _, k := range b.order {
		if file != "" && k.lists[file] {
			starts = append(starts, k)
		}
	}
	// The paths up to the root, each in the order its kustomizations ran:
	// a kustomization's components patch what it accumulated, before its
	// own transformers run. Bases included many times over have
	// exponentially many paths: past maxPaths, they are not told apart.
	const maxPaths = 64
	var paths [][]*kustomization
	var up func(k *kustomization, path []*kustomization)
	up = func(k *kustomization, path []*kustomization) {
		if len(paths) > maxPaths || slices.Contains(path, k) {
			return
		}
		var add func(k *kustomization)
		add = func(k *kustomization) {
			if slices.Contains(path, k) {
				return
			}
			for _, c := range k.comps {
				add(c)
			}
			path = append(path, k)
		}
		path = slices.Clip(path)
		add(k)
		if len(b.parents[k]) == 0 {
			paths = append(paths, path)
		}
		for _, p := range b.parents[k] {
			up(p, path)
		}
	}
	for _, k := range starts {
		up(k, nil)
	}
	if named != nil && len(paths) <= maxPaths {
		var kept [][]*kustomization
		for _, p := range paths {
			if named(p) {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 {
			paths = kept
		}
	}
	var out []*kustomization
	for _, p := range paths {
		for _, k := range p {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// kustomizationAt returns the kustomization whose file is at path
// (relative to the root, as kustomize writes configuredIn).
func (b *build) kustomizationAt(p string) *kustomization {
	abs := filepath.Dir(filepath.Join(b.root.abs, filepath.FromSlash(p)))
	return b.kusts[abs]
}

// sourceDoc returns the document of file that res was read from: the one
// of the same kind whose name res's name contains (exactly equal first,
// else the longest), and of those the one in res's namespace, looking into
// List items too.
func (b *build) sourceDoc(file string, res *resource.Resource) *analyzer.Document {
	f, docs, err := b.env.Documents(file)
	if err != nil {
		return nil
	}
	kind, name, ns := res.GetKind(), res.GetName(), res.GetNamespace()
	var cands []*analyzer.Document
	for _, d := range docs {
		if strings.HasSuffix(d.Kind, "List") {
			if _, items := get(d.Root(), "items"); items != nil && items.Kind == yaml.SequenceNode {
				for _, it := range items.Content {
					cands = append(cands, analyzer.SourceDocument(f, it))
				}
				continue
			}
		}
		cands = append(cands, d)
	}
	score := func(d *analyzer.Document) [2]int {
		var s [2]int
		switch {
		case d.Name == name:
			s[0] = len(name) + 1
		case strings.Contains(name, d.Name):
			s[0] = len(d.Name)
		}
		if d.Namespace == ns {
			s[1] = 1
		}
		return s
	}
	var best *analyzer.Document
	var bestScore [2]int
	for _, d := range cands {
		if d.Kind != kind {
			continue
		}
		if s := score(d); best == nil || s[0] > bestScore[0] || s[0] == bestScore[0] && s[1] > bestScore[1] {
			best, bestScore = d, s
		}
	}
	if best != nil {
		return best
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

// fileSystem is the real file system as kustomize sees it for kvet: files
// are read through the run's Env (an editor's unsaved buffer instead of the
// file on disk; else the loader's bounded read: a named pipe, a device or a
// file over --max-file-size is an error of the build, never a hang) and the
// reads are recorded (they are the files linted through the rendering), the
// root kustomization gets kvet's build metadata (origin annotations,
// stripped again before linting), and nothing can be written.
type fileSystem struct {
	filesys.FileSystem
	root string
	read []string
	env  *render.Env // reads go through the loader's bounded read
	// replaced is a file (as kustomize reads it) whose text is content
	// instead, to render a fix's edit (see Rendering.Rerender).
	replaced string
	content  []byte
}

var errReadOnly = errors.New("kvet does not write files")

// ReadFile implements filesys.FileSystem.
func (fs *fileSystem) ReadFile(p string) ([]byte, error) {
	data, err := fs.env.ReadFile(p)
	if p == fs.replaced && p != "" {
		data, err = fs.content, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if !slices.Contains(fs.read, p) {
		fs.read = append(fs.read, p)
	}
	if slices.Contains(FileNames(), filepath.Base(p)) {
		// Render does not build a kustomization that names remote
		// content; should one get through, kustomize gets an error
		// instead of the file (it then reports the kustomization
		// missing), never the chance to run git.
		if r := remoteEntry(data); r != "" {
			return nil, fmt.Errorf("reading %s: %s is remote and kvet never accesses the network", p, quote(r))
		}
		if filepath.Dir(p) == fs.root {

			return withBuildMetadata(data), nil
		}
	}
	return data, nil
}

// Create implements filesys.FileSystem: kvet never writes.
func (*fileSystem) Create(string) (filesys.File, error) { return nil, errReadOnly }

// Mkdir implements filesys.FileSystem: kvet never writes.
func (*fileSystem) Mkdir(string) error { return errReadOnly }

// MkdirAll implements filesys.FileSystem: kvet never writes.
func (*fileSystem) MkdirAll(string) error { return errReadOnly }

// RemoveAll implements filesys.FileSystem: kvet never writes.
func (*fileSystem) RemoveAll(string) error { return errReadOnly }

// WriteFile implements filesys.FileSystem: kvet never writes.
func (*fileSystem) WriteFile(string, []byte) error { return errReadOnly }

// runKustomize builds the kustomization at abs. Kustomize panics on some
// malformed objects instead of failing (a RoleBinding subject that is a
// string, not a mapping, fails a type assertion in its name-reference
// transformer): a panic is this root's error, as kustomize's errors are,
// and not the end of the run.
func runKustomize(fs filesys.FileSystem, abs string) (m resmap.ResMap, err error) {
	defer func() {
		if p := recover(); p != nil {
			m, err = nil, fmt.Errorf("kustomize failed with an internal error (%v), often a malformed object in a resource", p)
		}
	}()
	return krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, abs)
}

// withBuildMetadata returns a kustomization with buildMetadata asking for
// origin annotations (kept: managedByLabel), or data itself when it does
// not parse as a mapping. A transformerAnnotations request of the user's
// is dropped: kvet does not need it, and it costs a third of a build.
// The text is edited where the field is (or added before the first key),
// not re-serialised: any file kustomize accepts is still one (a literal
// block that starts with a blank line does not survive a round trip).
func withBuildMetadata(data []byte) []byte {
	// A byte order mark would start the first key's line once a key is
	// inserted before it, and be read as part of that key.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data
	}
	m := doc.Content[0]
	want := []string{"originAnnotations"}
	key, v := field(m, "buildMetadata")
	if v != nil && v.Kind == yaml.SequenceNode {
		for _, n := range v.Content {
			if n.Value == "managedByLabel" {
				want = append(want, n.Value)
			}
		}
	}
	value := "[" + strings.Join(want, ", ") + "]"
	edit := func(start, end int, text string) []byte {
		return slices.Concat(data[:start], []byte(text), data[end:])
	}
	switch {
	case key != nil && v != nil && v.Kind == yaml.ScalarNode && v.Tag == "!!null" || key != nil && v != nil && v.Kind == yaml.SequenceNode:
		// The value, from the key's colon to its last line (the end of
		// a flow sequence: its closing bracket).
		start := offset(data, key.Line, key.Column)
		colon := bytes.IndexByte(data[start:], ':')
		if start < 0 || colon < 0 {
			return data
		}
		start += colon + 1
		end := lineEnd(data, lastLine(v))
		if v.Style&yaml.FlowStyle != 0 {
			vs := offset(data, v.Line, v.Column)
			closing := bytes.IndexByte(data[max(vs, 0):], ']')
			if vs < 0 || closing < 0 {
				return data
			}
			end = vs + closing + 1
		}
		if end < start {
			return data
		}
		return edit(start, end, " "+value)
	case key != nil:
		return data // not a list: kustomize says so
	case m.Style&yaml.FlowStyle != 0:
		at := offset(data, m.Line, m.Column)
		if at < 0 || data[at] != '{' {
			return data
		}
		return edit(at+1, at+1, "buildMetadata: "+value+", ")
	case len(m.Content) == 0:
		return data
	}
	// Before the first key, which moves to the next line at its column.
	first := m.Content[0]
	at := offset(data, first.Line, first.Column)
	if at < 0 {
		return data
	}
	return edit(at, at, "buildMetadata: "+value+"\n"+strings.Repeat(" ", first.Column-1))
}

// offset returns the byte offset in data of a node's line and column (1-based,
// the column counted in characters), or -1.
func offset(data []byte, line, col int) int {
	start := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(data[start:], '\n')
		if i < 0 {
			return -1
		}
		start += i + 1
	}
	at := start
	for c := 1; c < col; c++ {
		if at >= len(data) || data[at] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(data[at:])
		at += size
	}
	return at
}

// lineEnd returns the byte offset of the end of line (before its line
// break), or len(data).
func lineEnd(data []byte, line int) int {
	start := offset(data, line, 1)
	if start < 0 {
		return len(data)
	}
	i := bytes.IndexByte(data[start:], '\n')
	if i < 0 {
		return len(data)
	}
	end := start + i
	if end > start && data[end-1] == '\r' {
		end--
	}
	return end
}

// lastLine returns the last line that n or a node under it starts on.
func lastLine(n *yaml.Node) int {
	line := n.Line
	for _, c := range n.Content {
		line = max(line, lastLine(c))
	}
	return line
}

// relativeMessage shortens kustomize's absolute paths in a message to
// paths relative to the working directory.
func relativeMessage(msg string) string {
	if wd, err := os.Getwd(); err == nil {
		msg = strings.ReplaceAll(msg, wd+string(filepath.Separator), "")
	}
	return msg
}

func quote(s string) string { return "\"" + s + "\"" }
