// Command renderbench measures kvet on the subtrees of the shared corpus
// (../shared/corpus/repos) against the tools that render the same roots:
// the kustomize CLI (`kustomize build ROOT`, what `kubectl kustomize`
// runs) for each kustomization root and the helm CLI (`helm template
// CHART`) for each chart that kvet renders (see scripts/render-bench.sh).
//
// For each subtree it prints the files kvet lints, the roots rendered (and
// failed), the objects rendered, the yaml-syntax findings and all findings
// of `kvet lint --no-render .` (before rendering) and of `kvet lint .`,
// the CPU time (user+sys, medians of alternating runs, children included:
// kvet-helm counts for kvet) of kvet and of the reference tools, and the
// peak RSS of each (the largest over the runs, from GNU time).
//
//	renderbench -kvet BIN -kvet-helm BIN -kustomize BIN -helm BIN [-runs N] DIR...
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render"
	"github.com/kvet-dev/kvet/render/helm"
	"github.com/kvet-dev/kvet/render/kustomize"
)

// tools are the binaries measured.
type tools struct {
	kvet, kvetHelm, kustomize, helm string
}

func main() {
	var t tools
	flag.StringVar(&t.kvet, "kvet", "", "kvet binary")
	flag.StringVar(&t.kvetHelm, "kvet-helm", "", "kvet-helm binary (kvet's Helm renderer)")
	flag.StringVar(&t.kustomize, "kustomize", "", "kustomize binary")
	flag.StringVar(&t.helm, "helm", "", "helm binary")
	runs := flag.Int("runs", 5, "alternating runs per subtree")
	flag.Parse()
	// kustomize writes deprecation notices to os.Stderr and the standard
	// logger: discarded, as cmd/kvet does.
	stderr := os.Stderr
	log.SetOutput(io.Discard)
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
	}
	if t.kvet == "" || t.kvetHelm == "" || t.kustomize == "" || t.helm == "" || flag.NArg() == 0 || *runs < 1 {
		fmt.Fprintln(stderr, "usage: renderbench -kvet BIN -kvet-helm BIN -kustomize BIN -helm BIN [-runs N] DIR...")
		os.Exit(2)
	}
	fmt.Println("| subtree | files | roots (failed) | objects rendered | yaml-syntax before → after | findings before → after | kvet CPU | kustomize/helm CPU | ratio | kvet peak RSS | kustomize/helm peak RSS |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	var total row
	for _, dir := range flag.Args() {
		r, err := measure(dir, t, *runs)
		if err != nil {
			fmt.Fprintf(stderr, "renderbench: %s: %v\n", dir, err)
			os.Exit(1)
		}
		fmt.Println(r)
		total.add(r)
	}
	total.name = "all"
	fmt.Println(total)
}

// row is one subtree's line of the table.
type row struct {
	name                   string
	files, roots, failed   int
	refRoots               int // roots the reference tools render
	objects                int
	syntaxBefore, syntax   int
	findingsBefore, finds  int
	kvetCPU, refCPU        time.Duration
	kvetRSS, refRSS        int64 // KiB
	kustomizeRoots, charts int
}

func (r *row) add(o row) {
	r.files += o.files
	r.roots += o.roots
	r.failed += o.failed
	r.refRoots += o.refRoots
	r.objects += o.objects
	r.syntaxBefore += o.syntaxBefore
	r.syntax += o.syntax
	r.findingsBefore += o.findingsBefore
	r.finds += o.finds
	r.kvetCPU += o.kvetCPU
	r.refCPU += o.refCPU
	r.kvetRSS = max(r.kvetRSS, o.kvetRSS)
	r.refRSS = max(r.refRSS, o.refRSS)
	r.kustomizeRoots += o.kustomizeRoots
	r.charts += o.charts
}

func (r row) String() string {
	ratio := "-"
	if r.refCPU > 0 {
		ratio = fmt.Sprintf("%.2f×", float64(r.kvetCPU)/float64(r.refCPU))
	}
	return fmt.Sprintf("| %s | %d | %d (%d) | %d | %d → %d | %d → %d | %s | %s (%d kustomize, %d helm) | %s | %s | %s |",
		r.name, r.files, r.roots, r.failed, r.objects, r.syntaxBefore, r.syntax, r.findingsBefore, r.finds,
		seconds(r.kvetCPU), seconds(r.refCPU), r.kustomizeRoots, r.charts, ratio, mib(r.kvetRSS), mib(r.refRSS))
}

