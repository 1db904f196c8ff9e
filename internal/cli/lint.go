package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/report"
)

type lintFlags struct {
	format      string
	output      string
	failOn      string
	color       string
	kubeVersion string
	kube        analyzer.KubeVersion // kubeVersion parsed; zero when not given

	// Configuration, suppressions and baselines (settings.go).
	config           string
	enable, disable  []string
	requireReason    bool
	requireReasonSet bool // --require-reason was given (true or false)
	partial          bool // --partial: the paths are some of the manifests
	showSuppressed   bool
	baseline         string
	writeBaseline    string

	// Bounds (settings.go): --max-file-size as given, and the limits in
	// force once the configuration is applied.
	maxFileSizeFlag string
	maxFileSize     int64
	maxFindings     int

	// Rego policies (policy.go).
	policies          []string
	noBuiltinPolicies bool
	policyTimeout     time.Duration

	// Editors (editor.go).
	stdinFilename string
	quiet         bool
	// noRender lints kustomizations' and charts' files as they are;
	// noRenderSet says --no-render was given (true or false).
	noRender, noRenderSet bool
	// policyTimeoutSet says --policy-timeout was given.
	policyTimeoutSet bool
	// helm are --helm-values and --helm-set (helm.go).
	helm helmFlags
}

func (a *app) lintCmd() *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint [flags] [PATH...]",
		Short: "Lint manifests in files, directories or stdin (-)",
		Long: "Lint Kubernetes manifests. PATH is a file (read whatever its extension), a directory " +
			"(searched recursively for .yaml, .yml and .json, skipping .git, vendor, node_modules and " +
			"hidden directories) or - for standard input. No PATH means the current directory.\n\n" +
			"Exit status: 0 when nothing (unsuppressed) at or above --fail-on was found, 1 when " +
			"something was, 2 on a usage, configuration, policy or input error (the inputs that " +
			"could be read are still linted and reported), 130 when interrupted by Ctrl-C.",
		Example: "  kvet lint k8s/                                   # a directory (exit 1 when there are findings)\n" +
			"  kvet lint --format sarif -o kvet.sarif .         # a report for code scanning\n" +
			"  kvet lint --format github --fail-on error k8s/   # pull request annotations; fail on errors only\n" +
			"  kubectl kustomize overlays/prod | kvet lint -    # standard input\n" +
			"  kvet lint --kube-version 1.29 k8s/               # judge removed API versions against Kubernetes 1.29\n" +
			"  kvet lint --baseline .kvet-baseline.json k8s/    # only the findings not recorded in the baseline",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.lint(cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output `FORMAT`: "+strings.Join(report.Names(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "warning", "exit 1 when a finding at or above this `SEVERITY` exists: error, warning, info or none")
	fl.StringVar(&f.color, "color", "auto", "color text output: `WHEN` is auto (when stdout is a terminal and NO_COLOR is unset), always or never")
	addSettingsFlags(cmd, &f)
	addPolicyFlags(cmd, &f.policies, &f.noBuiltinPolicies)
	addPolicyTimeoutFlag(cmd, &f.policyTimeout)
	addHelmFlags(cmd, &f.helm)
	addEditorFlags(cmd, &f)
	return cmd
}

// failThreshold parses --fail-on; 0 means never fail on findings.
func failThreshold(s string) (analyzer.Severity, error) {
	if s == "none" {
		return 0, nil
	}
	sev, err := analyzer.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: unknown severity %q (want error, warning, info or none)", s)
	}
	return sev, nil
}

// useColor decides whether the text report is colored. A report written
// to a file (-o) never is, whatever the mode.
func (a *app) useColor(mode string, toStdout bool) (bool, error) {
	switch mode {
	case "always", "never", "auto":
	default:
		return false, fmt.Errorf("--color: unknown mode %q (want auto, always or never)", mode)
	}
	switch {
	case !toStdout || mode == "never":
		return false, nil
	case mode == "always":
		return true, nil
	case a.getenv("NO_COLOR") != "" || a.getenv("TERM") == "dumb":
		return false, nil
	}
	f, ok := a.stdout.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())), nil
}

