package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/internal/safefile"
	"github.com/kvet-dev/kvet/internal/udiff"
	"github.com/kvet-dev/kvet/report"
)

type fixFlags struct {
	lintFlags
	rules []string
	diff  bool
}

func (a *app) fixCmd() *cobra.Command {
	var f fixFlags
	cmd := &cobra.Command{
		Use:   "fix [flags] [PATH...]",
		Short: "Apply the suggested fixes of the findings lint reports",
		Long: "Apply the suggested fixes of the findings that `kvet lint` would report on the same paths " +
			"(same configuration, --enable/--disable, suppressions and baseline), writing each changed file " +
			"atomically and keeping its mode (in place, after saving a backup copy beside it, when it has other hard " +
			"links, so that they keep sharing it); files without fixes are not touched. It prints what it fixed " +
			"and the findings that remain. Where two fixes overlap, the first (in file order) is applied and " +
			"the other is reported as not applied.\n\n" +
			"With --diff nothing is written: the changes are printed as a unified diff and the exit status is " +
			"1 when there is one. With - the fixed text of standard input is written to standard output " +
			"(and the report to standard error).\n\n" +
			"Exit status: 0 when nothing at or above --fail-on remains, 1 when something does (with --diff: " +
			"when there is a diff), 2 on a usage, configuration or I/O error.",
		Example: "  kvet fix k8s/                      # fix in place\n" +
			"  kvet fix --diff k8s/               # show what would change (exit 1 if anything)\n" +
			"  kvet fix --rule job-ttl-missing .  # only that rule's fixes\n" +
			"  kvet fix --stdin-filename k8s/job.yaml - < k8s/job.yaml",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.fix(cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.rules, "rule", nil, "apply only the fixes of these `RULE`s (comma-separated or repeated)")
	fl.BoolVar(&f.diff, "diff", false, "print the changes as a unified diff instead of writing them; exit 1 when there is a diff")
	fl.StringVar(&f.failOn, "fail-on", "warning", "exit 1 when a remaining finding is at or above this severity: error, warning, info or none")
	addRuleSettingsFlags(cmd, &f.lintFlags)
	addPolicyFlags(cmd, &f.policies, &f.noBuiltinPolicies)
	addPolicyTimeoutFlag(cmd, &f.policyTimeout)
	addEditorFlags(cmd, &f.lintFlags)
	return cmd
}

// fileFixes are the fixable findings of one file, in kvet's order.
type fileFixes struct {
	file  *analyzer.File
	diags []analyzer.Diagnostic
}

// maxFixRounds bounds kvet fix's rounds (see fixRun): the built-in
// fixes enable one another at most twice (a rename, then a value; a
// timeZone corrected, then the CRON_TZ= prefix moved to it).
const maxFixRounds = 5

// stdinEcho follows what kvet fix - did with standard input, so that an
// editor that pipes its buffer through it always gets the buffer back: the
// text read (data, once read whole, or cut short by an interrupt), and
// whether stdout got the text.
type stdinEcho struct {
	filter  bool // kvet fix - without --diff: stdout carries the text
	data    []byte
	cut     bool // data is what was read when an interrupt stopped the read
	read    bool // a read of standard input was attempted
	written bool
}

// fix runs kvet fix. As a filter (-, without --diff), whatever error
// stops it (the configuration, a policy, an interrupt), standard input
// goes to stdout unchanged if nothing was written there yet.
func (a *app) fix(cmd *cobra.Command, f fixFlags, paths []string) error {
	if !slices.Contains(paths, "-") || f.diff {
		return a.fixRun(cmd, f, paths, &stdinEcho{})
	}
	echo := &stdinEcho{filter: true}
	err := a.fixRun(cmd, f, paths, echo)
	if err == nil || echo.written {
		return err
	}
	var werr error
	switch {
	case echo.data != nil:
		_, werr = a.stdout.Write(echo.data)
	case !echo.read:
		werr = safefile.Copy(cmd.Context(), a.stdout, a.stdin)
	default:
		return err // the read itself failed: nothing to give back
	}
	if werr != nil {
		return fmt.Errorf("%w; passing standard input on unchanged: %w", err, werr)
	}
	return fmt.Errorf("%w; standard input written back unchanged", err)
}

func (a *app) fixRun(cmd *cobra.Command, f fixFlags, paths []string, echo *stdinEcho) error {
	cfg, threshold, err := a.configure(cmd, &f.lintFlags, paths)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	lt, err := a.ruleSet(ctx, f.lintFlags, cfg, paths)
	if err != nil {
		return err
	}
	for _, id := range f.rules {
		if !slices.ContainsFunc(lt.Catalog, func(r *analyzer.Rule) bool { return r.ID == id }) {
			return usageError{fmt.Errorf("--rule: unknown rule %q%s (run 'kvet rules' for the list)", id, closestRule(id, lt.Catalog))}
		}
	}
	if !f.diff {
		if err := writableTargets(paths); err != nil {
			return err
		}
	}
	// Standard input is read here, so that it is written back whatever
	// happens to it (excluded, unparseable, nothing to fix): an editor
	// replaces its buffer with the output.
	var stdin []byte
	readsStdin := slices.Contains(paths, "-")
	if readsStdin {
		echo.read = true
		if stdin, err = safefile.ReadStream(ctx, a.stdin, f.maxFileSize); err != nil {
			switch {
			case ctx.Err() != nil:
				// What was read before the interrupt goes back
				// unchanged: an editor's buffer is not emptied.
				echo.data, echo.cut = stdin, true
				return a.fixInterrupted(echo, stdin, 0, nil)
			case errors.As(err, new(*safefile.TooLargeError)) && !f.diff:
				// Too large to fix: the text goes through unchanged, as
				// an editor that pipes its buffer through kvet fix -
				// replaces the buffer with what comes out.
				echo.written = true
				_, werr := a.stdout.Write(stdin)
				if werr == nil {
					werr = safefile.Copy(ctx, a.stdout, a.stdin)
				}
				if werr != nil {
					return fmt.Errorf("reading standard input: %w; passing it on unchanged: %w", err, werr)
				}
				return fmt.Errorf("reading standard input: %w; written back unchanged", err)
			}
			return fmt.Errorf("reading standard input: %w", err)
		}
		echo.data = stdin
	}
	// The report goes to stdout unless stdout carries the fixed text or
	// the diff.
	out := a.stdout
	if readsStdin || f.diff {
		out = a.stderr
	}

	stdinName := f.stdinFilename
	if stdinName == "" {
		stdinName = analyzer.StdinName
	}
	// Rounds: a fix may make another possible (a misspelt key renamed,
	// then its value fixed), so kvet fix lints its result again and fixes
	// that, until nothing changes: a second kvet fix then changes nothing.
	// --diff shows the first round.
	var (
		set               *analyzer.Set
		res               *analyzer.Result
		fixed, notApplied int
		failed            []error
		written           = map[string]bool{} // files fixed on disk
		unwritten         []string            // files left as they were by an interrupt
		changed           = map[string]bool{}
		stdinOut          = stdin
	)
	for round := 0; round < maxFixRounds; round++ {
		set, res = lt.Lint(ctx, f.loader(bytes.NewReader(stdinOut), lt), paths)
		if ctx.Err() != nil {
			return a.fixInterrupted(echo, stdin, len(written), unwritten)
		}
		diags, _, _, err := a.suppress(ctx, set, res, f.lintFlags, lt, paths, nil)
		if err != nil {
			return err
		}
		plan := planFixes(set, diags, f.rules)
		if readsStdin {
			notes := out
			if round > 0 {
				notes = io.Discard // said in the first round
			}
			plan = a.stdinPlan(plan, stdinName, paths, notes)
		}
		progress := false
		notApplied = 0
		for _, ff := range plan {
			content, n, skipped := ff.apply(out, f.diff)
			fixed += n
			notApplied += skipped
			if bytes.Equal(content, ff.file.Content) {
				continue
			}
			changed[ff.file.Path] = true
			progress = true
			switch {
			case readsStdin && ff.file.Path == stdinName:
				stdinOut = content
			case f.diff:
				if err := a.writeDiff(diffName(ff.file.Path), ff.file.Content, content); err != nil {
					return err
				}
			default:
				// Atomic: a reader never sees half a file, and an
				// interrupted run leaves the original (a file with other
				// hard links is rewritten in place, after a backup: see
				// safefile.Replace). A file changed since it was read
				// keeps the change.
				if ctx.Err() != nil {
					unwritten = append(unwritten, ff.file.Path)
					continue
				}
				if err := writeFixed(ctx, ff.file.Path, ff.file.Content, content); err != nil {
					if ctx.Err() != nil {
						unwritten = append(unwritten, ff.file.Path)
						continue
					}
					failed = append(failed, err)
					continue
				}
				written[ff.file.Path] = true
			}
		}
		if ctx.Err() != nil {
			return a.fixInterrupted(echo, stdin, len(written), unwritten)
		}
		if f.diff || !progress || len(failed) > 0 {
			break
		}
	}
	changedFiles := len(changed)
	if readsStdin {
		if f.diff {
			if !bytes.Equal(stdin, stdinOut) {
				if err := a.writeDiff(stdinName, stdin, stdinOut); err != nil {
					return err
				}
			}
		} else {
			echo.written = true
			if _, err := a.stdout.Write(stdinOut); err != nil {
				return fmt.Errorf("writing standard output: %w", err)
			}
		}
	}
	failed = append(append(failed, set.Errors...), res.Errors...)

	var summary string
	if f.diff {
		summary = fmt.Sprintf("kvet: kvet fix would fix %d %s in %d %s", fixed, plural(fixed, "finding", "findings"), changedFiles, plural(changedFiles, "file", "files"))
		if notApplied > 0 {
			summary += fmt.Sprintf(" (%d overlapping %s would not be applied)", notApplied, plural(notApplied, "fix", "fixes"))
		}
	} else {
		// What remains: lint the result again.
		remaining, rep, err := a.remaining(ctx, f, paths, stdinOut, lt)
		if err != nil {
			return err
		}
		if err := (&report.Text{}).Format(out, rep); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
		summary = fmt.Sprintf("kvet: fixed %d %s in %d %s", fixed, plural(fixed, "finding", "findings"), changedFiles, plural(changedFiles, "file", "files"))
		if notApplied > 0 {
			summary += fmt.Sprintf(" (%d %s not applied: %s another fix; run kvet fix again)", notApplied, plural(notApplied, "fix", "fixes"), plural(notApplied, "it overlaps", "they overlap"))
		}
		summary += "; remaining: " + strings.TrimPrefix(report.Summary(rep), "kvet: ")
		if threshold != 0 && hasAtLeast(remaining, threshold) {
			a.code = ExitFindings
		}
	}
	if !f.quiet {
		fmt.Fprintln(a.stderr, summary)
	}
	for _, err := range failed {
		fmt.Fprintf(a.stderr, "kvet: %v\n", err)
	}
	switch {
	case len(failed) > 0:
		a.code = ExitError
	case f.diff && changedFiles > 0:
		a.code = ExitFindings
	}
	return nil
}

// writeDiff writes the unified diff of the file name from old to content
// on standard output, for kvet fix --diff.
func (a *app) writeDiff(name string, old, content []byte) error {
	if _, err := io.WriteString(a.stdout, udiff.Unified("a/"+name, "b/"+name, old, content)); err != nil {
		return fmt.Errorf("writing standard output: %w", err)
	}
	return nil
}

// fixInterrupted says what an interrupted kvet fix wrote and did not
// write (the files that keep their content; stdin, written back unchanged
// as far as it was read when echo is a filter's) and returns
// errInterrupted, for exit status 130.
func (a *app) fixInterrupted(echo *stdinEcho, stdin []byte, written int, unwritten []string) error {
	if echo.filter && echo.read {
		echo.written = true
		_, _ = a.stdout.Write(stdin)
		if echo.cut {
			fmt.Fprintf(a.stderr, "kvet: interrupted while reading standard input: the %d %s read written back unchanged\n", len(stdin), plural(len(stdin), "byte", "bytes"))
		} else {
			fmt.Fprintln(a.stderr, "kvet: interrupted: standard input written back unchanged")
		}
		return errInterrupted
	}
	msg := "kvet: interrupted: no file fixed"
	if written > 0 {
		msg = fmt.Sprintf("kvet: interrupted after fixing %d %s", written, plural(written, "file", "files"))
	}
	if len(unwritten) > 0 {
		msg += fmt.Sprintf("; not fixed, as they were: %s", strings.Join(unwritten, ", "))
	}
	fmt.Fprintln(a.stderr, msg)
	return errInterrupted
}

// writeFixed replaces the content old of the file at path, as kvet read
// it, by the fixed content: atomically, and only if the file still holds
// old (see safefile.Replace).
func writeFixed(ctx context.Context, path string, old, content []byte) error {
	err := safefile.Replace(ctx, path, old, content)
	switch {
	case errors.Is(err, safefile.ErrChanged):
		return fmt.Errorf("%s not written: it changed while kvet ran; run kvet fix again", path)
	case err != nil:
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writableTargets returns a usage error for the first of paths that kvet
// fix could read but not write its fixes back to: a named pipe or a device
// (a process substitution, /dev/stdin), where the fixed text would go to
// whoever reads it next, or block kvet when nobody does. Standard input,
// "-", is written to standard output instead.
func writableTargets(paths []string) error {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		info, err := os.Stat(p)
		if err != nil || info.IsDir() || info.Mode().IsRegular() {
			continue // reported, or walked, or written, by the run
		}
		return usageError{fmt.Errorf("cannot write fixes back to %s: it is %s, not a file; "+
			"use kvet fix --diff to see them, or kvet fix - to read standard input and write the fixed text to standard output",
			p, safefile.Describe(info.Mode()))}
	}
	return nil
}

// apply applies the fixes of one file (analyzer.ApplyFixes: the first of
// two overlapping fixes wins) and writes one line per fix to out,
// `path:line:col: fixed: message (rule-id)` with the finding's byte column
// as in the text format ("would fix" for a dry run, "not applied" for a
// fix left out). It returns the new content and how many fixes were
// applied and left out.
func (ff fileFixes) apply(out io.Writer, dryRun bool) (content []byte, fixed, notApplied int) {
	list := make([]*analyzer.SuggestedFix, len(ff.diags))
	for i := range ff.diags {
		list[i] = ff.diags[i].Fix
	}
	content, applied := analyzer.ApplyFixes(ff.file.Content, list)
	for i, d := range ff.diags {
		verb := "fixed"
		if dryRun {
			verb = "would fix"
		}
		if applied[i] {
			fixed++
		} else {
			verb = "not applied"
			notApplied++
		}
		fmt.Fprintf(out, "%s:%d:%d: %s: %s (%s)\n", d.File, d.Range.Start.Line, ff.file.ByteColumn(d.Range.Start), verb, d.Fix.Message, d.RuleID)
	}
	return content, fixed, notApplied
}

// planFixes returns, per file in the order of the set, the findings that
// kvet fix applies: those with a fix, not suppressed, of the rules named
// by --rule when there are any.
func planFixes(set *analyzer.Set, diags []analyzer.Diagnostic, only []string) []fileFixes {
	byFile := map[string][]analyzer.Diagnostic{}
	for _, d := range diags {
		if d.Fix != nil && !d.Suppressed() && (len(only) == 0 || slices.Contains(only, d.RuleID)) {
			byFile[d.File] = append(byFile[d.File], d)
		}
	}
	var plan []fileFixes
	var planned []os.FileInfo
	for _, file := range set.Files {
		ds := byFile[file.Path]
		if len(ds) == 0 {
			continue
		}
		// One file named twice (a symbolic link and its target, or two
		// links) gets its fixes once, under its first name.
		if info, err := os.Stat(file.Path); err == nil {
			if slices.ContainsFunc(planned, func(p os.FileInfo) bool { return os.SameFile(p, info) }) {
				continue
			}
			planned = append(planned, info)
		}
		plan = append(plan, fileFixes{file: file, diags: ds})
	}
	return plan
}

// stdinPlan leaves out of plan, saying so on out, the files that a run
// reading standard input did not read as input: those its `# Source:`
// comments name (the templates of a chart piped through helm template),
// where its findings are reported. kvet fix - writes the fixed text to
// standard output only; files named beside "-" (and in directories named
// so) are fixed as usual.
func (a *app) stdinPlan(plan []fileFixes, stdinName string, paths []string, out io.Writer) []fileFixes {
	var roots []string
	for _, p := range paths {
		if p != "-" {
			roots = append(roots, filepath.Clean(p))
		}
	}
	input := func(path string) bool {
		if path == stdinName {
			return true
		}
		path = filepath.Clean(path)
		for _, r := range roots {
			if path == r || r == "." && !filepath.IsAbs(path) && !strings.HasPrefix(path, "..") ||
				strings.HasPrefix(path, r+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	kept := plan[:0]
	for _, ff := range plan {
		if input(ff.file.Path) {
			kept = append(kept, ff)
			continue
		}
		fmt.Fprintf(out, "kvet: %s: %d %s not applied: it is not an input, and kvet fix - writes only standard input\n",
			ff.file.Path, len(ff.diags), plural(len(ff.diags), "fix", "fixes"))
	}
	return kept
}

// remaining lints paths again after the fixes (standard input as its fixed
// text) and returns the findings, suppressed ones marked, and the report of
// those that are not suppressed.
func (a *app) remaining(ctx context.Context, f fixFlags, paths []string, stdin []byte, lt *linter.Linter) ([]analyzer.Diagnostic, *report.Report, error) {
	set, res := lt.Lint(ctx, f.loader(bytes.NewReader(stdin), lt), paths)
	diags := lt.Suppress(set, res.Diagnostics)
	if f.baseline != "" {
		b, err := config.LoadBaseline(ctx, f.baseline, f.maxFileSize)
		if err != nil {
			return nil, nil, err
		}
		b.Apply(diags, filePaths(set), lt.Judged())
	}
	rep := &report.Report{Rules: lt.Enabled, Files: len(set.Files), Documents: len(set.Docs), Sources: set.Files,
		Diagnostics: unsuppressedFirst(diags)}
	return diags, rep, nil
}

// diffName names path in the headers of kvet fix --diff, relative to the
// working directory when it is under it (an absolute path named on the
// command line, the working directory or the path reached through a link,
// see realpath.Resolver.Under), so that patch -p1 applies the diff there.
func diffName(path string) string {
	if filepath.IsAbs(path) {
		if wd, err := os.Getwd(); err == nil {
			if rel, ok := new(realpath.Resolver).Under(wd, path); ok {
				path = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(path))
}
