package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/config"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/internal/safefile"
)

// addSettingsFlags registers the flags of configuration, suppressions and
// baselines on the lint command.
func addSettingsFlags(cmd *cobra.Command, f *lintFlags) {
	addRuleSettingsFlags(cmd, f)
	fl := cmd.Flags()
	fl.BoolVar(&f.showSuppressed, "show-suppressed", false, "also show suppressed findings (SARIF always includes them, marked as suppressed)")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "record the current findings in the baseline `FILE` and exit 0, reporting nothing; when an input could not be read, FILE keeps its content, the report goes to standard output and the exit status is 2")
	fl.IntVar(&f.maxFindings, "max-findings", analyzer.DefaultMaxFindings, "show at most `N` findings of each rule in each file, then one saying how many more there are (0: all)")
}

// addRuleSettingsFlags registers the flags that decide which findings a run
// has (lint and fix alike): configuration, rule selection, suppressions and
// the baseline.
func addRuleSettingsFlags(cmd *cobra.Command, f *lintFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "read the configuration from `FILE` (default: .kvet.yaml or .kvet.yml in the working directory or a parent, up to the repository root)")
	fl.StringSliceVar(&f.enable, "enable", nil, "turn on `RULE`s (comma-separated or repeated), whatever the configuration says")
	fl.StringSliceVar(&f.disable, "disable", nil, "turn off `RULE`s (comma-separated or repeated), whatever the configuration says")
	fl.BoolVar(&f.requireReason, "require-reason", false, "report kvet:ignore comments and kvet.dev/ignore annotations without a reason (-- why) as errors")
	fl.StringVar(&f.baseline, "baseline", "", "report only findings that are not recorded in the baseline `FILE`")
	fl.StringVar(&f.kubeVersion, "kube-version", "", "the Kubernetes release the manifests target, as `1.MINOR` (default: kube-version: of .kvet.yaml, else "+analyzer.NewestKubeVersion.String()+", the newest kvet knows)")
	fl.BoolVar(&f.noRender, "no-render", false, "lint the files of Kustomize overlays and Helm charts as they are, without rendering them")
	fl.BoolVar(&f.partial, "partial", false, "the paths are some of the manifests that go together (the staged files a pre-commit hook passes): the cross-document rules do not report objects missing from them, and their suppressions and baseline entries are not judged unused")
	fl.StringVar(&f.maxFileSizeFlag, "max-file-size", "", "do not read files larger than `SIZE` (bytes, or with a unit: 512KiB, 64MiB, 1GiB; default 64MiB): each is one file-too-large finding")
}

// parseBounds parses --max-file-size and checks --max-findings.
func (f *lintFlags) parseBounds() error {
	if f.maxFileSizeFlag != "" {
		n, err := safefile.ParseSize(f.maxFileSizeFlag)
		if err != nil {
			return fmt.Errorf("--max-file-size: %w", err)
		}
		f.maxFileSize = n
	}
	if f.maxFindings < 0 {
		return fmt.Errorf("--max-findings: %d is negative (0 shows every finding)", f.maxFindings)
	}
	return nil
}

// loadConfigFor reads the configuration file named by --config, else the
// one found from the working directory up to the repository root; when
// standard input is linted as the file stdinPath (--stdin-filename), from
// that file's directory. It reads at most maxSize bytes (0: the default
// limit) and returns nil when there is none.
func (a *app) loadConfigFor(ctx context.Context, flag, stdinPath string, maxSize int64) (*config.Config, error) {
	path := flag
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("finding configuration: %w", err)
		}
		from := wd
		if stdinPath != "" {
			from = filepath.Dir(filepath.Join(wd, stdinPath))
			if filepath.IsAbs(stdinPath) {
				from = filepath.Dir(stdinPath)
			}
		}
		if path, err = config.Find(from); err != nil || path == "" {
			return nil, err
		}
		// Name the file relative to the working directory in messages.
		if rel, err := filepath.Rel(wd, path); err == nil {
			path = rel
		}
	}
	return config.Load(ctx, path, maxSize)
}

