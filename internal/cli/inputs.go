package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/internal/realpath"
	"github.com/kvet-dev/kvet/report"
)

// runInputs are the files a run read, or may read as its input, that kvet
// must never write (-o, --write-baseline): the linted files; every file
// discovery finds under the linted paths (a chart's Chart.yaml and values
// files, kustomization files, which are read without being linted
// objects); the configuration; the baseline read; and the policy files.
type runInputs struct {
	files      []string // absolute paths
	policyDirs []string // absolute paths: any .rego file under them
}

// inputsOf collects the inputs of a run over paths. A report of a
// previous run at --output (report.IsReport) that the run found in a
// directory is not one: the run left it out (ownFiles) and writes over
// it. Named as a path, it is.
func inputsOf(set *analyzer.Set, lt *linter.Linter, f lintFlags, paths []string) runInputs {
	var in runInputs
	add := in.add
	for _, file := range set.Files {
		add(file.Path)
	}
	discovered, _ := analyzer.Discover(paths)
	for _, p := range discovered {
		add(p)
	}
	if out := f.output; out != "" && out != "-" && report.IsReport(out) {
		var named, prev runInputs
		for _, p := range paths {
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				named.add(p)
			}
		}
		if prev.add(out); !named.has(out) {
			in.files = slices.DeleteFunc(in.files, prev.has)
		}
	}
	add(f.baseline)
	policyDirs := f.policies
	if cfg := lt.Config; cfg != nil {
		add(cfg.Path)
		if cfg.Baseline != "" {
			add(cfg.Resolve(cfg.Baseline))
		}
		policyDirs = append(policyDirs[:len(policyDirs):len(policyDirs)], cfg.PolicyDirs()...)
	}
	for _, d := range policyDirs {
		if abs, err := filepath.Abs(d); err == nil {
			in.policyDirs = append(in.policyDirs, abs)
		}
	}
	return in
}

// add adds the file p (slash-separated, as discovered) to the inputs;
// standard input is none.
func (in *runInputs) add(p string) {
	if p == "" || p == analyzer.StdinName || p == "-" {
		return
	}
	if abs, err := filepath.Abs(filepath.FromSlash(p)); err == nil {
		in.files = append(in.files, abs)
	}
}

// has reports whether path names one of the inputs: the same path, or the
// same file by another name (a symbolic or hard link).
func (in runInputs) has(path string) bool {
	target, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	info, err := os.Stat(target)
	if err != nil {
		return false // nothing there to lose (a baseline or report to create)
	}
	same := func(p string) bool {
		if p == target {
			return true
		}
		fi, err := os.Stat(p)
		return err == nil && os.SameFile(info, fi)
	}
	for _, p := range in.files {
		if same(p) {
			return true
		}
	}
	if strings.HasSuffix(target, ".rego") {
		var paths realpath.Resolver
		real, err := filepath.EvalSymlinks(target)
		if err != nil {
			real = target
		}
		for _, d := range in.policyDirs {
			if same(d) {
				return true // --policy names the file itself
			}
			for _, t := range []string{target, real} {
				if _, ok := paths.Under(d, t); ok {
					return true
				}
			}
		}
	}
	return false
}
