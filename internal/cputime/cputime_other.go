//go:build !unix

// Package cputime reads the CPU time the process has used, for benchmarks
// on a shared machine: other processes distort it far less than wall time.
package cputime

import "time"

// Used returns 0: this system has no getrusage.
func Used() time.Duration { return 0 }
