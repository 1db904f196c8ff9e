// Package lsp is kvet's language server: `kvet lsp` speaks the Language
// Server Protocol over standard input and output and publishes the
// findings of the open manifests as the user types, from the same
// configuration, rules, policies, suppressions and baseline as `kvet lint`
// (package linter). Suggested fixes become quick fixes, suppressions can
// be inserted as code actions, and hovering a finding shows its rule's
// documentation. The package owns no rule logic.
package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"

	"github.com/kvet-dev/kvet/internal/linter"
)

// DefaultDebounce is how long the server waits after the last change of a
// document before it lints it.
const DefaultDebounce = 150 * time.Millisecond

// Options configure a server.
type Options struct {
	// Version is kvet's version, reported to the client.
	Version string
	// Debounce is the delay between a change and the lint it triggers;
	// 0 means DefaultDebounce, a negative value no delay.
	Debounce time.Duration
	// Stderr receives what cannot be sent to the client (a broken stream).
	Stderr io.Writer

	// extra adds methods (tests use it to make a request fail).
	extra map[string]handlerFunc
	// adjust changes each linter once it is built (tests use it to add
	// rules that see every document).
	adjust func(*linter.Linter)
}

// handlerFunc answers one method: the result of a request, or an error.
type handlerFunc func(s *Server, ctx context.Context, params []byte) (any, error)

// state is where the server is in its lifecycle.
type state int

const (
	stateNew         state = iota // before initialize
	stateInitialized              // after initialize
	stateShutdown                 // after shutdown
)

// Server is one language server session.
type Server struct {
	opts Options
	conn jsonrpc2.Conn
	ctx  context.Context // lives as long as the session

	// lintMu serializes lints (the debounced ones, and those code actions
	// and hover ask for); it is taken before mu.
	lintMu sync.Mutex

	mu       sync.Mutex // guards the fields below
	state    state
	enc      encoding
	folders  []string // absolute paths of the workspace folders
	docs     map[string]*document
	revs     int             // the last revision given to a text (see document.rev)
	dirty    map[string]bool // URIs to lint
	timer    *time.Timer
	watchReg bool // the client can watch files for the server

	ws       *workspace
	watching atomic.Bool // the client watches files for the server
	exit     chan struct{}
	exitOnce sync.Once
	exitOK   bool // shutdown came before exit
}

// Serve runs a server on in and out until the client sends exit or closes
// the stream, and returns the process exit code: 0 after shutdown and exit,
// 1 otherwise (as the protocol asks).
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) int {
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	switch {
	case opts.Debounce == 0:
		opts.Debounce = DefaultDebounce
	case opts.Debounce < 0:
		opts.Debounce = 0
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &Server{
		opts: opts, ctx: ctx, enc: positionEncodingUTF16,
		docs: map[string]*document{}, dirty: map[string]bool{},
		exit: make(chan struct{}),
	}
	s.ws = newWorkspace(s)
	rw := &readWriteCloser{Reader: in, Writer: out}
	stream := &resilientStream{Stream: jsonrpc2.NewStream(rw), raw: rw, log: s.logf}
	s.conn = jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(stdCodec{}))
	s.conn.Go(ctx, s.handle)
	select {
	case <-s.exit:
	case <-s.conn.Done():
		if err := s.conn.Err(); err != nil {
			fmt.Fprintf(opts.Stderr, "kvet lsp: %v\n", err)
		}
	case <-ctx.Done():
	}
	s.stopTimer()
	closed := make(chan struct{})
	go func() { _ = s.conn.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(time.Second):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exitOK {
		return 0
	}
	return 1
}

// handle answers one message. A panic or an error is logged to the client
// (window/logMessage) and answered with an error for a request; the server
// goes on either way.
func (s *Server) handle(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
	method := req.Method()
	defer func() {
		if p := recover(); p != nil {
			s.logf(messageError, "internal error in %s: %v\n%s", method, p, debug.Stack())
			result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "kvet: internal error in %s: %v", method, p)
		}
		if !req.IsCall() {
			if err != nil {
				s.logf(messageError, "%s: %v", method, err)
			}
			result, err = nil, nil // an error would end the connection
		}
	}()
	params := req.Params()
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	switch {
	case method == methodExit:
		s.mu.Lock()
		s.exitOK = st == stateShutdown
		s.mu.Unlock()
		s.exitOnce.Do(func() { close(s.exit) })
		return nil, nil
	case st == stateNew && method != methodInitialize:
		if req.IsCall() {
			return nil, jsonrpc2.Errorf(jsonrpc2.ServerNotInitialized, "kvet: %s before initialize", method)
		}
		return nil, nil
	case st == stateShutdown:
		if req.IsCall() {
			return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "kvet: %s after shutdown", method)
		}
		return nil, nil
	}
	h, ok := handlers[method]
	if !ok {
		h, ok = s.opts.extra[method]
	}
	if !ok {
		if req.IsCall() {
			return nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "kvet: method not found: %s", method)
		}
		return nil, nil // notifications kvet does not handle ($/progress, ...)
	}
	return h(s, ctx, params)
}

