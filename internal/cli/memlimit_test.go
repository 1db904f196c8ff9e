package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/corpusgen"
	"github.com/kvet-dev/kvet/policies"
	"github.com/kvet-dev/kvet/rules"
)

func TestMemoryLimit(t *testing.T) {
	tests := []struct {
		input, inFlight, baseline, want int64
	}{
		{0, 0, 0, 80 << 20},
		{1 << 20, 1 << 20, 0, 80 << 20},        // one small file: the floor
		{5_056_848, 11_000, 0, 80 << 20},       // the 10,000-document benchmark corpus: the floor
		{8_400_000, 15_000, 0, 84_600_000},     // just above the floor
		{25_472_547, 11_000, 0, 255_165_470},   // 50,000 documents: above the heap in use (~195 MB)
		{3_000_000, 3_000_000, 0, 150_000_000}, // one 3 MB file: above its live heap (83 MB)
		{34_000_000, 34_000_000, 0, 1_700_000_000},
		{1 << 30, 2 << 20, 0, 10<<30 + 80<<20},
		{5_056_848, 11_000, 21_618_560, 80<<20 + 43_237_120}, // the 10k corpus with a baseline of all its 40,000 findings
		{25_472_547, 11_000, 1_000_000, 257_165_470},
	}
	for _, tt := range tests {
		if got := memoryLimit(tt.input, tt.inFlight, tt.baseline); got != tt.want {
			t.Errorf("memoryLimit(%d, %d, %d) = %d, want %d", tt.input, tt.inFlight, tt.baseline, got, tt.want)
		}
	}
	a := &app{getenv: func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}}
	if got := a.limitMemory([]string{"."}, nil, ""); got != memoryLimitUnset {
		t.Errorf("with GOMEMLIMIT set, limitMemory = %d, want it left alone", got)
	}
}

func TestInputSizes(t *testing.T) {
	for _, tt := range []struct {
		sizes           []int64
		procs           int
		total, inFlight int64
	}{
		{nil, 2, 0, 0},
		{[]int64{5}, 2, 5, 5},
		{[]int64{3, 9, 1, 7}, 2, 20, 16},
		{[]int64{3, 9, 1, 7}, 1, 20, 9},
	} {
		total, inFlight := inputSizes(tt.sizes, tt.procs)
		if total != tt.total || inFlight != tt.inFlight {
			t.Errorf("inputSizes(%v, %d) = %d, %d; want %d, %d", tt.sizes, tt.procs, total, inFlight, tt.total, tt.inFlight)
		}
	}
}

// With the limit set, the proportional collector is off for a small input,
// so that a run below the limit (one small file) does not collect at all,
// and at collectorPercent for a larger one; GOGC set by the user, or
// GOMEMLIMIT, leaves the collector as the user configured it.
func TestMemoryLimitSetsProportionalCollector(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(small, []byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.yaml")
	if err := os.WriteFile(large, bytes.Repeat([]byte("# padding\n"), smallInput/10+1), 0o644); err != nil {
		t.Fatal(err)
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tt := range []struct {
		path    string
		env     map[string]string
		limit   int64
		percent int
	}{
		{small, nil, memoryFloor, -1},
		{large, nil, memoryFloor, collectorPercent},
		{small, map[string]string{"GOGC": "200"}, memoryFloor, 100},
		{large, map[string]string{"GOGC": "50"}, memoryFloor, 100},
		{small, map[string]string{"GOMEMLIMIT": "1GiB"}, memoryLimitUnset, 100},
	} {
		debug.SetGCPercent(100)
		a := &app{getenv: func(k string) string { return tt.env[k] }}
		if got := a.limitMemory([]string{tt.path}, nil, ""); got != tt.limit {
			t.Errorf("%s %v: limitMemory = %d, want %d", filepath.Base(tt.path), tt.env, got, tt.limit)
		}
		if got := debug.SetGCPercent(100); got != tt.percent {
			t.Errorf("%s %v: GC percent %d after limitMemory, want %d", filepath.Base(tt.path), tt.env, got, tt.percent)
		}
	}
}

func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		input int64
		want  int
	}{
		{0, -1},
		{60 << 10, -1},
		{smallInput - 1, -1},
		{smallInput, collectorPercent},
		{25 << 20, collectorPercent},
	} {
		if got := gcPercent(tt.input); got != tt.want {
			t.Errorf("gcPercent(%d) = %d, want %d", tt.input, got, tt.want)
		}
	}
}

