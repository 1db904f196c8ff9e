package lsp

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
)

// workspace lints open documents the way `kvet lint` lints files, with the
// other manifests of their workspace folder as context for the rules that
// see every document (RBAC references): those are read from disk, or from
// the open buffer when the file is open, parsed once and parsed again only
// when they change. Linters (configuration, rules, compiled policies) are
// kept per configuration file and rebuilt when the file, a policy file or
// the baseline changes. Its methods are called with the server's lintMu
// held.
type workspace struct {
	s      *Server
	loader *analyzer.Loader
	cycle  int

	// stale is set when files may have changed on disk (a watched file
	// changed, a document was saved or closed): the next lint reads the
	// folders again. forced is its value for the current lint.
	stale  atomic.Bool
	forced bool
	// touched are the files the client reported changed on disk since the
	// last lint (absolute paths; guarded by touchedMu), and touchedNow
	// those of the current lint: a chart or a failed rendering holding
	// one is rendered again, whether it is a manifest or not (a chart's
	// _helpers.tpl; see renderedRoot.again).
	touchedMu  sync.Mutex
	touched    map[string]bool
	touchedNow map[string]bool

	linters map[string]*linterEntry    // by configuration file ("" for none)
	roots   map[string]*rootCache      // by workspace folder
	renders map[[2]string]*renderState // by configuration file and workspace folder
	loose   map[string]*parsed         // open documents outside every folder, by URI
	shown   map[string]bool            // configuration errors already shown to the user
}

func newWorkspace(s *Server) *workspace {
	return &workspace{
		s: s, loader: analyzer.NewLoader(nil),
		linters: map[string]*linterEntry{}, roots: map[string]*rootCache{}, renders: map[[2]string]*renderState{},
		loose: map[string]*parsed{}, shown: map[string]bool{},
	}
}

// linterEntry is the linter of one configuration file.
type linterEntry struct {
	cfgPath string
	sig     string // of the files it was built from (see signature)
	// cfg is the configuration it was built from (nil: none, or it did
	// not load), for comparing sig with the disk: its policies and
	// baseline count even when they failed to load.
	cfg     *config.Config
	checked int // cycle in which sig was last compared with the disk
	lt      *linter.Linter
	loader  *analyzer.Loader // with the configuration's file size limit
	// maxFindings caps the findings shown per rule (see
	// analyzer.CapFindings).
	maxFindings int
	baseline    *config.Baseline
	err         error // the configuration or a policy is broken
}

// parsed is one file, parsed.
type parsed struct {
	file  *analyzer.File
	docs  []*analyzer.Document
	diags []analyzer.Diagnostic // the loader's (yaml-syntax, unknown-field, ...)

	// A file read from disk is identified by its modification time and
	// size, an open buffer by its version.
	modTime time.Time
	size    int64
	buffer  bool
	version int

	// perDoc are the findings of the per-document rules, loader
	// diagnostics included, computed with perDocBy.
	perDoc   []analyzer.Diagnostic
	perDocBy *linter.Linter
}

// rootCache holds the parsed manifests of one workspace folder.
type rootCache struct {
	files     map[string]*parsed // by absolute path
	refreshed int                // cycle
	walkedAt  time.Time          // last comparison with the disk

	// What the last refresh found: the files parsed again or dropped,
	// whether files were added or dropped, and whether the disk was
	// compared.
	changed     map[string]bool
	listChanged bool
	walked      bool
}

// rewalkAfter is how long the disk is trusted, when the client does not
// watch files for the server, before the folder is walked again.
const rewalkAfter = time.Second

