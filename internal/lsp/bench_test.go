package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/corpusgen"
	"github.com/kvet-dev/kvet/internal/cputime"
	"github.com/kvet-dev/kvet/internal/linter"
)

// Benchmarks of the time from didChange to publishDiagnostics, through the
// protocol (framing, JSON, the debounce set to zero), with a warm server:
//
//	go test ./internal/lsp -run '^$' -bench 'DidChange(CronJob|Role|Workspace)|BaselineLint$' -benchtime 200x
//
// (BenchmarkMemory1000Changes makes 1,000 changes per iteration: run it
// with -benchtime 1x.)
// Each reports the median and 95th percentile of the elapsed time
// (ms/median, ms/p95) and the CPU time of the process per change
// (cpu-ms/op: server and test client) besides the mean (ns/op).

// loopCPU runs f warm times, then once per benchmark iteration, and
// reports the CPU time of an iteration (cpu-ms/op).
func loopCPU(b *testing.B, warm int, f func()) {
	for range warm {
		f()
	}
	cpu0 := cputime.Used()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64((cputime.Used()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/op")
}

// cronJob200 returns a CronJob of about 200 lines, with findings (no
// concurrencyPolicy, a mutable tag), whose env value varies with v.
func cronJob200(v int) string {
	var b strings.Builder
	b.WriteString(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
  namespace: reporting
  labels:
    app: reports
    team: data
spec:
  schedule: "0 2 * * *"
  timeZone: Europe/Paris
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      backoffLimit: 2
      activeDeadlineSeconds: 3600
      template:
        spec:
          serviceAccountName: reports
          restartPolicy: Never
          containers:
`)
	for c := range 3 {
		fmt.Fprintf(&b, `          - name: step-%d
            image: "reports:latest"
            args: ["--day", "yesterday"]
            resources:
              requests: {cpu: 100m, memory: 128Mi}
              limits: {cpu: "1", memory: 256Mi}
            env:
`, c)
		for e := range 25 {
			fmt.Fprintf(&b, "            - name: VAR_%d_%d\n              value: \"%d\"\n", c, e, v)
		}
	}
	return b.String()
}

// roleFile returns a Role whose rules the Rego policies flag; the verbs
// of its last rule vary with v.
func roleFile(v int) string {
	verbs := []string{`"get", "list"`, `"*"`}[v%2]
	return `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ops
  namespace: team
rules:
- apiGroups: [""]
  resources: ["secrets", "configmaps"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["pods/exec"]
  verbs: ["create"]
- apiGroups: ["batch"]
  resources: ["jobs", "cronjobs"]
  verbs: [` + verbs + `]
`
}

// benchChanges opens text(0) as name in a server of dir and measures
// didChange → publishDiagnostics for text(1), text(2), ... The client
// watches files for the server when watch is set; with rewalk, it reports
// a changed file before each change, so that the server compares the
// whole folder with the disk again.
func benchChanges(b *testing.B, dir, name string, opts Options, watch, rewalk bool, text func(int) string) {
	c := startServer(b, opts)
	c.initializeWith(dir, map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": watch}}})
	if watch {
		c.waitFor("file watchers", func(m message) bool { return m.Method == methodRegisterCapability })
	}
	uri := pathToURI(filepath.Join(dir, name))
	c.open(uri, text(0))
	c.diagnostics(uri)
	version := 1
	change := func() time.Duration {
		version++
		start := time.Now()
		if rewalk {
			c.notify(methodDidChangeWatchedFiles, DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: uri, Type: 2}}})
		}
		c.change(uri, version, text(version))
		c.waitFor("diagnostics", func(m message) bool {
			return m.Method == methodPublishDiagnostics && strings.Contains(m.raw, fmt.Sprintf(`"version":%d,`, version))
		})
		return time.Since(start)
	}
	for range 20 { // warm up
		change()
	}
	var times []time.Duration
	cpu0 := cputime.Used()
	b.ResetTimer()
	for b.Loop() {
		times = append(times, change())
	}
	b.ReportMetric(float64((cputime.Used()-cpu0).Microseconds())/1000/float64(len(times)), "cpu-ms/op")
	slices.Sort(times)
	ms := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "ms/median")
	b.ReportMetric(ms(0.95), "ms/p95")
}

func BenchmarkDidChangeCronJob200Lines(b *testing.B) {
	benchChanges(b, writeTree(b, nil), "cron.yaml", Options{}, false, false, cronJob200)
}

func BenchmarkDidChangeRoleRego(b *testing.B) {
	benchChanges(b, writeTree(b, nil), "role.yaml", Options{}, false, false, roleFile)
}

// workspace1000 writes 1,000 manifests (one document each) under a new
// directory.
func workspace1000(b *testing.B) string {
	dir := writeTree(b, nil)
	if _, err := corpusgen.Generate(dir, corpusgen.Options{Files: 1000, DocsPerFile: 1, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// A change of one file of a 1,000-manifest workspace, with a rule that
// sees every document (so the folder is read, kept and given to it): with
// a client that watches files for the server (the disk is compared only
// when it reports a change), and with one that does not (the folder is
// walked again when a second has passed since the last walk).
func BenchmarkDidChangeWorkspace1000(b *testing.B) {
	for _, watch := range []bool{true, false} {
		b.Run(fmt.Sprintf("watch=%v", watch), func(b *testing.B) {
			dir := workspace1000(b)
			benchChanges(b, dir, "team-00/binding.yaml", Options{adjust: withRoleRefRule}, watch, false, func(v int) string {
				return strings.Replace(binding, "name: reader", fmt.Sprintf("name: obj-%d-0", v%1000), 1)
			})
		})
	}
}

// The worst case: every change comes after a reported change on disk, so
// the folder is walked and each file's modification time compared.
func BenchmarkDidChangeWorkspace1000Rewalk(b *testing.B) {
	dir := workspace1000(b)
	benchChanges(b, dir, "team-00/binding.yaml", Options{adjust: withRoleRefRule}, true, true, func(v int) string {
		return strings.Replace(binding, "name: reader", fmt.Sprintf("name: obj-%d-0", v%1000), 1)
	})
}

// The server's live heap after 100 and after 1,000 changes of the 200-line
// CronJob (in a 1,000-manifest workspace with a cross-document rule):
// heap-100 and heap-1000 in MB, and their ratio.
func BenchmarkMemory1000Changes(b *testing.B) {
	dir := workspace1000(b)
	for b.Loop() {
		c := startServer(b, Options{adjust: withRoleRefRule})
		c.initialize(dir)
		uri := pathToURI(filepath.Join(dir, "team-00/cron.yaml"))
		c.open(uri, cronJob200(0))
		c.diagnostics(uri)
		heap := func() float64 {
			runtime.GC()
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return float64(m.HeapAlloc) / (1 << 20)
		}
		var at100 float64
		for v := 2; v <= 1001; v++ {
			c.change(uri, v, cronJob200(v))
			c.waitFor("diagnostics", func(m message) bool {
				return m.Method == methodPublishDiagnostics && strings.Contains(m.raw, fmt.Sprintf(`"version":%d,`, v))
			})
			c.mu.Lock()
			c.msgs = c.msgs[:0] // the client keeps nothing
			c.mu.Unlock()
			if v == 101 {
				at100 = heap()
			}
		}
		at1000 := heap()
		b.ReportMetric(at100, "MB-heap-100")
		b.ReportMetric(at1000, "MB-heap-1000")
		b.ReportMetric(at1000/at100, "ratio")
	}
}

// The baseline of the didChange benchmarks, in the same run: linting the
// same texts in-process as kvet lint does (linter, loader, suppressions),
// without the protocol and the server's caches.
func BenchmarkBaselineLint(b *testing.B) {
	for _, tc := range []struct {
		name string
		text func(int) string
	}{{"CronJob200Lines", cronJob200}, {"RoleRego", roleFile}} {
		b.Run(tc.name, func(b *testing.B) {
			dir := writeTree(b, nil)
			path := filepath.Join(dir, "file.yaml")
			lt, err := linter.New(nil, linter.Settings{})
			if err != nil {
				b.Fatal(err)
			}
			loader := analyzer.NewLoader(nil)
			v := 0
			lint := func() {
				v++
				l := loader.WithOverlay(map[string][]byte{path: []byte(tc.text(v))})
				set, res := lt.Lint(context.Background(), l, []string{path})
				if len(lt.Suppress(set, res.Diagnostics)) == 0 {
					b.Fatal("no findings")
				}
			}
			loopCPU(b, 20, lint)
		})
	}
}
