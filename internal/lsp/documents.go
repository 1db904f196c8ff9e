package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
)

// document is an open text document.
type document struct {
	uri string
	// path is the absolute path of a file: URI, "" for other schemes.
	path string
	// name is the file name given to the analyzer: path, or the URI.
	name string
	// version is the client's version of the text; rev is the server's,
	// unique among every text any document of the session had (a client
	// may number the versions of a reopened document from 1 again, and
	// the caches must not take the new text for the old one).
	version, rev int
	text         []byte
	// json is set for a JSON document: a .json file, or a buffer the
	// client says is JSON (an unsaved, untitled one).
	json bool
	// result is the last lint of the document (nil before the first).
	result *result
}

// nextRev returns a revision no text had. s.mu is held.
func (s *Server) nextRev() int {
	s.revs++
	return s.revs
}

// setFindings records the findings of a lint: those shown, capped at
// maxFindings per rule as kvet lint caps them, and the fixes of all of
// them, which "Apply all kvet fixes" applies as kvet fix does.
func (r *result) setFindings(shown []analyzer.Diagnostic, maxFindings int) {
	r.fixes = r.fixes[:0]
	for i := range shown {
		if shown[i].Fix != nil {
			r.fixes = append(r.fixes, shown[i].Fix)
		}
	}
	r.diags = analyzer.CapFindings(shown, maxFindings)
}

// result is the outcome of linting one version of a document.
type result struct {
	version int // the document's rev
	// fixes are the fixes of every finding shown, those past the cap of
	// diags included.
	fixes []*analyzer.SuggestedFix
	// json is set for a JSON document (see document.json).
	json bool
	file *analyzer.File
	docs []*analyzer.Document
	// diags are the findings shown (not suppressed), in kvet's order, and
	// lsp the same as published.
	diags []analyzer.Diagnostic
	lsp   []Diagnostic
	// lt is the linter that produced them, nil when the document was not
	// linted (excluded, or the configuration is broken).
	lt *linter.Linter
}

// snapshot is the state of an open document at the start of a lint
// (version is its rev).
type snapshot struct {
	uri, path, name string
	version         int
	json            bool
	text            []byte
}

func newDocument(item TextDocumentItem) *document {
	d := &document{uri: item.URI, name: item.URI, version: item.Version, text: []byte(item.Text)}
	if path, ok := uriToPath(item.URI); ok {
		d.path, d.name = path, path
	}
	d.json = strings.EqualFold(filepath.Ext(d.name), ".json") || item.LanguageID == "json"
	return d
}

func (s *Server) didOpen(_ context.Context, raw []byte) (any, error) {
	var p DidOpenTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	d := newDocument(p.TextDocument)
	s.mu.Lock()
	d.rev = s.nextRev()
	s.docs[d.uri] = d
	s.mu.Unlock()
	s.schedule(0, d.uri)
	return nil, nil
}

func (s *Server) didChange(_ context.Context, raw []byte) (any, error) {
	var p DidChangeTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	d := s.docs[p.TextDocument.URI]
	if d == nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("change of %s, which is not open", p.TextDocument.URI)
	}
	text := d.text
	for _, c := range p.ContentChanges {
		var err error
		if text, err = s.enc.applyChange(text, c); err != nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("change of %s: %w", d.uri, err)
		}
	}
	d.text, d.version, d.rev = text, p.TextDocument.Version, s.nextRev()
	s.mu.Unlock()
	s.schedule(s.opts.Debounce, d.uri)
	return nil, nil
}

func (s *Server) didSave(_ context.Context, raw []byte) (any, error) {
	var p DidSaveTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if d := s.docs[p.TextDocument.URI]; d != nil && p.Text != nil {
		d.text, d.rev = []byte(*p.Text), s.nextRev()
	}
	s.mu.Unlock()
	// The file on disk is part of the other documents' workspace.
	s.ws.stale.Store(true)
	s.scheduleAll()
	return nil, nil
}

func (s *Server) didClose(_ context.Context, raw []byte) (any, error) {
	var p DidCloseTextDocumentParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	delete(s.docs, p.TextDocument.URI)
	delete(s.dirty, p.TextDocument.URI)
	s.mu.Unlock()
	s.publish(PublishDiagnosticsParams{URI: p.TextDocument.URI, Diagnostics: []Diagnostic{}})
	// Without its buffer, the others see the file on disk again.
	s.ws.stale.Store(true)
	s.scheduleAll()
	return nil, nil
}

