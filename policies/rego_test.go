package policies_test

import (
	"context"
	"testing"

	"github.com/kvet-dev/kvet/policies"
)

// Every built-in *_test.rego runs as part of go test, one subtest per Rego
// test, and fails the Go test when it fails.
func TestBuiltinRegoTests(t *testing.T) {
	results, err := policies.Test(context.Background(), policies.TestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 40 {
		t.Errorf("only %d Rego tests ran", len(results))
	}
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			switch {
			case r.Err != nil:
				t.Errorf("%s:%d: error: %v\n%s", r.File, r.Line, r.Err, r.Output)
			case r.Fail:
				t.Errorf("%s:%d: FAIL\n%s", r.File, r.Line, r.Output)
			case r.Skip:
				t.Errorf("%s:%d: skipped (todo_ tests are not allowed in built-in policies)", r.File, r.Line)
			}
		})
	}
}