// lint lints the open documents targets (URIs) and returns their results,
// by URI. folders are the workspace folders, open every open document.
func (w *workspace) lint(ctx context.Context, folders []string, open []snapshot, targets []string) map[string]*result {
	w.cycle++
	w.forced = w.stale.Swap(false)
	w.touchedMu.Lock()
	w.touchedNow, w.touched = w.touched, nil
	w.touchedMu.Unlock()
	byURI := make(map[string]snapshot, len(open))
	for _, o := range open {
		byURI[o.uri] = o
	}
	for uri := range w.loose {
		if _, ok := byURI[uri]; !ok {
			delete(w.loose, uri)
		}
	}
	for root := range w.roots {
		if !slices.Contains(folders, root) {
			delete(w.roots, root)
		}
	}
	for key := range w.renders {
		if !slices.Contains(folders, key[1]) {
			delete(w.renders, key)
		}
	}
	type group struct {
		entry   *linterEntry
		root    string
		targets map[string]bool
	}
	groups := map[[2]string]*group{}
	var order [][2]string
	for _, uri := range targets {
		o, ok := byURI[uri]
		if !ok {
			continue
		}
		entry := w.linterFor(o, folders)
		root := rootOf(folders, o.path)
		key := [2]string{entry.cfgPath, root}
		g := groups[key]
		if g == nil {
			g = &group{entry: entry, root: root, targets: map[string]bool{}}
			groups[key] = g
			order = append(order, key)
		}
		g.targets[uri] = true
	}
	results := map[string]*result{}
	for _, key := range order {
		g := groups[key]
		w.lintGroup(ctx, g.entry, g.root, open, g.targets, results)
	}
	return results
}

// lintGroup lints the targets that share a linter and a workspace folder.
func (w *workspace) lintGroup(ctx context.Context, entry *linterEntry, root string, open []snapshot, targets map[string]bool, results map[string]*result) {
	if entry.err != nil {
		if msg := entry.err.Error(); !w.shown[msg] {
			w.shown[msg] = true
			w.s.showf(messageError, "%s", msg)
		}
		w.s.logf(messageError, "%v", entry.err)
		for _, o := range open {
			if targets[o.uri] {
				results[o.uri] = &result{version: o.version}
			}
		}
		return
	}
	lt := entry.lt
	setRules := slices.ContainsFunc(lt.Enabled, func(r *analyzer.Rule) bool { return r.RunSet != nil })
	checker := analyzer.NewChecker(lt.Enabled, lt.Options)
	// The folder's manifests are read for rules that see every document,
	// and for the render stage, which finds the folder's roots among them.
	var rc *rootCache
	var rs *renderState
	if root != "" && (setRules || lt.Render) {
		var names []string
		if lt.Render {
			names = lt.Renderer().Names()
		}
		rc = w.refresh(ctx, entry.loader, root, open, names)
		rendered := false
		if lt.Render {
			rs, rendered = w.render(ctx, entry, root, rc, open, checker)
		}
		// Cross-document findings of the other open documents of the
		// folder may change too, and so may the findings of those that a
		// root rendered again reads, or no longer reads.
		if setRules || rendered {
			for _, o := range open {
				if o.path != "" && rootOf([]string{root}, o.path) == root && w.linterFor(o, []string{root}) == entry {
					targets[o.uri] = true
				}
			}
		}
	}
	files := map[string]*parsed{}
	for _, o := range open {
		if !targets[o.uri] {
			continue
		}
		if p := w.parsedOf(ctx, entry.loader, rc, o); p != nil {
			files[o.uri] = p
		}
	}
	var setDiags map[string][]analyzer.Diagnostic
	if setRules {
		var docs []*analyzer.Document
		if rc != nil {
			for _, path := range slices.Sorted(maps.Keys(rc.files)) {
				if !lt.Skipped(path) && (rs == nil || !rs.consumed[path]) {
					docs = append(docs, rc.files[path].docs...)
				}
			}
		} else {
			for _, p := range files {
				docs = append(docs, p.docs...)
			}
		}
		// What kvet lint reads as it is from a root that did not render
		// is a partial set (analyzer.Document.Partial).
		var renderings []*analyzer.Rendering
		if rs != nil {
			for _, dir := range slices.Sorted(maps.Keys(rs.roots)) {
				if r := rs.roots[dir].r; r != nil {
					renderings = append(renderings, r)
				}
			}
		}
		analyzer.MarkPartial(filesOf(docs), renderings)
		setDiags = map[string][]analyzer.Diagnostic{}
		all := checker.Set(ctx, docs)
		if root != "" {
			relative(all, root)
		}
		for _, d := range all {
			setDiags[d.File] = append(setDiags[d.File], d)
		}
	}
	for _, o := range open {
		p := files[o.uri]
		if !targets[o.uri] || p == nil {
			continue
		}
		res := &result{version: o.version, json: o.json, file: p.file, docs: p.docs, lt: lt}
		results[o.uri] = res
		if rs != nil && rs.consumed[o.path] {
			// Linted through the renderings that read it, whether the
			// configuration excludes it or not, as kvet lint does.
			if err := protect(func() { res.setFindings(rs.findings(ctx, entry, p.file, o.path), entry.maxFindings) }); err != nil {
				w.s.logf(messageError, "linting %s: %v", o.name, err)
			}
			continue
		}
		if lt.Skipped(o.name) {
			continue
		}
		if err := protect(func() { res.setFindings(w.findings(ctx, checker, entry, p, setDiags[p.file.Path]), entry.maxFindings) }); err != nil {
			w.s.logf(messageError, "linting %s: %v", o.name, err)
		}
	}
	for _, err := range checker.Errors() {
		w.s.logf(messageError, "%v", err)
	}
}

