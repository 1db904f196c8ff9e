package analyzer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
)

// StdinName is the file name under which standard input is reported.
const StdinName = "<stdin>"

// Set is the result of loading: the files read, the documents found in
// them, the diagnostics produced while loading (yaml-syntax, unknown-field,
// invalid-value, file-too-large), the inputs that could not be read at all,
// and notes on what was skipped on purpose.
type Set struct {
	Files       []*File
	Docs        []*Document
	Diagnostics []Diagnostic
	Errors      []error
	// Renderings are the roots rendered (see Renderer). Their documents
	// are in Docs and their source files in Files.
	Renderings []*Rendering
	// Notes say which files found in directories were skipped and why
	// (named pipes, devices, sockets: kvet reads only regular files there).
	Notes []string
}

// Loader discovers, reads and parses manifests. It is safe for concurrent
// use; its caches are shared by the goroutines of one run.
type Loader struct {
	types *typeCache
	kinds map[string]kindInfo
	// Stdin is read when a path is "-".
	Stdin io.Reader
	// StdinPath is the name under which standard input is reported, and
	// treated (a ".json" name has no comments): an editor's buffer is
	// linted as the file it will be saved to. Empty means StdinName.
	StdinPath string
	// overlay holds file contents that take precedence over the disk (see
	// WithOverlay), by absolute path.
	overlay map[string][]byte
	// Renderer, when set, renders the kustomizations and charts among the
	// discovered files (see package render); nil lints every file as it
	// is.
	Renderer Renderer
	// Partial, when set, says that the paths are some of the manifests
	// that go together (the files a pre-commit hook passes, kvet lint
	// --partial): every file read as it is is Partial, with this as its
	// reason, so that the set rules do not report objects missing from
	// the set.
	Partial string
	// MaxFileSize bounds the size of each file read (0: the default, 64
	// MiB). A larger file is not read; it gets one file-too-large
	// diagnostic and the other files are linted.
	MaxFileSize int64
	// skip, when set, leaves out the files for which it returns true (see
	// WithSkip).
	skip func(path string) bool
}

// NewLoader returns a Loader that reads "-" from stdin.
func NewLoader(stdin io.Reader) *Loader {
	return &Loader{types: newTypeCache(), kinds: kinds, Stdin: stdin}
}

// WithOverlay returns a Loader that shares l's caches and reads the files
// named in overlay (by absolute, clean path) from it instead of from disk:
// an editor's unsaved buffers. A file of the overlay named explicitly is
// read even when it does not exist on disk. overlay must not change while
// the returned Loader is in use.
func (l *Loader) WithOverlay(overlay map[string][]byte) *Loader {
	c := *l
	c.overlay = overlay
	return &c
}

// Overlay returns the loader's overlay, by absolute path (nil when there
// is none). Callers must not change it.
func (l *Loader) Overlay() map[string][]byte { return l.overlay }

// WithSkip returns a Loader that shares l's caches and leaves out the files
// for which skip returns true, whether named explicitly or found in a
// directory (the configuration's exclusions). skip is called with paths as
// discovered (slash-separated), and "-" for standard input.
func (l *Loader) WithSkip(skip func(path string) bool) *Loader {
	c := *l
	c.skip = skip
	return &c
}

// Overlaid returns the content the overlay gives the file name (a path as
// discovered, or absolute; see WithOverlay), if any. Renderers read source
// files through it, so that an editor's unsaved buffers are rendered.
func (l *Loader) Overlaid(name string) ([]byte, bool) {
	if len(l.overlay) == 0 || name == "-" {
		return nil, false
	}
	abs, err := filepath.Abs(filepath.FromSlash(name))
	if err != nil {
		return nil, false
	}
	data, ok := l.overlay[abs]
	return data, ok
}

// Discover expands paths into the list of files to read: files named
// explicitly (whatever their extension), and the .yaml, .yml and .json files
// under directories, in lexical order, skipping .git, vendor, node_modules
// and hidden directories, symbolic links to directories, and anything that
// is not a regular file, plus the files there whose name is one of names
// (the render stage's extension-less "Kustomization"). "-" stands for
// standard input. No paths means ".". A pipe or device named explicitly is
// an error unless it is a stream the user meant (/dev/stdin, a process
// substitution: see safefile.IsStreamName).
func Discover(paths []string, names ...string) (files []string, errs []error) {
	d := discover(paths, names, nil)
	return d.files, d.errs
}

// discovery is the outcome of discover.
type discovery struct {
	files []string
	notes []string
	errs  []error
}

