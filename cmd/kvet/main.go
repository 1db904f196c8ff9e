// Command kvet is a static analyzer for Kubernetes manifests.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/kvet-dev/kvet/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
