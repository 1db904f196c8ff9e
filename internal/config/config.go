// Package config reads kvet's configuration file (.kvet.yaml) and
// baselines, and selects the rules of a run from the configuration and the
// command-line overrides.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/report"
)

// FileNames are the names of the configuration file, looked for in this
// order in every directory from the working directory up to the repository
// root.
func FileNames() []string { return []string{".kvet.yaml", ".kvet.yml"} }

// Config is a parsed configuration file. Zero values mean "not set": the
// command line or the defaults decide.
type Config struct {
	// Path is the file's path as given or found.
	Path string
	// text is the file's content, for the byte columns of errors found
	// after parsing.
	text []byte
	// Dir is the absolute directory of the file: exclusion globs, policy
	// directories and the baseline are relative to it.
	Dir string

	// FailOn is "error", "warning", "info", "none" or "" (unset).
	FailOn string
	// Format is an output format name, or "".
	Format string
	// Exclude are globs of paths never linted.
	Exclude []string
	// Policies are directories of Rego policies, relative to Dir;
	// policiesAt their positions in the file.
	Policies   []string
	policiesAt []pos
	// PolicyTimeout bounds the evaluation of the Rego policies on one
	// document (policy-timeout:), or 0.
	PolicyTimeout time.Duration
	// RequireReason, when set, turns suppression-reason-missing on or off.
	RequireReason *bool
	// Baseline is a baseline file relative to Dir, or "".
	Baseline string
	// KubeVersion is the Kubernetes release the manifests target
	// (kube-version:), or the zero value.
	KubeVersion analyzer.KubeVersion
	// Render, when set, turns rendering of kustomizations and Helm charts
	// on or off (off: files are linted as they are, like --no-render).
	Render *bool
	// MaxFileSize bounds the size of each manifest read, in bytes; 0 is
	// unset.
	MaxFileSize int64
	// MaxFindings caps the findings shown per rule per file (0: no cap);
	// nil is unset.
	MaxFindings *int
	// Helm is the helm: section (chart rendering), or nil.
	Helm *Helm
	// KustomizeTimeout bounds each kustomize build (kustomize: timeout:),
	// or 0.
	KustomizeTimeout time.Duration
	// Rules are the per-rule settings, in file order.
	Rules []RuleConfig
}

// RuleConfig is the configuration of one rule.
type RuleConfig struct {
	ID string
	// Enabled turns the rule on or off; nil keeps its default.
	Enabled *bool
	// Severity overrides the rule's severity; 0 keeps it.
	Severity analyzer.Severity
	// params are checked against the rule's declared parameters by Select.
	params []param
	pos    pos
}

type param struct {
	name       string
	key, value *yaml.Node
}

type pos struct{ line, col int }

// Error is a problem in a configuration or baseline file, with its
// position. At a position, its text is a finding's shape,
// path:line:col: error: message, which editors and CI annotations read.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: error: %s", e.File, e.Line, e.Column, e.Msg)
}

// FindingShape reports whether the error's text is in a finding's shape
// (it has a position).
func (e *Error) FindingShape() bool { return e.Line > 0 }

// errorList collects positioned errors and returns them sorted.
type errorList struct {
	file string
	// text is the file's content: the YAML library counts columns in
	// characters, and kvet's text output counts bytes (as editors read
	// path:line:col).
	text []byte
	errs []*Error
}

func (l *errorList) add(n *yaml.Node, format string, args ...any) {
	e := &Error{File: l.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, l.byteColumn(n.Line, n.Column)
	}
	l.errs = append(l.errs, e)
}

func (l *errorList) addAt(p pos, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: l.file, Line: p.line, Column: l.byteColumn(p.line, p.col), Msg: fmt.Sprintf(format, args...)})
}

// byteColumn returns the byte column of the col-th character (1-based) of
// line in the file's text (col itself when the text is unknown).
func (l *errorList) byteColumn(line, col int) int {
	if l.text == nil || line < 1 || col < 1 {
		return col
	}
	f := &analyzer.File{Content: l.text}
	return f.ByteColumn(analyzer.Position{Line: line, Column: col})
}

