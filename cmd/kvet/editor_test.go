package main

// Editor recipes (docs/editors/), tested with the editors themselves.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// editorPod has non-ASCII text before both findings on their lines: "é"
// (2 bytes) and "日本語" (9 bytes), so a column counted in code points
// would put the cursor before the image value. Both findings are
// image-tag-mutable warnings at the image value, byte column 30.
const editorPod = `apiVersion: v1
kind: Pod
metadata:
  name: café
spec:
  serviceAccountName: café
  containers:
  - {name: café-app, image: "nginx:latest", resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}}
  - {name: 日本語, image: "busybox", resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 1, memory: 1Gi}}}
`

// vimScript fills the quickfix list twice, as docs/editors/kvet.vim says
// (":compiler kvet" then ":make"; ":compiler! kvet" then ":cexpr"), jumps
// to each entry and writes where the cursor landed and what is there.
const vimScript = `set rtp^=RTP
function! Dump(name)
  let out = []
  for i in range(1, len(getqflist()))
    execute 'cc ' . i
    let e = getqflist()[i-1]
    call add(out, bufname(e.bufnr) . ':' . e.lnum . ':' . e.col . ':' . e.type . ' cursor ' . line('.') . ':' . col('.') . ' ' . strpart(getline('.'), col('.') - 1, 9))
  endfor
  call writefile(out, a:name)
endfunction
compiler kvet
silent make
call Dump('make.txt')
compiler! kvet
cexpr system('kvet lint --quiet ' .. shellescape(expand('%')))
call Dump('cexpr.txt')
qa!
`

// TestVimRecipe runs Vim (and Neovim, when installed) headless with the
// documented compiler file on a buffer whose findings follow multibyte
// characters: each quickfix entry must be a warning that puts the cursor
// on the image value.
func TestVimRecipe(t *testing.T) {
	editors := map[string][]string{
		"vim":  {"-Es", "-u", "NONE", "-i", "NONE", "-N"},
		"nvim": {"--headless", "-u", "NONE", "-i", "NONE", "-n"},
	}
	ran := 0
	for name, flags := range editors {
		bin, err := exec.LookPath(name)
		if err != nil {
			t.Logf("%s is not installed: its recipe is not tested here", name)
			continue
		}
		ran++
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			rtp := filepath.Join(dir, "rtp")
			recipe, err := os.ReadFile(filepath.Join("..", "..", "docs", "editors", "kvet.vim"))
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(rtp, "compiler", "kvet.vim"), string(recipe))
			write(t, filepath.Join(dir, "pod.yaml"), editorPod)
			write(t, filepath.Join(dir, "check.vim"), strings.ReplaceAll(vimScript, "RTP", rtp))
			cmd := exec.Command(bin, append(flags, "-S", "check.vim", "pod.yaml")...)
			cmd.Dir = dir
			cmd.Env = append(kvetEnv(nil), "PATH="+filepath.Dir(kvetBin)+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, out)
			}
			want := "pod.yaml:8:30:w cursor 8:30 \"nginx:la\n" +
				"pod.yaml:9:30:w cursor 9:30 \"busybox\"\n"
			for _, f := range []string{"make.txt", "cexpr.txt"} {
				got, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatalf("%s wrote no %s: %v", name, f, err)
				}
				if string(got) != want {
					t.Errorf("%s, quickfix from %s:\n%s\nwant:\n%s", name, strings.TrimSuffix(f, ".txt"), got, want)
				}
			}
		})
	}
	if ran == 0 {
		t.Skip("neither vim nor nvim is installed (scripts/test.sh installs vim with apt-get when it can)")
	}
}

