// Command kvet is a static analyzer for Kubernetes manifests.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/kvet-dev/kvet/internal/cli"
)

func main() {
	os.Exit(realMain())
}

func realMain() int {
	// kvet reports through its own output only: libraries it links
	// (kustomize) write deprecation notices to os.Stderr and the standard
	// logger. kvet keeps the real standard error for itself.
	stderr := os.Stderr
	log.SetOutput(io.Discard)
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
	}
	// kvet never opens a network connection. The render stage does not
	// build what names remote content; this makes sure that nothing linked
	// in fetches over HTTP either.
	http.DefaultTransport = noNetwork{}
	// Output never depends on the machine's time zone: a policy's
	// time.clock(["...", "Local"]) is UTC wherever kvet runs.
	time.Local = time.UTC
	ctx, stop := interruptible(stderr)
	defer stop()
	// KVET_CPUPROFILE=FILE writes a CPU profile of the run (for development).
	if path := os.Getenv("KVET_CPUPROFILE"); path != "" {
		stopProfile, err := startProfile(path)
		if err != nil {
			fmt.Fprintf(stderr, "kvet: KVET_CPUPROFILE: %v\n", err)
			return cli.ExitError
		}
		defer stopProfile()
	}
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, stderr)
}

// interruptible returns a context that SIGINT or SIGTERM cancels, with
// cli.Interrupted as its cause: kvet then stops reading and linting, writes
// no report or baseline, and exits with 130 (SIGINT) or 2. A second signal
// ends the process at once, saying so on stderr, whatever it is doing (files it writes are
// replaced atomically, so none is left half-written).
func interruptible(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		cancel(cli.Interrupted{Signal: sig})
		if sig, ok = <-sigs; ok {
			fmt.Fprintln(stderr, "kvet: interrupted again: exiting now")
			os.Exit(cli.ExitCode(sig))
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
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

// noNetwork is an http.RoundTripper that refuses every request.
type noNetwork struct{}

func (noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("kvet never accesses the network (" + r.URL.String() + ")")
}