func (l *errorList) err() error {
	slices.SortStableFunc(l.errs, func(a, b *Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	errs := make([]error, len(l.errs))
	for i, e := range l.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Find looks for a configuration file in dir and its parents, stopping at
// the repository root (the first directory that contains .git) or at the
// file system root. It returns "" when there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding configuration: %w", err)
	}
	for {
		var found []string
		for _, name := range FileNames() {
			p := filepath.Join(dir, name)
			if _, err := os.Stat(p); err == nil { // a directory or pipe too: Load says it is not a regular file
				found = append(found, p)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 2:
			return "", fmt.Errorf("both %s and %s exist; keep one", found[0], filepath.Base(found[1]))
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// RepoRoot returns the repository root of dir: the first of dir and its
// parents that contains .git (where Find stops), or "" when there is none.
func RepoRoot(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Load reads and parses the configuration file at path, which must be a
// regular file (or a stream named as such, see safefile.Read) of at most
// maxSize bytes (0: safefile.DefaultMaxSize).
func Load(ctx context.Context, path string, maxSize int64) (*Config, error) {
	data, err := safefile.Read(ctx, path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("reading configuration %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse parses configuration data read from path. Unknown keys, values of
// the wrong type, unknown severities and formats and bad globs are errors
// with the file's line and column. Rule IDs and parameters are checked
// later, by Select, against the rules of the run.
func Parse(path string, data []byte) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	c := &Config{Path: path, Dir: filepath.Dir(abs), text: data}
	el := &errorList{file: path, text: data}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // an empty file is an empty configuration
		}
		return nil, syntaxError(path, data, err)
	}
	analyzer.MapYAMLLines(data, &doc)
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(path, data, err)
		}
		analyzer.MapYAMLLines(data, &extra)
		el.add(&extra, "a configuration file holds one YAML document")
		return nil, el.err()
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = deref(root.Content[0])
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		el.add(root, "the configuration must be a mapping of keys (%s)", strings.Join(topKeys, ", "))
		return nil, el.err()
	}
	c.parseTop(root, el)
	if len(el.errs) > 0 {
		return nil, el.err()
	}
	return c, nil
}

// syntaxError turns a YAML parse error into an Error at the line where the
// file stops being valid YAML: the line after the longest prefix of the
// file that parses (the YAML library reports the start of the enclosing
// construct, which is often earlier).
func syntaxError(path string, data []byte, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			msg = rest
		}
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	line := 1
	for k := len(lines) - 1; k >= 0; k-- {
		var n yaml.Node
		if yaml.Unmarshal(bytes.Join(lines[:k], nil), &n) == nil {
			line = k + 1
			break
		}
	}
	return &Error{File: path, Line: line, Column: 1, Msg: "invalid YAML: " + msg}
}

// deref returns the node an alias stands for, as a copy at the alias's
// position, so that an error about the value points where the alias is
// written (each use of an anchor separately); an error inside it points
// where its parts are written. Other nodes are returned as they are.
func deref(n *yaml.Node) *yaml.Node {
	alias := n
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n == alias {
		return n
	}
	c := *n
	c.Line, c.Column = alias.Line, alias.Column
	return &c
}

// topKeys are the keys of the configuration file, in documentation order.
var topKeys = []string{"fail-on", "format", "kube-version", "exclude", "policies", "policy-timeout", "require-reason", "baseline", "render", "max-file-size", "max-findings", "helm", "kustomize", "rules"}

// entries calls fn for each key of mapping m, reporting duplicate keys and
// keys that are not plain scalars. A "<<" merge key adds the keys of the
// mapping (or mappings) it names that m does not write itself, as YAML
// decoders do.
func entries(m *yaml.Node, el *errorList, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	explicit := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
			explicit[k.Value] = true
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, mm := range merged {
				mm = deref(mm)
				if mm.Kind != yaml.MappingNode {
					el.add(mm, "<< merges a mapping or a list of mappings, not %s", describe(mm))
					continue
				}
				for j := 0; j+1 < len(mm.Content); j += 2 {
					mk, mv := mm.Content[j], deref(mm.Content[j+1])
					if mk.Kind != yaml.ScalarNode || explicit[mk.Value] || seen[mk.Value] {
						continue // written in m, or by an earlier merge
					}
					seen[mk.Value] = true
					fn(mk.Value, mk, mv)
				}
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			el.add(k, "keys must be plain strings")
			continue
		}
		if seen[k.Value] {
			el.add(k, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

func (c *Config) parseTop(root *yaml.Node, el *errorList) {
	entries(root, el, func(key string, k, v *yaml.Node) {
		switch key {
		case "fail-on":
			if s, ok := str(v, el, key); ok {
				if s != "none" {
					if _, err := analyzer.ParseSeverity(s); err != nil {
						el.add(v, "fail-on: unknown severity %q (want error, warning, info or none)", s)
						return
					}
				}
				c.FailOn = s
			}
		case "format":
			if s, ok := str(v, el, key); ok {
				if !slices.Contains(report.Names(), s) {
					el.add(v, "format: unknown format %q (want one of %s)", s, strings.Join(report.Names(), ", "))
					return
				}
				c.Format = s
			}
		case "kube-version":
			// 1.29 is a YAML number: read the text as written, so that
			// 1.30 is not 1.3.
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" && v.Tag != "!!float" {
				el.add(v, "kube-version: want a Kubernetes version such as %s, got %s", analyzer.NewestKubeVersion, describe(v))
				return
			}
			kv, err := analyzer.ParseKubeVersion(v.Value)
			if err != nil {
				el.add(v, "kube-version: %v", err)
				return
			}
			c.KubeVersion = kv
		case "exclude":
			for _, n := range strs(v, el, key) {
				if err := checkGlob(n.Value); err != nil {
					el.add(n, "exclude: %v", err)
					continue
				}
				c.Exclude = append(c.Exclude, n.Value)
			}
		case "policies":
			for _, n := range strs(v, el, key) {
				c.Policies = append(c.Policies, n.Value)
				c.policiesAt = append(c.policiesAt, pos{n.Line, n.Column})
			}
		case "policy-timeout":
			c.PolicyTimeout = duration(v, el, key)
		case "require-reason":
			if b, ok := boolean(v, el, key); ok {
				c.RequireReason = &b
			}
		case "baseline":
			if s, ok := str(v, el, key); ok {
				c.Baseline = s
			}
		case "render":
			if b, ok := boolean(v, el, key); ok {
				c.Render = &b
			}
		case "max-file-size":
			c.MaxFileSize = size(v, el, key)
		case "max-findings":
			if n, ok := integer(v, el, key); ok {
				c.MaxFindings = &n
			}
		case "helm":
			c.parseHelm(v, el)
		case "kustomize":
			c.parseKustomize(v, el)
		case "rules":
			c.parseRules(v, el)
		default:
			el.add(k, "unknown key %q (want one of %s)", key, strings.Join(topKeys, ", "))
		}
	})
}

func (c *Config) parseRules(m *yaml.Node, el *errorList) {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return
	}
	if m.Kind != yaml.MappingNode {
		el.add(m, "rules: want a mapping of rule IDs to settings, got %s", describe(m))
		return
	}
	entries(m, el, func(id string, k, v *yaml.Node) {
		rc := RuleConfig{ID: id, pos: pos{k.Line, k.Column}}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			c.Rules = append(c.Rules, rc)
			return
		}
		if v.Kind != yaml.MappingNode {
			el.add(v, "rules.%s: want a mapping with enabled, severity or params, got %s", id, describe(v))
			return
		}
		entries(v, el, func(key string, k, v *yaml.Node) {
			where := "rules." + id + "." + key
			switch key {
			case "enabled":
				if b, ok := boolean(v, el, where); ok {
					rc.Enabled = &b
				}
			case "severity":
				if s, ok := str(v, el, where); ok {
					sev, err := analyzer.ParseSeverity(s)
					if err != nil {
						el.add(v, "%s: %v", where, err)
						return
					}
					rc.Severity = sev
				}
			case "params":
				if v.Kind != yaml.MappingNode {
					el.add(v, "%s: want a mapping of parameter names to values, got %s", where, describe(v))
					return
				}
				entries(v, el, func(name string, k, v *yaml.Node) {
					rc.params = append(rc.params, param{name: name, key: k, value: v})
				})
			default:
				el.add(k, "unknown key %q in rules.%s (want enabled, severity or params)", key, id)
			}
		})
		c.Rules = append(c.Rules, rc)
	})
}

// describe names the YAML type of a node for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int":
		return "the integer " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	case "!!float":
		return "the number " + n.Value
	case "!!null":
		return "null"
	}
	return fmt.Sprintf("%q", n.Value)
}

func str(v *yaml.Node, el *errorList, where string) (string, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		el.add(v, "%s: want a string, got %s", where, describe(v))
		return "", false
	}
	return v.Value, true
}