// applyConfig fills the settings that were not given on the command line
// from the configuration file: flags win over the file, the file over
// the flags' defaults.
func (f *lintFlags) applyConfig(cmd *cobra.Command, cfg *config.Config) {
	changed := cmd.Flags().Changed
	f.requireReasonSet = changed("require-reason")
	f.noRenderSet = changed("no-render")
	f.policyTimeoutSet = changed("policy-timeout")
	if cfg == nil {
		return
	}
	if !changed("fail-on") && cfg.FailOn != "" {
		f.failOn = cfg.FailOn
	}
	if !changed("format") && cfg.Format != "" {
		f.format = cfg.Format
	}
	if !changed("baseline") && cfg.Baseline != "" {
		f.baseline = cfg.Resolve(cfg.Baseline)
	}
	if !changed("max-file-size") && cfg.MaxFileSize != 0 {
		f.maxFileSize = cfg.MaxFileSize
	}
	if !changed("max-findings") && cfg.MaxFindings != nil {
		f.maxFindings = *cfg.MaxFindings
	}
}

// suppress applies inline suppressions and the baseline to the result of a
// run. It returns every diagnostic (suppressed ones marked) and those the
// report shows: all of them in SARIF, which records suppressions; the
// others only with --show-suppressed, their message saying why. Without
// it, every diagnostic comes back with the shown ones first (see
// unsuppressedFirst). With
// --write-baseline it records the findings instead and reports done,
// unless the run had errors (runErrs): the findings it would have recorded
// are then reported (no baseline applied), and outputTarget says the
// baseline was not written.
func (a *app) suppress(ctx context.Context, set *analyzer.Set, res *analyzer.Result, f lintFlags, lt *linter.Linter, paths []string, runErrs []error) (diags, shown []analyzer.Diagnostic, done bool, err error) {
	diags = lt.Suppress(set, res.Diagnostics)
	switch {
	case f.writeBaseline != "":
		if written, err := a.writeBaseline(ctx, f, inputsOf(set, lt, f, paths), diags, runErrs); written || err != nil {
			return diags, nil, true, err
		}
	case f.baseline != "":
		b, err := config.LoadBaseline(ctx, f.baseline, f.maxFileSize)
		if err != nil {
			return nil, nil, false, err
		}
		if stale := b.Apply(diags, filePaths(set), lt.Judged()); stale > 0 {
			// The same command, paths and flags: --write-baseline records
			// the findings of the run, and only those.
			fmt.Fprintf(a.stderr, "kvet: %d %s recorded in %s no longer %s; to drop %s, run this kvet lint again with --write-baseline %s instead of --baseline (same paths and flags: the baseline then holds exactly what this run finds)\n",
				stale, plural(stale, "finding", "findings"), f.baseline, plural(stale, "occurs", "occur"), plural(stale, "it", "them"), f.baseline)
		}
	}
	switch {
	case f.format == "sarif", f.showSuppressed && f.format != "text":
		// The machine formats mark suppressed findings themselves (a
		// field, a notice, a skipped test case) or leave them out
		// (checkstyle, gitlab have no such notion).
		shown = diags
	case f.showSuppressed:
		shown = diags // marked once capped (markSuppressed)
	default:
		shown = unsuppressedFirst(diags)
	}
	return diags, shown, false, nil
}

// markSuppressed returns a copy of diags in which the message of each
// suppressed finding ends with "[suppressed: reason]", for the text format
// with --show-suppressed; it is applied to the findings shown, so that the
// finding that stands for those past --max-findings is marked too.
func markSuppressed(diags []analyzer.Diagnostic) []analyzer.Diagnostic {
	// Copied one by one, not with slices.Clone: a bulk copy of tens of
	// thousands of diagnostics is one the collector cannot interrupt
	// (see analyzer.Suppress).
	out := make([]analyzer.Diagnostic, 0, len(diags))
	for _, d := range diags {
		if s := d.Suppression; s != nil {
			d.Message += " [suppressed"
			if s.Justification != "" {
				d.Message += ": " + s.Justification
			}
			d.Message += "]"
		}
		out = append(out, d)
	}
	return out
}

