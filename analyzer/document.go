package analyzer

import (
	"bytes"
	"context"
	"encoding/binary"
	"path"
	"path/filepath"
	"slices"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/internal/realpath"
)

// File is one input: a path (or "<stdin>") and its bytes. Files are never
// written to.
type File struct {
	// Path is the path as given or discovered, slash-separated.
	Path    string
	Content []byte
	// Encoding is "" for UTF-8, or "UTF-16LE" or "UTF-16BE" for a file
	// that starts with that byte order mark: Parse then replaces Content
	// with its UTF-8 text, so lines, columns (code points) and suppressions
	// are those of the text, while byte offsets are not the file's and no
	// fix is offered on it.
	Encoding string

	linesOnce sync.Once
	lines     []int // byte offset of the start of each line
	// long are the column indexes of long lines, by line number (see
	// columns), made when a position on the line is first converted.
	long sync.Map

	reparseOnce sync.Once
	roots       map[docKey]*yaml.Node

	// partial is the root of a rendering that did not render and would
	// have read the file (see Rendering.Partial), or "".
	partial string

	// blockLines marks the lines inside literal and folded block scalars,
	// where "#" is text, not a comment. Parse fills it, while the node
	// trees exist, for files that may hold kvet:ignore comments (ignore.go).
	blockLines []bool

	// folder is the file's directory, resolved (see Folder).
	folder realDir
}

// Folder returns the directory of the file, absolute and with its
// symbolic links resolved: one directory however its files are named
// (relative or absolute, through a link to it or from a working directory
// reached through one), to compare the folders of files. Standard input is
// in the working directory (or that of the name it is linted as). The
// files a loader reads in one run share the resolution of each directory.
func (f *File) Folder() string { return f.folder.of(path.Dir(f.Path)) }

// realDir is a directory resolved through its symbolic links once, by the
// run's resolver when paths is set.
type realDir struct {
	paths *realpath.Resolver
	once  sync.Once
	dir   string
}

// of returns dir (slash-separated, as given) resolved.
func (r *realDir) of(dir string) string {
	r.once.Do(func() { r.dir = r.paths.Dir(filepath.FromSlash(dir)) })
	return r.dir
}

// decodeUTF16 replaces the content of a file that starts with a UTF-16 byte
// order mark with its UTF-8 text, without the mark, and sets Encoding
// (once: the UTF-8 text has no such mark). An odd trailing byte and unpaired
// surrogates become U+FFFD.
func (f *File) decodeUTF16() {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(f.Content, []byte{0xff, 0xfe}):
		order, f.Encoding = binary.LittleEndian, "UTF-16LE"
	case bytes.HasPrefix(f.Content, []byte{0xfe, 0xff}):
		order, f.Encoding = binary.BigEndian, "UTF-16BE"
	default:
		return
	}
	raw := f.Content[2:]
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = order.Uint16(raw[2*i:])
	}
	text := make([]byte, 0, len(raw))
	for _, r := range utf16.Decode(units) {
		text = utf8.AppendRune(text, r)
	}
	if len(raw)%2 == 1 {
		text = utf8.AppendRune(text, utf8.RuneError)
	}
	f.Content = text
}

// docKey identifies an object in a file: document index and List item.
type docKey struct{ index, item int }

// reparsed parses the file again and returns the root of every object.
func (f *File) reparsed() map[docKey]*yaml.Node {
	f.reparseOnce.Do(func() {
		f.roots = map[docKey]*yaml.Node{}
		parseNodes(context.Background(), f, func(index int, doc *yaml.Node) {
			eachObject(doc, func(item int, root *yaml.Node, _, _ string) {
				f.roots[docKey{index, item}] = root
			}, nil)
		}, func(Range, string) {})
	})
	return f.roots
}

// lineStarts returns the byte offsets at which lines begin. A line ends at
// LF, CRLF or a lone CR, as YAML counts lines (the node positions of
// yaml.v3 count a lone CR as a line break) and as the language server
// protocol does.
func (f *File) lineStarts() []int {
	f.linesOnce.Do(func() {
		c := f.Content
		// Sized exactly: a run keeps the index of every file.
		n := 1 + bytes.Count(c, []byte{'\n'})
		if cr := bytes.Count(c, []byte{'\r'}); cr > 0 {
			n += cr - bytes.Count(c, []byte("\r\n"))
		}
		f.lines = make([]int, 1, n)
		for i := range c {
			if IsLineBreak(c, i) {
				f.lines = append(f.lines, i+1)
			}
		}
	})
	return f.lines
}

// IsLineBreak reports whether b[i] ends a line of b: an LF, or a CR that
// no LF follows (a CRLF ends at its LF). File's lines end there.
func IsLineBreak(b []byte, i int) bool {
	return b[i] == '\n' || b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n')
}

