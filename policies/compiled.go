package policies

import (
	_ "embed" // the precompiled built-in policies
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/version"
)

// Precompiled built-in policies. Parsing and compiling kvet's own policies
// and library is most of the work of a run that lints a few RBAC objects
// (one 12-line Role took 4.6 times as long as `kvet version`). They are
// the same in every run, so `go generate` compiles them (every stage
// except checkOnlyStages, as compile does) and records the compiled modules
// in builtin_compiled.bin; a run decodes them and runs only the compiler
// stages that build what evaluation reads (rule trees, dependency graph,
// indices), not the ones that rewrite. The file starts with a key:
// checksums of the embedded .rego files, OPA's version and the encoding's
// version. When the key does not match (a .rego file edited
// without regenerating), the policies are compiled from source as before,
// so results never depend on the file; TestBuiltinCompiledUpToDate fails
// until it is regenerated. The user's policies, and configured parameters,
// always go through compile.

//go:generate go test -run TestBuiltinCompiledUpToDate -update .

//go:embed builtin_compiled.bin
var builtinCompiled string

// compiledFile is the name of the generated file.
const compiledFile = "builtin_compiled.bin"

// compiledVersion changes when the encoding does.
const compiledVersion = "kvet-compiled-5"

// structureStages are the compiler stages run on precompiled modules:
// those that set the compiler's state that evaluation and queries read
// rather than rewrite modules. (InitLocalVarGen's generator serves only
// the stages that rewrite modules and the type check; queries have their
// own.) Not SetGraph: the dependency graph serves the checks that
// precompiled modules skip, the type check of a query's `with` (kvet's
// queries have none) and the memo's pure functions, which the file
// records (memoFunctions); the compiler's Graph stays nil.
var structureStages = []ast.StageID{
	ast.StageSetModuleTree,
	ast.StageSetRuleTree,
	ast.StageSetAnnotationSet,
	ast.StageBuildRuleIndices,
	ast.StageBuildComprehensionIndices,
}

// compiledKey is the key of the precompiled policies for the embedded
// sources: a CRC-32 (computed by the processor) and a CRC-64 (by tables,
// a few times faster than the FNV-1a 64 checksum it replaces) of what
// compile reads, with OPA's version and the encoding's, and the length of
// it all. It tells an edited source from the one the file was
// generated from; it is not a defence against forgery (whoever can edit
// the file can edit the binary).
func compiledKey() ([20]byte, error) {
	ieee, ecma := crc32.NewIEEE(), crc64.New(crc64.MakeTable(crc64.ECMA))
	h := io.MultiWriter(ieee, ecma)
	var size int64
	write := func(b []byte) {
		h.Write(b) //nolint:errcheck // hashes do not fail
		size += int64(len(b))
	}
	write([]byte(compiledVersion + "\x00" + version.Version + "\x00"))
	// The files are read through one buffer: ReadFile would copy each
	// into memory of its own, which a run touches only for this.
	buf := make([]byte, 8<<10)
	err := fs.WalkDir(builtinFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		f, err := builtinFS.Open(p)
		if err != nil {
			return err
		}
		defer f.Close() //nolint:errcheck // an embedded file
		write([]byte(p + "\x00"))
		for {
			n, err := f.Read(buf)
			write(buf[:n])
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
		}
		write([]byte{0})
		return nil
	})
	var key [20]byte
	binary.BigEndian.PutUint32(key[0:], ieee.Sum32())
	binary.BigEndian.PutUint64(key[4:], ecma.Sum64())
	binary.BigEndian.PutUint64(key[12:], uint64(size))
	return key, err
}

// precompiled returns a compiler of the built-in policies and library with
// an empty parameter module, and its memo, from builtin_compiled.bin, or
// nil when the file does not match the embedded sources.
func precompiled() (*ast.Compiler, *memo, error) {
	key, err := compiledKey()
	if err != nil {
		return nil, nil, err
	}
	if len(builtinCompiled) < len(key) || builtinCompiled[:len(key)] != string(key[:]) {
		return nil, nil, nil
	}
	d, err := decodeCompiled(builtinCompiled[len(key):])
	if err != nil {
		return nil, nil, fmt.Errorf("internal error: %s: %w", compiledFile, err)
	}
	c := compileDecoded(d.modules, d.comprehensionIndices)
	if c == nil {
		// The compiler did not take the modules as they are (see
		// compileDecoded): compile the sources.
		return nil, nil, nil
	}
	if c.Failed() {
		return nil, nil, formatErrors(c.Errors)
	}
	for k, v := range d.rewritten {
		c.RewrittenVars[k] = v
	}
	return c, newMemoOf(d.pure, d.trivial), nil
}

