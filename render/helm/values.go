package helm

import (
	"context"
	"fmt"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/safefile"
)

// CheckValues returns why the values file at path cannot be read as Helm
// reads values (every YAML document of it, merged), as "NAME:LINE:COL:
// message" of the first syntax error (name is how the user wrote the
// path), or nil. A values
// file of the run that does not parse is the user's mistake, told before
// any chart is rendered (kvet-helm would only say "error converting YAML
// to JSON" at the chart).
func CheckValues(path, name string) error {
	data, err := safefile.Read(context.Background(), path, 0)
	if err != nil {
		return err
	}
	_, diags := analyzer.NewLoader(nil).Parse(&analyzer.File{Path: name, Content: data})
	for _, d := range diags {
		if d.RuleID == analyzer.IDYAMLSyntax {
			return fmt.Errorf("%s:%d:%d: %s", name, d.Range.Start.Line, d.Range.Start.Column, d.Message)
		}
	}
	return nil
}