// Standard input and pipes have no size before they are read: no limit.
func TestNoMemoryLimitForStdin(t *testing.T) {
	a := &app{getenv: func(string) string { return "" }}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if got := a.limitMemory([]string{"-"}, nil, ""); got != memoryLimitUnset {
		t.Errorf("limitMemory(-) = %d, want no limit", got)
	}
}

// One large file (3 MB) is checked under its limit with about as many garbage
// collections as without a limit. The limit used to be ten times the input,
// below the live heap of the file, and the collector ran without end (a 34
// MB file took three times as long).
func TestMemoryLimitDoesNotStarveLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("lints a 3 MB file twice")
	}
	dir := t.TempDir()
	if _, err := corpusgen.Generate(dir, corpusgen.Options{Files: 1, DocsPerFile: 6000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	a := &app{getenv: func(string) string { return "" }}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	gcs := func() uint32 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, res := analyzer.Lint(t.Context(), analyzer.NewLoader(nil), []string{dir}, append(rules.All(), policies.Builtin()...), analyzer.Options{})
		runtime.ReadMemStats(&after)
		if len(res.Errors) > 0 || len(res.Diagnostics) == 0 {
			t.Fatalf("errors %v, %d diagnostics", res.Errors, len(res.Diagnostics))
		}
		return after.NumGC - before.NumGC
	}
	debug.SetMemoryLimit(1 << 62)
	unlimited := gcs()
	limit := a.limitMemory([]string{dir}, nil, "")
	limited := gcs()
	t.Logf("limit %d MB: %d collections; without: %d", limit>>20, limited, unlimited)
	if limited > unlimited*3/2+2 {
		t.Errorf("%d garbage collections under the limit of %d MB, %d without", limited, limit>>20, unlimited)
	}
}

// TestMemoryLimitCountsBaseline checks that a baseline file adds twice its
// size to the limit, and that a baseline that is not a regular file (or
// is missing: the run reports that) adds nothing.
func TestMemoryLimitCountsBaseline(t *testing.T) {
	dir := t.TempDir()
	job := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(job, []byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(baseline, bytes.Repeat([]byte(" "), 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a := &app{getenv: func(string) string { return "" }}
	for _, tt := range []struct {
		baseline string
		want     int64
	}{
		{"", memoryFloor},
		{baseline, memoryFloor + 2*3<<20},
		{filepath.Join(dir, "missing.json"), memoryFloor},
		{dir, memoryFloor},
	} {
		if got := a.limitMemory([]string{job}, nil, tt.baseline); got != tt.want {
			t.Errorf("baseline %q: limitMemory = %d, want %d", tt.baseline, got, tt.want)
		}
	}
}

// TestFollowLive: the soft memory limit follows the live heap up to
// liveHeadroom times it, stays where it is once the watch is stopped, and
// is left alone once someone else sets it.
func TestFollowLive(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	// raised runs collections until the limit moves away from from, at
	// most rounds of them, and returns it.
	raised := func(from int64, rounds int) int64 {
		for range rounds {
			runtime.GC()
			time.Sleep(5 * time.Millisecond) // cleanups run after the collection
			if got := debug.SetMemoryLimit(-1); got != from {
				return got
			}
		}
		return from
	}
	const start = 8 << 20
	debug.SetMemoryLimit(start)
	stop := followLive(start)
	defer stop()
	live := make([][]byte, 48)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	got := raised(start, 1000)
	if want := int64(48 << 20 * liveHeadroom); got < want {
		t.Fatalf("with 48 MiB live, the limit is %d MiB, want at least %d MiB", got>>20, want>>20)
	}
	runtime.KeepAlive(live)

	stop()
	more := make([][]byte, 48)
	for i := range more {
		more[i] = make([]byte, 1<<20)
	}
	if after := raised(got, 20); after != got {
		t.Errorf("after stop, the limit moved from %d to %d MiB", got>>20, after>>20)
	}
	runtime.KeepAlive(more)

	debug.SetMemoryLimit(start)
	defer followLive(start)()
	const theirs = 4 << 20
	debug.SetMemoryLimit(theirs)
	if after := raised(theirs, 20); after != theirs {
		t.Errorf("a limit set by someone else moved from %d to %d MiB", theirs>>20, after>>20)
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(more)
}