// handOverStage is the stage that hands the decoded modules to the
// compiler: it runs after handOverAfter, the last stage before
// structureStages, which the compiler runs on placeholders.
const (
	handOverStage = "kvet_precompiled_modules"
	handOverAfter = ast.StageRemoveImports
)

// compileDecoded runs structureStages on decoded modules, which nothing
// else holds. Compiler.Compile copies the modules it is given (a deep
// copy, as many allocations as decoding them) before its stages; here it
// is given placeholders of the same names (so it sorts the same names),
// cheap to copy, that a stage after handOverAfter (which, like the stages
// before it, only reads imports, which neither placeholders nor compiled
// modules have) replaces with the decoded modules themselves. It returns
// nil when the compiler did not end up with exactly the decoded modules
// (an OPA whose Compile or stages work otherwise), so that the caller
// compiles the sources instead of trusting the shortcut. The stage that
// builds the comprehension indices runs only when comprehensionIndices
// says that compiling the sources builds some (kvet's own policies have no
// comprehension OPA indexes: the stage would walk every rule for none).
func compileDecoded(modules map[string]*ast.Module, comprehensionIndices bool) *ast.Compiler {
	var skip []ast.StageID
	for _, s := range ast.AllStages() {
		if !slices.Contains(structureStages, s) && s != handOverAfter ||
			s == ast.StageBuildComprehensionIndices && !comprehensionIndices {
			skip = append(skip, s)
		}
	}
	placeholders := make(map[string]*ast.Module, len(modules))
	for name := range modules {
		placeholders[name] = &ast.Module{Package: &ast.Package{}}
	}
	handedOver := false
	c := newCompiler(true).WithSkipStages(skip...).WithStageAfterID(handOverAfter, ast.CompilerStageDefinition{
		Name:       handOverStage,
		MetricName: "compile_stage_" + handOverStage,
		Stage: func(c *ast.Compiler) *ast.Error {
			if len(c.Modules) == len(modules) {
				maps.Copy(c.Modules, modules)
				handedOver = true
			}
			return nil
		},
	})
	c.Compile(placeholders)
	if !handedOver || len(c.Modules) != len(modules) {
		return nil
	}
	for name, m := range modules {
		if c.Modules[name] != m {
			return nil
		}
	}
	return c
}

// compileBuiltin compiles the built-in policies and library from source,
// with an empty parameter module, as compile does; it is what
// builtin_compiled.bin records.
func compileBuiltin() (*ast.Compiler, error) {
	srcs, err := builtinSources(true, false, false)
	if err != nil {
		return nil, err
	}
	prog, err := compile(srcs, nil, nil)
	if err != nil {
		return nil, err
	}
	return prog.compiler, nil
}

// compiledParts is the number of parts the modules are split into, so
// that as many goroutines decode them.
const compiledParts = 4

