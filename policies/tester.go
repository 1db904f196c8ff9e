package policies

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestOptions choose the unit tests `kvet policy test` runs.
type TestOptions struct {
	// Dirs are user policy directories or files; their *_test.rego tests
	// run against their policies. With no Dirs the built-in tests run.
	Dirs []string
	// NoBuiltin leaves the built-in policies out (the library stays).
	NoBuiltin bool
	// Timeout bounds each test (DefaultTimeout when zero).
	Timeout time.Duration
	// Run, when set, is a regular expression selecting tests by name
	// (package.test_name), as `opa test --run` does.
	Run string
}

// TestResult is the outcome of one test_ rule.
type TestResult struct {
	// Name is the test's package and rule, e.g. main.test_deny_root.
	Name     string
	File     string
	Line     int
	Duration time.Duration
	// Fail is set when the test was undefined or false; Err when its
	// evaluation failed.
	Fail bool
	Err  error
	Skip bool
	// Output is what the test printed (print statements are enabled).
	Output []byte
}

// Passed reports whether the test passed.
func (r *TestResult) Passed() bool { return !r.Fail && !r.Skip && r.Err == nil }

// Test runs the unit tests (rules named test_*, in *_test.rego files) of
// the built-in policies, or of the policies in opts.Dirs, with the
// semantics of OPA's test runner (see testrunner.go), in the same sandbox
// as lint. Load and compile errors are returned as errors (file:line:col);
// failing tests are results.
func Test(ctx context.Context, opts TestOptions) ([]TestResult, error) {
	return testWith(ctx, opts, runTests)
}

// testRunner compiles modules with a compiler and runs their tests (see
// runTests); the tests compare runTests with OPA's runner through it.
type testRunner func(ctx context.Context, c *ast.Compiler, modules map[string]*ast.Module, timeout time.Duration, filter string) ([]TestResult, error)

// testWith is Test with run running the tests.
func testWith(ctx context.Context, opts TestOptions, run testRunner) ([]TestResult, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	hasUser := len(opts.Dirs) > 0
	srcs, err := builtinSources(!opts.NoBuiltin || !hasUser, !hasUser, true)
	if err != nil {
		return nil, err
	}
	if hasUser {
		us, err := userSources(ctx, opts.Dirs, true, 0)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, us...)
	}
	modules := moduleMap(srcs)
	// Tests see the parameters' defaults, as policies do in a lint run.
	// (kvet's own tests are loaded only without the user's: the results
	// are the user's tests, or kvet's.)
	var user []*source
	for _, s := range srcs {
		if !s.builtin {
			user = append(user, s)
		}
	}
	e := &Engine{}
	if err := e.catalog(!opts.NoBuiltin || !hasUser, user, nil); err != nil {
		return nil, err
	}
	pm, err := paramsModule(e.paramValues(nil))
	if err != nil {
		return nil, err
	}
	modules[paramsFile] = pm
	c := ast.NewCompiler().WithCapabilities(capabilities()).WithEnablePrintStatements(true)
	out, err := run(ctx, c, modules, timeout, opts.Run)
	if err != nil {
		return nil, formatErrors(err)
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(out) == 0 {
		return nil, errors.New("no tests found (tests are rules named test_* in *_test.rego files)")
	}
	return out, nil
}
