package engine

import (
	"fmt"
	"math"
	"runtime/metrics"
	"time"

	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/render/helm"
)

// watchEvery is how often the watchdog looks at a rendering's time and
// memory.
const watchEvery = 10 * time.Millisecond

// heapMetric is the heap's size: live objects and those not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

// watch starts a watchdog over the rendering of req, which calls stop,
// once, with the reason, when the rendering runs longer than its time
// limit or the heap grows by more than its memory limit (helm.Request's
// Timeout and MaxMemory, else the defaults). Helm's template engine cannot
// be interrupted, so stop must end the rendering (the process). The heap
// counts garbage not yet collected: the proportional collector keeps it
// below the live heap, so a rendering is stopped when its live heap is
// about half the memory limit or more. (A soft memory limit at the limit,
// to collect the garbage first, made the collector run back to back while
// a bomb grew, so that the time limit stopped it, later.) The returned
// function ends the watch.
func watch(req helm.Request, stop func(why string)) (unwatch func()) {
	timeout, maxMemory := req.Timeout, req.MaxMemory
	if timeout <= 0 {
		timeout = helm.DefaultTimeout
	}
	if maxMemory <= 0 {
		maxMemory = helm.DefaultMaxMemory
	}
	sample := []metrics.Sample{{Name: heapMetric}}
	heap := func() int64 {
		metrics.Read(sample)
		return int64(min(sample[0].Value.Uint64(), math.MaxInt64))
	}
	start, base := time.Now(), heap()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(watchEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if used := heap() - base; used > maxMemory {
				stop(fmt.Sprintf("rendering stopped: it took more than %s of memory (a template ranging over a huge list?); helm: max-memory: in .kvet.yaml raises the limit",
					safefile.FormatSize(maxMemory)))
				return
			}
			if took := time.Since(start); took > timeout {
				stop(fmt.Sprintf("rendering stopped: it ran longer than %v (a template looping too long?); helm: timeout: in .kvet.yaml raises the limit", timeout))
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
