// Command benchpair measures commands against a baseline measured in the
// same run, for scripts/bench.sh. Each row is "label;rounds;baseline;command"
// (commands split on spaces). For each round it runs the baseline and then
// the command, alternately, and it prints a Markdown table of medians: CPU
// time (user+sys), wall time, the ratios of CPU and of wall time (medians of
// the per-round ratios, so a load that drifts during the run cancels out)
// and the peak RSS of the command and of the baseline. Exit codes 0 and 1 (findings) are success.
//
//	benchpair 'kvet, 10k docs;5;/tmp/yamlparse /tmp/c;/tmp/kvet lint /tmp/c'
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sample is one run of a command.
type sample struct {
	wall, cpu time.Duration
	rss       int64 // bytes
}

// row is one line of the table.
type row struct {
	label             string
	rounds            int
	baseline, command []string
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchpair 'LABEL;ROUNDS;BASELINE;COMMAND'...")
		os.Exit(2)
	}
	var rows []row
	for _, arg := range os.Args[1:] {
		r, err := parseRow(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchpair:", err)
			os.Exit(2)
		}
		rows = append(rows, r)
	}
	fmt.Println("| what | CPU (user+sys) | wall | baseline CPU | baseline wall | CPU ratio | wall ratio | peak RSS | baseline peak RSS |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		line, err := measure(r)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchpair:", err)
			os.Exit(1)
		}
		fmt.Println(line)
	}
}

func parseRow(arg string) (row, error) {
	parts := strings.Split(arg, ";")
	if len(parts) != 4 {
		return row{}, fmt.Errorf("row %q: want LABEL;ROUNDS;BASELINE;COMMAND", arg)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 1 {
		return row{}, fmt.Errorf("row %q: rounds must be a positive integer", arg)
	}
	r := row{label: parts[0], rounds: n, baseline: strings.Fields(parts[2]), command: strings.Fields(parts[3])}
	if len(r.baseline) == 0 || len(r.command) == 0 {
		return row{}, fmt.Errorf("row %q: empty command", arg)
	}
	return r, nil
}

// measure runs a row's rounds and formats its table line.
func measure(r row) (string, error) {
	var base, cmd []sample
	var cpuRatio, wallRatio []float64
	for range r.rounds {
		b, err := run(r.baseline)
		if err != nil {
			return "", err
		}
		c, err := run(r.command)
		if err != nil {
			return "", err
		}
		base, cmd = append(base, b), append(cmd, c)
		cpuRatio = append(cpuRatio, float64(c.cpu)/float64(max(b.cpu, time.Millisecond)))
		wallRatio = append(wallRatio, float64(c.wall)/float64(b.wall))
	}
	get := func(s []sample, f func(sample) time.Duration) time.Duration {
		ds := make([]time.Duration, len(s))
		for i, x := range s {
			ds[i] = f(x)
		}
		return median(ds)
	}
	cpu := func(s sample) time.Duration { return s.cpu }
	wall := func(s sample) time.Duration { return s.wall }
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %.2f× | %.2f× | %s | %s |", r.label,
		dur(get(cmd, cpu)), dur(get(cmd, wall)), dur(get(base, cpu)), dur(get(base, wall)),
		median(cpuRatio), median(wallRatio), peak(cmd), peak(base)), nil
}

// run runs args once, its output discarded.
func run(args []string) (sample, error) {
	c := exec.Command(args[0], args[1:]...)
	start := time.Now()
	err := c.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		return sample{}, fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	s := sample{wall: wall, cpu: c.ProcessState.UserTime() + c.ProcessState.SystemTime()}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = ru.Maxrss << 10 // KiB on Linux
	}
	return s, nil
}

// peak returns the largest RSS of samples, in MiB.
func peak(samples []sample) string {
	var p int64
	for _, s := range samples {
		p = max(p, s.rss)
	}
	return fmt.Sprintf("%.0f MiB", float64(p)/(1<<20))
}

func median[T time.Duration | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func dur(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}
