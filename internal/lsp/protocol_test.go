package lsp

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cronJob has two findings: cronjob-concurrency-allow at spec: (5:1-5:5,
// with a fix) and image-tag-mutable at "reports:latest", after a name with
// characters outside the BMP, so that the encodings give different
// columns.
const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 2 * * *"
  timeZone: Etc/UTC
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      backoffLimit: 2
      activeDeadlineSeconds: 3600
      template:
        spec:
          serviceAccountName: reports
          restartPolicy: OnFailure
          containers:
          - {name: "é🚀", image: "reports:latest", resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}}
`

// Several messages in one write, headers besides Content-Length and a
// body split across writes are all read; every response is framed with
// Content-Length.
func TestFraming(t *testing.T) {
	c := startServer(t, Options{})
	init := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`
	unknown := `{"jsonrpc":"2.0","id":2,"method":"kvet/unknown"}`
	c.writeRaw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + frame(init) + frame(unknown)[:30])
	c.writeRaw(frame(unknown)[30:])
	if m := c.waitFor("initialize response", isResponse(1)); m.Error != nil || !strings.Contains(string(m.Result), `"positionEncoding":"utf-16"`) {
		t.Errorf("initialize: %+v %s", m.Error, m.Result)
	}
	if m := c.waitFor("second response", isResponse(2)); m.Error == nil || m.Error.Code != -32601 {
		t.Errorf("unknown method: %+v", m.Error)
	}
}

func isResponse(id int) func(message) bool {
	return func(m message) bool { return m.Method == "" && m.ID != nil && string(*m.ID) == strconv.Itoa(id) }
}

// A body that is not JSON, or not a JSON-RPC message, is answered with
// ParseError or InvalidRequest (id null) and logged; the session goes on.
func TestMalformedMessages(t *testing.T) {
	c := startServer(t, Options{})
	c.initialize(t.TempDir())
	for _, tc := range []struct {
		body string
		code int
	}{
		{`{"jsonrpc":"2.0","id":7,"method":`, -32700},
		{`not json at all`, -32700},
		{`[]`, -32600},
		{`{"jsonrpc":"2.0","id":{"x":1},"method":"shutdown"}`, -32600},
	} {
		c.writeRaw(frame(tc.body))
		m := c.waitFor("error response to "+tc.body, func(m message) bool { return m.Error != nil && strings.Contains(m.raw, `"id":null`) })
		if m.Error.Code != tc.code {
			t.Errorf("%s: error %d %q, want code %d", tc.body, m.Error.Code, m.Error.Message, tc.code)
		}
		c.waitFor("log of the malformed message", func(m message) bool {
			return m.Method == methodLogMessage && strings.Contains(string(m.Params), "malformed message")
		})
	}
	// Parameters of the wrong shape: an error for a request, a log line
	// for a notification; the session goes on.
	if m := c.call(methodHover, map[string]any{"textDocument": 5}); m.Error == nil || m.Error.Code != -32602 {
		t.Errorf("hover with bad params: %+v", m.Error)
	}
	c.notify(methodDidOpen, map[string]any{"textDocument": "nope"})
	c.waitFor("log of the bad notification", func(m message) bool {
		return m.Method == methodLogMessage && strings.Contains(string(m.Params), methodDidOpen)
	})
	c.result(methodShutdown, nil, nil)
}

