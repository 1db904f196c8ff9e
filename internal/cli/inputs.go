package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/linter"
	"github.com/kvet-dev/kvet/internal/realpath"
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

// inputsOf collects the inputs of a run over paths.
func inputsOf(set *analyzer.Set, lt *linter.Linter, f lintFlags, paths []string) runInputs {
	var in runInputs
	add := func(p string) {
		if p == "" || p == analyzer.StdinName || p == "-" {
			return
		}
		if abs, err := filepath.Abs(filepath.FromSlash(p)); err == nil {
			in.files = append(in.files, abs)
		}
	}
	for _, file := range set.Files {
		add(file.Path)
	}
	discovered, _ := analyzer.Discover(paths)
	for _, p := range discovered {
		add(p)
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