// TestVSCodeProblemMatcher applies the problem matcher of the documented
// tasks.json, with node's regular expressions (VS Code's engine), to kvet's
// output: every finding must give its file, line, column, severity,
// message and rule, and nothing else may match; so must a policy that does
// not load, with its error code.
func TestVSCodeProblemMatcher(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "pod.yaml"), editorPod)
	tasks := filepath.Join("..", "..", "docs", "editors", "tasks.json")
	// The task's own command line, run in a terminal as VS Code runs tasks
	// (so --color never matters), from the workspace folder.
	data, err := os.ReadFile(tasks)
	if err != nil {
		t.Fatal(err)
	}
	var def struct {
		Tasks []struct {
			Command string
			Args    []string
		}
	}
	if err := json.Unmarshal(data, &def); err != nil || len(def.Tasks) != 1 || def.Tasks[0].Command != "kvet" {
		t.Fatalf("tasks.json: %v %+v", err, def)
	}
	o := kvet(t, run{args: def.Tasks[0].Args, dir: dir, env: []string{"TERM=xterm-256color"}})
	if o.code != 0 || o.stderr != "" {
		t.Fatalf("kvet %s: %s", strings.Join(def.Tasks[0].Args, " "), o)
	}
	want := []string{
		`pod.yaml|8|30|warning|image-tag-mutable|container "café-app"`,
		`pod.yaml|9|30|warning|image-tag-mutable|container "日本語" imag`,
	}
	if got := problemMatches(t, node, tasks, o.stdout); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problem matcher matches:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	write(t, filepath.Join(dir, ".kvet.yaml"), "policies: [policy/]\n")
	write(t, filepath.Join(dir, "policy", "p.rego"), "package acme.broken\n\ndeny contains msg if {\n")
	o = kvet(t, run{args: def.Tasks[0].Args, dir: dir, env: []string{"TERM=xterm-256color"}})
	want = []string{`policy/p.rego|4|1|error|rego_parse_error|unexpected eof token`}
	// Policies that .kvet.yaml names are reported at their absolute path
	// (fileLocation autoDetect takes both).
	output := strings.ReplaceAll(o.stdout+o.stderr, dir+string(filepath.Separator), "")
	if got := problemMatches(t, node, tasks, output); o.code != 2 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("broken policy: %s\nproblem matcher matches:\n%s\nwant:\n%s", o, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// problemMatches applies the problem matcher of tasks with node to each
// line of output: file|line|column|severity|code|the message's first 20
// characters, for each line it matches.
func problemMatches(t *testing.T, node, tasks, output string) []string {
	t.Helper()
	const script = `
const fs = require("fs");
const tasks = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const m = tasks.tasks[0].problemMatcher;
const p = m.pattern;
const re = new RegExp(p.regexp);
const out = [];
for (const line of fs.readFileSync(0, "utf8").split("\n")) {
  const g = re.exec(line);
  if (g) out.push([g[p.file], g[p.line], g[p.column], g[p.severity], g[p.code], g[p.message].slice(0, 20)].join("|"));
}
console.log(JSON.stringify({owner: m.owner, fileLocation: m.fileLocation, matches: out}));
`
	cmd := exec.Command(node, "-e", script, tasks)
	cmd.Stdin = strings.NewReader(output)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got struct {
		Owner        string
		FileLocation []string
		Matches      []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Owner != "kvet" {
		t.Errorf("problem matcher owner %q, want kvet", got.Owner)
	}
	return got.Matches
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// emacsCompile runs kvet with M-x compile (the documented command) and
// visits each finding with next-error.
const emacsCompile = `(require 'compile)
(let* ((buf (compile "kvet lint --quiet --color never pod.yaml")))
  (while (get-buffer-process buf) (accept-process-output nil 0.1))
  (with-current-buffer buf (goto-char (point-min)))
  (dolist (_ '(1 2))
    (next-error 1)
    (let* ((msg (with-current-buffer buf (get-text-property compilation-current-error 'compilation-message)))
           (m (compilation--loc->marker (compilation--message->loc msg))))
      (with-current-buffer (marker-buffer m)
        (goto-char m)
        (princ (format "compile %s:%d %s\n" (buffer-name) (line-number-at-pos) (compilation--message->type msg)))))))
`

// emacsFlymake turns on the documented Flymake backend in a buffer
// visiting pod.yaml and prints where each diagnostic starts.
const emacsFlymake = `(add-to-list 'load-path "EDITORS")
(require 'kvet-flymake)
(find-file "pod.yaml")
(kvet-flymake-setup)
(flymake-mode 1)
(flymake-start)
(let ((n 0))
  (while (and (< n 200) (null (flymake-diagnostics)))
    (accept-process-output nil 0.05)
    (setq n (1+ n))))
(dolist (d (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))
  (goto-char (flymake-diagnostic-beg d))
  (princ (format "flymake %d %s %s\n" (line-number-at-pos) (flymake-diagnostic-type d)
                 (buffer-substring (point) (+ (point) 9)))))
`

// TestEmacsRecipes runs Emacs in batch mode, when installed, with the
// documented M-x compile command and the Flymake backend of
// docs/editors/kvet-flymake.el. Flymake converts kvet's byte columns to
// buffer positions, so its diagnostics start exactly at the image values;
// compile mode reads columns as screen columns, so only its lines are
// exact on these non-ASCII lines (README says so).
func TestEmacsRecipes(t *testing.T) {
	emacs, err := exec.LookPath("emacs")
	if err != nil {
		t.Skip("emacs is not installed")
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "pod.yaml"), editorPod)
	editors, err := filepath.Abs(filepath.Join("..", "..", "docs", "editors"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "compile.el"), emacsCompile)
	write(t, filepath.Join(dir, "flymake.el"), strings.ReplaceAll(emacsFlymake, "EDITORS", editors))
	var got []string
	for _, script := range []string{"compile.el", "flymake.el"} {
		cmd := exec.Command(emacs, "--batch", "-Q", "-l", script)
		cmd.Dir = dir
		cmd.Env = append(kvetEnv(nil), "PATH="+filepath.Dir(kvetBin)+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("emacs -l %s: %v\n%s", script, err, out)
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "compile ") || strings.HasPrefix(l, "flymake ") {
				got = append(got, l)
			}
		}
	}
	want := []string{
		"compile pod.yaml:8 1", // type 1 is a warning
		"compile pod.yaml:9 1",
		`flymake 8 :warning "nginx:la`,
		`flymake 9 :warning "busybox"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("emacs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