// encodeCompiled renders the key and a compiler's modules and rewritten
// variables. The file is: the key; the texts and locations of all the
// modules; the rewritten variables; then compiledParts parts, each with
// its counts (see astWriter) and length, of modules balanced by size.
func encodeCompiled(key [20]byte, c *ast.Compiler) ([]byte, error) {
	lt := &locTable{locs: map[*ast.Location]int{}, texts: map[string]int{}}
	names := make([]string, 0, len(c.Modules))
	for name := range c.Modules {
		names = append(names, name)
	}
	slices.Sort(names)
	var parts [compiledParts]*astWriter
	for i := range parts {
		parts[i] = &astWriter{locTable: lt}
	}
	for _, name := range names {
		mw := &astWriter{locTable: lt}
		mw.str(name)
		mw.module(c.Modules[name])
		if mw.err != nil {
			return nil, mw.err
		}
		// The smallest part takes the module.
		w := slices.MinFunc(parts[:], func(a, b *astWriter) int { return len(a.buf) - len(b.buf) })
		w.buf = append(w.buf, mw.buf...)
		w.terms, w.exprs, w.rules = w.terms+mw.terms, w.exprs+mw.exprs, w.rules+mw.rules
		w.termPtrs, w.exprPtrs = w.termPtrs+mw.termPtrs, w.exprPtrs+mw.exprPtrs
	}
	out := append([]byte(nil), key[:]...)
	out = binary.AppendUvarint(out, uint64(len(lt.locList)))
	out = binary.AppendUvarint(out, uint64(len(lt.textPool)))
	out = append(out, lt.textPool...)
	for _, l := range lt.locList {
		out = binary.AppendUvarint(out, uint64(lt.texts[string(l.Text)]))
		out = binary.AppendUvarint(out, uint64(len(l.Text)))
		out = appendString(out, l.File)
		out = binary.AppendUvarint(out, uint64(l.Row))
		out = binary.AppendUvarint(out, uint64(l.Col))
		out = binary.AppendUvarint(out, uint64(l.Offset))
		out = binary.AppendUvarint(out, uint64(len(l.Tabs)))
		for _, t := range l.Tabs {
			out = binary.AppendUvarint(out, uint64(t))
		}
	}
	vars := make([]ast.Var, 0, len(c.RewrittenVars))
	for v := range c.RewrittenVars {
		vars = append(vars, v)
	}
	slices.Sort(vars)
	out = binary.AppendUvarint(out, uint64(len(vars)))
	for _, v := range vars {
		out = appendString(out, string(v))
		out = appendString(out, string(c.RewrittenVars[v]))
	}
	var flags uint64
	if hasComprehensionIndices(c) {
		flags |= flagComprehensionIndices
	}
	out = binary.AppendUvarint(out, flags)
	pure, trivial := memoFunctions(c)
	for _, refs := range [][]ast.Ref{pure, trivial} {
		var err error
		if out, err = appendRefs(out, refs); err != nil {
			return nil, err
		}
	}
	for _, w := range parts {
		for _, n := range w.counts() {
			out = binary.AppendUvarint(out, uint64(n))
		}
		out = appendString(out, string(w.buf))
	}
	return out, nil
}

// Flags of the file.
const (
	// flagComprehensionIndices: the compiled modules have comprehensions
	// that OPA indexes.
	flagComprehensionIndices = 1 << iota
)

// hasComprehensionIndices reports whether c indexes any comprehension of
// its modules.
func hasComprehensionIndices(c *ast.Compiler) bool {
	found := false
	for _, m := range c.Modules {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			switch t.Value.(type) {
			case *ast.ArrayComprehension, *ast.SetComprehension, *ast.ObjectComprehension:
				found = found || c.ComprehensionIndex(t) != nil
			}
			return found
		})
	}
	return found
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Tags of the encoding.
const (
	tagNil byte = iota
	tagNull
	tagFalse
	tagTrue
	tagNumber
	tagString
	tagVar
	tagRef
	tagArray
	tagObject
	tagSet
	tagArrayCompr
	tagObjectCompr
	tagSetCompr
	tagCall
	// Expression forms.
	tagExprTerm
	tagExprCall
	tagExprSome
	tagExprEvery
)

// astWriter encodes modules. Locations are written once each (shared
// pointers stay shared), their texts once per distinct text.
type astWriter struct {
	buf []byte
	err error
	// The numbers of terms, expressions and rules, and the total
	// lengths of term lists and bodies, which the reader allocates at
	// once.
	terms, exprs, rules, termPtrs, exprPtrs int
	*locTable
}

// locTable holds the locations of all the modules.
type locTable struct {
	locs     map[*ast.Location]int
	locList  []*ast.Location
	texts    map[string]int
	textPool []byte
}

// counts are the writer's counts, in the order of the file.
func (w *astWriter) counts() [5]int {
	return [5]int{w.terms, w.exprs, w.rules, w.termPtrs, w.exprPtrs}
}

func (w *astWriter) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf(format, args...)
	}
}

func (w *astWriter) int(n int) { w.buf = binary.AppendVarint(w.buf, int64(n)) }

func (w *astWriter) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

func (w *astWriter) str(s string) { w.buf = appendString(w.buf, s) }

// loc writes a location as its index + 1 (0: none).
func (w *astWriter) loc(l *ast.Location) {
	if l == nil {
		w.int(0)
		return
	}
	i, ok := w.locs[l]
	if !ok {
		i = len(w.locList)
		w.locs[l] = i
		w.locList = append(w.locList, l)
		if _, ok := w.texts[string(l.Text)]; !ok {
			w.texts[string(l.Text)] = len(w.textPool)
			w.textPool = append(w.textPool, l.Text...)
		}
	}
	w.int(i + 1)
}

