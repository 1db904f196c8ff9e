package cputime_test

import (
	"runtime"
	"testing"

	"github.com/kvet-dev/kvet/internal/cputime"
)

var sink int

// Busy work shows as CPU time.
func TestUsedGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no getrusage on " + runtime.GOOS)
	}
	start := cputime.Used()
	for i := range 200_000_000 { // ~0.1-0.5 s of CPU
		sink += i % 7
	}
	if d := cputime.Used() - start; d < 10e6 {
		t.Errorf("CPU time grew by %v after busy work, want at least 10ms", d)
	}
}
