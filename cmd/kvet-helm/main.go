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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) != 2 {
		usage()
	}
	switch os.Args[1] {
	case "render":
		if err := engine.Serve(ctx, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "kvet-helm: %v\n", err)
			os.Exit(2)
		}
	case "version":
		fmt.Printf("kvet-helm protocol %d, build %s\n", helm.Protocol, helm.Build())
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kvet-helm render|version (kvet runs it to render Helm charts)")
	os.Exit(2)
}