// handlers are the methods kvet answers, by name.
var handlers = map[string]handlerFunc{
	methodInitialize:             (*Server).initialize,
	methodInitialized:            (*Server).initialized,
	methodShutdown:               (*Server).shutdown,
	methodCancelRequest:          ignore,
	methodSetTrace:               ignore,
	methodDidChangeConfiguration: ignore,
	methodDidOpen:                (*Server).didOpen,
	methodDidChange:              (*Server).didChange,
	methodDidSave:                (*Server).didSave,
	methodDidClose:               (*Server).didClose,
	methodDidChangeWatchedFiles:  (*Server).didChangeWatchedFiles,
	methodDidChangeFolders:       (*Server).didChangeFolders,
	methodCodeAction:             (*Server).codeAction,
	methodHover:                  (*Server).hover,
}

func ignore(*Server, context.Context, []byte) (any, error) { return nil, nil }

// invalidParams is the error of a request whose parameters do not decode.
func invalidParams(method string, err error) error {
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "kvet: %s: %v", method, err)
}

func (s *Server) initialize(_ context.Context, raw []byte) (any, error) {
	var p InitializeParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, invalidParams(methodInitialize, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateNew {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "kvet: initialize was already sent")
	}
	s.state = stateInitialized
	s.enc = negotiate(p.Capabilities.General.PositionEncodings)
	s.watchReg = p.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration
	switch {
	case p.WorkspaceFolders != nil:
		for _, f := range p.WorkspaceFolders {
			s.addFolder(f.URI)
		}
	case p.RootURI != "":
		s.addFolder(p.RootURI)
	case p.RootPath != "":
		s.addFolder(pathToURI(p.RootPath))
	}
	var res InitializeResult
	res.ServerInfo = ServerInfo{Name: "kvet", Version: s.opts.Version}
	c := &res.Capabilities
	c.PositionEncoding = string(s.enc)
	c.TextDocumentSync.OpenClose = true
	c.TextDocumentSync.Change = textDocumentSyncFull
	c.CodeActionProvider.CodeActionKinds = []string{codeActionQuickFix, codeActionSourceFixAllKvet}
	c.HoverProvider = true
	c.Workspace.WorkspaceFolders.Supported = true
	c.Workspace.WorkspaceFolders.ChangeNotifications = true
	return res, nil
}

// initialized asks the client to watch the files whose changes affect
// findings: manifests, configuration files, Rego policies and baselines.
func (s *Server) initialized(context.Context, []byte) (any, error) {
	s.mu.Lock()
	watch := s.watchReg
	s.mu.Unlock()
	if watch {
		go func() {
			params := RegistrationParams{Registrations: []Registration{{
				ID: "kvet-watched-files", Method: methodDidChangeWatchedFiles,
				RegisterOptions: didChangeWatchedFilesRegistrationOptions{Watchers: []FileSystemWatcher{
					{GlobPattern: "**/*.{yaml,yml,json,rego,tpl}"}, {GlobPattern: "**/Kustomization"},
				}},
			}}}
			if _, err := s.conn.Call(s.ctx, methodRegisterCapability, params, nil); err != nil {
				s.logf(messageWarning, "registering file watchers: %v", err)
				return
			}
			s.watching.Store(true)
		}()
	}
	return nil, nil
}