func (w *astWriter) module(m *ast.Module) {
	if len(m.Annotations) > 0 || len(m.Imports) > 0 {
		w.fail("%s: a compiled module with annotations or imports", m.Package.Location)
	}
	span := m.RegoVersionSpan()
	w.int(int(span.Min()))
	w.int(int(span.Max()))
	w.termList(m.Package.Path)
	w.loc(m.Package.Location)
	w.int(len(m.Rules))
	for _, r := range m.Rules {
		w.rule(r)
	}
}

func (w *astWriter) rule(r *ast.Rule) {
	if r == nil {
		w.bool(false)
		return
	}
	w.bool(true)
	w.rules++
	if len(r.Annotations) > 0 {
		w.fail("%s: a compiled rule with annotations", r.Location)
	}
	h := r.Head
	w.str(string(h.Name))
	w.termList(h.Reference)
	w.termList(h.Args)
	w.term(h.Key)
	w.term(h.Value)
	w.bool(h.Assign)
	w.loc(h.Location)
	w.body(r.Body)
	w.loc(r.Location)
	w.bool(r.Default)
	w.rule(r.Else)
}

// writeList writes -1 for a nil list, else its length (added to count)
// and each element.
func writeList[T any](w *astWriter, xs []T, count *int, each func(T)) {
	if xs == nil {
		w.int(-1)
		return
	}
	w.int(len(xs))
	*count += len(xs)
	for _, x := range xs {
		each(x)
	}
}

func (w *astWriter) body(b ast.Body) { writeList(w, b, &w.exprPtrs, w.expr) }

func (w *astWriter) expr(e *ast.Expr) {
	w.exprs++
	w.int(e.Index)
	w.bool(e.Generated)
	w.bool(e.Negated)
	w.loc(e.Location)
	w.int(len(e.With))
	for _, x := range e.With {
		w.term(x.Target)
		w.term(x.Value)
		w.loc(x.Location)
	}
	switch t := e.Terms.(type) {
	case *ast.Term:
		w.buf = append(w.buf, tagExprTerm)
		w.term(t)
	case []*ast.Term:
		w.buf = append(w.buf, tagExprCall)
		w.termList(t)
	case *ast.SomeDecl:
		w.buf = append(w.buf, tagExprSome)
		w.termList(t.Symbols)
		w.loc(t.Location)
	case *ast.Every:
		w.buf = append(w.buf, tagExprEvery)
		w.term(t.Key)
		w.term(t.Value)
		w.term(t.Domain)
		w.body(t.Body)
		w.loc(t.Location)
	default:
		w.fail("%s: expression of type %T is not supported by %s", e.Location, e.Terms, compiledFile)
	}
}

func (w *astWriter) termList(ts []*ast.Term) { writeList(w, ts, &w.termPtrs, w.term) }

func (w *astWriter) term(t *ast.Term) {
	if t == nil {
		w.buf = append(w.buf, tagNil)
		return
	}
	w.terms++
	switch v := t.Value.(type) {
	case ast.Null:
		w.buf = append(w.buf, tagNull)
	case ast.Boolean:
		if v {
			w.buf = append(w.buf, tagTrue)
		} else {
			w.buf = append(w.buf, tagFalse)
		}
	case ast.Number:
		w.buf = append(w.buf, tagNumber)
		w.str(string(v))
	case ast.String:
		w.buf = append(w.buf, tagString)
		w.str(string(v))
	case ast.Var:
		w.buf = append(w.buf, tagVar)
		w.str(string(v))
	case ast.Ref:
		w.buf = append(w.buf, tagRef)
		w.termList(v)
	case *ast.Array:
		w.buf = append(w.buf, tagArray)
		w.int(v.Len())
		v.Foreach(w.term)
	case ast.Object:
		w.buf = append(w.buf, tagObject)
		w.int(v.Len())
		v.Foreach(func(k, x *ast.Term) {
			w.term(k)
			w.term(x)
		})
	case ast.Set:
		w.buf = append(w.buf, tagSet)
		w.int(v.Len())
		v.Foreach(w.term)
	case *ast.ArrayComprehension:
		w.buf = append(w.buf, tagArrayCompr)
		w.term(v.Term)
		w.body(v.Body)
	case *ast.ObjectComprehension:
		w.buf = append(w.buf, tagObjectCompr)
		w.term(v.Key)
		w.term(v.Value)
		w.body(v.Body)
	case *ast.SetComprehension:
		w.buf = append(w.buf, tagSetCompr)
		w.term(v.Term)
		w.body(v.Body)
	case ast.Call:
		w.buf = append(w.buf, tagCall)
		w.termList(v)
	default:
		w.fail("%s: term of type %T is not supported by %s", t.Location, t.Value, compiledFile)
	}
	w.loc(t.Location)
}