func boolean(v *yaml.Node, el *errorList, where string) (bool, bool) {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		el.add(v, "%s: want true or false, got %s", where, describe(v))
		return false, false
	}
	var b bool
	if err := v.Decode(&b); err != nil {
		el.add(v, "%s: %v", where, err)
		return false, false
	}
	return b, true
}

// size reads a size in bytes: an integer, or a string with a unit such as
// "64MiB". It returns 0 after reporting a bad value.
func size(v *yaml.Node, el *errorList, where string) int64 {
	if v.Kind == yaml.ScalarNode && (v.Tag == "!!int" || v.Tag == "!!str") {
		n, err := safefile.ParseSize(v.Value)
		if err == nil {
			return n
		}
		el.add(v, "%s: %v", where, err)
		return 0
	}
	el.add(v, "%s: want a size such as 64MiB, got %s", where, describe(v))
	return 0
}

// duration reads a positive duration ("10s", "2m"), or reports it and
// returns 0.
func duration(v *yaml.Node, el *errorList, where string) time.Duration {
	s, ok := str(v, el, where)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		el.add(v, "%s: want a positive duration such as 10s or 1m, got %q", where, s)
		return 0
	}
	return d
}

// integer reads a non-negative integer.
func integer(v *yaml.Node, el *errorList, where string) (int, bool) {
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil || n < 0 {
		el.add(v, "%s: want a non-negative integer, got %s", where, describe(v))
		return 0, false
	}
	return n, true
}