// discover is Discover, leaving out the files skip returns true for, and
// with notes on the files of directories that were skipped.
func discover(paths, names []string, skip func(string) bool) discovery {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var d discovery
	seen := map[string]bool{}
	// bySize holds the regular files found, by size, to find one file
	// named twice by different paths (relative and absolute, a link and
	// its target): it is read once, under its first name, as kvet fix
	// fixes it once.
	bySize := map[int64][]os.FileInfo{}
	add := func(p string, info os.FileInfo) {
		if seen[p] || skip != nil && skip(p) {
			return
		}
		seen[p] = true
		if info != nil {
			if slices.ContainsFunc(bySize[info.Size()], func(fi os.FileInfo) bool { return os.SameFile(fi, info) }) {
				return
			}
			bySize[info.Size()] = append(bySize[info.Size()], info)
		}
		d.files = append(d.files, p)
	}
	for _, p := range paths {
		if p == "-" {
			add("-", nil)
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			d.errs = append(d.errs, fmt.Errorf("reading %s: %w", p, unwrapPathError(err)))
			continue
		case info.Mode().IsRegular():
			add(filepath.ToSlash(filepath.Clean(p)), info)
			continue
		case !info.IsDir() && safefile.IsStreamName(p):
			add(p, nil)
			continue
		case !info.IsDir():
			d.errs = append(d.errs, fmt.Errorf("reading %s: %w; kvet reads pipes and devices only as -, /dev/stdin or a process substitution <(command)",
				p, &safefile.NotRegularError{Mode: info.Mode()}))
			continue
		}
		root := safefile.WalkRoot(p) // a link named on the command line is followed
		err = filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
			if err != nil {
				d.errs = append(d.errs, fmt.Errorf("reading %s: %w", path, unwrapPathError(err)))
				if e != nil && e.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if path != root && skipDir(e.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
			default:
				if !slices.Contains(names, e.Name()) {
					return nil
				}
			}
			mode := e.Type()
			var info os.FileInfo
			if mode&fs.ModeSymlink != 0 {
				info, err = os.Stat(path)
				if err != nil {
					add(filepath.ToSlash(path), nil) // reading it reports the error
					return nil
				}
				mode = info.Mode().Type()
			} else if mode.IsRegular() {
				info, _ = e.Info() // nil when it is gone: reading it reports that
			}
			switch {
			case mode.IsRegular():
				add(filepath.ToSlash(path), info)
			case mode.IsDir():
				// A link to a directory is not followed, like WalkDir's.
			default:
				d.notes = append(d.notes, fmt.Sprintf("skipped %s: %s", filepath.ToSlash(path), &safefile.NotRegularError{Mode: mode}))
			}
			return nil
		})
		if err != nil {
			d.errs = append(d.errs, fmt.Errorf("reading %s: %w", p, err))
		}
	}
	return d
}

