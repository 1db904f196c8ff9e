package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync/atomic"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
)

// Memory: kvet's live heap has two parts. What it keeps for the whole run
// (the findings with their messages and paths, the file contents and line
// indexes it keeps for positions and suppressions, the objects the
// cross-document rules read) is about 5 times the input on a findings-heavy
// corpus (28 MB for the 5 MB of 10,000 generated documents, 126 MB for the
// 25 MB of 50,000), and the heap in use about 8 times (195 MB at 50,000:
// pages that also hold garbage). What a file
// costs while it is checked (its YAML node trees, decoded objects and Rego
// inputs) is about 27 times the file, and GOMAXPROCS files are checked at
// once; a file from 256 KiB on is checked a document at a time as it is
// parsed (analyzer's streamFrom), which brings a large one to about 5
// times (160 MB live for a 34 MB file, 538 MB before): the 40 times below
// are then headroom, and GOGC decides when the collector runs. kvet therefore sets a soft memory limit sized by what is live. The
// limit stays above the heap in use: the input counts 10 times, the files
// in flight 40 times. A limit close to it makes the collector run without
// end: 8 times the input cost 25% more CPU at 50,000 documents than 10
// times (13 times, kept until Lint kept its findings compact, peaked 46 MiB
// higher for 2% less CPU), and one 34 MB file took 23.5 s instead of 7.6 s
// when the files in flight did not count.
// The floor bounds small and medium runs: the process's peak RSS is about
// the limit plus the binary's pages (outside the Go heap: 26 MiB of them
// as read back from disk, about 41 MiB right after the Go linker wrote
// it), so 80 MiB keeps 10,000 generated documents under 120 MiB (105 and
// 110 MiB). Near the floor the limit, not GOGC, sets when the collector
// runs, and it counts the heap's free pages too: 72 MiB took 1.06x the CPU
// of 80 MiB on those documents (16 collections against 13, the last ones
// 10 MB apart; 97 against 105 MiB), and more with the set rules, whose
// facts are live too (1.19x against 1.16x the CPU without them); 88 and
// 96 MiB gained no more and peaked at 113 and 120 MiB.
//
// Under the limit, the proportional collector (GOGC) depends on the input.
// A small input (below smallInput) turns it off: the run's garbage
// (compiling the built-in policies alone leaves 20-30 MB) stays below the
// limit, so the run never collects (with GOGC=300 for every input, one Role
// or CronJob file took 5-12% more CPU, 60 KB of manifests 6-9%). A larger
// input collects when the heap has grown by collectorPercent: with the
// collector off, the heap fills the whole limit with garbage before the first collection (56
// MB while 8 MB is live), and every page it touches for the first time is
// a page fault (about 4 ms of CPU per MB on this project's benchmark
// machine), as is every page the runtime gives back to stay under the
// limit and touches again. Paired against the collector off, GOGC=200 took
// 0.80x the CPU and 66-75 MiB instead of 90-109 MiB on 0.5 and 1 MB of
// generated manifests, 0.94x on 10,000 documents, 0.95x on 10,000 RBAC
// objects and 0.92x on 50,000 (whose peak the limit decides), and the same
// within 2% on 60 KB and 254 KiB; GOGC from 150 to 600 gave the same CPU
// within noise.
// The limit then follows the live heap up (followLive): a document can keep
// far more live than 40 times its size while it is checked (a binding of
// 32,000 subjects: 60 to 80 MB for 1.7 MB).
// A baseline (--baseline) adds twice its size to the limit: it is read and
// matched when the run's findings are all live, and while it is, the file,
// its entries and their index hold about twice its size. Without that room
// the collector ran back to back at the end of a run with a large
// baseline (33 collections instead of 15 with one of 40,000 findings,
// 21 MB, on the 10k benchmark corpus; with the room, 0.76× the CPU for 30
// MiB more at the peak).
// GOMEMLIMIT, when set, wins (and GOGC then keeps its meaning); GOGC set
// alone keeps its meaning under kvet's limit.
const (
	memoryFloor       = 80 << 20 // bytes
	memoryPerInput    = 10       // bytes of limit per byte of input
	memoryPerFile     = 40       // bytes of limit per byte of a file in flight
	memoryPerBaseline = 2        // bytes of limit per byte of the baseline file
	memoryLimitUnset  = -1

	// smallInput is the input size (bytes) below which the proportional
	// collector is off.
	smallInput = 256 << 10
	// collectorPercent is the proportional collector's GOGC for larger
	// inputs.
	collectorPercent = 200
)

// memoryLimit returns the soft limit for inputs totalling inputBytes, of
// which inFlight bytes (the largest files, one per processor) can be
// checked at once, and a baseline file of baselineBytes (0 without one).
func memoryLimit(inputBytes, inFlight, baselineBytes int64) int64 {
	return max(memoryFloor, memoryPerInput*inputBytes+memoryPerFile*inFlight) + memoryPerBaseline*baselineBytes
}

