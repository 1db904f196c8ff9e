package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/render/helm"
)

// helmFlags are the command line's values for the chart being linted.
type helmFlags struct {
	values []string
	set    []string
}

// addHelmFlags registers --helm-values and --helm-set on the lint command.
func addHelmFlags(cmd *cobra.Command, f *helmFlags) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.values, "helm-values", nil, "render the chart among the paths with the values `FILE` too, after its values.yaml and .kvet.yaml's values (repeatable)")
	fl.StringArrayVar(&f.set, "helm-set", nil, "render the chart among the paths with `KEY=VALUE` (helm's --set syntax; repeatable), applied last")
}

// checkHelmFlags checks --helm-values and --helm-set, which apply to the
// one chart among paths (a usage error otherwise), and returns the values
// files, absolute.
func checkHelmFlags(f helmFlags, paths []string) ([]string, error) {
	if len(f.values) == 0 && len(f.set) == 0 {
		return nil, nil
	}
	var values []string
	for _, v := range f.values {
		if st, err := os.Stat(v); err != nil || st.IsDir() {
			return nil, usageError{fmt.Errorf("--helm-values %s: no such file", v)}
		}
		if err := helm.CheckValues(v, v); err != nil {
			return nil, usageError{fmt.Errorf("--helm-values: %w", err)}
		}
		abs, err := filepath.Abs(v)
		if err != nil {
			return nil, usageError{fmt.Errorf("--helm-values %s: %w", v, err)}
		}
		values = append(values, abs)
	}
	for _, kv := range f.set {
		if !strings.Contains(kv, "=") {
			return nil, usageError{fmt.Errorf("--helm-set %q: want KEY=VALUE", kv)}
		}
	}
	if err := checkHelmSet(f.set); err != nil {
		return nil, usageError{err}
	}
	files, _ := analyzer.Discover(paths)
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	switch roots := helm.ChartRoots(files, wd); len(roots) {
	case 0:
		return nil, usageError{errors.New("--helm-values and --helm-set apply to a chart, and the paths hold none (no Chart.yaml)")}
	case 1:
	default:
		return nil, usageError{fmt.Errorf("--helm-values and --helm-set apply to one chart, and the paths hold %d: %s; set values per chart in .kvet.yaml (helm.charts)", len(roots), strings.Join(roots, ", "))}
	}
	return values, nil
}

// checkHelmSet parses the --helm-set assignments with Helm's own parser,
// in kvet-helm (kvet does not link Helm), and returns the first that does
// not parse. Without a usable kvet-helm there is nothing to check with:
// the chart's rendering then says why it cannot run.
func checkHelmSet(set []string) error {
	if len(set) == 0 {
		return nil
	}
	p, err := helm.FindHelper()
	if err != nil {
		return nil
	}
	outs, err := helm.Exec(p)(context.Background(), []helm.Request{{SetOnly: true, Set: set}})
	if err != nil || len(outs) != 1 || len(outs[0].Failures) == 0 {
		return nil
	}
	return fmt.Errorf("--helm-set: %s (helm's --set syntax: KEY=VALUE, a.b=c, list[0]=d)", strings.TrimPrefix(outs[0].Failures[0].Message, "--set "))
}

// helmRendererText is the line of `kvet version` about the Helm renderer:
// the kvet-helm that kvet would run, checked with an empty request, or why
// there is none.
func helmRendererText(ctx context.Context) string {
	p, err := helm.FindHelper()
	if err != nil {
		return fmt.Sprintf("Helm renderer: none (%v)\n", err)
	}
	if _, err := helm.Exec(p)(ctx, nil); err != nil {
		return fmt.Sprintf("Helm renderer: %s, unusable: %v\n", p, err)
	}
	return fmt.Sprintf("Helm renderer: %s\n", p)
}
