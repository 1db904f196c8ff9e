package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// A test client that speaks the wire protocol itself (Content-Length
// framing, JSON-RPC 2.0), so that the tests check what an editor sees.

// message is any JSON-RPC message.
type message struct {
	JSONRPC string           `json:"jsonrpc"`
	ID      *json.RawMessage `json:"id,omitempty"`
	Method  string           `json:"method,omitempty"`
	Params  json.RawMessage  `json:"params,omitempty"`
	Result  json.RawMessage  `json:"result,omitempty"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
	raw string // the body as received
}

type client struct {
	t    testing.TB
	in   *io.PipeWriter // the server's standard input
	out  *io.PipeReader // the server's standard output
	code chan int       // the server's exit code

	mu      sync.Mutex
	cond    *sync.Cond
	msgs    []message // everything received, in order
	readErr error
	nextID  int
}

const testTimeout = 20 * time.Second

// startServer runs a server in the test's process, linting without delay.
func startServer(t testing.TB, opts Options) *client {
	t.Helper()
	if opts.Debounce == 0 {
		opts.Debounce = -1
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, in: inW, out: outR, code: make(chan int, 1)}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		code := Serve(context.Background(), inR, outW, opts)
		_ = outW.Close()
		c.code <- code
	}()
	go c.read()
	t.Cleanup(func() {
		_ = inW.Close()
		select {
		case <-c.code:
		case <-time.After(testTimeout):
			t.Error("the server did not stop when its input closed")
		}
	})
	return c
}

// read collects the server's messages, answering its requests
// (client/registerCapability) with null.
func (c *client) read() {
	r := bufio.NewReader(c.out)
	for {
		body, err := readFrame(r)
		c.mu.Lock()
		if err != nil {
			c.readErr = err
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.readErr = fmt.Errorf("server sent invalid JSON %q: %w", body, err)
		}
		m.raw = string(body)
		c.msgs = append(c.msgs, m)
		c.cond.Broadcast()
		c.mu.Unlock()
		if m.Method != "" && m.ID != nil {
			c.send(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": nil})
		}
	}
}

// readFrame reads one Content-Length framed message, checking the header.
func readFrame(r *bufio.Reader) ([]byte, error) {
	h, err := textproto.NewReader(r).ReadMIMEHeader()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(h.Get("Content-Length"))
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("bad Content-Length header in %v", h)
	}
	body := make([]byte, n)
	_, err = io.ReadFull(r, body)
	return body, err
}

// writeRaw writes bytes to the server's input as they are.
func (c *client) writeRaw(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

func frame(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

// send frames and writes one message.
func (c *client) send(v any) {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	_, _ = io.WriteString(c.in, frame(string(body)))
}

// call sends a request and returns its response.
func (c *client) call(method string, params any) message {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	return c.waitFor(fmt.Sprintf("response %d", id), func(m message) bool {
		return m.Method == "" && m.ID != nil && string(*m.ID) == strconv.Itoa(id)
	})
}

// result calls method and decodes its result into v, failing on an error.
func (c *client) result(method string, params, v any) {
	c.t.Helper()
	m := c.call(method, params)
	if m.Error != nil {
		c.t.Fatalf("%s: error %d %s", method, m.Error.Code, m.Error.Message)
	}
	if v != nil {
		if err := json.Unmarshal(m.Result, v); err != nil {
			c.t.Fatalf("%s: result %s: %v", method, m.Result, err)
		}
	}
}

func (c *client) notify(method string, params any) {
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// waitFor waits for the first message received that matches ok and was
// not consumed yet, and consumes it.
func (c *client) waitFor(what string, ok func(message) bool) message {
	c.t.Helper()
	deadline := time.Now().Add(testTimeout)
	timer := time.AfterFunc(testTimeout, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for i, m := range c.msgs {
			if ok(m) {
				c.msgs = append(c.msgs[:i:i], c.msgs[i+1:]...)
				return m
			}
		}
		if c.readErr != nil || time.Now().After(deadline) {
			c.t.Fatalf("no %s (read error: %v); received: %s", what, c.readErr, c.describe())
		}
		c.cond.Wait()
	}
}

func (c *client) describe() string {
	var b strings.Builder
	for _, m := range c.msgs {
		b.WriteString("\n  " + m.raw)
	}
	return b.String()
}

// diagnostics waits for the next publishDiagnostics of uri.
func (c *client) diagnostics(uri string) PublishDiagnosticsParams {
	c.t.Helper()
	var p PublishDiagnosticsParams
	c.waitFor("diagnostics of "+uri, func(m message) bool {
		if m.Method != methodPublishDiagnostics {
			return false
		}
		var q PublishDiagnosticsParams
		if json.Unmarshal(m.Params, &q) != nil || q.URI != uri {
			return false
		}
		p = q
		return true
	})
	return p
}

// initialize sends initialize (offering the encodings) and initialized.
func (c *client) initialize(root string, encodings ...string) InitializeResult {
	c.t.Helper()
	return c.initializeWith(root, map[string]any{"general": map[string]any{"positionEncodings": encodings}})
}

// initializeWith sends initialize with the client capabilities caps, and
// initialized.
func (c *client) initializeWith(root string, caps map[string]any) InitializeResult {
	c.t.Helper()
	params := map[string]any{"processId": nil, "rootUri": pathToURI(root), "capabilities": caps}
	var res InitializeResult
	c.result(methodInitialize, params, &res)
	c.notify(methodInitialized, map[string]any{})
	return res
}

func (c *client) open(uri, text string) {
	c.notify(methodDidOpen, map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
}

func (c *client) change(uri string, version int, text string) {
	c.notify(methodDidChange, map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []map[string]any{{"text": text}},
	})
}

// openIn starts a server with opts on a new folder (see writeTree) and
// opens the document name there with text; it returns the client and the
// document's URI.
func openIn(t testing.TB, opts Options, name, text string) (*client, string) {
	t.Helper()
	dir := writeTree(t, nil)
	c := startServer(t, opts)
	c.initialize(dir)
	uri := pathToURI(filepath.Join(dir, name))
	c.open(uri, text)
	return c, uri
}

// writeTree writes files under a new directory and returns it.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	// A repository root, so that configuration discovery stops here.
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
