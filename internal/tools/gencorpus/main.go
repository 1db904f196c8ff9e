// Command gencorpus writes the benchmark corpus: gencorpus DIR [FILES DOCS_PER_FILE [rbac]].
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/kvet-dev/kvet/internal/corpusgen"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus DIR [FILES DOCS_PER_FILE [rbac]]")
		os.Exit(2)
	}
	opts := corpusgen.Options{Files: 1000, DocsPerFile: 10, Seed: 1}
	if len(os.Args) >= 4 {
		var err1, err2 error
		opts.Files, err1 = strconv.Atoi(os.Args[2])
		opts.DocsPerFile, err2 = strconv.Atoi(os.Args[3])
		if err1 != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, "gencorpus: FILES and DOCS_PER_FILE must be integers")
			os.Exit(2)
		}
	}
	if len(os.Args) >= 5 && os.Args[4] == "rbac" {
		opts.Kinds = corpusgen.RBACKinds()
	}
	n, err := corpusgen.Generate(os.Args[1], opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d documents in %d files to %s\n", n, opts.Files, os.Args[1])
}