// filesOf returns the files of docs, each once, in order.
func filesOf(docs []*analyzer.Document) []*analyzer.File {
	var out []*analyzer.File
	seen := map[*analyzer.File]bool{}
	for _, d := range docs {
		if !seen[d.File] {
			seen[d.File] = true
			out = append(out, d.File)
		}
	}
	return out
}

// relative rewrites the paths under folder that the messages of diags and
// of their related locations name (the files of an RBAC chain, a root that
// fails to render) relative to it, as kvet lint run in the folder names
// them.
func relative(diags []analyzer.Diagnostic, folder string) {
	prefix := filepath.ToSlash(folder) + "/"
	for i := range diags {
		d := &diags[i]
		d.Message = strings.ReplaceAll(d.Message, prefix, "")
		d.Related = slices.Clone(d.Related)
		for j := range d.Related {
			d.Related[j].Message = strings.ReplaceAll(d.Related[j].Message, prefix, "")
		}
	}
}

// findings returns the findings of one parsed file that are not
// suppressed: the per-document rules' (kept while the file and the linter
// stay the same), then the set rules' (setDiags), with the suppressions
// and baseline applied as kvet lint applies them; not yet capped (see
// result.setFindings).
func (w *workspace) findings(ctx context.Context, checker *analyzer.Checker, entry *linterEntry, p *parsed, setDiags []analyzer.Diagnostic) []analyzer.Diagnostic {
	if p.perDocBy != entry.lt {
		diags := checker.LoadDiagnostics(p.diags)
		for _, d := range p.docs {
			diags = append(diags, checker.Document(ctx, d)...)
		}
		p.perDoc, p.perDocBy = diags, entry.lt
	}
	diags := slices.Concat(p.perDoc, setDiags)
	analyzer.Sort(diags)
	set := &analyzer.Set{Files: []*analyzer.File{p.file}, Docs: p.docs, Diagnostics: p.diags}
	diags = entry.lt.Suppress(set, diags)
	if entry.baseline != nil {
		entry.baseline.Apply(diags, []string{p.file.Path}, entry.lt.Enabled)
	}
	var shown []analyzer.Diagnostic
	for _, d := range diags {
		if !d.Suppressed() {
			shown = append(shown, d)
		}
	}
	return shown
}

// parsedOf returns the parse of the open document o: from its folder's
// cache, or parsed now (and kept) when it is outside every folder.
func (w *workspace) parsedOf(ctx context.Context, loader *analyzer.Loader, rc *rootCache, o snapshot) *parsed {
	if rc != nil && o.path != "" {
		if p := rc.files[o.path]; p != nil {
			return p
		}
	}
	if p := w.loose[o.uri]; p != nil && p.version == o.version {
		return p
	}
	// A document that is not a file ("untitled:") is named by its URI,
	// which the overlay holds as it holds any path.
	key := o.path
	if key == "" {
		var err error
		if key, err = filepath.Abs(o.name); err != nil {
			return nil
		}
	}
	set := loader.WithOverlay(map[string][]byte{key: o.text}).Load(ctx, []string{o.name})
	p := split(set)[filepath.FromSlash(o.name)]
	if p == nil {
		return nil
	}
	p.buffer, p.version = true, o.version
	w.loose[o.uri] = p
	return p
}