// astReader decodes what astWriter wrote. Terms, expressions, rules,
// heads, locations and the backing arrays of term lists and bodies come
// from slabs allocated once.
type astReader struct {
	data     string
	pos      int
	err      error
	terms    slab[ast.Term]
	exprs    slab[ast.Expr]
	rules    slab[ast.Rule]
	heads    slab[ast.Head]
	termPtrs slab[*ast.Term]
	exprPtrs slab[*ast.Expr]
	locs     []*ast.Location
}

// slab hands out consecutive elements of one allocation; when it runs out
// (the header's counts were wrong, which decodeCompiled then reports), of
// new ones.
type slab[T any] struct{ buf []T }

func newSlab[T any](n int) slab[T] { return slab[T]{buf: make([]T, n)} }

// take returns n elements, with no room to append into the next ones.
func (s *slab[T]) take(n int) []T {
	if n > len(s.buf) {
		return make([]T, n)
	}
	out := s.buf[:n:n]
	s.buf = s.buf[n:]
	return out
}

// one returns one element.
func (s *slab[T]) one() *T { return &s.take(1)[0] }

// used reports whether every element was handed out.
func (s *slab[T]) used() bool { return len(s.buf) == 0 }

var errCorrupt = errors.New("corrupt data")

// uvarint reads what binary.AppendUvarint wrote.
func (r *astReader) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.pos >= len(r.data) {
			break
		}
		b := r.data[r.pos]
		r.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
	r.err = errCorrupt
	r.pos = len(r.data)
	return 0
}

// int reads what binary.AppendVarint wrote.
func (r *astReader) int() int {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return int(v)
}