// Line returns the text of the 1-based line n without its line ending, or
// nil when n is out of range.
func (f *File) Line(n int) []byte {
	starts := f.lineStarts()
	if n < 1 || n > len(starts) {
		return nil
	}
	start := starts[n-1]
	end := len(f.Content)
	if n < len(starts) {
		end = starts[n] - 1
	}
	line := f.Content[start:end]
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if n == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	return line
}

// Offset converts a position to a byte offset in Content (columns count
// code points). Positions past the end of a line clamp to its end.
func (f *File) Offset(p Position) int {
	starts := f.lineStarts()
	if p.Line < 1 {
		return 0
	}
	if p.Line > len(starts) {
		return len(f.Content)
	}
	off := starts[p.Line-1]
	if p.Line == 1 && bytes.HasPrefix(f.Content, []byte("\xef\xbb\xbf")) {
		off += 3
	}
	return off + f.lineOffset(p.Line, p.Column)
}

// Position converts a byte offset in Content to a position (columns count
// code points), the inverse of Offset. An offset inside a line ending or a
// byte order mark is at the end of its line (or the start of the file);
// offsets outside Content clamp to its ends.
func (f *File) Position(offset int) Position {
	starts := f.lineStarts()
	offset = max(0, min(offset, len(f.Content)))
	n, found := slices.BinarySearch(starts, offset)
	if !found {
		n-- // the line that starts before offset
	}
	start := starts[n]
	if n == 0 && bytes.HasPrefix(f.Content, []byte("\xef\xbb\xbf")) {
		start = min(3, offset)
	}
	return Position{Line: n + 1, Column: f.Column(n+1, offset-start)}
}

// ByteColumn returns the 1-based byte column of p (whose column counts code
// points): the column gcc, go vet, Vim's %c and Emacs read. A byte order
// mark does not count.
func (f *File) ByteColumn(p Position) int {
	return 1 + f.lineOffset(p.Line, p.Column)
}

// LineCount returns the number of lines in the file.
func (f *File) LineCount() int { return len(f.lineStarts()) }

// Document is one Kubernetes object: a YAML document, or one item of a
// List. It keeps the node tree for positions and, when the kind is known,
// the typed object.
type Document struct {
	File *File
	// Index is the 0-based index of the YAML document in its file.
	Index int
	// Item numbers the objects of a List (depth first through nested
	// Lists), or is -1 for a top-level object.
	Item int

	// root is the mapping node of the object; nil once released (see Root).
	root         *yaml.Node
	line, column int

	APIVersion string
	Kind       string
	Name       string
	Namespace  string

	// Annotations are the object's metadata.annotations (string values).
	Annotations map[string]string

	// Object is a pointer to the k8s.io/api type for the kind (for example
	// *batchv1.CronJob), or nil when the kind is not one kvet decodes.
	// Fields that failed to decode keep their zero value.
	Object any

	// Source maps the positions of a rendered document to the files it was
	// rendered from (see Position); nil for a document read as it is.
	Source SourceMap
	// Rendering is the rendering the document came from, or nil. Set rules
	// see the documents of each rendering as one set.
	Rendering *Rendering
	// facts and located are what Lint extracted for set rules before
	// releasing the node tree (see Fact).
	facts   []factValue
	located []locatedPath
}

// Root returns the mapping node of the object. Lint releases node trees once
// the per-document rules have run, to bound memory; Root then re-parses the
// file (once per file) so that set rules can still resolve positions.
func (d *Document) Root() *yaml.Node {
	if d.root != nil {
		return d.root
	}
	if n := d.File.reparsed()[docKey{d.Index, d.Item}]; n != nil {
		return n
	}
	// The file changed shape on re-parse (it cannot, as Files are immutable);
	// fall back to an empty mapping at the object's line.
	return &yaml.Node{Kind: yaml.MappingNode, Line: d.line, Column: 1}
}

// release drops the node tree; Root re-creates it on demand.
func (d *Document) release() { d.root = nil }

// Partial returns the directory of a root (a kustomization) that would
// have read d's file but did not render (see Rendering.Partial), or the
// Loader's Partial when the run's paths are some of the manifests only,
// or "".
// d is then linted as it is, in a set that lacks what the root would have
// added: a set rule that reports an object missing from the set (a
// ServiceAccount, a role, a binding) says nothing about d, since the root
// may well define it.
func (d *Document) Partial() string {
	if d.Source != nil {
		return ""
	}
	return d.File.partial
}

// Ref returns the object reference used in diagnostics.
func (d *Document) Ref() ObjectRef {
	return ObjectRef{APIVersion: d.APIVersion, Kind: d.Kind, Namespace: d.Namespace, Name: d.Name}
}

// Line returns the line on which the object starts.
func (d *Document) Line() int { return d.line }

// Start returns the position at which the object starts (its first key),
// without touching the node tree.
func (d *Document) Start() Position { return Position{Line: d.line, Column: d.column} }
