package config

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kvet-dev/kvet/internal/jsonsniff"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/jsonstream"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
)

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// Baseline is a recorded set of findings: with `kvet lint --baseline FILE`
// only findings that are not in it are reported. Findings are matched by
// file, object (kind, namespace, name), rule and field path, never by line,
// so edits that shift lines do not invalidate a baseline. Each entry
// suppresses one finding: two identical entries suppress two findings.
type Baseline struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`

	// path is the file's path as given; dir its absolute directory, which
	// the files of entries are relative to.
	path, dir string
}

// BaselineEntry is one recorded finding. Message is for people reading the
// file; it is not used for matching.
type BaselineEntry struct {
	File      string `json:"file"`
	Kind      string `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Rule      string `json:"rule"`
	Path      string `json:"path,omitempty"`
	Message   string `json:"message,omitempty"`
}

// NewBaseline records the findings of diags (suppressed diagnostics are
// left out) for a baseline file at path: files are stored relative to the
// baseline's directory, so the baseline matches whatever directory kvet is
// run from. Entries are sorted.
func NewBaseline(path string, diags []analyzer.Diagnostic) (*Baseline, error) {
	b := &Baseline{Version: BaselineVersion, Findings: []BaselineEntry{}, path: path}
	if err := b.setDir(); err != nil {
		return nil, err
	}
	rel := b.relFiles()
	for i := range diags {
		d := &diags[i]
		if d.Suppressed() {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{
			File: rel(d.File), Kind: d.Object.Kind, Namespace: d.Object.Namespace, Name: d.Object.Name,
			Rule: d.RuleID, Path: d.Path.String(), Message: d.Message,
		})
	}
	slices.SortStableFunc(b.Findings, func(x, y BaselineEntry) int {
		return cmp.Or(x.key().compare(y.key()), strings.Compare(x.Message, y.Message))
	})
	return b, nil
}

func (b *Baseline) setDir() error {
	abs, err := filepath.Abs(b.path)
	if err != nil {
		return fmt.Errorf("baseline %s: %w", b.path, err)
	}
	b.dir = filepath.Dir(abs)
	return nil
}

// relFile returns file relative to the baseline's directory,
// slash-separated, through symbolic links (see realpath.Resolver.Rel): the
// baseline matches when it or the files are named through a link to where
// it was written (a working directory reached through one), as well as
// from any directory; standard input and files on another volume keep
// their name.
func (b *Baseline) relFile(paths *realpath.Resolver, file string) string {
	if file == analyzer.StdinName {
		return file
	}
	rel, err := paths.Rel(b.dir, file)
	if err != nil {
		return filepath.ToSlash(paths.Abs(file))
	}
	return filepath.ToSlash(rel)
}

// relFiles returns relFile, remembering its answers: a run's diagnostics
// name the same files over and over (findings of one file are
// consecutive), and the files of one directory share its resolution.
func (b *Baseline) relFiles() func(string) string {
	paths := new(realpath.Resolver)
	rel := map[string]string{}
	return func(file string) string {
		r, ok := rel[file]
		if !ok {
			r = b.relFile(paths, file)
			rel[file] = r
		}
		return r
	}
}

// baselineKey identifies a finding independently of its line. It has the
// fields of analyzer.Diagnostic.Fingerprint, with the file relative to the
// baseline.
type baselineKey struct{ file, kind, namespace, name, rule, path string }

// key returns the key of e.
func (e *BaselineEntry) key() baselineKey {
	return baselineKey{e.File, e.Kind, e.Namespace, e.Name, e.Rule, e.Path}
}

// compare orders keys field by field, in the order of the fields.
func (k baselineKey) compare(o baselineKey) int {
	return cmp.Or(strings.Compare(k.file, o.file), strings.Compare(k.kind, o.kind), strings.Compare(k.namespace, o.namespace),
		strings.Compare(k.name, o.name), strings.Compare(k.rule, o.rule), strings.Compare(k.path, o.path))
}

// Write writes the baseline to its file as indented JSON, atomically: the
// file keeps its previous content unless the new one is complete, and is
// left alone when ctx is done before then (see safefile.WriteAtomic).
func (b *Baseline) Write(ctx context.Context) error {
	err := safefile.WriteAtomic(ctx, b.path, b.encode)
	if err != nil {
		return fmt.Errorf("writing baseline %s: %w", b.path, err)
	}
	return nil
}

// encode writes the baseline as a json.Encoder indenting by two spaces
// writes it, one finding at a time (see jsonstream).
func (b *Baseline) encode(w io.Writer) error {
	head := *b
	head.Findings = []BaselineEntry{}
	return jsonstream.Write(w, &head, "findings", len(b.Findings), func(i int) any { return &b.Findings[i] },
		jsonstream.Options{EscapeHTML: true})
}

