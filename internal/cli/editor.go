package cli

import (
	"errors"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
)

// addEditorFlags registers the flags editors need: --stdin-filename, which
// lints standard input as the file it will be saved to, and --quiet, which
// leaves out the summary line (an editor reads every line of output as a
// finding).
func addEditorFlags(cmd *cobra.Command, f *lintFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.stdinFilename, "stdin-filename", "", "report standard input (-) as `PATH`, and apply the configuration found from its directory, exclude, suppressions and the baseline as if it were that file")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "do not print the summary line on standard error")
}

// checkStdinFilename rejects --stdin-filename without "-" among paths.
func (f *lintFlags) checkStdinFilename(paths []string) error {
	if f.stdinFilename != "" && !slices.Contains(paths, "-") {
		return errors.New("--stdin-filename names standard input: give - as the PATH to read it")
	}
	return nil
}

// loader returns the loader of a run with lt: "-" reads stdin, reported
// under --stdin-filename when it is given; Kustomize overlays and Helm
// charts are rendered as lt says (--no-render, render: false); files are
// read up to --max-file-size.
func (f *lintFlags) loader(stdin io.Reader, lt *linter.Linter) *analyzer.Loader {
	l := lt.Loader(stdin)
	l.StdinPath = f.stdinFilename
	l.MaxFileSize = f.maxFileSize
	return l
}