func (s *Server) shutdown(context.Context, []byte) (any, error) {
	s.mu.Lock()
	s.state = stateShutdown
	s.mu.Unlock()
	s.stopTimer()
	return nil, nil
}

func (s *Server) stopTimer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
}

func (s *Server) didChangeFolders(_ context.Context, raw []byte) (any, error) {
	var p DidChangeWorkspaceFoldersParams
	if err := decodeParams(raw, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	for _, f := range p.Event.Removed {
		if path, ok := uriToPath(f.URI); ok {
			for i, have := range s.folders {
				if have == path {
					s.folders = append(s.folders[:i], s.folders[i+1:]...)
					break
				}
			}
		}
	}
	for _, f := range p.Event.Added {
		s.addFolder(f.URI)
	}
	s.mu.Unlock()
	s.ws.stale.Store(true)
	s.scheduleAll()
	return nil, nil
}

// addFolder adds a workspace folder; s.mu is held.
func (s *Server) addFolder(uri string) {
	if path, ok := uriToPath(uri); ok {
		for _, have := range s.folders {
			if have == path {
				return
			}
		}
		s.folders = append(s.folders, path)
	}
}

// logf sends a message to the client's log (window/logMessage).
func (s *Server) logf(typ int, format string, args ...any) {
	if s.conn == nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if err := s.conn.Notify(s.ctx, methodLogMessage, MessageParams{Type: typ, Message: "kvet: " + msg}); err != nil {
		fmt.Fprintf(s.opts.Stderr, "kvet lsp: %s\n", msg)
	}
}

// showf shows a message to the user (window/showMessage).
func (s *Server) showf(typ int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.conn == nil {
		return
	}
	if err := s.conn.Notify(s.ctx, methodShowMessage, MessageParams{Type: typ, Message: "kvet: " + msg}); err != nil {
		fmt.Fprintf(s.opts.Stderr, "kvet lsp: %s\n", msg)
	}
}

// readWriteCloser joins standard input and output into one stream.
type readWriteCloser struct {
	io.Reader
	io.Writer
	mu sync.Mutex // one message per Write (the stream writes each at once)
}

// Write writes one framed message.
func (rw *readWriteCloser) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return rw.Writer.Write(p)
}

// Close closes the input when it can be closed, so that a reader blocked
// on it returns.
func (rw *readWriteCloser) Close() error {
	if c, ok := rw.Reader.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// resilientStream answers a frame whose body is not valid JSON, or not a
// JSON-RPC message, with a ParseError or InvalidRequest response (id null,
// as JSON-RPC 2.0 asks) and goes on with the next frame: the framing is
// intact, so one bad message does not end the session. A broken frame
// (bad or missing Content-Length) still ends it: nothing after it can be
// trusted.
type resilientStream struct {
	jsonrpc2.Stream
	raw io.Writer // the stream's writer, for the error responses
	log func(typ int, format string, args ...any)
}

// Read returns the next valid message.
func (r *resilientStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		msg, n, err := r.Stream.Read(ctx)
		var rpcErr *jsonrpc2.Error
		if err == nil || !errors.As(err, &rpcErr) ||
			rpcErr.Code != jsonrpc2.ParseError && rpcErr.Code != jsonrpc2.InvalidRequest {
			return msg, n, err
		}
		r.log(messageError, "malformed message ignored: %v", err)
		// The library leaves out a null id; JSON-RPC requires it here.
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": rpcErr.Code, "message": rpcErr.Message}})
		if _, err := fmt.Fprintf(r.raw, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
			return nil, 0, err
		}
	}
}

// stdCodec encodes payloads with encoding/json, which kvet's protocol
// types are written for (omitempty, case-insensitive field names).
type stdCodec struct{}

// Marshal encodes v without HTML escaping; a RawMessage is kept as it is.
func (stdCodec) Marshal(v any) ([]byte, error) {
	switch raw := v.(type) {
	case jsonrpc2.RawMessage:
		return raw, nil
	case json.RawMessage:
		return raw, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Unmarshal decodes data into v; a *RawMessage gets a copy of data.
func (stdCodec) Unmarshal(data []byte, v any) error {
	if raw, ok := v.(*jsonrpc2.RawMessage); ok {
		*raw = append((*raw)[:0], data...)
		return nil
	}
	return json.Unmarshal(data, v)
}