// configure checks the paths of a lint or fix run against its flags and
// reads the configuration: it completes f from the configuration file and
// returns the file (nil when there is none) and the --fail-on threshold.
func (a *app) configure(cmd *cobra.Command, f *lintFlags, paths []string) (*config.Config, analyzer.Severity, error) {
	if err := f.checkStdinFilename(paths); err != nil {
		return nil, 0, usageError{err}
	}
	if err := f.parseBounds(); err != nil {
		return nil, 0, usageError{err}
	}
	if f.kubeVersion != "" {
		kube, err := analyzer.ParseKubeVersion(f.kubeVersion)
		if err != nil {
			return nil, 0, usageError{fmt.Errorf("--kube-version: %w", err)}
		}
		f.kube = kube
	}
	ctx := cmd.Context()
	cfg, err := a.loadConfigFor(ctx, f.config, f.stdinFilename, f.maxFileSize)
	if err != nil {
		return nil, 0, err
	}
	f.applyConfig(cmd, cfg)
	threshold, err := failThreshold(f.failOn)
	if err != nil {
		return nil, 0, usageError{err}
	}
	return cfg, threshold, nil
}

func (a *app) lint(cmd *cobra.Command, f lintFlags, paths []string) error {
	cfg, threshold, err := a.configure(cmd, &f, paths)
	if err != nil {
		return err
	}
	color, err := a.useColor(f.color, f.output == "")
	if err != nil {
		return usageError{err}
	}
	formatter, err := report.New(f.format, report.Options{Color: color})
	if err != nil {
		return usageError{fmt.Errorf("--format: %w", err)}
	}

	ctx := cmd.Context()
	lt, err := a.ruleSet(ctx, f, cfg, paths)
	if err != nil {
		return err
	}
	a.limitMemory(paths, lt.Renderer(), f.baseline)
	if target := lt.Options.KubeVersion; analyzer.NewestKubeVersion.Less(target) {
		fmt.Fprintf(a.stderr, "kvet: Kubernetes %s is newer than the newest release kvet knows (%s): API versions removed after %s are not reported\n",
			target, analyzer.NewestKubeVersion, analyzer.NewestKubeVersion)
	}
	set, res := lt.Lint(ctx, f.loader(a.stdin, lt), paths)
	for _, n := range set.Notes {
		fmt.Fprintf(a.stderr, "kvet: note: %s\n", n)
	}
	if ctx.Err() != nil {
		return a.interrupted(f)
	}
	runErrs := slices.Concat(set.Errors, res.Errors)
	diags, shown, done, err := a.suppress(ctx, set, res, f, lt, paths, runErrs)
	if err != nil || done {
		return err
	}

	capped := analyzer.CapFindings(shown, f.maxFindings)
	if f.showSuppressed && f.format == "text" {
		capped = markSuppressed(capped)
	}
	rep := &report.Report{
		Tool:         report.Tool{Name: "kvet", Version: Version, InformationURI: InformationURI},
		Rules:        lt.Enabled,
		Diagnostics:  capped,
		Totals:       report.CountFindings(shown),
		TotalFixable: report.CountFixable(shown),
		Files:        len(set.Files),
		Documents:    len(set.Docs),
	}
	// Relative paths are relative to the working directory; the machine
	// formats make paths relative to the repository root (the working
	// directory outside a repository). Without it (a removed directory)
	// paths are reported as given.
	if wd, err := os.Getwd(); err == nil {
		rep.BaseDir = wd
		rep.RootDir = config.RepoRoot(wd)
	}
	rep.Sources = manifests(set, diags)
	output, outputNote, err := outputTarget(f, func() runInputs { return inputsOf(set, lt, f, paths) }, runErrs)
	if err != nil {
		return err
	}
	if err := a.write(ctx, formatter, rep, output); err != nil {
		if ctx.Err() != nil {
			return a.interrupted(f)
		}
		return err
	}
	// Errors first, then notes, and the summary last.
	failed := a.printErrors(runErrs)
	if outputNote != "" {
		fmt.Fprintln(a.stderr, outputNote)
	}
	if f.format == "sarif" {
		if note := report.SARIFLeftOut(rep); note != "" {
			fmt.Fprintln(a.stderr, "kvet: warning: SARIF report: "+note)
		}
	}
	if !f.quiet {
		a.noObjectsNote(lt, pathsWithoutObjects(paths, f.stdinFilename, set, diags), f.stdinFilename)
	}
	if f.format == "text" && !f.quiet {
		fmt.Fprintln(a.stderr, report.Summary(rep)+suppressedNote(diags)+report.FixableNote(rep))
	}
	switch {
	case failed:
		a.code = ExitError
	case threshold != 0 && hasAtLeast(diags, threshold):
		a.code = ExitFindings
	}
	return nil
}