// refresh brings the cache of the folder root up to date with the disk and
// the open buffers, once per cycle: files whose modification time, size
// or buffer version changed are parsed again, removed files are dropped.
// names are the extension-less file names the render stage needs found
// (kustomize's Kustomization).
func (w *workspace) refresh(ctx context.Context, loader *analyzer.Loader, root string, open []snapshot, names []string) *rootCache {
	rc := w.roots[root]
	if rc == nil {
		rc = &rootCache{files: map[string]*parsed{}}
		w.roots[root] = rc
	}
	if rc.refreshed == w.cycle {
		return rc
	}
	rc.refreshed = w.cycle
	rc.changed, rc.listChanged = map[string]bool{}, false
	buffers := map[string]snapshot{}
	overlay := map[string][]byte{}
	for _, o := range open {
		if o.path != "" && rootOf([]string{root}, o.path) == root {
			buffers[o.path] = o
			overlay[o.path] = o.text
		}
	}
	// The disk is compared (a walk, and a stat of each file) the first
	// time, after a change was reported, and, when the client does not
	// watch files for the server, once rewalkAfter has passed; otherwise
	// only the open buffers are compared.
	seen := map[string]bool{}
	var load []string
	stats := map[string]fs.FileInfo{}
	walk := rc.walkedAt.IsZero() || w.forced || !w.s.watching.Load() && time.Since(rc.walkedAt) > rewalkAfter
	rc.walked = walk
	if walk {
		rc.walkedAt = time.Now()
		found, _ := analyzer.Discover([]string{root}, names...)
		for _, name := range found {
			path := filepath.FromSlash(name)
			if _, ok := buffers[path]; ok {
				continue // below
			}
			seen[path] = true
			old := rc.files[path]
			st, err := os.Stat(path)
			if err != nil {
				delete(rc.files, path)
				continue
			}
			stats[path] = st
			if old == nil || old.buffer || !old.modTime.Equal(st.ModTime()) || old.size != st.Size() {
				load = append(load, path)
			}
		}
	} else {
		for path, p := range rc.files {
			if !p.buffer {
				seen[path] = true
			}
		}
	}
	for path, b := range buffers {
		seen[path] = true
		if old := rc.files[path]; old == nil || !old.buffer || old.version != b.version {
			load = append(load, path)
		}
	}
	for path := range rc.files {
		// Removed from disk, or a buffer closed since (read from disk again
		// at the next walk, which closing a document forces).
		if !seen[path] {
			delete(rc.files, path)
			rc.changed[path], rc.listChanged = true, true
		}
	}
	for _, path := range load {
		if rc.files[path] == nil {
			rc.listChanged = true
		}
		rc.changed[path] = true
	}
	if len(load) == 0 {
		return rc
	}
	set := loader.WithOverlay(overlay).Load(ctx, load)
	for _, err := range set.Errors {
		w.s.logf(messageWarning, "%v", err)
	}
	for path, p := range split(set) {
		if b, ok := buffers[path]; ok {
			p.buffer, p.version = true, b.version
		} else if st := stats[path]; st != nil {
			p.modTime, p.size = st.ModTime(), st.Size()
		}
		rc.files[path] = p
	}
	return rc
}

// split groups a loaded set by file.
func split(set *analyzer.Set) map[string]*parsed {
	out := make(map[string]*parsed, len(set.Files))
	for _, f := range set.Files {
		out[filepath.FromSlash(f.Path)] = &parsed{file: f}
	}
	for _, d := range set.Docs {
		if p := out[filepath.FromSlash(d.File.Path)]; p != nil {
			p.docs = append(p.docs, d)
		}
	}
	for _, d := range set.Diagnostics {
		if p := out[filepath.FromSlash(d.File)]; p != nil {
			p.diags = append(p.diags, d)
		}
	}
	return out
}

// touch records that the file at path (absolute) changed on disk, and
// that the folders must be compared with the disk at the next lint.
func (w *workspace) touch(path string) {
	w.touchedMu.Lock()
	if w.touched == nil {
		w.touched = map[string]bool{}
	}
	w.touched[path] = true
	w.touchedMu.Unlock()
	w.stale.Store(true)
}

