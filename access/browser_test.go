package access_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/access"
)

// The HTML report is checked in a real browser: Debian's chromium, driven
// through chromedriver (package chromium-driver) with the W3C WebDriver
// protocol on a localhost port. scripts/test.sh installs both when they
// are missing; without them the test skips and says so. The screenshot is
// written under $KVET_ARTIFACTS/access-html when that is set, else into
// the test's temporary directory (logged).

// chromeArgs are the flags that let Chromium run headless here: no
// sandbox (root), and none of its background connections (the machine
// has no network).
var chromeArgs = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-dev-shm-usage", "--window-size=1400,1000",
}

// browser returns the paths of chromium and chromedriver, or skips.
func browser(t *testing.T) (chromium, driver string) {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	driver, _ = exec.LookPath("chromedriver")
	if chromium == "" || driver == "" {
		t.Skip("chromium and chromedriver are not installed (Debian packages chromium and chromium-driver; bash scripts/test.sh installs them as root): the HTML report is not checked in a browser")
	}
	return chromium, driver
}

// webDriver is a minimal W3C WebDriver client for one session.
type webDriver struct {
	t       *testing.T
	base    string
	session string
}

// startDriver starts chromedriver on a free localhost port and opens a
// session of headless chromium with a fresh profile.
func startDriver(t *testing.T, chromium, driver string) *webDriver {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(driver, fmt.Sprintf("--port=%d", port), "--allowed-ips=127.0.0.1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromedriver: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	wd := &webDriver{t: t, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(wd.base + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not answer on port %d: %v\n%s", port, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	args := append([]string{"--user-data-dir=" + t.TempDir()}, chromeArgs...)
	var created struct {
		SessionID string `json:"sessionId"`
	}
	wd.call("POST", "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"goog:chromeOptions": map[string]any{"binary": chromium, "args": args},
	}}}, &created)
	if created.SessionID == "" {
		t.Fatalf("chromedriver opened no session\n%s", logs.String())
	}
	wd.session = "/session/" + created.SessionID
	t.Cleanup(func() { wd.call("DELETE", wd.session, nil, nil) })
	return wd
}

// call sends one WebDriver command and decodes its "value" into out.
func (wd *webDriver) call(method, path string, body, out any) {
	wd.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			wd.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, wd.base+path, rd)
	if err != nil {
		wd.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		wd.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		wd.t.Fatal(err)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		wd.t.Fatalf("%s %s: %v: %s", method, path, err, data)
	}
	if resp.StatusCode != http.StatusOK {
		wd.t.Fatalf("%s %s: %s: %s", method, path, resp.Status, env.Value)
	}
	if out != nil {
		if err := json.Unmarshal(env.Value, out); err != nil {
			wd.t.Fatalf("%s %s: %v: %s", method, path, err, env.Value)
		}
	}
}

// run evaluates a script in the page and decodes what it returns.
func (wd *webDriver) run(script string, out any, args ...any) {
	wd.t.Helper()
	if args == nil {
		args = []any{}
	}
	wd.call("POST", wd.session+"/execute/sync", map[string]any{"script": script, "args": args}, out)
}

// element returns the WebDriver reference of the element a CSS selector
// finds.
func (wd *webDriver) element(css string) string {
	wd.t.Helper()
	var ref map[string]string
	wd.call("POST", wd.session+"/element", map[string]any{"using": "css selector", "value": css}, &ref)
	for _, id := range ref {
		return id
	}
	wd.t.Fatalf("no element %s", css)
	return ""
}

func (wd *webDriver) click(css string) {
	wd.t.Helper()
	wd.call("POST", wd.session+"/element/"+wd.element(css)+"/click", map[string]any{}, nil)
}

func (wd *webDriver) displayed(css string) bool {
	wd.t.Helper()
	var shown bool
	wd.call("GET", wd.session+"/element/"+wd.element(css)+"/displayed", nil, &shown)
	return shown
}