// limitMemory sets the soft memory limit for linting paths (with the
// baseline file named by baseline, "" for none), and the
// proportional collector (unless GOGC is set: off for a small input,
// collectorPercent otherwise), unless the
// user set GOMEMLIMIT, an input's size is not known before it is read
// (standard input, a pipe), or the run renders Kustomize overlays (stage is
// the run's render stage, nil with --no-render): a rendering's memory is
// kustomize's short-lived garbage, many times the size of the files it
// reads, which a limit sized by the input would make the collector chase
// (a third more CPU on argo-cd's manifests). It returns the limit set, or
// memoryLimitUnset.
func (a *app) limitMemory(paths []string, stage *render.Stage, baseline string) int64 {
	if a.getenv("GOMEMLIMIT") != "" {
		return memoryLimitUnset
	}
	var extra []string
	if stage != nil {
		extra = stage.Names()
	}
	names, _ := analyzer.Discover(paths, extra...)
	if stage != nil && stage.Marks(names) {
		return memoryLimitUnset
	}
	sizes := make([]int64, 0, len(names))
	for _, n := range names {
		info, err := os.Stat(n)
		if n == "-" || (err == nil && !info.Mode().IsRegular()) {
			return memoryLimitUnset
		}
		if err == nil {
			sizes = append(sizes, info.Size())
		}
	}
	total, inFlight := inputSizes(sizes, runtime.GOMAXPROCS(0))
	var baselineBytes int64
	if baseline != "" {
		if info, err := os.Stat(baseline); err == nil && info.Mode().IsRegular() {
			baselineBytes = info.Size()
		}
	}
	limit := memoryLimit(total, inFlight, baselineBytes)
	debug.SetMemoryLimit(limit)
	a.unfollow = followLive(limit)
	if a.getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent(total))
	}
	return limit
}

// gcPercent returns the proportional collector's setting (GOGC; -1 is off)
// for inputs totalling inputBytes, under kvet's limit.
func gcPercent(inputBytes int64) int {
	if inputBytes < smallInput {
		return -1
	}
	return collectorPercent
}

// inputSizes returns the total of sizes and the total of the procs largest.
func inputSizes(sizes []int64, procs int) (total, largest int64) {
	for _, s := range sizes {
		total += s
	}
	slices.Sort(sizes)
	for _, s := range sizes[max(0, len(sizes)-procs):] {
		largest += s
	}
	return total, largest
}

// liveHeadroom is how many times the heap that the last collection found
// live the soft memory limit stays at least (see followLive). With 2, the
// 50k benchmark corpus peaked at 311 MiB instead of 273 (its live heap
// grows to 166 MB while the report is written); with 1.5 the peak is the
// same as with the fixed limit, and a binding of 32,000 subjects takes
// 1.35 s instead of 2.14 s (1.17 s with 2, 1.09 s with no limit).
const liveHeadroom = 1.5

// followLive makes the soft memory limit, limit, follow the live heap up
// until stop is called: after each collection that finds more than
// 1/liveHeadroom of the limit live, the limit becomes liveHeadroom times
// the live heap. The limit is sized from the input before anything is
// read; what one document keeps live while it is checked (the Rego input
// of a binding of 32,000 subjects and the policies' memo: 60 to 80 MB of
// a 1.7 MB file, against a limit of 80 MiB) can come close to it, and the
// collector then runs back to back. It stops following when someone else
// sets the limit.
func followLive(limit int64) (stop func()) {
	w := &liveWatch{limit: limit}
	w.sample[0].Name = "/gc/heap/live:bytes"
	w.arm()
	return func() { w.stopped.Store(true) }
}

// liveWatch raises the soft memory limit after collections (see
// followLive).
type liveWatch struct {
	stopped atomic.Bool
	// limit is the limit the watch set last; only check reads and writes
	// it, on the goroutine that runs cleanups, one at a time.
	limit  int64
	sample [1]metrics.Sample
}

// gcSentinel is an object that nothing references, so that the next
// collection runs its cleanup: large enough not to share a tiny block.
type gcSentinel [32]byte

// arm makes the next collection call check.
func (w *liveWatch) arm() {
	runtime.AddCleanup(new(gcSentinel), (*liveWatch).check, w)
}

// check raises the limit when the live heap calls for it, and arms the
// watch again.
func (w *liveWatch) check() {
	if w.stopped.Load() || debug.SetMemoryLimit(-1) != w.limit {
		return
	}
	metrics.Read(w.sample[:])
	if w.sample[0].Value.Kind() == metrics.KindUint64 {
		if want := int64(float64(w.sample[0].Value.Uint64()) * liveHeadroom); want > w.limit {
			w.limit = want
			debug.SetMemoryLimit(want)
		}
	}
	w.arm()
}
