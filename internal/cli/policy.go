package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/policies"
)

// addPolicyFlags registers --policy and --no-builtin-policies.
func addPolicyFlags(cmd *cobra.Command, dirs *[]string, noBuiltin *bool) {
	fl := cmd.Flags()
	fl.StringArrayVar(dirs, "policy", nil, "load the Rego policies in `DIR` (or a .rego file) besides the built-in ones; repeatable; replaces policies: of .kvet.yaml")
	fl.BoolVar(noBuiltin, "no-builtin-policies", false, "leave out kvet's built-in Rego policies (the RBAC rules)")
}

// addPolicyTimeoutFlag registers --policy-timeout.
func addPolicyTimeoutFlag(cmd *cobra.Command, d *time.Duration) {
	cmd.Flags().DurationVar(d, "policy-timeout", 0, "time limit for evaluating all the Rego policies on one document, e.g. 10s (default: policy-timeout: of .kvet.yaml, else "+policies.DefaultTimeout.String()+")")
}

func (a *app) policyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with Rego policies",
		Args:  cobra.ArbitraryArgs,
		RunE:  subcommands,
	}
	cmd.AddCommand(a.policyTestCmd())
	return cmd
}

// subcommands runs a command that only groups others: alone it prints its
// help; with an argument, which names none of its commands (`kvet policy
// tests`), it is a usage error (exit 2), not the help and success cobra
// gives, which would let a CI step pass without running anything.
func subcommands(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return cmd.Help()
	}
	if args[0] == "help" {
		return helpFor(cmd, args[1:])
	}
	return unknownCommand(cmd, args[0])
}

func (a *app) policyTestCmd() *cobra.Command {
	var opts policies.TestOptions
	var verbose bool
	var src ruleSource
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the *_test.rego unit tests of policies",
		Long: "Run the unit tests (rules named test_* in *_test.rego files) of the Rego policies in DIR " +
			"(directories, searched recursively, or files) with the semantics of OPA's test runner, in the sandbox kvet " +
			"lints with; the built-in policies and kvet's library (data.kvet.lib) are loaded beside them. " +
			"Without DIR, run the tests of the policies: of .kvet.yaml, or of kvet's built-in policies when it names none. Exit status: 0 when every test " +
			"passes, 1 when one fails, 2 when the policies do not load.",
		RunE: func(cmd *cobra.Command, args []string) error {
			src.policies = args
			src, err := a.configured(src)
			if err != nil {
				return err
			}
			opts.Dirs = src.policies
			results, err := policies.Test(cmd.Context(), opts)
			if err != nil {
				return err
			}
			if !a.reportTests(results, verbose) {
				a.code = ExitFindings
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.NoBuiltin, "no-builtin-policies", false, "do not load kvet's built-in policies beside DIR")
	fl.StringVar(&opts.Run, "run", "", "run only the tests whose package.name matches the regular expression `REGEX`")
	fl.DurationVar(&opts.Timeout, "timeout", policies.DefaultTimeout, "time limit of each test")
	fl.BoolVarP(&verbose, "verbose", "v", false, "list passing tests too")
	addConfigFlag(cmd, &src.config, "DIR")
	return cmd
}

// reportTests prints failing tests (every test with verbose) and a
// summary, and reports whether all passed.
func (a *app) reportTests(results []policies.TestResult, verbose bool) bool {
	var pass, fail, errs, skip int
	for _, r := range results {
		var outcome string
		switch {
		case r.Err != nil:
			errs++
			outcome = "ERROR"
		case r.Fail:
			fail++
			outcome = "FAIL"
		case r.Skip:
			skip++
			outcome = "SKIP"
		default:
			pass++
			outcome = "PASS"
		}
		if outcome == "PASS" && !verbose || outcome == "SKIP" && !verbose {
			continue
		}
		fmt.Fprintf(a.stdout, "%s:%d: %s %s (%s)\n", r.File, r.Line, outcome, r.Name, r.Duration.Round(time.Microsecond))
		if r.Err != nil {
			fmt.Fprintf(a.stdout, "    %s\n", strings.ReplaceAll(r.Err.Error(), "\n", "\n    "))
		}
		if len(r.Output) > 0 && (outcome != "PASS" || verbose) {
			fmt.Fprintf(a.stdout, "    %s\n", strings.ReplaceAll(strings.TrimRight(string(r.Output), "\n"), "\n", "\n    "))
		}
	}
	total := len(results)
	summary := fmt.Sprintf("PASS: %d/%d", pass, total)
	if fail > 0 {
		summary += fmt.Sprintf(", FAIL: %d/%d", fail, total)
	}
	if errs > 0 {
		summary += fmt.Sprintf(", ERROR: %d/%d", errs, total)
	}
	if skip > 0 {
		summary += fmt.Sprintf(", SKIP: %d/%d", skip, total)
	}
	fmt.Fprintln(a.stdout, summary)
	return fail == 0 && errs == 0
}