// LoadBaseline reads a baseline file written by Write: a regular file (or a
// stream named as such, see safefile.Read) of at most maxSize bytes (0:
// safefile.DefaultMaxSize). The entries it returns have no Message (Apply
// does not read it).
func LoadBaseline(ctx context.Context, path string, maxSize int64) (*Baseline, error) {
	data, err := safefile.Read(ctx, path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("reading baseline %s: %w", path, err)
	}
	// Decoded without the messages, which are for people reading the
	// file and most of its size: a baseline of 40,000 findings is 21 MB,
	// read when the run's heap is at its largest.
	var file struct {
		Version  int `json:"version"`
		Findings []struct {
			File      string `json:"file"`
			Kind      string `json:"kind"`
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
			Rule      string `json:"rule"`
			Path      string `json:"path"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		// The decoder names its Go types; say what the file has instead.
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			where := "the file"
			if te.Field != "" {
				where = `"` + te.Field + `"`
			}
			return nil, &Error{File: path, Msg: fmt.Sprintf("not a kvet baseline: %s is a JSON %s (after byte %d)", where, te.Value, te.Offset)}
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("not a kvet baseline: %v", err)}
	}
	b := &Baseline{path: path, Version: file.Version, Findings: make([]BaselineEntry, len(file.Findings))}
	for i, e := range file.Findings {
		b.Findings[i] = BaselineEntry{File: e.File, Kind: e.Kind, Namespace: e.Namespace, Name: e.Name, Rule: e.Rule, Path: e.Path}
	}
	if b.Version != BaselineVersion {
		return nil, &Error{File: path, Msg: fmt.Sprintf("baseline version %d is not supported (want %d); rewrite it with kvet lint --write-baseline", b.Version, BaselineVersion)}
	}
	for i, e := range b.Findings {
		if e.File == "" || e.Rule == "" {
			return nil, &Error{File: path, Msg: fmt.Sprintf("finding %d has no file or rule", i+1)}
		}
	}
	if err := b.setDir(); err != nil {
		return nil, err
	}
	return b, nil
}

// Apply marks the diagnostics recorded in the baseline as suppressed (kind
// external), each entry matching at most one diagnostic, and returns the
// number of entries that matched nothing (findings fixed since the
// baseline was written). Only the entries of linted files (paths as
// linted, standard input as analyzer.StdinName) can be stale: a run on some
// of the files (pre-commit passes only the staged ones) says nothing about
// the others; nor can the entries of a rule that did not run (disabled in
// this run), when ran lists the rules that ran (nil: every rule ran).
// Diagnostics already suppressed are left alone. A finding merged across
// overlays (analyzer.Diagnostic.Objects) matches an entry of any of its
// objects.
func (b *Baseline) Apply(diags []analyzer.Diagnostic, linted []string, ran []*analyzer.Rule) (stale int) {
	left := make(map[baselineKey]int, len(b.Findings))
	for i := range b.Findings {
		left[b.Findings[i].key()]++
	}
	// One Suppression for every finding it marks: they say the same.
	why := &analyzer.Suppression{Kind: analyzer.SuppressionExternal, Justification: "recorded in baseline " + filepath.ToSlash(b.path)}
	rel := b.relFiles()
	for i := range diags {
		d := &diags[i]
		if d.Suppressed() {
			continue
		}
		// A finding that several overlays render at one place of a base
		// stands for each overlay's object: it matches an entry of any of
		// them, so that an overlay added or linted alone leaves the
		// entry written for another one in use.
		for _, o := range d.Objects() {
			k := baselineKey{rel(d.File), o.Kind, o.Namespace, o.Name, d.RuleID, d.Path.String()}
			if left[k] > 0 {
				left[k]--
				d.Suppression = why
				break
			}
		}
	}
	files := make(map[string]bool, len(linted))
	for _, f := range linted {
		files[rel(f)] = true
	}
	var ranIDs map[string]bool
	if ran != nil {
		ranIDs = make(map[string]bool, len(ran))
		for _, r := range ran {
			ranIDs[r.ID] = true
		}
	}
	for i := range b.Findings {
		e := &b.Findings[i]
		if ranIDs != nil && !ranIDs[e.Rule] {
			continue
		}
		if k := e.key(); left[k] > 0 && files[e.File] {
			left[k]--
			stale++
		}
	}
	return stale
}

// Path returns the baseline file's path as given.
func (b *Baseline) Path() string { return b.path }

// IsBaseline reports whether path is a regular file that starts as a
// baseline Write wrote: a JSON object whose first members are "version"
// (a number) and "findings" (an array). Only its beginning is read.
func IsBaseline(path string) bool {
	return jsonsniff.StartsWith(path, []jsonsniff.Token{jsonsniff.Delim('{'), jsonsniff.Is("version"), jsonsniff.Number,
		jsonsniff.Is("findings"), jsonsniff.Delim('[')})
}
