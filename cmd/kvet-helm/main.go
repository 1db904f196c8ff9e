// Command kvet-helm renders Helm charts for kvet, with Helm's own chart
// loader and template engine. kvet runs it when the paths it lints hold
// charts, so that kvet itself does not link Helm and starts fast; it is
// not meant to be run by hand.
//
//	kvet-helm render     read a batch of chart requests (JSON) on standard
//	                     input, write the rendered templates and failures
//	kvet-helm version    print the build it belongs to
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/helm/engine"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch {
	case len(args) == 1 && args[0] == "render":
		if err := engine.Serve(ctx, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "kvet-helm: %v\n", err)
			return 2
		}
	case len(args) == 1 && args[0] == "version":
		fmt.Printf("kvet-helm protocol %d, build %s\n", helm.Protocol, helm.Build())
	default:
		fmt.Fprintln(os.Stderr, "usage: kvet-helm render|version (kvet runs it to render Helm charts)")
		return 2
	}
	return 0
}
