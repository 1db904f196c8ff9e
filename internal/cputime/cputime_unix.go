//go:build unix

// Package cputime reads the CPU time the process has used, for benchmarks
// on a shared machine: other processes distort it far less than wall time.
package cputime

import (
	"syscall"
	"time"
)

// Used returns the CPU time (user and system, all threads: GC included)
// the process has used so far, or 0 when the system does not say.
func Used() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