// artifacts returns the directory where the test leaves its screenshot.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("KVET_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "access-html")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestHTMLInBrowser loads the HTML report of testdata/teams in headless
// Chromium and checks, through the DOM, the matrix, the dangerous marks,
// the grant chain a click shows (with file:line), the filter, and that
// the page loaded nothing besides itself; then saves a screenshot.
func TestHTMLInBrowser(t *testing.T) {
	chromium, driver := browser(t)
	var page bytes.Buffer
	if err := access.HTML(&page, load(t, "testdata/teams")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "access.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	wd := startDriver(t, chromium, driver)
	wd.call("POST", wd.session+"/url", map[string]any{"url": "file://" + filepath.ToSlash(file)}, nil)

	// The matrix: headings and rows, as the DOM has them.
	var headings, rows []string
	wd.run(`return Array.from(document.querySelectorAll("table.matrix thead th")).map(th => th.textContent)`, &headings)
	if want := []string{"subject", "* (cluster-wide)", "billing", "development", "production"}; !equal(headings, want) {
		t.Errorf("column headings = %q, want %q", headings, want)
	}
	wd.run(`return Array.from(document.querySelectorAll("tr.subject")).map(tr => tr.dataset.subject)`, &rows)
	if want := []string{"User jane@example.com", "Group developers", "Group devops", "Group system:serviceaccounts:billing",
		"Group testers", "ServiceAccount billing/default", "ServiceAccount billing/exporter"}; !equal(rows, want) {
		t.Errorf("rows = %q, want %q", rows, want)
	}
	// Each cell's permissions, dangerous ones marked.
	cell := func(subject, ns string) []string {
		var perms []string
		wd.run(`const [s, ns] = arguments;
const tr = Array.from(document.querySelectorAll("tr.subject")).find(tr => tr.dataset.subject === s);
const td = Array.from(tr.querySelectorAll("td")).find(td => td.dataset.namespace === ns);
if (td.classList.contains("none")) { return [td.textContent]; }
return Array.from(td.querySelectorAll("li.perm")).map(li =>
  (li.classList.contains("danger") ? "DANGER " : "") + li.firstChild.textContent.trim());`, &perms, subject, ns)
		return perms
	}
	for _, c := range []struct {
		subject, ns string
		want        []string
	}{
		{"Group developers", "development", []string{"DANGER ⚠ * on *.*"}},
		{"Group developers", "production", []string{"get, list, watch on pods, deployments, pods.apps, deployments.apps"}},
		{"Group testers", "production", []string{"—"}},
		{"Group testers", "development", []string{"—"}},
		{"Group devops", "*", []string{"DANGER ⚠ * on *.*", "* on non-resource URLs *"}},
		{"ServiceAccount billing/exporter", "billing", []string{"DANGER ⚠ get on secrets named invoice-db", "get, list on configmaps"}},
		{"ServiceAccount billing/exporter", "*", []string{"—"}}, // inherited: on the group's row
		{"Group system:serviceaccounts:billing", "*", []string{"get on /healthz, /metrics"}},
	} {
		if got := cell(c.subject, c.ns); !equal(got, c.want) {
			t.Errorf("cell %s × %s = %q, want %q", c.subject, c.ns, got, c.want)
		}
	}

	// A ServiceAccount links to the rows of the groups it inherits from.
	var inherits []string
	wd.run(`return Array.from(document.querySelectorAll('tr[data-subject="ServiceAccount billing/exporter"] a.inherits')).map(a =>
  a.textContent + " -> " + document.getElementById(a.getAttribute("href").slice(1)).dataset.subject)`, &inherits)
	if want := []string{"Group system:serviceaccounts:billing -> Group system:serviceaccounts:billing"}; !equal(inherits, want) {
		t.Errorf("inherits links of billing/exporter = %q, want %q", inherits, want)
	}

	// The grant chain: hidden until the permission is clicked, then shown
	// with each hop's file:line; Escape hides it again.
	const perm = `tr[data-subject="User jane@example.com"] td[data-namespace="production"] li.perm`
	const chain = perm + ` .chain`
	if wd.displayed(chain) {
		t.Errorf("the grant chain is shown before a click")
	}
	wd.click(perm)
	if !wd.displayed(chain) {
		t.Fatalf("the grant chain is not shown after a click")
	}
	var hops []string
	wd.run(`return Array.from(document.querySelectorAll(arguments[0] + " ol li")).map(li => li.textContent)`, &hops, chain)
	wantHops := []string{
		"RoleBinding production/auditors-view binds User jane@example.com testdata/teams/bindings.yaml:49",
		"to ClusterRole metrics-reader testdata/teams/bindings.yaml:53",
		"ClusterRole metrics-reader aggregates ClusterRole pod-logs testdata/teams/roles.yaml:43",
		"grants get, list on pods, pods/log testdata/teams/roles.yaml:54",
	}
	if !equal(hops, wantHops) {
		t.Errorf("grant chain = %q, want %q", hops, wantHops)
	}
	// Move the pointer away (a hovered permission shows its chain too),
	// then press Escape.
	wd.call("POST", wd.session+"/actions", map[string]any{"actions": []any{
		map[string]any{"type": "pointer", "id": "mouse", "actions": []any{map[string]any{
			"type": "pointerMove", "duration": 0, "x": 0, "y": 0,
			"origin": map[string]string{"element-6066-11e4-a52e-4f735466cecf": wd.element("h1")},
		}}},
		map[string]any{"type": "key", "id": "keyboard", "actions": []any{
			map[string]any{"type": "keyDown", "value": "\uE00C"}, map[string]any{"type": "keyUp", "value": "\uE00C"},
		}},
	}}, nil)
	if wd.displayed(chain) {
		t.Errorf("the grant chain is still shown after Escape")
	}
	// A dangerous permission's chain names the rule that rates it.
	wd.click(`tr[data-subject="Group devops"] li.perm.danger`)
	var risk string
	wd.run(`return document.querySelector('tr[data-subject="Group devops"] li.perm.danger .risk').textContent`, &risk)
	if want := "error: do everything (rbac-admin-equivalent)"; risk != want {
		t.Errorf("risk of devops' permission = %q, want %q", risk, want)
	}

	// The filter and the "dangerous only" box narrow the rows.
	visible := func() []string {
		var v []string
		wd.run(`return Array.from(document.querySelectorAll("tr.subject")).filter(tr => tr.offsetParent !== null).map(tr => tr.dataset.subject)`, &v)
		return v
	}
	wd.call("POST", wd.session+"/element/"+wd.element("#filter")+"/value", map[string]any{"text": "billing/"}, nil)
	if got, want := visible(), []string{"ServiceAccount billing/default", "ServiceAccount billing/exporter"}; !equal(got, want) {
		t.Errorf("rows shown for the filter billing/ = %q, want %q", got, want)
	}
	wd.call("POST", wd.session+"/element/"+wd.element("#filter")+"/clear", map[string]any{}, nil)
	wd.click("#danger-only")
	if got, want := visible(), []string{"Group developers", "Group devops", "ServiceAccount billing/exporter"}; !equal(got, want) {
		t.Errorf("rows shown with only dangerous = %q, want %q", got, want)
	}
	wd.click("#danger-only")

	// Self-contained: the page loaded no resource besides itself.
	var loaded []string
	wd.run(`return performance.getEntriesByType("resource").map(e => e.name)`, &loaded)
	if len(loaded) > 0 {
		t.Errorf("the page loaded %q; it must be self-contained", loaded)
	}

	// The screenshot, with a chain open.
	wd.click(perm)
	wd.screenshot("access-report.png")
}

// screenshot saves the page as name among the test's artifacts.
func (wd *webDriver) screenshot(name string) {
	wd.t.Helper()
	var shot string
	wd.call("GET", wd.session+"/screenshot", nil, &shot)
	png, err := base64.StdEncoding.DecodeString(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		wd.t.Fatalf("the screenshot is not a PNG (%v)", err)
	}
	out := filepath.Join(artifacts(wd.t), name)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		wd.t.Fatal(err)
	}
	wd.t.Logf("screenshot of the HTML report: %s", out)
}

