// Package cli implements kvet's commands: lint, rules, explain, init, version.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
)

// Exit codes.
const (
	ExitOK          = 0   // nothing at or above --fail-on
	ExitFindings    = 1   // findings at or above --fail-on
	ExitError       = 2   // usage, configuration, policy or I/O error; interrupted by SIGTERM
	ExitInterrupted = 130 // interrupted by SIGINT (Ctrl-C): 128 + 2, as shells report it
)

// Interrupted is the cause with which the caller of Main cancels its
// context when a signal arrives (context.WithCancelCause): kvet then stops,
// writes no report or baseline, and exits with ExitCode(Signal).
type Interrupted struct{ Signal os.Signal }

func (i Interrupted) Error() string { return "interrupted by " + i.Signal.String() }

// ExitCode returns the exit status of a run interrupted by sig:
// ExitInterrupted for SIGINT, ExitError for any other signal.
func ExitCode(sig os.Signal) int {
	if sig == os.Interrupt {
		return ExitInterrupted
	}
	return ExitError
}

// errInterrupted is returned by a command that stopped because its context
// was cancelled, after saying what it did not write.
var errInterrupted = errors.New("interrupted")

// Version is kvet's semantic version.
const Version = "0.1.0"

// InformationURI is where kvet's documentation lives.
const InformationURI = "https://github.com/kvet-dev/kvet"

// app holds the streams of one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// getenv reads the environment (NO_COLOR).
	getenv func(string) string
	code   int
	// unfollow stops the soft memory limit from following the live heap
	// (see limitMemory); nil before limitMemory sets a limit.
	unfollow func()
}

// usageError marks errors caused by the command line.
type usageError struct{ error }

// Main runs kvet with args (without the program name) and returns the exit
// code. It never calls os.Exit.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	root := &cobra.Command{
		Use:           "kvet",
		Short:         "kvet checks Kubernetes manifests for what goes wrong in production",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(a.lintCmd(), a.fixCmd(), a.rulesCmd(), a.explainCmd(), a.initCmd(), a.policyCmd(), a.lspCmd(), a.accessCmd(), a.canICmd(), a.versionCmd())
	setUsage(root)
	// cobra's completion command prints its help and succeeds when the
	// shell is unknown: a mistake on the command line exits 2.
	root.InitDefaultCompletionCmd()
	if comp, _, err := root.Find([]string{"completion"}); err == nil && comp != root {
		comp.Args = cobra.ArbitraryArgs
		comp.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmd.Help()
			}
			var shells []string
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					shells = append(shells, c.Name())
				}
			}
			return usageError{fmt.Errorf("unknown shell %q (want %s)", args[0], strings.Join(shells, ", "))}
		}
	}
	defer func() {
		if a.unfollow != nil {
			a.unfollow()
		}
	}()
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && ctx.Err() != nil {
		// Cut short: whatever failed, the cause is the signal.
		if !errors.Is(err, errInterrupted) {
			fmt.Fprintln(stderr, "kvet: interrupted")
		}
		var in Interrupted
		if errors.As(context.Cause(ctx), &in) {
			return ExitCode(in.Signal)
		}
		return ExitError
	}
	if err != nil {
		var ue usageError
		// cobra's own error for an unknown command lists every command
		// within two edits and no usage line: the same usage error as
		// kvet help's, with one suggestion.
		if !errors.As(err, &ue) && cmd == root && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			if found, rest, ferr := root.Find(args); ferr != nil && found == root && len(rest) > 0 {
				err = unknownCommand(root, rest[0])
			}
		}
		writeError(stderr, err)
		if errors.As(err, &ue) {
			// kvet help's mistakes are about the commands it names.
			if cmd.Name() == "help" && cmd.Parent() == root {
				cmd = root
			}
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
		return ExitError
	}
	return a.code
}

// shaped is an error whose text may be a finding's shape,
// path:line:col: error: message (policies.Error, config.Error).
type shaped interface {
	error
	FindingShape() bool
}

// writeError writes err as "kvet: " and its text, but an error at a
// position in a policy, configuration or baseline file (policies.Error,
// config.Error) as it is, on a line of its own, so that editors and CI
// annotations read it as they read findings: the errors that errors.Join
// gathers are written one after the other.
func writeError(w io.Writer, err error) {
	var s shaped
	if errs, ok := err.(interface{ Unwrap() []error }); ok && errors.As(err, &s) && joined(err, errs.Unwrap()) {
		for _, e := range errs.Unwrap() {
			writeError(w, e)
		}
		return
	}
	if errors.As(err, &s) && s.FindingShape() && err.Error() == s.Error() { // not wrapped in a message
		fmt.Fprintln(w, err)
		return
	}
	fmt.Fprintf(w, "kvet: %v\n", err)
}

// joined reports whether the text of err is that of errs one a line, as
// errors.Join writes it (not a message that wraps them).
func joined(err error, errs []error) bool {
	texts := make([]string, len(errs))
	for i, e := range errs {
		texts[i] = e.Error()
	}
	return err.Error() == strings.Join(texts, "\n")
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kvet's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(a.stdout, versionText()+helmRendererText(cmd.Context()))
			return err
		},
	}
}

// versionText is what `kvet version` prints: kvet's version, then the
// newest Kubernetes release it knows, which is the default --kube-version.
func versionText() string {
	return fmt.Sprintf("kvet %s\nKubernetes %s (the newest release kvet knows; the default --kube-version)\n", Version, analyzer.NewestKubeVersion)
}