func (r *astReader) byte() byte {
	if r.pos >= len(r.data) {
		r.err = errCorrupt
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

func (r *astReader) bool() bool { return r.byte() != 0 }

func (r *astReader) str() string {
	n := int(r.uvarint())
	if n > len(r.data)-r.pos {
		r.err = errCorrupt
		r.pos = len(r.data)
		return ""
	}
	s := r.data[r.pos : r.pos+n]
	r.pos += n
	return s
}

func (r *astReader) loc() *ast.Location {
	i := r.int()
	if i <= 0 || i > len(r.locs) {
		if i != 0 {
			r.err = errCorrupt
		}
		return nil
	}
	return r.locs[i-1]
}

// decoded is what builtin_compiled.bin records after its key.
type decoded struct {
	modules   map[string]*ast.Module
	rewritten map[ast.Var]ast.Var
	// comprehensionIndices: compiling the modules builds comprehension
	// indices.
	comprehensionIndices bool
	// pure and trivial are the memo's functions (see memoFunctions).
	pure, trivial []ast.Ref
}

// decodeCompiled decodes data (the file after its key), the parts of the
// modules in parallel.
func decodeCompiled(data string) (*decoded, error) {
	r := &astReader{data: data}
	nLocs, nText := int(r.uvarint()), int(r.uvarint())
	if r.err != nil || nLocs > len(r.data) || nText > len(r.data)-r.pos {
		return nil, errCorrupt
	}
	text := []byte(r.data[r.pos : r.pos+nText])
	r.pos += nText
	locs := make([]ast.Location, nLocs)
	r.locs = make([]*ast.Location, nLocs)
	for i := range locs {
		l := &locs[i]
		off, n := int(r.uvarint()), int(r.uvarint())
		if off < 0 || n < 0 || off+n > len(text) {
			return nil, errCorrupt
		}
		l.Text = text[off : off+n : off+n]
		l.File = r.str()
		l.Row, l.Col, l.Offset = int(r.uvarint()), int(r.uvarint()), int(r.uvarint())
		if tabs := int(r.uvarint()); tabs > 0 && tabs <= len(r.data) {
			l.Tabs = make([]int, tabs)
			for j := range l.Tabs {
				l.Tabs[j] = int(r.uvarint())
			}
		}
		r.locs[i] = l
	}
	rewritten := map[ast.Var]ast.Var{}
	n := int(r.uvarint())
	for range n {
		if r.err != nil {
			break
		}
		k := ast.Var(r.str())
		rewritten[k] = ast.Var(r.str())
	}
	d := &decoded{rewritten: rewritten}
	d.comprehensionIndices = r.uvarint()&flagComprehensionIndices != 0
	d.pure, d.trivial = r.refs(), r.refs()
	var parts [compiledParts]*astReader
	for i := range parts {
		var counts [5]int
		for j := range counts {
			if counts[j] = int(r.uvarint()); counts[j] > len(r.data) {
				return nil, errCorrupt
			}
		}
		parts[i] = &astReader{data: r.str(), locs: r.locs,
			terms: newSlab[ast.Term](counts[0]), exprs: newSlab[ast.Expr](counts[1]),
			rules: newSlab[ast.Rule](counts[2]), heads: newSlab[ast.Head](counts[2]),
			termPtrs: newSlab[*ast.Term](counts[3]), exprPtrs: newSlab[*ast.Expr](counts[4])}
	}
	if r.err == nil && r.pos != len(r.data) {
		r.err = errCorrupt
	}
	if r.err != nil {
		return nil, r.err
	}
	var wg sync.WaitGroup
	found := make([]map[string]*ast.Module, len(parts))
	for i, p := range parts {
		wg.Go(func() { found[i] = p.modules() })
	}
	wg.Wait()
	modules := map[string]*ast.Module{}
	for i, p := range parts {
		if p.err != nil {
			return nil, p.err
		}
		maps.Copy(modules, found[i])
	}
	d.modules = modules
	return d, nil
}

// appendRefs appends refs of functions (a variable, then strings:
// data.a.b.f) to b, for astReader.refs.
func appendRefs(b []byte, refs []ast.Ref) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(refs)))
	for _, ref := range refs {
		b = binary.AppendUvarint(b, uint64(len(ref)))
		for i, t := range ref {
			switch v := t.Value.(type) {
			case ast.Var:
				if i > 0 {
					return nil, fmt.Errorf("function %v: a variable in its ref", ref)
				}
				b = appendString(b, string(v))
			case ast.String:
				if i == 0 {
					return nil, fmt.Errorf("function %v: its ref starts with a string", ref)
				}
				b = appendString(b, string(v))
			default:
				return nil, fmt.Errorf("function %v: a %T in its ref", ref, t.Value)
			}
		}
	}
	return b, nil
}

// refs reads the refs of functions that appendRefs wrote.
func (r *astReader) refs() []ast.Ref {
	n := int(r.uvarint())
	if n > len(r.data)-r.pos {
		r.err = errCorrupt
		return nil
	}
	out := make([]ast.Ref, n)
	for i := range out {
		terms := int(r.uvarint())
		if terms < 1 || terms > len(r.data)-r.pos {
			r.err = errCorrupt
			return nil
		}
		ref := make(ast.Ref, terms)
		ref[0] = ast.VarTerm(r.str())
		for j := 1; j < terms; j++ {
			ref[j] = ast.StringTerm(r.str())
		}
		out[i] = ref
	}
	return out
}

// modules decodes a part: modules to the end of the data.
func (r *astReader) modules() map[string]*ast.Module {
	out := map[string]*ast.Module{}
	for r.err == nil && r.pos < len(r.data) {
		name := r.str()
		out[name] = r.module()
	}
	used := r.terms.used() && r.exprs.used() && r.rules.used() && r.heads.used() && r.termPtrs.used() && r.exprPtrs.used()
	if r.err == nil && !used {
		r.err = errCorrupt
	}
	return out
}

func (r *astReader) module() *ast.Module {
	m := &ast.Module{}
	lo, hi := r.int(), r.int()
	span, err := ast.NewRegoVersionSpan(ast.RegoVersion(lo), ast.RegoVersion(hi))
	if err != nil || lo < 0 || hi < 0 || lo > 255 || hi > 255 {
		r.err = errCorrupt
	}
	m.SetRegoVersionSpan(span)
	m.Package = &ast.Package{Path: r.termList()}
	m.Package.Location = r.loc()
	n := r.int()
	if n < 0 || n > len(r.data) {
		r.err = errCorrupt
		return m
	}
	m.Rules = make([]*ast.Rule, 0, n)
	for range n {
		if r.err != nil {
			break
		}
		m.Rules = append(m.Rules, r.rule(m))
	}
	return m
}