func skipDir(name string) bool {
	return name == "vendor" || name == "node_modules" || strings.HasPrefix(name, ".") && name != "." && name != ".."
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// input is one file to read: a discovered path, or standard input already
// read. file is set once it has been read; diags holds file-too-large.
type input struct {
	name  string
	file  *File
	diags []Diagnostic
	// partial is the root of a rendering that did not render and would
	// have read the file (File.partial).
	partial string
	// paths resolves the directories of the run (File.Folder).
	paths *realpath.Resolver
}

// open discovers paths, renders the roots among them when the loader has a
// Renderer, and reads standard input. It returns the files to read as they
// are; the returned set carries the renderings and the errors of
// discovery and rendering, and the notes on skipped files.
func (l *Loader) open(ctx context.Context, paths []string) ([]*input, *Set) {
	dirs := new(realpath.Resolver) // the run's, for File.Folder
	// Files of the overlay named explicitly need not exist on disk.
	var inputs []*input
	rest := paths
	named := map[string]bool{} // absolute paths of those files
	if len(l.overlay) > 0 {
		rest = nil
		for _, p := range paths {
			if _, ok := l.Overlaid(p); ok {
				abs, _ := filepath.Abs(p)
				if !named[abs] {
					named[abs] = true
					inputs = append(inputs, &input{name: filepath.ToSlash(filepath.Clean(p)), paths: dirs})
				}
			} else {
				rest = append(rest, p)
			}
		}
		if len(rest) == 0 {
			return inputs, &Set{}
		}
	}
	var extra []string
	if l.Renderer != nil {
		extra = l.Renderer.Names()
	}
	d := discover(rest, extra, l.skip)
	names := d.files
	set := &Set{Errors: d.errs, Notes: d.notes}
	if l.Renderer != nil {
		var rerrs []error
		set.Renderings, names, rerrs = l.Renderer.Render(ctx, l, names)
		set.Errors = append(set.Errors, rerrs...)
	}
	partial := partialFiles(set.Renderings)
	for _, name := range names {
		if len(named) > 0 {
			if abs, err := filepath.Abs(name); err == nil && named[abs] {
				continue // named explicitly, from the overlay
			}
		}
		in := &input{name: name, partial: l.Partial, paths: dirs}
		if len(partial) > 0 {
			if abs, err := filepath.Abs(name); err == nil && partial[abs] != "" {
				in.partial = partial[abs]
			}
		}
		if name == "-" {
			if l.Stdin == nil {
				set.Errors = append(set.Errors, errors.New("reading standard input: no input"))
				continue
			}
			name := l.StdinPath
			if name == "" {
				name = StdinName
			}
			data, err := safefile.ReadStream(ctx, l.Stdin, l.MaxFileSize)
			in.file, in.diags, err = l.file(name, data, err)
			if err != nil {
				set.Errors = append(set.Errors, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			if sr, ok := l.Renderer.(StdinRenderer); ok && in.file != nil && len(in.diags) == 0 {
				if r := sr.RenderStdin(ctx, l, in.file); r != nil {
					set.Renderings = append(set.Renderings, r)
					continue // linted through the rendering
				}
			}
		}
		inputs = append(inputs, in)
	}
	for _, r := range set.Renderings {
		r.folder.paths = dirs
	}
	return inputs, set
}

// read returns the input's file, reading it from disk if needed, with the
// file-too-large diagnostic of a file over the size limit.
func (l *Loader) read(ctx context.Context, in *input) (*File, []Diagnostic, error) {
	if in.file != nil {
		in.file.partial, in.file.folder.paths = in.partial, in.paths
		return in.file, in.diags, nil
	}
	data, err := l.ReadFile(ctx, in.name)
	f, diags, err := l.file(in.name, data, err)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", in.name, err)
	}
	f.partial, f.folder.paths = in.partial, in.paths
	return f, diags, nil
}

// MarkPartial marks each of files that a rendering lists as Partial (by
// absolute path) with the first such rendering's root, and clears the
// mark of the others (see Document.Partial). Lint marks the files it
// reads as they are; the language server, which renders roots and loads
// the other files apart, marks them before it runs the set rules.
func MarkPartial(files []*File, renderings []*Rendering) {
	partial := partialFiles(renderings)
	for _, f := range files {
		f.partial = ""
		if len(partial) > 0 {
			if abs, err := filepath.Abs(filepath.FromSlash(f.Path)); err == nil {
				f.partial = partial[abs]
			}
		}
	}
}

// partialFiles maps the absolute path of each file of the renderings'
// Partial to the first root that lists it.
func partialFiles(renderings []*Rendering) map[string]string {
	var out map[string]string
	for _, r := range renderings {
		for _, p := range r.Partial {
			abs, err := filepath.Abs(filepath.FromSlash(p))
			if err != nil {
				continue
			}
			if out == nil {
				out = map[string]string{}
			}
			if _, ok := out[abs]; !ok {
				out[abs] = r.Root
			}
		}
	}
	return out
}

// ReadFile reads a file that a renderer needs (a kustomization's resource
// or patch, a chart's template) the way the loader reads its inputs: an
// editor's unsaved buffer first, else the disk through the bounded read
// (regular files only, at most MaxFileSize bytes, never blocking on a
// named pipe or a device; ctx cancels it). A file over the limit is a
// *safefile.TooLargeError (its message says so), anything that is not a
// regular file a *safefile.NotRegularError.
func (l *Loader) ReadFile(ctx context.Context, path string) ([]byte, error) {
	if buf, ok := l.Overlaid(path); ok {
		// An editor's buffer is bounded like the file it will be saved to.
		if limit := cmp.Or(l.MaxFileSize, safefile.DefaultMaxSize); int64(len(buf)) > limit {
			return nil, &safefile.TooLargeError{Size: int64(len(buf)), Limit: limit}
		}
		return buf, nil
	}
	return safefile.Read(ctx, filepath.FromSlash(path), l.MaxFileSize)
}

// file returns the File read from path, or the file-too-large diagnostic
// (and an empty File) when err says it is over the limit.
func (l *Loader) file(path string, data []byte, err error) (*File, []Diagnostic, error) {
	var tooLarge *safefile.TooLargeError
	if errors.As(err, &tooLarge) {
		at := Range{Start: Position{Line: 1, Column: 1}, End: Position{Line: 1, Column: 1}}
		return &File{Path: path}, []Diagnostic{{
			RuleID: IDFileTooLarge, Severity: SeverityError, File: path, Range: at,
			Message: tooLarge.Error() + ": not read, so nothing in it was checked; split the file or raise --max-file-size",
		}}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return &File{Path: path, Content: data}, nil, nil
}

// Load discovers and parses paths, keeping every node tree. Files are read
// and parsed in parallel; the result is in the order of discovery.
func (l *Loader) Load(ctx context.Context, paths []string) *Set {
	inputs, set := l.open(ctx, paths)
	type result struct {
		file  *File
		docs  []*Document
		diags []Diagnostic
		err   error
	}
	results := make([]result, len(inputs))
	parallel(ctx, len(inputs), func(i int) {
		f, readDiags, err := l.read(ctx, inputs[i])
		if err != nil {
			results[i].err = err
			return
		}
		docs, diags := l.Parse(f)
		results[i] = result{file: f, docs: docs, diags: append(readDiags, diags...)}
	})
	for _, r := range results {
		if r.err != nil {
			set.Errors = append(set.Errors, r.err)
			continue
		}
		if r.file == nil {
			continue
		}
		set.Files = append(set.Files, r.file)
		set.Docs = append(set.Docs, r.docs...)
		set.Diagnostics = append(set.Diagnostics, r.diags...)
	}
	set.addRenderings()
	for _, r := range set.Renderings {
		set.Diagnostics = append(set.Diagnostics, r.tagged()...)
	}
	if err := ctx.Err(); err != nil {
		set.Errors = append(set.Errors, err)
	}
	return set
}

// addRenderings adds the documents and source files of the set's
// renderings to it (a source file read by several renderings once).
func (s *Set) addRenderings() {
	seen := map[*File]bool{}
	for _, r := range s.Renderings {
		s.Docs = append(s.Docs, r.Docs...)
		for _, f := range r.Files {
			if !seen[f] {
				seen[f] = true
				s.Files = append(s.Files, f)
			}
		}
	}
}

// parallel runs fn(0..n-1) on up to GOMAXPROCS goroutines, stopping early
// when ctx is done.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Parse splits one file into documents. A syntax error ends the document it
// is in: it is reported as yaml-syntax at the first line where the document
// stops being valid YAML, and parsing resumes at the next "---". A file
// with a UTF-16 byte order mark is transcoded to UTF-8 first (see
// File.Encoding).
func (l *Loader) Parse(f *File) ([]*Document, []Diagnostic) {
	return l.parse(context.Background(), f, nil, nil)
}

// parse is Parse; prepare, when set, is called on each document once its
// metadata is read, before it is decoded, and each, when set, on each
// document once it is decoded, before the next is parsed (Lint checks it
// there and releases its tree, so that a large file's trees are not all
// alive at once).
func (l *Loader) parse(ctx context.Context, f *File, prepare, each func(*Document)) ([]*Document, []Diagnostic) {
	f.decodeUTF16()
	var docs []*Document
	var diags []Diagnostic
	scanComments := mayHaveDirectives(f)
	if scanComments {
		f.blockLines = make([]bool, f.LineCount()+2)
	}
	parseNodes(ctx, f, func(index int, node *yaml.Node) {
		if scanComments {
			markBlockScalars(f, node, f.blockLines)
		}
		eachObject(node, func(item int, root *yaml.Node, apiVersion, kind string) {
			d, dg := l.object(f, index, item, root, apiVersion, kind, prepare)
			docs = append(docs, d)
			diags = append(diags, dg...)
			diags = append(diags, duplicateKeys(f, root, d.Ref())...)
			if each != nil {
				each(d)
			}
		}, func(list *yaml.Node) {
			diags = append(diags, listAnnotations(f, list)...)
		})
	}, func(r Range, msg string) {
		diags = append(diags, Diagnostic{
			RuleID: IDYAMLSyntax, Severity: SeverityError, File: f.Path, Range: r,
			Message: "invalid YAML: " + msg,
		})
	})
	return docs, diags
}

// parseNodes calls doc for each YAML document of f with its index, and
// syntaxErr for each document that does not parse, resuming after the next
// "---" separator. A document with an alias to an anchor of an earlier
// document does not parse either: anchors are per document.
//
// The YAML library checks characters as it reads them into its buffer, up
// to a few hundred bytes before its parser: a byte it does not allow (a
// control character, invalid UTF-8) fails the document being parsed, which
// may be an earlier, valid one. Such an error is reported at the byte, on
// its own document, and the documents before that one are decoded again
// from a text that ends where that document starts. It stops early when
// ctx is done (the documents parsed until then were passed on).
func parseNodes(ctx context.Context, f *File, doc func(index int, node *yaml.Node), syntaxErr func(r Range, msg string)) {
	start, end := 0, len(f.Content) // a round decodes f.Content[start:end]
	lineOffset := 0                 // the lines before start
	index := 0
	anchors := bytes.IndexByte(f.Content, '&') >= 0
	aliased := 0 // the nodes the aliases of the documents accepted produce
	// pending is the reader error reported when a round that ends before
	// its document reaches that end; skip, the documents of the round
	// already passed on before it was cut short.
	var pending *readerError
	skip := 0
	lines := yamlLines(f.Content)          // nil for nearly every file
	src, marked := laterMarks(f.Content)   // f.Content and nil for nearly every file
	src, jsonValues := jsonStrings(f, src) // src and nil for nearly every file
	// resume starts the next round at the separator line next (none: 0).
	resume := func(next int) bool {
		pending, skip, end = nil, 0, len(f.Content)
		if next == 0 {
			return false
		}
		lineOffset = next - 1
		start = f.Offset(Position{Line: next, Column: 1})
		index++
		return true
	}
	for {
		dec := yaml.NewDecoder(bytes.NewReader(src[start:end]))
		breaks := lines.from(lineOffset + 1)
		decoded := 0
		for {
			if ctx.Err() != nil {
				return // interrupted: the run reports it
			}
			var node yaml.Node
			err := dec.Decode(&node)
			if errors.Is(err, io.EOF) {
				if pending == nil {
					return
				}
				syntaxErr(pending.r, pending.msg)
				if !resume(nextDocumentStart(f, pending.r.Start.Line)) {
					return
				}
				break
			}
			if err != nil {
				if re := readerErrorAt(f, start, err); pending == nil && re != nil {
					if docStart := documentStart(f, re.r.Start.Line, lineOffset); docStart > lineOffset+1 {
						pending, skip, end = re, decoded, f.Offset(Position{Line: docStart, Column: 1})
						index -= decoded
						break
					}
					syntaxErr(re.r, re.msg)
					if !resume(nextDocumentStart(f, re.r.Start.Line)) {
						return
					}
					break
				}
				// The next object of a JSON stream starts where the
				// library says (no search for the line: the stream may
				// hold thousands).
				if next := jsonStreamNext(f, lineOffset+1, reportedLine(f, lineOffset, breaks, err), err); next > 0 {
					resume(next)
					break
				}
				line, msg := syntaxError(f, src, lineOffset, breaks, err)
				r, msg := jsonEscapeHint(f, line, msg)
				msg = tabHint(f.Line(line), msg)
				// The library may fail on a later document before it
				// returns the one before (it reads ahead): as for a
				// reader error, the documents before the failing one are
				// decoded again from a text that ends where it starts.
				if docStart := documentStart(f, line, lineOffset); pending == nil && docStart > lineOffset+1 {
					pending, skip, end = &readerError{r: r, msg: msg}, decoded, f.Offset(Position{Line: docStart, Column: 1})
					index -= decoded
					break
				}
				syntaxErr(r, msg)
				if !resume(nextDocumentStart(f, line)) {
					return
				}
				break
			}
			decoded++
			if skip > 0 {
				skip--
				index++
				continue
			}
			switch {
			case breaks != nil:
				breaks.remap(&node)
			case lineOffset > 0:
				shiftLines(&node, lineOffset)
			}
			if anchors {
				if alias := foreignAlias(&node); alias != nil {
					syntaxErr(f.tokenRange(alias), fmt.Sprintf("unknown anchor '%s' referenced: anchors belong to their YAML document, and this one is defined in an earlier document (line %d)",
						alias.Value, alias.Alias.Line))
					index++
					continue
				}
				if alias, msg := aliasProblem(&node, &aliased); alias != nil {
					syntaxErr(f.tokenRange(alias), msg)
					index++
					continue
				}
			}
			if marked != nil {
				unmark(&node, marked)
			}
			if jsonValues != nil {
				setJSONStrings(&node, jsonValues)
			}
			trimBOM(&node)
			doc(index, &node)
			index++
		}
	}
}

// laterMarks returns content with each byte order mark that starts the
// line after a "---" separator and precedes a comment, nothing, or a flow
// collection (a JSON object) replaced by spaces (same offsets), or content
// itself when there is none: the mark of a file saved with one that was
// appended to another. The YAML library skips only the stream's first mark
// and reads a later one as text, which made the comment a plain scalar and
// the document a syntax error, and a JSON object a string that was no
// object at all; kubectl reads each document apart and skips it. marked
// are the lines (1-based) where a collection follows a replaced mark: the
// library counts its columns two characters too far (three spaces for one
// mark), which unmark takes back. A mark before a key is trimBOM's
// (replacing it would indent the key).
func laterMarks(content []byte) (out []byte, marked []int) {
	const mark = "\ufeff"
	out = content
	for at := min(1, len(content)); ; {
		i := bytes.Index(content[at:], []byte(mark))
		if i < 0 {
			return out, marked
		}
		i += at
		at = i + len(mark)
		// Only a mark that starts a line (a mark inside a line is text:
		// a file of marks on one line must stay linear).
		if i < 2 || content[i-1] != '\n' {
			continue
		}
		lineStart := i
		prev := content[bytes.LastIndexByte(content[:lineStart-1], '\n')+1 : lineStart-1]
		if !bytes.HasPrefix(prev, []byte("---")) || len(prev) > 3 && prev[3] != ' ' && prev[3] != '\t' && prev[3] != '\r' {
			continue
		}
		rest := bytes.TrimLeft(content[at:], " \t")
		if len(rest) > 0 {
			switch rest[0] {
			case '#', '\n', '\r':
			case '{', '[':
				marked = append(marked, bytes.Count(content[:i], []byte("\n"))+1)
			default:
				continue
			}
		}
		if &out[0] == &content[0] {
			out = bytes.Clone(content)
		}
		copy(out[i:at], "   ")
	}
}

// unmark moves the nodes of doc on the lines of marked (see laterMarks)
// back to the columns of the file's text, where the mark is one character.
func unmark(doc *yaml.Node, marked []int) {
	if doc.Line >= marked[0] && slices.Contains(marked, doc.Line) {
		doc.Column -= 2
	}
	for _, c := range doc.Content {
		unmark(c, marked)
	}
}

// trimBOM removes a byte order mark from the first key of doc's mapping:
// the mark of a file saved with one that was appended to another (the
// YAML library skips only the stream's first), which kubectl, reading each
// document apart, skips too.
func trimBOM(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	if m := doc.Content[0]; m.Kind == yaml.MappingNode && len(m.Content) > 0 {
		if k := m.Content[0]; k.Kind == yaml.ScalarNode && strings.HasPrefix(k.Value, "\ufeff") {
			k.Value = strings.TrimPrefix(k.Value, "\ufeff")
			// After the mark, a quoted key was read as plain text, quotes
			// included.
			if v := k.Value; len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] && !strings.Contains(v, "\\") {
				k.Value = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
			}
			k.Column++
			if m.Line == k.Line && m.Column == k.Column-1 {
				m.Column++
			}
		}
	}
}

// jsonStreamNext returns the line of the next object when f is a stream
// of JSON objects (it starts with "{", as kubectl tells JSON from YAML)
// and err, the YAML library's error at line, is another object starting
// there (or on the next line) without a
// "---" between them (`jq -c '.items[]'` writes one per line): kubectl
// reads one object after another. Otherwise it returns 0. The round
// started at line first: the next object starts after it (an object that
// shares its line with the one before is a syntax error).
func jsonStreamNext(f *File, first, line int, err error) int {
	if !strings.Contains(err.Error(), "did not find expected <document start>") {
		return 0
	}
	if !isJSONStream(f.Content) {
		return 0
	}
	// The library's line for a parser error is that of the token at
	// fault, or the one before; the object of the round starts at first.
	for _, n := range []int{line, line + 1} {
		if n > first && n <= f.LineCount() && bytes.HasPrefix(bytes.TrimLeft(f.Line(n), " \t"), []byte("{")) {
			return n
		}
	}
	return 0
}

// readerError is a character the YAML library refuses, or a syntax error,
// where it is.
type readerError struct {
	r   Range
	msg string
}

// readerProblems are the errors of the YAML library's reader.
var readerProblems = []string{
	"control characters are not allowed",
	"invalid leading UTF-8 octet",
	"incomplete UTF-8 octet sequence",
	"invalid trailing UTF-8 octet",
	"invalid length of a UTF-8 sequence",
	"invalid Unicode character",
}

// readerErrorAt returns the place of err when it is a reader error of the
// YAML library (which gives no line) about a byte of f at or after from,
// or nil.
func readerErrorAt(f *File, from int, err error) *readerError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if !slices.Contains(readerProblems, msg) {
		return nil
	}
	at, size := unreadable(f.Content, from)
	if at < 0 {
		return nil
	}
	if r, _ := utf8.DecodeRune(f.Content[at:]); r != utf8.RuneError {
		msg += fmt.Sprintf(" (U+%04X)", r)
	} else {
		msg += fmt.Sprintf(" (byte 0x%02X)", f.Content[at])
	}
	return &readerError{r: Range{Start: f.Position(at), End: f.Position(at + size)}, msg: msg}
}

// unreadable returns the offset and length of the first character of b at
// or after from that the YAML library does not read (invalid UTF-8, or
// outside the characters YAML allows: tab, line breaks, printable ASCII,
// U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF), or -1.
func unreadable(b []byte, from int) (int, int) {
	for i := from; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c <= 0x7E || c == '\t' || c == '\n' || c == '\r' {
				i++
				continue
			}
			return i, 1
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !yamlChar(r) {
			return i, size
		}
		i += size
	}
	return -1, 0
}