// TestHTMLByNamespaceInBrowser loads the HTML report of a set too large
// for its matrix (400 namespaces, each with a bound ServiceAccount) in
// headless Chromium and checks, through the DOM, the table of each
// subject's permissions by namespace, a permission's chain, and the
// filter; then saves a screenshot.
func TestHTMLByNamespaceInBrowser(t *testing.T) {
	chromium, driver := browser(t)
	var page bytes.Buffer
	if err := access.HTML(&page, load(t, namespaces(t, 400))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "access.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	wd := startDriver(t, chromium, driver)
	wd.call("POST", wd.session+"/url", map[string]any{"url": "file://" + filepath.ToSlash(file)}, nil)

	var headings []string
	wd.run(`return Array.from(document.querySelectorAll("table.matrix thead th")).map(th => th.textContent)`, &headings)
	if want := []string{"subject", "permissions by namespace"}; !equal(headings, want) {
		t.Errorf("column headings = %q, want %q", headings, want)
	}
	var rows int
	wd.run(`return document.querySelectorAll("tr.subject").length`, &rows)
	if rows != 400 {
		t.Errorf("%d rows, want 400", rows)
	}
	const row = `tr[data-subject="ServiceAccount ns123/runner"]`
	var cell []string
	wd.run(`const td = document.querySelector(arguments[0] + " td");
return Array.from(td.querySelectorAll(".ns, li.perm")).map(e =>
  e.classList.contains("ns") ? "ns " + e.textContent : "perm " + e.firstChild.textContent.trim());`, &cell, row)
	if want := []string{"ns ns123", "perm get on configmaps"}; !equal(cell, want) {
		t.Errorf("the cell of ns123/runner = %q, want %q", cell, want)
	}
	wd.click(row + " li.perm")
	var hops []string
	wd.run(`return Array.from(document.querySelectorAll(arguments[0] + " li.perm .chain ol li")).map(li => li.textContent)`, &hops, row)
	if len(hops) != 3 || !strings.HasPrefix(hops[0], "RoleBinding ns123/runner binds ServiceAccount ns123/runner ") {
		t.Errorf("grant chain = %q", hops)
	}
	wd.call("POST", wd.session+"/element/"+wd.element("#filter")+"/value", map[string]any{"text": "ns123/"}, nil)
	var visible []string
	wd.run(`return Array.from(document.querySelectorAll("tr.subject")).filter(tr => tr.offsetParent !== null).map(tr => tr.dataset.subject)`, &visible)
	if want := []string{"ServiceAccount ns123/runner"}; !equal(visible, want) {
		t.Errorf("rows shown for the filter ns123/ = %q, want %q", visible, want)
	}
	wd.click(row + " li.perm")
	wd.screenshot("access-report-by-namespace.png")
}

// TestHTMLSelfContained checks the page's text: no external reference
// (scripts, styles, images, fonts, links) that a browser would fetch.
func TestHTMLSelfContained(t *testing.T) {
	var page bytes.Buffer
	if err := access.HTML(&page, load(t, "testdata/teams")); err != nil {
		t.Fatal(err)
	}
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<(script|img|iframe|link|source|video|audio)[^>]*\s(src|href)=`),
		regexp.MustCompile(`(?i)url\(`),
		regexp.MustCompile(`(?i)@import`),
		regexp.MustCompile(`(?i)https?://`),
	} {
		if m := re.Find(page.Bytes()); m != nil {
			t.Errorf("the page refers to an external resource: %q", m)
		}
	}
	if !strings.Contains(page.String(), "<script>") || !strings.Contains(page.String(), "<style>") {
		t.Errorf("the page has no inline script or style")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMarkdownMermaidInBrowser renders the Mermaid graph of the Markdown
// report of testdata/teams with Mermaid itself (npm package mermaid, whose
// path scripts/test.sh exports as KVET_MERMAID_JS) in headless Chromium:
// the graph must parse and render every node, dangerous roles styled; a
// screenshot of it is saved beside the report's.
func TestMarkdownMermaidInBrowser(t *testing.T) {
	chromium, driver := browser(t)
	js := os.Getenv("KVET_MERMAID_JS")
	if js == "" {
		t.Skip("KVET_MERMAID_JS is not set (bash scripts/test.sh installs the npm package mermaid): the Mermaid graph is not rendered")
	}
	var md bytes.Buffer
	if err := access.Markdown(&md, load(t, "testdata/teams")); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindSubmatch(md.Bytes())
	if m == nil {
		t.Fatalf("no mermaid block in the Markdown report:\n%s", md.String())
	}
	graph := string(m[1])
	dir := t.TempDir()
	page := filepath.Join(dir, "graph.html")
	html := `<!DOCTYPE html><html><head><meta charset="utf-8"><script src="file://` + filepath.ToSlash(js) + `"></script></head><body><div id="out"></div></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	wd := startDriver(t, chromium, driver)
	wd.call("POST", wd.session+"/url", map[string]any{"url": "file://" + filepath.ToSlash(page)}, nil)
	var res struct {
		Error    string   `json:"error"`
		Nodes    []string `json:"nodes"`
		Dangers  []string `json:"dangers"`
		Edges    int      `json:"edges"`
		Mermaid  bool     `json:"mermaid"`
		Rendered bool     `json:"rendered"`
	}
	wd.call("POST", wd.session+"/execute/async", map[string]any{"args": []any{graph}, "script": `
const done = arguments[arguments.length - 1];
const graph = arguments[0];
// Mermaid (5.5 MB) may still be evaluating, and the page still loading,
// when navigation returns on a loaded machine: wait for both, up to 20 s
// (rendering before the body is complete failed now and then with
// "Cannot read properties of null (reading 'firstChild')").
const since = Date.now();
(function render() {
  if (typeof mermaid === "undefined" || document.readyState !== "complete" || !document.getElementById("out")) {
    if (Date.now() - since < 20000) { setTimeout(render, 50); return; }
    done({mermaid: false});
    return;
  }
  mermaid.initialize({startOnLoad: false, securityLevel: "strict"});
  const out = document.getElementById("out");
  mermaid.render("access-graph", graph, out).then(r => {
    out.innerHTML = r.svg;
    const svg = out.querySelector("svg");
    done({mermaid: true, rendered: true,
      nodes: Array.from(svg.querySelectorAll("g.node")).map(n => n.textContent.trim()),
      dangers: Array.from(svg.querySelectorAll("g.node.danger")).map(n => n.textContent.trim()),
      edges: svg.querySelectorAll("path.flowchart-link").length});
  }, e => done({mermaid: true, error: String(e && e.message || e)}));
})();`}, &res)
	switch {
	case !res.Mermaid:
		t.Fatalf("mermaid did not load from %s", js)
	case res.Error != "":
		t.Fatalf("Mermaid rejects the graph: %s\n%s", res.Error, graph)
	}
	nodes := strings.Count(graph, "\n  n") - strings.Count(graph, " --> ") - strings.Count(graph, ".-> ")
	if len(res.Nodes) != nodes || len(res.Nodes) == 0 {
		t.Errorf("rendered %d nodes %q, want the graph's %d", len(res.Nodes), res.Nodes, nodes)
	}
	for _, want := range []string{"CronJob billing/invoice-export", "ServiceAccount billing/exporter", "RoleBinding billing/exporter-reads-secrets", "Role billing/secret-reader"} {
		if !slices.Contains(res.Nodes, want) {
			t.Errorf("no node %q among %q", want, res.Nodes)
		}
	}
	// Role billing/secret-reader reads one named secret: rated as rbac-secrets-access rates it.
	if want := []string{"Role development/dev-full-access", "ClusterRole cluster-admin", "Role billing/secret-reader"}; !equal(res.Dangers, want) {
		t.Errorf("dangerous nodes = %q, want %q", res.Dangers, want)
	}
	if want := strings.Count(graph, " --> ") + strings.Count(graph, ".-> "); res.Edges != want {
		t.Errorf("rendered %d edges, want %d", res.Edges, want)
	}
	var shot string
	wd.call("GET", wd.session+"/screenshot", nil, &shot)
	png, err := base64.StdEncoding.DecodeString(shot)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(artifacts(t), "access-graph.png")
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the Mermaid graph: %s", out)
}
