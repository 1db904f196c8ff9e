// Command kvet is a static analyzer for Kubernetes manifests.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/kvet-dev/kvet/internal/cli"
)

func main() {
	os.Exit(realMain())
}

func realMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// KVET_CPUPROFILE=FILE writes a CPU profile of the run (for development).
	if path := os.Getenv("KVET_CPUPROFILE"); path != "" {
		stopProfile, err := startProfile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kvet: KVET_CPUPROFILE: %v\n", err)
			return cli.ExitError
		}
		defer stopProfile()
	}
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = io.Closer(f).Close() }, nil
}
