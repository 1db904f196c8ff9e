package report

import (
	"path/filepath"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/realpath"
)

// artifact is where a diagnostic's file lives, in the forms the machine
// formats need.
type artifact struct {
	// Rel is the slash-separated path relative to the report's base
	// directory, or "" when the file is outside it (or the base is unknown
	// and the path is absolute), or standard input.
	Rel string
	// Abs is the absolute slash-separated path, or "" when unknown.
	Abs string
	// Stdin is set for standard input.
	Stdin bool
}

// id is the path that identifies the file independently of where kvet ran:
// relative to the base directory when it is inside it, else absolute.
func (a artifact) id(given string) string {
	switch {
	case a.Stdin:
		return analyzer.StdinName
	case a.Rel != "":
		return a.Rel
	case a.Abs != "":
		return a.Abs
	}
	return given
}

// artifactOf resolves a diagnostic's file (slash-separated, as given on the
// command line or discovered, or "<stdin>") against r.BaseDir, and makes it
// relative to the root (r.RootDir, else r.BaseDir) when it is under it, as
// spelled or through symbolic links (see realpath.Resolver.Under: a file
// named through a link to the repository, or the target of the link kvet
// runs in, is the same file as named plainly). paths resolves the
// directories of one report (nil: remember nothing).
func (r *Report) artifactOf(paths *realpath.Resolver, file string) artifact {
	if file == analyzer.StdinName {
		return artifact{Stdin: true}
	}
	osPath := filepath.FromSlash(file)
	base := r.BaseDir
	if base != "" && !filepath.IsAbs(base) {
		if abs, err := filepath.Abs(base); err == nil {
			base = abs
		}
	}
	if base == "" {
		if filepath.IsAbs(osPath) {
			return artifact{Abs: filepath.ToSlash(filepath.Clean(osPath))}
		}
		rel := filepath.ToSlash(filepath.Clean(osPath))
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return artifact{} // outside an unknown base: neither form is known
		}
		return artifact{Rel: rel}
	}
	abs := osPath
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(base, abs)
	}
	abs = filepath.Clean(abs)
	a := artifact{Abs: filepath.ToSlash(abs)}
	if rel, ok := paths.Under(r.root(), abs); ok {
		a.Rel = filepath.ToSlash(rel)
	}
	return a
}

// artifacts resolves every distinct file of the report once, those of
// related locations included.
func (r *Report) artifacts() map[string]artifact {
	out := map[string]artifact{}
	paths := new(realpath.Resolver)
	add := func(f string) {
		if _, ok := out[f]; !ok {
			out[f] = r.artifactOf(paths, f)
		}
	}
	for i := range r.Diagnostics {
		add(r.Diagnostics[i].File)
		for _, rel := range r.Diagnostics[i].Related {
			add(rel.File)
		}
	}
	return out
}

// uriPathEscape percent-encodes a slash-separated path for use as the path
// of a URI reference (RFC 3986): everything but unreserved characters,
// sub-delimiters, "@", "/" and (unless colonToo) ":" is encoded, bytes of
// non-ASCII characters included. A relative reference must encode ":" so
// that its first segment cannot read as a scheme.
func uriPathEscape(p string, colonToo bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0,
			c == ':' && !colonToo:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// fileURI returns the file: URI of an absolute slash-separated path
// ("/a b/x.yaml" → "file:///a%20b/x.yaml", "C:/x" → "file:///C:/x",
// "//host/share/x" → "file://host/share/x").
func fileURI(abs string) string {
	switch {
	case strings.HasPrefix(abs, "//"):
		host, rest, _ := strings.Cut(abs[2:], "/")
		return "file://" + uriPathEscape(host, true) + "/" + uriPathEscape(rest, false)
	case strings.HasPrefix(abs, "/"):
		return "file://" + uriPathEscape(abs, false)
	}
	return "file:///" + uriPathEscape(abs, false)
}

// dirURI returns the file: URI of a directory, with the final slash that
// SARIF requires of a base URI.
func dirURI(abs string) string {
	u := fileURI(abs)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// root returns the absolute directory machine paths are relative to:
// RootDir, else BaseDir ("" when neither is known).
func (r *Report) root() string {
	root := r.RootDir
	if root == "" {
		root = r.BaseDir
	}
	if root != "" && !filepath.IsAbs(root) {
		if abs, err := filepath.Abs(root); err == nil {
			root = abs
		}
	}
	return root
}