// yamlChar reports whether YAML allows the character r (U+0080 or more).
func yamlChar(r rune) bool {
	return r == 0x85 || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000
}

// documentStart returns the line of the "---" separator that starts the
// document holding line (lineOffset+1 when it is the first after
// lineOffset).
func documentStart(f *File, line, lineOffset int) int {
	for n := line; n > lineOffset; n-- {
		if isDocSeparator(f.Line(n)) {
			return n
		}
	}
	return lineOffset + 1
}

var yamlErrLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)

// syntaxError finds the line of a parse error. The YAML library reports the
// start of the enclosing construct (and off by one for parser errors), so
// kvet looks for the longest prefix of the failing document that still
// parses: the error is on the line after it. src is the text of f that the
// library parsed (same offsets; see laterMarks and jsonStrings).
func syntaxError(f *File, src []byte, lineOffset int, breaks lineMap, err error) (int, string) {
	msg := yamlErrLine.ReplaceAllString(err.Error(), "")
	// The failing document starts after the last separator before the
	// error line reported by the library (at least the start of content).
	reported := reportedLine(f, lineOffset, breaks, err)
	start := lineOffset + 1
	for n := reported; n > lineOffset; n-- {
		if isDocSeparator(f.Line(n)) {
			start = n
			break
		}
	}
	end := nextDocumentStart(f, reported) - 1
	if end < 0 {
		end = f.LineCount()
	}
	// Lines start..k parse for k = start-1 (nothing) and not for k = end.
	// Search backwards with doubling steps for a prefix that parses, then
	// bisect to a line k whose prefix parses while k+1's does not: O(log n)
	// parses even for a large document with an error near its end.
	//
	// A prefix that ends inside a flow collection ([...], {...}: anywhere
	// in a JSON document) never parses by itself: it parses when closing
	// the collections it leaves open makes it valid. A document that
	// parses once its open collections are closed has only forgotten to
	// close one: the error is at the innermost one's opening bracket.
	from := f.Offset(Position{Line: start, Column: 1})
	prefixParses := func(k int) bool {
		data := src[from:f.Offset(Position{Line: k + 1, Column: 1})]
		return parses(data) || parsesClosed(data) >= 0
	}
	if data := src[from:f.Offset(Position{Line: end + 1, Column: 1})]; !parses(data) {
		if opener := parsesClosed(data); opener >= 0 {
			return f.Position(from + opener).Line, msg
		}
	}
	lo, hi := start-1, end
	for k, step := end-1, 1; k > lo; k, step = k-step, step*2 {
		if prefixParses(k) {
			lo = k
			break
		}
		hi = k
	}
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; prefixParses(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	// A line that leaves the flow collection open before it, indented no
	// more than the line that opened it (`b: [1, 2` then `c: 3`), ends a
	// collection that was never closed: the error is at its opener. Not
	// for the document's own root (a JSON object written without
	// indentation), which has no line after it to end it.
	if lo >= start {
		data := src[from:f.Offset(Position{Line: lo + 1, Column: 1})]
		if opener := parsesClosed(data); opener >= 0 && opener != firstContent(data) && !parses(data) {
			if at := f.Position(from + opener).Line; indentOf(f.Line(lo+1)) <= indentOf(f.Line(at)) {
				return at, msg
			}
		}
	}
	return lo + 1, msg
}

// indentOf returns the number of spaces that start line.
func indentOf(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// reportedLine returns the line of f that the YAML library's err names,
// in a round that started after lineOffset, within that round's lines.
func reportedLine(f *File, lineOffset int, breaks lineMap, err error) int {
	reported := lineOffset + 1
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil && m[1] != "" {
		_, _ = fmt.Sscan(m[1], &reported)
		if breaks != nil {
			reported = breaks.line(reported)
		} else {
			reported += lineOffset
		}
	}
	return min(max(reported, lineOffset+1), f.LineCount())
}

// parsesClosed returns the offset in data of the opening bracket of the
// innermost flow collection that data leaves open, when closing the open
// ones (see openFlows) makes it parse; otherwise -1.
func parsesClosed(data []byte) int {
	closers, opener, ok := openFlows(data)
	if !ok || len(closers) == 0 {
		return -1
	}
	closed := make([]byte, 0, len(data)+len(closers)+2)
	closed = append(append(closed, data...), '\n')
	closed = append(append(closed, closers...), '\n')
	if !parses(closed) {
		return -1
	}
	return opener
}

// parses reports whether every document of data is valid YAML.
func parses(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// nextDocumentStart returns the first line after line that is a "---"
// separator, or 0.
func nextDocumentStart(f *File, line int) int {
	for n := line + 1; n <= f.LineCount(); n++ {
		if isDocSeparator(f.Line(n)) {
			return n
		}
	}
	return 0
}

func isDocSeparator(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t')
}

// lineMap maps the lines of a file as YAML counts them to its lines as
// kvet and editors count them: YAML also breaks lines at NEL (U+0085), LS
// (U+2028) and PS (U+2029), which editors show inside a line. Entry i is
// YAML's line i+1: its line of the file (from 1) and the code points of
// that line before it.
type lineMap []yamlLine

// yamlLine is where one of YAML's lines starts in the file.
type yamlLine struct{ line, col int }

// yamlLines returns the line map of text, or nil when YAML counts its
// lines as kvet does (no NEL, LS or PS). It is made once per file: parsing
// resumes after each syntax error, and a map per resumption would read the
// rest of the file each time.
func yamlLines(text []byte) lineMap {
	// Their UTF-8 begins with C2 or E2, which most manifests never hold.
	if bytes.IndexByte(text, 0xC2) < 0 && bytes.IndexByte(text, 0xE2) < 0 ||
		!bytes.Contains(text, []byte("\u0085")) && !bytes.Contains(text, []byte("\u2028")) && !bytes.Contains(text, []byte("\u2029")) {
		return nil
	}
	m := lineMap{{1, 0}}
	line, col := 1, 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case IsLineBreak(text, i):
			line, col = line+1, 0
			m = append(m, yamlLine{line, 0})
		case r == '\u0085' || r == '\u2028' || r == '\u2029':
			col++
			m = append(m, yamlLine{line, col})
		case text[i] != '\r':
			col++
		}
		i += size
	}
	return m
}

// from returns the map of the text that starts at the start of the file's
// line first (where parsing resumes): its YAML line 1 is that line.
func (m lineMap) from(first int) lineMap {
	if m == nil {
		return nil
	}
	i, _ := slices.BinarySearchFunc(m, first, func(e yamlLine, line int) int { return cmp.Compare(e.line, line) })
	return m[i:]
}

// line returns the file's line of YAML's line n.
func (m lineMap) line(n int) int {
	switch {
	case n < 1 || len(m) == 0:
		return 0
	case n > len(m):
		return m[len(m)-1].line + n - len(m)
	}
	return m[n-1].line
}

// MapYAMLLines moves the positions of the nodes of n, parsed by the YAML
// library from text (a whole file, or the whole stream of a decoder), from
// YAML's lines to the lines and columns kvet and editors count: YAML also
// breaks lines at NEL, LS and PS (see lineMap). It changes nothing for a
// text without them.
func MapYAMLLines(text []byte, n *yaml.Node) {
	if m := yamlLines(text); m != nil {
		m.remap(n)
	}
}

// remap moves the positions of the nodes of n from YAML's lines to the
// file's.
func (m lineMap) remap(n *yaml.Node) {
	if n.Line >= 1 && n.Line <= len(m) {
		e := m[n.Line-1]
		n.Line, n.Column = e.line, n.Column+e.col
	}
	for _, c := range n.Content {
		m.remap(c)
	}
}

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// eachObject calls fn for each Kubernetes object of a YAML document: the
// document itself, or the items of a List (item is -1 for the document),
// and of the Lists among its items, as kubectl flattens them; and list,
// when set, for each of those Lists (whose own metadata kubectl drops).
// Documents
// without apiVersion and kind are not objects, nor is kustomize's own
// configuration (Kustomization, Component), nor a strategic-merge patch
// that deletes an object (`$patch: delete`), which is never sent to the
// API server.
func eachObject(doc *yaml.Node, fn func(item int, root *yaml.Node, apiVersion, kind string), list func(root *yaml.Node)) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	root := deref(doc.Content[0])
	apiVersion, kind, ok := typeMeta(root)
	if !ok || isKustomization(apiVersion) || isDeletePatch(root) {
		return
	}
	next := 0
	if !eachListItem(root, kind, fn, list, &next) {
		fn(-1, root, apiVersion, kind)
	}
}