// outputTarget decides where the report of a run goes: the file output
// (-o), or standard output ("") when there is none or the run had errors
// (a report missing the inputs that failed would read as complete in the
// file, which keeps its previous content; note, printed after the errors,
// says so). Writing over one of the files the run read is an error. A run
// with --write-baseline reports only when it had errors and wrote no
// baseline (see suppress): on standard output, with a note saying so.
func outputTarget(f lintFlags, inputs func() runInputs, runErrs []error) (target, note string, err error) {
	output := f.output
	switch {
	case f.writeBaseline != "" && len(runErrs) > 0:
		return "", fmt.Sprintf("kvet: baseline %s not written because of the errors above%s; the report went to standard output instead", f.writeBaseline, keptNote(f.writeBaseline)), nil
	case output == "" || output == "-": // -o - is standard output
		return "", "", nil
	case inputs().has(output):
		return "", "", fmt.Errorf("--output %s is one of the files kvet reads (a linted file, configuration, baseline or policy); kvet does not overwrite its input", output)
	case len(runErrs) > 0:
		return "", fmt.Sprintf("kvet: report not written to %s because of the errors above%s; it went to standard output instead", output, keptNote(output)), nil
	}
	return output, "", nil
}

// noObjectsNote says which of the PATH arguments empty (see
// pathsWithoutObjects) the configuration excludes (kvet skips them even
// when named, as pre-commit hooks name them) and in which the others
// found no Kubernetes object. stdinName is --stdin-filename, the name
// standard input is excluded by.
func (a *app) noObjectsNote(lt *linter.Linter, empty []string, stdinName string) {
	var excluded, none []string
	for _, p := range empty {
		name := p
		if p == "standard input" && stdinName != "" {
			name = stdinName
		}
		if lt.Config != nil && name != "standard input" && lt.Config.Excluded(nil, name) {
			if name != p {
				p += " (as " + name + ")"
			}
			excluded = append(excluded, p)
		} else {
			none = append(none, p)
		}
	}
	if len(excluded) > 0 {
		fmt.Fprintf(a.stderr, "kvet: %s excluded by %s\n", strings.Join(excluded, ", "), lt.Config.Path)
	}
	if len(none) > 0 {
		fmt.Fprintf(a.stderr, "kvet: no Kubernetes objects found in %s\n", strings.Join(none, ", "))
	}
}

