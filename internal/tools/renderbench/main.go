// Command renderbench measures kvet on the Kustomize subtrees of the
// shared corpus against the kustomize CLI rendering the same roots (see
// scripts/render-bench.sh). For each subtree it prints the files linted,
// the roots rendered (and failed), the objects rendered, the findings, and
// the CPU time (user+sys, medians of alternating runs) of `kvet lint .`
// and of `kustomize build ROOT` run once per root that kvet renders.
//
//	renderbench -kvet BIN -kustomize BIN [-runs N] DIR...
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/kustomize"
)

func main() {
	kvet := flag.String("kvet", "", "kvet binary")
	kz := flag.String("kustomize", "", "kustomize binary")
	runs := flag.Int("runs", 5, "alternating runs per subtree")
	flag.Parse()
	if *kvet == "" || *kz == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: renderbench -kvet BIN -kustomize BIN [-runs N] DIR...")
		os.Exit(2)
	}
	fmt.Println("| subtree | files | roots (failed) | objects rendered | findings | kvet CPU | kustomize CPU | ratio |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	var totalKvet, totalKz time.Duration
	for _, dir := range flag.Args() {
		row, k, z, err := measure(dir, *kvet, *kz, *runs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "renderbench: %s: %v\n", dir, err)
			os.Exit(1)
		}
		totalKvet += k
		totalKz += z
		fmt.Println(row)
	}
	fmt.Printf("| all | | | | | %s | %s | %.2f× |\n", ms(totalKvet), ms(totalKz), float64(totalKvet)/float64(totalKz))
}

// measure lints dir in-process once for the counts, then times kvet and
// the kustomize CLI on it.
func measure(dir, kvet, kz string, runs int) (row string, kvetCPU, kzCPU time.Duration, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", 0, 0, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", 0, 0, err
	}
	if err := os.Chdir(abs); err != nil {
		return "", 0, 0, err
	}
	defer os.Chdir(wd) //nolint:errcheck // back to where we were

	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(kustomize.New())
	set, _ := analyzer.Lint(context.Background(), loader, []string{"."}, analyzer.EngineRules(), analyzer.Options{})
	var roots []string
	failed, objects := 0, 0
	for _, r := range set.Renderings {
		objects += len(r.Docs)
		if slices.ContainsFunc(r.Diagnostics, func(d analyzer.Diagnostic) bool { return d.RuleID == analyzer.IDRenderFailed }) {
			failed++
			continue
		}
		if len(r.Docs) > 0 {
			roots = append(roots, r.Root)
		}
	}
	// The findings of a plain `kvet lint .` (every rule), from its JSON.
	findings, err := countFindings(kvet)
	if err != nil {
		return "", 0, 0, err
	}
	var kvetRuns, kzRuns []time.Duration
	for range runs {
		t, err := cpu(kvet, "lint", "--format", "json", ".")
		if err != nil {
			return "", 0, 0, err
		}
		kvetRuns = append(kvetRuns, t)
		var sum time.Duration
		for _, root := range roots {
			t, err := cpu(kz, "build", root)
			if err != nil {
				return "", 0, 0, fmt.Errorf("kustomize build %s: %w", root, err)
			}
			sum += t
		}
		kzRuns = append(kzRuns, sum)
	}
	kvetCPU, kzCPU = median(kvetRuns), median(kzRuns)
	ratio := "-"
	if kzCPU > 0 {
		ratio = fmt.Sprintf("%.2f×", float64(kvetCPU)/float64(kzCPU))
	}
	row = fmt.Sprintf("| %s | %d | %d (%d) | %d | %d | %s | %s (%d roots) | %s |",
		filepath.Base(abs), len(set.Files), len(set.Renderings), failed, objects, findings, ms(kvetCPU), ms(kzCPU), len(roots), ratio)
	return row, kvetCPU, kzCPU, nil
}

// cpu runs a command, discarding its output, and returns its user+sys
// CPU time. kvet exits 1 when it finds something; that is not a failure.
func cpu(bin string, args ...string) (time.Duration, error) {
	cmd := exec.Command(bin, args...)
	err := cmd.Run()
	if cmd.ProcessState == nil {
		return 0, err
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		return 0, fmt.Errorf("%s %v: %w", bin, args, err)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// countFindings returns the number of findings of `kvet lint .`.
func countFindings(kvet string) (int, error) {
	out, err := exec.Command(kvet, "lint", "--format", "json", ".").Output()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		return 0, err
	}
	var rep struct {
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return 0, err
	}
	return len(rep.Diagnostics), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