func (s *Server) didChangeWatchedFiles(_ context.Context, raw []byte) (any, error) {
	var p DidChangeWatchedFilesParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	// Configuration, policies and baselines are checked against the disk
	// at every lint; the folders' manifests at the next one, and the roots
	// holding the files rendered again.
	s.ws.stale.Store(true)
	for _, c := range p.Changes {
		if path, ok := uriToPath(c.URI); ok {
			s.ws.touch(path)
		}
	}
	s.scheduleAll()
	return nil, nil
}

// schedule lints the documents uris after delay, unless another change
// comes first: each change restarts the delay (debouncing).
func (s *Server) schedule(delay time.Duration, uris ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateShutdown {
		return
	}
	for _, u := range uris {
		s.dirty[u] = true
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(delay, s.lintDirty)
		return
	}
	s.timer.Reset(delay)
}

// scheduleAll lints every open document after the debounce delay.
func (s *Server) scheduleAll() {
	s.mu.Lock()
	uris := make([]string, 0, len(s.docs))
	for u := range s.docs {
		uris = append(uris, u)
	}
	s.mu.Unlock()
	s.schedule(s.opts.Debounce, uris...)
}

// lintDirty lints the documents changed since the last lint and publishes
// their diagnostics.
func (s *Server) lintDirty() {
	s.lintMu.Lock()
	defer s.lintMu.Unlock()
	defer func() {
		// This runs on its own goroutine: a panic would end the server.
		if p := recover(); p != nil {
			s.logf(messageError, "internal error while linting: %v\n%s", p, debug.Stack())
		}
	}()
	s.mu.Lock()
	var targets []string
	for u := range s.dirty {
		if s.docs[u] != nil {
			targets = append(targets, u)
		}
	}
	clear(s.dirty)
	s.mu.Unlock()
	s.lintLocked(targets)
}

// current returns the lint result of the current version of the document
// uri, linting it now if it changed since (so that code actions and hover
// never work on stale positions). It returns nil for a document that is
// not open.
func (s *Server) current(uri string) (*result, encoding) {
	s.lintMu.Lock()
	defer s.lintMu.Unlock()
	s.mu.Lock()
	d := s.docs[uri]
	if d == nil {
		s.mu.Unlock()
		return nil, s.enc
	}
	fresh := d.result != nil && d.result.version == d.rev
	if !fresh {
		delete(s.dirty, uri)
	}
	s.mu.Unlock()
	if !fresh {
		s.lintLocked([]string{uri})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d = s.docs[uri]; d == nil {
		return nil, s.enc
	}
	return d.result, s.enc
}

// lintLocked lints the documents targets (URIs) with every open document
// as an unsaved buffer, stores and publishes the results. s.lintMu is held.
func (s *Server) lintLocked(targets []string) {
	if len(targets) == 0 {
		return
	}
	s.mu.Lock()
	open := make([]snapshot, 0, len(s.docs))
	for _, d := range s.docs {
		open = append(open, snapshot{uri: d.uri, path: d.path, name: d.name, version: d.rev, json: d.json, text: d.text})
	}
	folders := slices.Clone(s.folders)
	enc := s.enc
	s.mu.Unlock()

	results := s.ws.lint(s.ctx, folders, open, targets)

	for uri, res := range results {
		res.lsp = s.ws.toLSP(enc, res)
		s.mu.Lock()
		d := s.docs[uri]
		stale := d == nil || d.rev != res.version
		var v int
		if !stale {
			d.result, v = res, d.version
		}
		s.mu.Unlock()
		if stale {
			continue // closed or changed meanwhile: another lint follows
		}
		s.publish(PublishDiagnosticsParams{URI: uri, Version: &v, Diagnostics: res.lsp})
	}
}

// publish sends diagnostics to the client.
func (s *Server) publish(p PublishDiagnosticsParams) {
	if p.Diagnostics == nil {
		p.Diagnostics = []Diagnostic{}
	}
	if err := s.conn.Notify(s.ctx, methodPublishDiagnostics, p); err != nil {
		fmt.Fprintf(s.opts.Stderr, "kvet lsp: publishing diagnostics of %s: %v\n", p.URI, err)
	}
}