// eachListItem calls fn for each object among the items of list, a
// document of kind kind, numbering them from *next on, depth first through
// the Lists among them (and onList, when set, for list and each of those),
// and reports whether list is a List (a kind ending in "List" with a
// sequence of items).
func eachListItem(list *yaml.Node, kind string, fn func(item int, root *yaml.Node, apiVersion, kind string), onList func(root *yaml.Node), next *int) bool {
	if !strings.HasSuffix(kind, "List") {
		return false
	}
	_, items := lookup(list, "items")
	if items == nil || deref(items).Kind != yaml.SequenceNode {
		return false
	}
	if onList != nil {
		onList(list)
	}
	for _, item := range deref(items).Content {
		item = deref(item)
		av, k, ok := typeMeta(item)
		if !ok || isDeletePatch(item) || eachListItem(item, k, fn, onList, next) {
			continue
		}
		fn(*next, item, av, k)
		*next++
	}
	return true
}

// isDeletePatch reports whether n, an object's mapping, is a
// strategic-merge patch that deletes the object: `$patch: delete`.
func isDeletePatch(n *yaml.Node) bool {
	_, v := lookup(n, "$patch")
	s, _ := scalarString(v)
	return s == "delete"
}

func typeMeta(n *yaml.Node) (apiVersion, kind string, ok bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return "", "", false
	}
	_, av := lookup(n, "apiVersion")
	_, k := lookup(n, "kind")
	apiVersion, ok1 := scalarString(av)
	kind, ok2 := scalarString(k)
	if !ok1 || !ok2 || apiVersion == "" || kind == "" {
		return "", "", false
	}
	return apiVersion, kind, true
}