// unsuppressedFirst moves the diagnostics of diags that are not suppressed
// to its front and the suppressed ones after them, each in their order,
// and returns the front: the findings a report shows, still sorted. The
// rest of a run reads diags as a whole only to count and to list files, in
// any order. Reordering in place spares a copy of the shown findings: a
// new slice of tens of thousands of diagnostics, allocated when the heap is
// at its largest, made the collector assist the allocation and cost 70–90
// ms on the 10k benchmark corpus with one kvet:ignore comment (5 % of the
// run).
func unsuppressedFirst(diags []analyzer.Diagnostic) []analyzer.Diagnostic {
	var suppressed []analyzer.Diagnostic
	n := 0
	for i := range diags {
		if diags[i].Suppressed() {
			suppressed = append(suppressed, diags[i])
			continue
		}
		if n != i {
			diags[n] = diags[i]
		}
		n++
	}
	for i := range suppressed {
		diags[n+i] = suppressed[i]
	}
	return diags[:n]
}

// filePaths returns the paths of the files of set, as linted.
func filePaths(set *analyzer.Set) []string {
	paths := make([]string, len(set.Files))
	for i, f := range set.Files {
		paths[i] = f.Path
	}
	return paths
}

// writeBaseline records the findings of diags in the baseline file named by
// --write-baseline and reports whether it did. It does not when the run had
// errors (runErrs): a baseline missing the findings of an input that could
// not be read would silently drop them, so the file keeps its previous
// content and the run reports its findings instead. Nor does it when
// interrupted (the error then is errInterrupted).
func (a *app) writeBaseline(ctx context.Context, f lintFlags, inputs runInputs, diags []analyzer.Diagnostic, runErrs []error) (written bool, err error) {
	path := f.writeBaseline
	// A kvet baseline already there is rewritten (it may be the one read,
	// or one kept in the linted directory); any other file kvet reads is
	// never written, whatever its name (a link to a manifest included).
	if inputs.has(path) && !config.IsBaseline(path) {
		return false, fmt.Errorf("--write-baseline %s: that is one of the files kvet reads (a linted file, configuration or policy); kvet never writes to its inputs", path)
	}
	if len(runErrs) > 0 {
		return false, nil
	}
	b, err := config.NewBaseline(path, diags)
	if err != nil {
		return false, err
	}
	if err := b.Write(ctx); err != nil {
		if ctx.Err() != nil {
			return false, a.interrupted(f)
		}
		return false, err
	}
	n := len(b.Findings)
	fmt.Fprintf(a.stderr, "kvet: recorded %d %s in %s\n", n, plural(n, "finding", "findings"), path)
	a.warnBaselineSize(path, f.maxFileSize)
	return true, nil
}

// warnBaselineSize warns when the baseline written at path is larger than
// the limit kvet reads files with (maxSize; 0 for the default): the next
// `kvet lint --baseline` would refuse it (a baseline of the 200,000
// findings of 50,000 generated documents is 102 MiB). It names a limit
// that reads it, in steps of 64 MiB.
func (a *app) warnBaselineSize(path string, maxSize int64) {
	if maxSize <= 0 {
		maxSize = safefile.DefaultMaxSize
	}
	info, err := os.Stat(path)
	if err != nil || info.Size() <= maxSize {
		return
	}
	const step = 64 << 20
	need := (info.Size() + step - 1) / step * step
	fmt.Fprintf(a.stderr, "kvet: warning: baseline %s is %s, over the %s limit kvet reads files with: lint with --max-file-size %dMiB (or max-file-size: %dMiB in .kvet.yaml) to read it\n",
		path, safefile.FormatSize(info.Size()), safefile.FormatSize(maxSize), need>>20, need>>20)
}

// suppressedNote is appended to the text summary: how many findings were
// suppressed.
func suppressedNote(diags []analyzer.Diagnostic) string {
	n := 0
	for i := range diags {
		if diags[i].Suppressed() {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d suppressed", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