// Requests before initialize get ServerNotInitialized, unknown methods
// MethodNotFound (unknown notifications are ignored), requests after
// shutdown InvalidRequest; exit after shutdown ends the server with 0.
func TestLifecycle(t *testing.T) {
	c := startServer(t, Options{})
	if m := c.call(methodHover, map[string]any{}); m.Error == nil || m.Error.Code != -32002 {
		t.Errorf("hover before initialize: %+v", m.Error)
	}
	res := c.initialize(t.TempDir())
	if res.ServerInfo.Name != "kvet" || !res.Capabilities.HoverProvider || res.Capabilities.TextDocumentSync.Change != 1 {
		t.Errorf("initialize result: %+v", res)
	}
	if m := c.call(methodInitialize, map[string]any{"capabilities": map[string]any{}}); m.Error == nil || m.Error.Code != -32600 {
		t.Errorf("second initialize: %+v", m.Error)
	}
	c.notify("kvet/no-such-notification", nil)
	if m := c.call("textDocument/definition", map[string]any{}); m.Error == nil || m.Error.Code != -32601 {
		t.Errorf("unknown method: %+v", m.Error)
	}
	c.result(methodShutdown, nil, nil)
	if m := c.call(methodHover, map[string]any{}); m.Error == nil || m.Error.Code != -32600 {
		t.Errorf("hover after shutdown: %+v", m.Error)
	}
	c.notify(methodExit, nil)
	select {
	case code := <-c.code:
		if code != 0 {
			t.Errorf("exit after shutdown: code %d, want 0", code)
		}
		c.code <- code
	case <-time.After(testTimeout):
		t.Fatal("the server did not exit")
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	c := startServer(t, Options{})
	c.initialize(t.TempDir())
	c.notify(methodExit, nil)
	select {
	case code := <-c.code:
		if code != 1 {
			t.Errorf("exit without shutdown: code %d, want 1", code)
		}
		c.code <- code
	case <-time.After(testTimeout):
		t.Fatal("the server did not exit")
	}
}

// A request that panics is answered with InternalError and logged; the
// next requests are answered.
func TestPanicInRequest(t *testing.T) {
	c := startServer(t, Options{extra: map[string]handlerFunc{
		"kvet/crash": func(*Server, context.Context, []byte) (any, error) { panic("boom") },
		"kvet/fail":  func(*Server, context.Context, []byte) (any, error) { return nil, errors.New("failed") },
	}})
	c.initialize(t.TempDir())
	if m := c.call("kvet/crash", nil); m.Error == nil || m.Error.Code != -32603 || !strings.Contains(m.Error.Message, "boom") {
		t.Errorf("crashing request: %+v", m.Error)
	}
	c.waitFor("log of the crash", func(m message) bool {
		return m.Method == methodLogMessage && strings.Contains(string(m.Params), "internal error in kvet/crash: boom")
	})
	c.notify("kvet/crash", nil)
	c.notify("kvet/fail", nil)
	c.waitFor("log of the failed notification", func(m message) bool {
		return m.Method == methodLogMessage && strings.Contains(string(m.Params), "kvet/fail: failed")
	})
	dir := t.TempDir()
	uri := pathToURI(filepath.Join(dir, "cron.yaml"))
	c.open(uri, cronJob)
	if got := c.diagnostics(uri); len(got.Diagnostics) != 2 {
		t.Errorf("after the crash: %d diagnostics, want 2", len(got.Diagnostics))
	}
}

// The position encoding is UTF-8 when the client offers it, UTF-16
// otherwise; ranges count the units of the encoding.
func TestPositionEncodings(t *testing.T) {
	for _, tc := range []struct {
		offered    []string
		want       string
		start, end int // character range of image-tag-mutable on line 17
	}{
		{nil, "utf-16", 33, 49},
		{[]string{"utf-16"}, "utf-16", 33, 49},
		{[]string{"utf-8", "utf-16"}, "utf-8", 36, 52},
		{[]string{"utf-16", "utf-8"}, "utf-8", 36, 52},
		{[]string{"utf-32"}, "utf-32", 32, 48},
	} {
		c := startServer(t, Options{})
		res := c.initialize(t.TempDir(), tc.offered...)
		if res.Capabilities.PositionEncoding != tc.want {
			t.Errorf("offered %q: negotiated %q, want %q", tc.offered, res.Capabilities.PositionEncoding, tc.want)
		}
		uri := pathToURI(filepath.Join(t.TempDir(), "cron.yaml"))
		c.open(uri, cronJob)
		p := c.diagnostics(uri)
		want := Range{Start: Position{Line: 17, Character: tc.start}, End: Position{Line: 17, Character: tc.end}}
		if len(p.Diagnostics) != 2 || p.Diagnostics[1].Range != want {
			t.Errorf("offered %q: diagnostics %+v, want image-tag-mutable at %+v", tc.offered, p.Diagnostics, want)
		}
	}
}