func (l *Loader) object(f *File, index, item int, root *yaml.Node, apiVersion, kind string, prepare func(*Document)) (*Document, []Diagnostic) {
	d := &Document{File: f, Index: index, Item: item, root: root, line: root.Line, column: root.Column, APIVersion: apiVersion, Kind: kind}
	if _, md := lookup(root, "metadata"); md != nil {
		if _, ann := lookup(md, "annotations"); ann != nil {
			eachEntry(ann, func(k, v *yaml.Node) bool {
				if s, ok := scalarString(v); ok {
					if d.Annotations == nil {
						d.Annotations = map[string]string{}
					}
					d.Annotations[k.Value] = s
				}
				return true
			})
		}
		_, name := lookup(md, "name")
		d.Name, _ = scalarString(name)
		if d.Name == "" {
			_, gen := lookup(md, "generateName")
			d.Name, _ = scalarString(gen)
		}
		_, ns := lookup(md, "namespace")
		d.Namespace, _ = scalarString(ns)
	}
	if prepare != nil {
		prepare(d)
	}
	group, version := splitAPIVersion(apiVersion)
	info, known := l.kinds[group+"/"+kind]
	if !known {
		return d, nil
	}
	obj := info.newObject()
	dec := &decoder{types: l.types, strict: slices.Contains(info.versions, version), enums: info.enums}
	dec.decode(root, root, reflect.ValueOf(obj).Elem(), dec.path[:0])
	d.Object = obj
	dec.rejections(root, obj, kind)
	var diags []Diagnostic
	for _, p := range dec.problems {
		file, r := f, d.lineRange(p.at)
		var src *Document
		switch {
		case d.Source != nil:
			file, r, src = d.position(p.path, true)
		case p.at.Kind == yaml.ScalarNode:
			r = d.tokenRange(p.at)
		}
		diag := Diagnostic{
			RuleID: p.ruleID, Severity: SeverityError, Message: p.message, File: file.Path,
			Range: r, Path: p.path, Object: d.Ref(),
		}
		if d.Rendering != nil {
			diag.origin = &origin{doc: d, from: d.Rendering, source: src}
		}
		if p.rename != "" {
			if e, ok := RenameKey(d, p.path, p.rename); ok {
				diag.Fix = fixIn(NewFix("Rename "+p.path[len(p.path)-1].Key+" to "+p.rename, e), d, file)
			}
		}
		diags = append(diags, diag)
	}
	return d, diags
}
