package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/access"
)

// accessFlags are the flags of kvet access: the report's format and
// output, and the settings it shares with kvet lint (configuration,
// rendering, bounds) in lintFlags.
type accessFlags struct {
	lintFlags
	// reportFormat is --format (lintFlags.format is lint's, which the
	// configuration file's format: sets).
	reportFormat string
}

func (a *app) accessCmd() *cobra.Command {
	f := accessFlags{lintFlags: lintFlags{failOn: "none"}} // access has no --fail-on
	cmd := &cobra.Command{
		Use:   "access [flags] [PATH...]",
		Short: "Report who can do what: every subject's permissions per namespace, dangerous grants marked",
		Long: "Report who can do what over the manifests: for each subject the RBAC bindings name (users, groups, " +
			"ServiceAccounts, with the workloads that run as them), its permissions per namespace, each with the " +
			"chain that grants it (binding → role → rule, with file:line), dangerous ones (rated error or warning " +
			"by kvet's RBAC rules) marked. PATH, discovery, configuration and rendering are as for kvet lint.\n\n" +
			"Exit status: 0, or 2 when a path cannot be read or the configuration is invalid (what could be " +
			"read is still reported), 130 when interrupted by Ctrl-C.",
		Example: "  kvet access k8s/                              # a table per subject\n" +
			"  kvet access -f html -o access.html k8s/       # a page with the subject × namespace matrix\n" +
			"  kvet access -f markdown k8s/ > access.md      # for a pull-request comment, with a Mermaid graph\n" +
			"  kvet access -f json k8s/ | jq '.sets[].subjects[] | select(any(.permissions[]; .dangerous)) | .name'",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.access(cmd, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.reportFormat, "format", "f", "text", "output `FORMAT`: "+strings.Join(access.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	addRBACInputFlags(cmd, &f.lintFlags)
	return cmd
}

func (a *app) access(cmd *cobra.Command, f *accessFlags, paths []string) error {
	if !slices.Contains(access.Formats(), f.reportFormat) {
		return usageError{fmt.Errorf("--format: unknown format %q (want %s)", f.reportFormat, strings.Join(access.Formats(), ", "))}
	}
	run, err := a.readRBAC(cmd, &f.lintFlags, paths)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx.Err() != nil {
		return a.interrupted(f.lintFlags)
	}
	sets, set, res := run.sets, run.set, run.res
	runErrs := slices.Concat(set.Errors, res.Errors)
	output, outputNote, err := outputTarget(f.lintFlags, func() runInputs { return inputsOf(set, run.lt, f.lintFlags, paths) }, runErrs)
	if err != nil {
		return err
	}
	inputs := make([]access.Input, len(sets))
	for i, s := range sets {
		inputs[i] = access.Input{Model: s.Model, Root: s.Root, RootKind: s.RootKind}
	}
	rep, err := access.Build(ctx, inputs, run.lt.Options.Rating())
	if err != nil {
		return a.interrupted(f.lintFlags)
	}
	if err := a.writeOutput(ctx, output, func(w io.Writer) error { return access.Write(w, f.reportFormat, rep) }); err != nil {
		if ctx.Err() != nil {
			return a.interrupted(f.lintFlags)
		}
		return err
	}
	a.warn(run, f.quiet, paths)
	if a.printErrors(runErrs) {
		a.code = ExitError
	}
	if outputNote != "" {
		fmt.Fprintln(a.stderr, outputNote)
	}
	return nil
}