// pathsWithoutObjects returns the PATH arguments of a run (none means ".")
// in which nothing was found to lint: no Kubernetes object and no finding
// (an empty directory, a directory of Helm values). A directory is named
// whenever it holds none; files named explicitly only when the whole run
// found nothing, so that a pre-commit run on staged files that are not
// manifests (CI configs) stays quiet while `kvet lint values.yaml` does
// not. Paths that could not be read are reported as errors instead.
// stdinName is the name standard input is reported under ("" for
// <stdin>).
func pathsWithoutObjects(paths []string, stdinName string, set *analyzer.Set, diags []analyzer.Diagnostic) []string {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if stdinName == "" {
		stdinName = analyzer.StdinName
	}
	found := map[string]bool{}
	links := new(realpath.Resolver)
	for _, d := range set.Docs {
		found[d.File.Path] = true
		if d.Rendering != nil {
			found[d.Rendering.Root] = true // its objects come from the root's directory
		}
	}
	for i := range diags {
		found[diags[i].File] = true
	}
	holds := func(p string) bool {
		if p == "-" {
			return found[stdinName]
		}
		root := filepath.ToSlash(filepath.Clean(p))
		for file := range found {
			if file == root || strings.HasPrefix(file, strings.TrimSuffix(root, "/")+"/") ||
				root == "." && !filepath.IsAbs(file) && !strings.HasPrefix(file, "../") && file != stdinName {
				return true
			}
		}
		// A path that names, through a symbolic link, a file or folder
		// named otherwise before: its files were read under that name.
		for file := range found {
			if file == stdinName {
				continue
			}
			if _, under := links.Under(p, file); under || links.Path(p) == links.Path(file) {
				return true
			}
		}
		return false
	}
	var empty []string
	for _, p := range paths {
		if holds(p) {
			continue
		}
		if p == "-" {
			if len(found) == 0 {
				empty = append(empty, "standard input")
			}
			continue
		}
		if info, err := os.Stat(p); err == nil && (info.IsDir() || len(found) == 0) {
			empty = append(empty, p)
		}
	}
	return empty
}

// printErrors prints the errors of a run and reports whether there were any.
func (a *app) printErrors(errs []error) bool {
	for _, err := range errs {
		fmt.Fprintf(a.stderr, "kvet: %v\n", err)
	}
	return len(errs) > 0
}

// interrupted says what a run cut short by a signal did not write, and
// returns errInterrupted (Main chooses the exit status).
func (a *app) interrupted(f lintFlags) error {
	switch {
	case f.writeBaseline != "":
		fmt.Fprintf(a.stderr, "kvet: interrupted: baseline %s not written%s\n", f.writeBaseline, keptNote(f.writeBaseline))
	case f.output != "":
		fmt.Fprintf(a.stderr, "kvet: interrupted: report not written to %s%s\n", f.output, keptNote(f.output))
	default:
		fmt.Fprintln(a.stderr, "kvet: interrupted: no report written")
	}
	return errInterrupted
}

// keptNote tells that a file kvet did not write still holds its previous
// content, when it exists.
func keptNote(path string) string {
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return "" // nothing to keep: no file, or a pipe or device
	}
	return "; it keeps its previous content"
}

// write renders the report to stdout or to the file named by output,
// atomically: a run that fails or is interrupted while writing leaves the
// file as it was.
func (a *app) write(ctx context.Context, formatter report.Formatter, rep *report.Report, output string) error {
	return a.writeOutput(ctx, output, func(w io.Writer) error { return formatter.Format(w, rep) })
}

// writeOutput runs render on stdout (buffered), or on the file named by
// output, written atomically.
func (a *app) writeOutput(ctx context.Context, output string, render func(io.Writer) error) error {
	if output == "" {
		w := bufio.NewWriterSize(a.stdout, 64<<10)
		if err := render(w); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
		return w.Flush()
	}
	if err := safefile.WriteAtomic(ctx, output, render); err != nil {
		return fmt.Errorf("writing report to %s: %w", output, err)
	}
	return nil
}

// hasAtLeast reports whether a finding that is not suppressed has severity
// s or above.
func hasAtLeast(diags []analyzer.Diagnostic, s analyzer.Severity) bool {
	for _, d := range diags {
		if d.Severity >= s && !d.Suppressed() {
			return true
		}
	}
	return false
}

// manifests returns the files of set that hold Kubernetes objects or have
// findings, in the order they were read: the report's sources. Files
// without either (Helm values, kvet's own reports from an earlier step)
// are not manifests, and a JUnit report would list them as passing.
func manifests(set *analyzer.Set, diags []analyzer.Diagnostic) []*analyzer.File {
	keep := map[*analyzer.File]bool{}
	for _, d := range set.Docs {
		keep[d.File] = true
	}
	named := map[string]bool{}
	for i := range diags {
		named[diags[i].File] = true
	}
	var out []*analyzer.File
	for _, f := range set.Files {
		if keep[f] || named[f.Path] {
			out = append(out, f)
		}
	}
	return out
}