func (r *astReader) rule(m *ast.Module) *ast.Rule {
	if !r.bool() || r.err != nil {
		return nil
	}
	h := r.heads.one()
	h.Name = ast.Var(r.str())
	h.Reference = r.termList()
	h.Args = r.termList()
	h.Key = r.term()
	h.Value = r.term()
	h.Assign = r.bool()
	h.Location = r.loc()
	rule := r.rules.one()
	rule.Head, rule.Module = h, m
	rule.Body = r.body()
	rule.Location = r.loc()
	rule.Default = r.bool()
	rule.Else = r.rule(m)
	return rule
}

func (r *astReader) body() ast.Body {
	n := r.int()
	if n == -1 {
		return nil
	}
	if n < 0 || n > len(r.data) {
		r.err = errCorrupt
		return nil
	}
	b := ast.Body(r.exprPtrs.take(n))
	for i := range b {
		if r.err != nil {
			return nil
		}
		b[i] = r.expr()
	}
	return b
}

func (r *astReader) expr() *ast.Expr {
	e := r.exprs.one()
	e.Index, e.Generated, e.Negated, e.Location = r.int(), r.bool(), r.bool(), r.loc()
	if n := r.int(); n > 0 && n <= len(r.data) {
		e.With = make([]*ast.With, n)
		for i := range e.With {
			e.With[i] = &ast.With{Target: r.term(), Value: r.term(), Location: r.loc()}
		}
	}
	switch r.byte() {
	case tagExprTerm:
		e.Terms = r.term()
	case tagExprCall:
		e.Terms = r.termList()
	case tagExprSome:
		e.Terms = &ast.SomeDecl{Symbols: r.termList(), Location: r.loc()}
	case tagExprEvery:
		ev := &ast.Every{Key: r.term(), Value: r.term(), Domain: r.term()}
		ev.Body = r.body()
		ev.Location = r.loc()
		e.Terms = ev
	default:
		r.err = errCorrupt
	}
	return e
}

func (r *astReader) termList() []*ast.Term {
	n := r.int()
	if n == -1 {
		return nil
	}
	if n < 0 || n > len(r.data) {
		r.err = errCorrupt
		return nil
	}
	ts := r.termPtrs.take(n)
	for i := range ts {
		ts[i] = r.term()
	}
	return ts
}

// elems reads terms none of which may be nil (the elements of a
// collection, a ref or a call).
func (r *astReader) elems() []*ast.Term {
	ts := r.termList()
	if slices.Contains(ts, nil) {
		r.err = errCorrupt
	}
	return ts
}

func (r *astReader) term() *ast.Term {
	tag := r.byte()
	if tag == tagNil || r.err != nil {
		return nil
	}
	t := r.terms.one()
	switch tag {
	case tagNull:
		t.Value = ast.NullValue
	case tagFalse:
		t.Value = ast.Boolean(false)
	case tagTrue:
		t.Value = ast.Boolean(true)
	case tagNumber:
		t.Value = ast.Number(r.str())
	case tagString:
		t.Value = ast.String(r.str())
	case tagVar:
		t.Value = ast.Var(r.str())
	case tagRef:
		t.Value = ast.Ref(r.elems())
	case tagArray:
		if ts := r.elems(); r.err == nil {
			t.Value = ast.NewArray(ts...)
		}
	case tagObject:
		n := r.int()
		if n < 0 || n > len(r.data) {
			r.err = errCorrupt
			return t
		}
		pairs := make([][2]*ast.Term, n)
		for i := range pairs {
			pairs[i] = [2]*ast.Term{r.term(), r.term()}
			if pairs[i][0] == nil || pairs[i][1] == nil {
				r.err = errCorrupt
			}
		}
		if r.err == nil {
			t.Value = ast.NewObject(pairs...)
		}
	case tagSet:
		if ts := r.elems(); r.err == nil {
			t.Value = ast.NewSet(ts...)
		}
	case tagArrayCompr:
		t.Value = &ast.ArrayComprehension{Term: r.term(), Body: r.body()}
	case tagObjectCompr:
		t.Value = &ast.ObjectComprehension{Key: r.term(), Value: r.term(), Body: r.body()}
	case tagSetCompr:
		t.Value = &ast.SetComprehension{Term: r.term(), Body: r.body()}
	case tagCall:
		t.Value = ast.Call(r.elems())
	default:
		r.err = errCorrupt
	}
	t.Location = r.loc()
	return t
}
