package cli

import (
	"os"
	"runtime/debug"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
)

// Memory: kvet's live heap grows with its input (the typed objects, the
// findings and the file contents it keeps for positions and suppressions),
// about five times the input size on a findings-heavy corpus, while the
// garbage of parsing and policy evaluation is short-lived. With the Go
// default (GOGC=100) the heap is allowed to reach twice the live size before
// a collection, which is where most of the peak memory goes. kvet therefore
// sets a soft memory limit proportional to its input, so the collector works
// a little harder before the process grows, without ever thrashing on large
// inputs (the limit grows with them). GOMEMLIMIT, when set, wins.
const (
	memoryFloor      = 90 << 20 // bytes
	memoryPerInput   = 10       // bytes of limit per byte of input
	memoryLimitUnset = -1
)

// memoryLimit returns the soft limit for inputs totalling inputBytes.
func memoryLimit(inputBytes int64) int64 {
	return max(memoryFloor, memoryPerInput*inputBytes)
}

// limitMemory sets the soft memory limit for linting paths, unless the
// user set GOMEMLIMIT or the run renders Kustomize overlays (stage is the
// run's render stage, nil with --no-render): a rendering's memory is
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
	var total int64
	for _, n := range names {
		if info, err := os.Stat(n); err == nil && n != "-" {
			total += info.Size()
		}
	}
	limit := memoryLimit(total)
	debug.SetMemoryLimit(limit)
	return limit
}