func strs(v *yaml.Node, el *errorList, where string) []*yaml.Node {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		el.add(v, "%s: want a list of strings, got %s", where, describe(v))
		return nil
	}
	var out []*yaml.Node
	for _, n := range v.Content {
		n = deref(n)
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
			el.add(n, "%s: want a string, got %s", where, describe(n))
			continue
		}
		out = append(out, n)
	}
	return out
}

// Resolve returns p relative to the configuration file's directory (p
// itself when absolute).
func (c *Config) Resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, filepath.FromSlash(p))
}

// CheckPolicyDirs reports, at its position in the file, a policies:
// entry that names nothing on disk (a typo, a directory not created yet):
// loading the policies would fail without saying which line asked for it.
func (c *Config) CheckPolicyDirs() error {
	el := &errorList{file: c.Path, text: c.text}
	for i, p := range c.Policies {
		if _, err := os.Stat(c.Resolve(p)); err != nil && i < len(c.policiesAt) {
			el.addAt(c.policiesAt[i], "policies: %s does not exist (relative to this file's directory)", p)
		}
	}
	return el.err()
}

// PolicyDirs returns the policy directories, resolved against Dir.
func (c *Config) PolicyDirs() []string {
	var out []string
	for _, p := range c.Policies {
		out = append(out, c.Resolve(p))
	}
	return out
}

// Excluded reports whether the file at path (as given on the command line
// or discovered, relative to the working directory) matches an exclude
// glob. Globs are relative to the configuration file's directory, which
// the file is under as spelled or through symbolic links (see
// realpath.Resolver.Under: the same file named through a link, or by its
// real path from a directory reached through one, is excluded alike);
// files outside it and standard input are never excluded. paths resolves
// the directories of one run (nil: remember nothing).
func (c *Config) Excluded(paths *realpath.Resolver, path string) bool {
	if len(c.Exclude) == 0 || path == "-" || path == analyzer.StdinName {
		return false
	}
	rel, ok := paths.Under(c.Dir, path)
	if !ok {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, g := range c.Exclude {
		if matchGlob(g, rel) {
			return true
		}
	}
	return false
}