// measure lints dir in-process once for the counts, then times kvet and
// the reference tools on it, alternating.
func measure(dir string, t tools, runs int) (row, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return row{}, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return row{}, err
	}
	if err := os.Chdir(abs); err != nil {
		return row{}, err
	}
	defer os.Chdir(wd) //nolint:errcheck // back to where we were

	r := row{name: filepath.ToSlash(dir)}
	// What kvet renders: the same stage as kvet lint, kvet-helm included.
	kz := kustomize.New()
	loader := analyzer.NewLoader(nil)
	loader.Renderer = render.New(kz, helm.New(helm.Settings{}, helm.Exec(t.kvetHelm)))
	set, _ := analyzer.Lint(context.Background(), loader, []string{"."}, analyzer.EngineRules(), analyzer.Options{})
	for _, err := range set.Errors {
		return row{}, err
	}
	r.files = len(set.Files)
	var refs [][]string // the reference commands
	for _, rd := range set.Renderings {
		r.roots++
		r.objects += len(rd.Docs)
		if slices.ContainsFunc(rd.Diagnostics, func(d analyzer.Diagnostic) bool { return d.RuleID == analyzer.IDRenderFailed }) {
			r.failed++
			continue
		}
		if len(rd.Docs) == 0 {
			continue
		}
		switch rd.Kind {
		case kz.Kind():
			refs = append(refs, []string{t.kustomize, "build", rd.Root})
			r.kustomizeRoots++
		default:
			refs = append(refs, []string{t.helm, "template", "release-name", rd.Root})
			r.charts++
		}
	}
	r.refRoots = len(refs)
	if r.findingsBefore, r.syntaxBefore, err = countFindings(t.kvet, "--no-render"); err != nil {
		return row{}, err
	}
	if r.finds, r.syntax, err = countFindings(t.kvet); err != nil {
		return row{}, err
	}
	var kvetRuns, refRuns []time.Duration
	for range runs {
		cpu, rss, err := run(t.kvet, "lint", "--format", "json", ".")
		if err != nil {
			return row{}, err
		}
		kvetRuns = append(kvetRuns, cpu)
		r.kvetRSS = max(r.kvetRSS, rss)
		var sum time.Duration
		for _, ref := range refs {
			cpu, rss, err := run(ref[0], ref[1:]...)
			if err != nil {
				return row{}, err
			}
			sum += cpu
			r.refRSS = max(r.refRSS, rss)
		}
		refRuns = append(refRuns, sum)
	}
	r.kvetCPU, r.refCPU = median(kvetRuns), median(refRuns)
	return r, nil
}

// run runs a command, discarding its output, and returns its user+sys CPU
// time (children included) and peak RSS in KiB. The peak is GNU time's
// (-f %M) when /usr/bin/time exists, else 0: the rusage of a child of this
// process counts this process's own peak (Linux records the memory of the
// process image that exec replaces, and Go starts children sharing it).
// kvet exits 1 when it finds something; that is not a failure.
func run(bin string, args ...string) (time.Duration, int64, error) {
	name, argv := bin, args
	var out string
	if _, err := os.Stat(gnuTime); err == nil {
		f, err := os.CreateTemp("", "renderbench-rss")
		if err != nil {
			return 0, 0, err
		}
		f.Close()
		out = f.Name()
		defer os.Remove(out)
		name, argv = gnuTime, append([]string{"-f", "%M", "-o", out, bin}, args...)
	}
	cmd := exec.Command(name, argv...)
	err := cmd.Run()
	if cmd.ProcessState == nil {
		return 0, 0, err
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 && (code != 1 || filepath.Base(bin) != "kvet") {
		return 0, 0, fmt.Errorf("%s %v: %w", bin, args, err)
	}
	var rss int64
	if out != "" {
		data, err := os.ReadFile(out)
		if err != nil {
			return 0, 0, err
		}
		// The last line: "Command exited with non-zero status 1" may precede it.
		lines := strings.Fields(string(data))
		if len(lines) == 0 {
			return 0, 0, fmt.Errorf("%s: no peak RSS from %s", bin, gnuTime)
		}
		if rss, err = strconv.ParseInt(lines[len(lines)-1], 10, 64); err != nil {
			return 0, 0, fmt.Errorf("%s: peak RSS from %s: %w", bin, gnuTime, err)
		}
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss, nil
}

// gnuTime is GNU time, which reports a command's peak RSS.
const gnuTime = "/usr/bin/time"

// countFindings returns the number of findings of `kvet lint [flags] .`,
// and how many of them are yaml-syntax.
func countFindings(kvet string, flags ...string) (all, syntax int, err error) {
	args := append(append([]string{"lint", "--format", "json"}, flags...), ".")
	out, err := exec.Command(kvet, args...).Output()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		return 0, 0, fmt.Errorf("kvet %v: %w", args, err)
	}
	var rep struct {
		Diagnostics []struct {
			RuleID string `json:"rule"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return 0, 0, err
	}
	for _, d := range rep.Diagnostics {
		if d.RuleID == analyzer.IDYAMLSyntax {
			syntax++
		}
	}
	return len(rep.Diagnostics), syntax, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(kib int64) string {
	if kib == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}