// rootOf returns the innermost folder that contains path, or "".
func rootOf(folders []string, path string) string {
	best := ""
	if path == "" {
		return ""
	}
	for _, f := range folders {
		if under(f, path) && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// linterFor returns the linter of the open document o: that of the
// configuration file found from its directory (as kvet lint finds it from
// the working directory), rebuilt when that file, one of its policies or
// its baseline changed on disk.
func (w *workspace) linterFor(o snapshot, folders []string) *linterEntry {
	dir := filepath.Dir(o.path)
	if o.path == "" {
		if len(folders) == 0 {
			wd, err := os.Getwd()
			if err != nil {
				return &linterEntry{cfgPath: "\x00error", err: fmt.Errorf("finding configuration: %w", err)}
			}
			folders = []string{wd}
		}
		dir = folders[0]
	}
	cfgPath, err := config.Find(dir)
	if err != nil {
		return &linterEntry{cfgPath: "\x00error " + dir, err: err}
	}
	e := w.linters[cfgPath]
	if e != nil && e.checked == w.cycle {
		return e
	}
	if e != nil {
		e.checked = w.cycle
		if e.sig == signature(cfgPath, e.cfg) {
			return e
		}
	}
	e = w.buildLinter(cfgPath)
	e.checked = w.cycle
	w.linters[cfgPath] = e
	return e
}

// buildLinter reads the configuration file cfgPath ("" for none) and sets
// up its linter, compiling its policies, and loads its baseline.
func (w *workspace) buildLinter(cfgPath string) *linterEntry {
	e := &linterEntry{cfgPath: cfgPath, maxFindings: analyzer.DefaultMaxFindings}
	var cfg *config.Config
	if cfgPath != "" {
		var err error
		if cfg, err = config.Load(context.Background(), cfgPath, 0); err != nil {
			e.err = err
			e.sig = signature(cfgPath, nil)
			return e
		}
	}
	e.cfg = cfg
	var s linter.Settings
	loader := *w.loader
	if cfg != nil {
		s.MaxFileSize, loader.MaxFileSize = cfg.MaxFileSize, cfg.MaxFileSize
		if cfg.MaxFindings != nil {
			e.maxFindings = *cfg.MaxFindings
		}
	}
	e.loader = &loader
	lt, err := linter.New(cfg, s)
	if err != nil {
		e.err = err
		e.sig = signature(cfgPath, cfg)
		return e
	}
	if w.s.opts.adjust != nil {
		w.s.opts.adjust(lt)
	}
	e.lt = lt
	e.sig = signature(cfgPath, cfg)
	if cfg != nil && cfg.Baseline != "" {
		b, err := config.LoadBaseline(context.Background(), cfg.Resolve(cfg.Baseline), cfg.MaxFileSize)
		if err != nil {
			w.s.showf(messageWarning, "%v (findings are shown without the baseline)", err)
		}
		e.baseline = b
	}
	clear(w.shown)
	w.s.logf(messageInfo, "configuration %s loaded: %d rules enabled", cmp.Or(cfgPath, "(none: defaults)"), len(lt.Enabled))
	return e
}

// signature identifies the state on disk of what a linter is built from:
// the configuration file cfgPath, and of cfg (nil when it did not load)
// its policy directories and their Rego files and its baseline
// (modification times and sizes, or missing): a policy directory created
// after a failed load is picked up.
func signature(cfgPath string, cfg *config.Config) string {
	if cfgPath == "" {
		return ""
	}
	var b strings.Builder
	stamp := func(path string) {
		if st, err := os.Stat(path); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", path, st.ModTime().UnixNano(), st.Size())
		} else {
			fmt.Fprintf(&b, "%s missing\n", path)
		}
	}
	stamp(cfgPath)
	if cfg == nil {
		// The file did not load: only its own changes matter.
		return b.String()
	}
	for _, dir := range cfg.PolicyDirs() {
		stamp(dir) // a directory created (or removed) counts too
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".rego") {
				stamp(path)
			}
			return nil
		})
	}
	if cfg.Baseline != "" {
		stamp(cfg.Resolve(cfg.Baseline))
	}
	return b.String()
}

// file returns the parsed file name from the caches (for related
// locations in other files), or nil.
func (w *workspace) file(name string) *analyzer.File {
	path := filepath.FromSlash(name)
	for _, rc := range w.roots {
		if p := rc.files[path]; p != nil {
			return p.file
		}
	}
	for _, p := range w.loose {
		if p.file.Path == name {
			return p.file
		}
	}
	return nil
}

// protect runs fn, turning a panic into an error.
func protect(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	fn()
	return nil
}
