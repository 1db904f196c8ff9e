package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kvet-dev/kvet/analyzer"
)

// setUsage sets up the help and the command-line errors of root and its
// subcommands: --version, flag lists without pflag's "[=true|false]" after
// every boolean, positional-argument errors that are usage errors, and a
// "did you mean" for a misspelt flag.
func setUsage(root *cobra.Command) {
	root.Version = Version
	root.SetVersionTemplate(versionText())
	cobra.AddTemplateFunc("kvetFlagUsages", flagUsages)
	tmpl := root.UsageTemplate()
	for _, set := range []string{"LocalFlags", "InheritedFlags"} {
		tmpl = strings.ReplaceAll(tmpl, "."+set+".FlagUsages", "kvetFlagUsages ."+set)
	}
	root.SetUsageTemplate(tmpl)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{suggestFlag(cmd, err)} })
	// cobra's help command prints "Unknown help topic" and the usage, and
	// succeeds, when its argument names no command.
	root.InitDefaultHelpCmd()
	if help, _, err := root.Find([]string{"help"}); err == nil && help != root {
		help.Args = cobra.ArbitraryArgs
		help.Run = nil
		help.RunE = func(cmd *cobra.Command, args []string) error { return helpFor(cmd.Root(), args) }
	}
	var wrap func(c *cobra.Command)
	wrap = func(c *cobra.Command) {
		if check := c.Args; check != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := check(cmd, args); err != nil {
					var ue usageError
					if errors.As(err, &ue) {
						return err
					}
					return usageError{err}
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			wrap(sub)
		}
	}
	wrap(root)
}

// helpFor prints the help of the command that args name under cmd (kvet
// help policy test, kvet policy help test); an argument that names none of
// the commands there is a usage error (exit 2).
func helpFor(cmd *cobra.Command, args []string) error {
	found, rest, _ := cmd.Find(args)
	if len(rest) > 0 {
		return unknownCommand(found, rest[0])
	}
	if found.Context() == nil {
		found.SetContext(cmd.Context())
	}
	// The flags of a command that did not run are not set up yet: its
	// help would not list -h, --help.
	found.InitDefaultHelpFlag()
	found.InitDefaultVersionFlag()
	return found.Help()
}

// unknownCommand is the usage error of name, which names none of the
// commands of cmd, with a "did you mean" when one is close.
func unknownCommand(cmd *cobra.Command, name string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	hint := ""
	if best, _ := analyzer.Closest(name, names); best != "" {
		hint = fmt.Sprintf("; did you mean %q?", best)
	}
	return usageError{fmt.Errorf("unknown command %q for %q%s", name, cmd.CommandPath(), hint)}
}

// boolSuffix is what pflag (1.1) writes after every boolean flag.
const boolSuffix = "[=true|false]"

// flagUsages is FlagSet.FlagUsages without the boolSuffix, realigned: a
// boolean flag is written as --quiet, as in every other tool's help.
func flagUsages(fs *pflag.FlagSet) string {
	usages := fs.FlagUsages()
	lines := strings.Split(strings.TrimSuffix(usages, "\n"), "\n")
	isFlag := func(l string) bool { return strings.HasPrefix(strings.TrimLeft(l, " "), "-") }
	// pflag starts every description at the same column, at least two
	// spaces after the flag.
	col := 0
	for _, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if i := strings.Index(trimmed, "  "); isFlag(l) && i >= 0 {
			col = max(col, len(l)-len(trimmed)+i+2)
		}
	}
	type entry struct{ name, desc string }
	entries := make([]entry, len(lines))
	width := 0
	for i, l := range lines {
		if len(l) < col {
			return usages // not the layout expected: leave it alone
		}
		name := strings.TrimRight(l[:col], " ")
		if isFlag(l) {
			name = strings.Replace(name, boolSuffix, "", 1)
		}
		entries[i] = entry{name, l[col:]}
		width = max(width, len(name))
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.name + strings.Repeat(" ", width+2-len(e.name)) + e.desc + "\n")
	}
	return b.String()
}

var unknownFlag = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unknown flag: --([^\s=]+)$`) })

// suggestFlag adds `(did you mean --format?)` to an unknown-flag error when
// a flag of cmd is close to the one given.
func suggestFlag(cmd *cobra.Command, err error) error {
	m := unknownFlag().FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	var names []string
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			names = append(names, f.Name)
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	if best, _ := analyzer.Closest(m[1], names); best != "" {
		return fmt.Errorf("%w (did you mean --%s?)", err, best)
	}
	return err
}
