package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"slices"

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
// once. kvet therefore sets a soft memory limit sized by what is live and
// turns the proportional collector off (GOGC=off): the collector runs only
// when the heap reaches the limit. A run that stays below it (one small
// file: compiling the built-in policies leaves 20-30 MB of garbage) never
// collects; a large run collects far less often than with the Go default,
// which collects each time the heap doubles, when little is live early in
// the run. The limit stays above the heap in use: the input counts 10
// times, the files in flight 40 times. A limit close to it makes the
// collector run without end: 8 times the input cost 25% more CPU at 50,000
// documents than 10 times (13 times, kept until Lint kept its findings
// compact, peaked 46 MiB higher for 2% less CPU), and one 34 MB file took
// 23.5 s instead of 7.6 s when the files in flight did not count.
// The floor bounds small and medium runs: the process's peak RSS is about
// the limit plus 40 MiB (the binary's pages, outside the Go heap), so 72 MiB
// keeps 10,000 generated documents under 120 MiB; 90 MiB cost about 8% less
// CPU there but peaked at 129 MiB.
// GOMEMLIMIT, when set, wins (and GOGC then keeps its meaning); GOGC set
// alone keeps the proportional collector under kvet's limit.
const (
	memoryFloor      = 72 << 20 // bytes
	memoryPerInput   = 10       // bytes of limit per byte of input
	memoryPerFile    = 40       // bytes of limit per byte of a file in flight
	memoryLimitUnset = -1
)

// memoryLimit returns the soft limit for inputs totalling inputBytes, of
// which inFlight bytes (the largest files, one per processor) can be
// checked at once.
func memoryLimit(inputBytes, inFlight int64) int64 {
	return max(memoryFloor, memoryPerInput*inputBytes+memoryPerFile*inFlight)
}

// limitMemory sets the soft memory limit for linting paths, and turns the
// proportional collector off (unless GOGC is set), unless the
// user set GOMEMLIMIT, an input's size is not known before it is read
// (standard input, a pipe), or the run renders Kustomize overlays (stage is
// the run's render stage, nil with --no-render): a rendering's memory is
// kustomize's short-lived garbage, many times the size of the files it
// reads, which a limit sized by the input would make the collector chase
// (a third more CPU on argo-cd's manifests). It returns the limit set, or
// memoryLimitUnset.
func (a *app) limitMemory(paths []string, stage *render.Stage) int64 {
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
	limit := memoryLimit(inputSizes(sizes, runtime.GOMAXPROCS(0)))
	debug.SetMemoryLimit(limit)
	if a.getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
	return limit
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
