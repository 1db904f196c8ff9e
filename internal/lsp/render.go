package lsp

import (
	"context"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// renderState is what the render stage made of one workspace folder under
// one linter, as `kvet lint FOLDER` renders it: the folder's roots
// (Kustomize overlays, Helm charts), each root's last rendering with the
// rules' findings on it, and the files each depends on, so that a change
// renders again only the roots it affects. Open documents that a rendering
// reads get their findings from the renderings, at their source lines.
type renderState struct {
	lt    *linter.Linter
	roots map[string]*renderedRoot // by directory (absolute, slash-separated)
	// markers are the folder's files that mark a root (kustomization
	// files, Chart.yaml, templates), by absolute path.
	markers map[string]bool
	// consumed are the files linted only through a rendering: the
	// markers, and every file a rendering read.
	consumed map[string]bool
}

// renderedRoot is one root and its last rendering.
type renderedRoot struct {
	root render.Root
	r    *analyzer.Rendering // nil before the first rendering
	// diags are the rules' findings on the rendering, neither merged with
	// other renderings' nor suppressed.
	diags []analyzer.Diagnostic
	// deps are the files the rendering read or owns, with their state when
	// it was made, by absolute path.
	deps map[string]stamp
}

// stamp identifies a version of a file: an open buffer's version, or the
// modification time and size of the file on disk (size -1: missing).
type stamp struct {
	buffer  bool
	version int
	modTime time.Time
	size    int64
}

// stampOf returns the current stamp of the file at path (absolute); when
// the file is not open, from disk only if disk is set, else ok is false.
func stampOf(path string, buffers map[string]snapshot, disk bool) (s stamp, ok bool) {
	if b, open := buffers[path]; open {
		return stamp{buffer: true, version: b.version}, true
	}
	if !disk {
		return stamp{}, false
	}
	st, err := os.Stat(path)
	if err != nil {
		return stamp{size: -1}, true
	}
	return stamp{modTime: st.ModTime(), size: st.Size()}, true
}

// changed reports whether a file the rendering depends on changed since:
// an open buffer's version, a buffer opened or closed, or, when the disk is
// compared (walked), the file on disk.
func (rr *renderedRoot) changed(buffers map[string]snapshot, walked bool) bool {
	for p, old := range rr.deps {
		now, ok := stampOf(p, buffers, walked)
		switch {
		case ok && now != old:
			return true
		case !ok && old.buffer:
			return true // closed: the file on disk counts again
		}
	}
	return false
}

// again reports whether the root must be rendered again, given the files
// that changed (absolute paths: parsed again, dropped, or reported changed
// on disk), whether files were added to or dropped from the folder, and
// the open buffers. A rendering records the files it read (deps), so a
// root is rendered again when one of them changed, not when another file
// of its directory did. Two kinds of rendering record less than they
// depend on:
//   - a chart reads files that it does not record (helpers in .tpl files,
//     .Files.Get): it is rendered again when any file of its directory
//     changed;
//   - a failed rendering (render-failed) stopped before recording what it
//     read: it is rendered again when a file changed under its directory
//     or under that of a kustomization it read (its bases), and when files
//     were added or dropped (the file it missed may have been added).
//
// An added file cannot change a rendering that succeeded, except a second
// kustomization file in a directory it read (kustomize fails on two): a
// kustomization that names a missing file fails, and a file it does not
// name is not read.
func (rr *renderedRoot) again(changed map[string]bool, listChanged bool, buffers map[string]snapshot, walked bool) bool {
	if rr.r == nil || rr.changed(buffers, walked) {
		return true
	}
	failed := rr.failed()
	if failed && listChanged {
		return true
	}
	if listChanged && rr.kustomizationAdded(changed) {
		return true
	}
	if !failed && rr.r.Kind != (*helm.Renderer)(nil).Kind() {
		return false
	}
	dirs := []string{filepath.FromSlash(rr.root.Dir)}
	if failed {
		for p := range rr.deps {
			dirs = append(dirs, filepath.Dir(p))
		}
	}
	for p := range changed {
		if slices.ContainsFunc(dirs, func(dir string) bool { return under(dir, p) }) {
			return true
		}
	}
	return false
}

// kustomizationAdded reports whether a kustomization file was added to (or
// removed from) a directory the rendering read: kustomize fails on a
// directory with two, which a rendering that succeeded does not record.
func (rr *renderedRoot) kustomizationAdded(changed map[string]bool) bool {
	for p := range changed {
		if !slices.Contains(kustomize.FileNames(), filepath.Base(p)) {
			continue
		}
		for dep := range rr.deps {
			if filepath.Dir(dep) == filepath.Dir(p) {
				return true
			}
		}
	}
	return false
}

// failed reports whether the last rendering failed.
func (rr *renderedRoot) failed() bool {
	return slices.ContainsFunc(rr.r.Diagnostics, func(d analyzer.Diagnostic) bool { return d.RuleID == analyzer.IDRenderFailed })
}

// under reports whether the absolute path p is dir or under it.
func under(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// render brings the render state of folder (with the files of rc, this
// cycle's) up to date: it finds the folder's roots again when a file that
// says what a root is (a kustomization, a Chart.yaml) or the folder's list
// of files changed, and renders again, with the open buffers overlaid on
// the disk, the roots that are new or whose files changed. It reports
// whether any root was rendered (the findings of the open documents of the
// folder may have changed).
func (w *workspace) render(ctx context.Context, entry *linterEntry, folder string, rc *rootCache, open []snapshot, checker *analyzer.Checker) (*renderState, bool) {
	lt := entry.lt
	stage := lt.Renderer()
	key := [2]string{entry.cfgPath, folder}
	rs := w.renders[key]
	fresh := rs == nil || rs.lt != lt
	if fresh {
		rs = &renderState{lt: lt, roots: map[string]*renderedRoot{}}
		w.renders[key] = rs
	}
	buffers := map[string]snapshot{}
	overlay := map[string][]byte{}
	for _, o := range open {
		if o.path != "" {
			buffers[o.path] = o
			overlay[o.path] = o.text
		}
	}
	loader := entry.loader.WithOverlay(overlay)

	// The roots, as kvet lint finds them among the folder's files.
	findRoots := fresh || rc.listChanged
	changed := maps.Clone(rc.changed)
	maps.Copy(changed, w.touchedNow)
	for p := range changed {
		if dir := stage.Root(filepath.ToSlash(p)); dir != "" && dir == path.Dir(filepath.ToSlash(p)) {
			findRoots = true
		}
	}
	if findRoots {
		var files []string
		for _, p := range slices.Sorted(maps.Keys(rc.files)) {
			if !lt.Skipped(p) {
				files = append(files, filepath.ToSlash(p))
			}
		}
		roots, markers := stage.Roots(ctx, loader, files)
		rs.markers = map[string]bool{}
		for _, m := range markers {
			rs.markers[filepath.FromSlash(m)] = true
		}
		found := map[string]*renderedRoot{}
		for _, r := range roots {
			// A kustomization above the folder that reads its files
			// (found from the server's working directory) is not the
			// folder's: kvet lint run in the folder does not see it.
			if !under(folder, filepath.FromSlash(r.Dir)) {
				continue
			}
			rr := rs.roots[r.Dir]
			if rr == nil || !slices.Equal(rr.root.Files, r.Files) {
				rr = &renderedRoot{root: r}
			}
			found[r.Dir] = rr
		}
		rs.roots = found
	}

	var todo []*renderedRoot
	var markers []string
	for _, dir := range slices.Sorted(maps.Keys(rs.roots)) {
		rr := rs.roots[dir]
		if rr.again(changed, rc.listChanged, buffers, rc.walked) {
			todo = append(todo, rr)
			markers = append(markers, rr.root.Files...)
		}
	}
	if len(todo) == 0 && !findRoots {
		return rs, false
	}
	if len(todo) > 0 {
		renderings, _, errs := stage.Render(ctx, loader, markers)
		for _, err := range errs {
			w.s.logf(messageWarning, "%v", err)
		}
		for _, rr := range todo {
			rr.r, rr.diags, rr.deps = nil, nil, nil
			i := slices.IndexFunc(renderings, func(r *analyzer.Rendering) bool { return r.Root == rr.root.Dir })
			if i < 0 {
				continue // cancelled
			}
			rr.r = renderings[i]
			if err := protect(func() { rr.diags = checker.Rendering(ctx, rr.r) }); err != nil {
				w.s.logf(messageError, "linting the rendering of %s: %v", rr.root.Dir, err)
			}
			relative(rr.diags, folder)
			rr.deps = map[string]stamp{}
			for _, f := range slices.Concat(rr.r.Files, rr.r.Unrendered) {
				p := filepath.FromSlash(f.Path)
				rr.deps[p], _ = stampOf(p, buffers, true)
			}
			// Its markers, read or not (a failed rendering reads
			// nothing); files that only lead to it (see render.Root)
			// are linted as they are when the rendering does not read
			// them, as kvet lint does.
			for _, m := range rr.root.Files {
				if p := filepath.FromSlash(m); rs.markers[p] {
					rr.deps[p], _ = stampOf(p, buffers, true)
				}
			}
		}
	}
	rs.consumed = map[string]bool{}
	for p := range rs.markers {
		rs.consumed[p] = true
	}
	for _, rr := range rs.roots {
		for p := range rr.deps {
			rs.consumed[p] = true
		}
	}
	return rs, true
}

// findings returns the findings at the file path (absolute) that the
// renderings report, as kvet lint reports them: merged across the
// renderings that read the file ("in overlays a, b"), with the
// suppressions of file (its current text) and the baseline applied.
func (rs *renderState) findings(ctx context.Context, entry *linterEntry, file *analyzer.File, path string) []analyzer.Diagnostic {
	name := filepath.ToSlash(path)
	var diags []analyzer.Diagnostic
	var renderings []*analyzer.Rendering
	var docs []*analyzer.Document
	for _, dir := range slices.Sorted(maps.Keys(rs.roots)) {
		rr := rs.roots[dir]
		if rr.r == nil {
			continue
		}
		renderings = append(renderings, rr.r)
		n := len(diags)
		for _, d := range rr.diags {
			if d.File == name {
				diags = append(diags, d)
			}
		}
		if _, reads := rr.deps[path]; reads || len(diags) > n {
			docs = append(docs, rr.r.Docs...)
		}
	}
	diags = analyzer.MergeRendered(ctx, diags, renderings)
	set := &analyzer.Set{Files: []*analyzer.File{file}, Docs: docs}
	diags = entry.lt.Suppress(set, diags)
	if entry.baseline != nil {
		entry.baseline.Apply(diags, []string{file.Path}, entry.lt.Enabled)
	}
	var shown []analyzer.Diagnostic
	for _, d := range diags {
		if !d.Suppressed() && d.File == name {
			shown = append(shown, d)
		}
	}
	return shown
}
