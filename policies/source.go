package policies

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kvet-dev/kvet/internal/safefile"
)

// source is one parsed .rego file.
type source struct {
	// name is the file's path as reported in errors and locations: the
	// path under policies/ for built-in files, the path as found on disk
	// (slash-separated) for the user's.
	name    string
	module  *ast.Module
	builtin bool
	test    bool
}

// moduleMap returns the modules of srcs for a compiler, by name. A
// built-in module whose name a user's file also has (a repository with
// its own policies/lib/result.rego) is keyed apart, so that neither
// replaces the other; its locations keep its name.
func moduleMap(srcs []*source) map[string]*ast.Module {
	user := map[string]bool{}
	for _, s := range srcs {
		if !s.builtin {
			user[s.name] = true
		}
	}
	modules := make(map[string]*ast.Module, len(srcs)+1)
	for _, s := range srcs {
		key := s.name
		if s.builtin && user[key] {
			key = "kvet built-in " + key
		}
		modules[key] = s.module
	}
	return modules
}

// builtinPrefix is prepended to embedded paths, so that they read as the
// files of the kvet repository.
const builtinPrefix = "policies/"

// builtinSources parses the embedded files: always the library, the
// policies when policies is set, and the *_test.rego files when tests is.
// Files are parsed in parallel. When metadata is not set, full-line
// comments (the METADATA blocks, whose content builtin_table.go already
// holds) are blanked before parsing, which halves the work without moving
// any line.
func builtinSources(policies, tests, metadata bool) ([]*source, error) {
	var names []string
	err := fs.WalkDir(builtinFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".rego" {
			return err
		}
		isTest := strings.HasSuffix(p, "_test.rego")
		isLib := strings.HasPrefix(p, "lib/")
		if isTest && !tests || !isLib && !policies {
			return nil
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*source, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			data, err := builtinFS.ReadFile(p)
			if err != nil {
				errs[i] = err
				return
			}
			name := builtinPrefix + p
			var m *ast.Module
			if metadata {
				m, err = parseModule(name, data)
			} else {
				m, err = ast.ParseModuleWithOpts(name, string(blankComments(data)), ast.ParserOptions{RegoVersion: ast.RegoV1})
			}
			if err != nil {
				errs[i] = formatErrors(err)
				return
			}
			out[i] = &source{name: name, module: m, builtin: true, test: strings.HasSuffix(p, "_test.rego")}
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// blankComments empties the lines that hold only a comment, keeping their
// line breaks so that positions do not move.
func blankComments(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for line := range bytes.Lines(data) {
		if t := bytes.TrimLeft(line, " \t"); bytes.HasPrefix(t, []byte("#")) {
			out = append(out, '\n')
			continue
		}
		out = append(out, line...)
	}
	return out
}

// userSources parses the .rego files of dirs (directories, searched
// recursively and skipping hidden directories, or files). *_test.rego files
// are included only when tests is set. Files are read in lexical order,
// each a regular file of at most maxSize bytes (see safefile.Read).
func userSources(ctx context.Context, dirs []string, tests bool, maxSize int64) ([]*source, error) {
	var names []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		p = filepath.ToSlash(filepath.Clean(p))
		if !seen[p] {
			seen[p] = true
			names = append(names, p)
		}
	}
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading policies: %w", err))
			continue
		}
		if !info.IsDir() {
			add(dir)
			continue
		}
		var found []string
		root := safefile.WalkRoot(dir) // a link named by --policy is followed
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if filepath.Ext(p) == ".rego" && (tests || !strings.HasSuffix(p, "_test.rego")) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("reading policies: %w", err))
		} else if len(found) == 0 {
			what := ".rego files"
			if !tests {
				what = ".rego policies (only *_test.rego files, if any)"
			}
			errs = append(errs, fmt.Errorf("reading policies: %s holds no %s", dir, what))
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	var out []*source
	for _, name := range names {
		data, err := safefile.Read(ctx, filepath.FromSlash(name), maxSize)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading policies: %s: %w", name, err))
			continue
		}
		m, err := parseModule(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if reserved(m.Package.Path) {
			errs = append(errs, errorAt(location(m.Package.Location), "package %s is reserved for kvet's built-in policies; use another package name",
				strings.TrimPrefix(m.Package.Path.String(), "data.")))
			continue
		}
		out = append(out, &source{name: name, module: m, test: strings.HasSuffix(name, "_test.rego")})
	}
	return out, errors.Join(errs...)
}

// reserved reports whether a package path is under data.kvet, kvet's own
// namespace (the library, the built-in rules, parameters and the engine).
func reserved(p ast.Ref) bool {
	return len(p) >= 2 && p[1].Equal(ast.StringTerm("kvet"))
}

// parseModule parses a Rego file with its METADATA annotations. Rego v1
// is tried first; a file that only parses as Rego v0 (conftest policies
// written as `deny[msg] { ... }`) is accepted as v0. Errors are the v1
// parser's, formatted file:line:col.
func parseModule(name string, data []byte) (*ast.Module, error) {
	src := string(data)
	m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err == nil {
		return m, nil
	}
	if m0, err0 := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV0}); err0 == nil {
		return m0, nil
	}
	return nil, formatErrors(err)
}

// formatErrors turns OPA errors into Errors, one per line.
func formatErrors(err error) error {
	var list ast.Errors
	if !errors.As(err, &list) {
		return err
	}
	errs := make([]error, 0, len(list))
	for _, e := range list {
		pe := &Error{Pos: location(e.Location), Msg: e.Message, Code: e.Code}
		if s := sandboxMessage(e); s != "" {
			pe.Msg, pe.Code = s, ""
		}
		errs = append(errs, pe)
	}
	return errors.Join(errs...)
}

// Error is an error at a position in a policy file: one line,
// path:line:col: error: message (code), the shape of kvet's findings,
// which editors and CI annotations read. The errors of loading policies
// are Errors, errors.Join of Errors, or errors without a position
// (reading policies: ...).
type Error struct {
	Pos  string // path:line:col, as location writes it
	Msg  string
	Code string // OPA's error code, such as rego_parse_error; "" for kvet's own checks
}

// FindingShape reports that the error's text is in a finding's shape.
func (e *Error) FindingShape() bool { return true }

func (e *Error) Error() string {
	s := e.Pos + ": error: " + e.Msg
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	return s
}

// errorAt returns an Error at pos (see location) whose message is format
// applied to args.
func errorAt(pos, format string, args ...any) error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// location renders an OPA location as file:line:col.
func location(loc *ast.Location) string {
	if loc == nil {
		return "<unknown>"
	}
	col := loc.Col
	if col < 1 {
		col = 1
	}
	return fmt.Sprintf("%s:%d:%d", loc.File, loc.Row, col)
}
