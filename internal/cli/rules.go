package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/analyzer"
	"github.com/kvet-dev/kvet/internal/ruledoc"
)

func (a *app) rulesCmd() *cobra.Command {
	var format string
	var src ruleSource
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule: ID, severity, title",
		Long: "List every rule. --format json writes every rule's metadata (kinds, parameters, " +
			"documentation) for tools; --format markdown writes the full documentation of every rule " +
			"(docs/rules.md is generated this way).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := a.configured(src)
			if err != nil {
				return err
			}
			all, err := a.catalog(cmd.Context(), src)
			if err != nil {
				return err
			}
			switch format {
			case "markdown":
				return ruledoc.Markdown(a.stdout, all)
			case "json":
				return ruledoc.JSON(a.stdout, all)
			case "text":
				return writeRulesTable(a.stdout, all)
			}
			return usageError{fmt.Errorf("--format: unknown format %q (want text, json or markdown)", format)}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text (a table of ID, severity and title), json (every rule's metadata) or markdown (the documentation of every rule)")
	addPolicyFlags(cmd, &src.policies, &src.noBuiltinPolicies)
	addConfigFlag(cmd, &src.config, "--policy")
	return cmd
}

func kinds(r *analyzer.Rule) string {
	if len(r.Kinds) == 0 {
		return "*"
	}
	return strings.Join(r.Kinds, ",")
}

func (a *app) explainCmd() *cobra.Command {
	var src ruleSource
	cmd := &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation",
		Example: "  kvet explain cronjob-concurrency-allow\n" +
			"  kvet explain --policy policy/ acme-owner-labels   # a rule of your own policies",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("kvet explain takes one rule ID, such as job-ttl-missing, and got %d (kvet rules lists them)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := a.configured(src)
			if err != nil {
				return err
			}
			all, err := a.catalog(cmd.Context(), src)
			if err != nil {
				return err
			}
			for _, r := range all {
				if r.ID == args[0] {
					_, err := fmt.Fprint(a.stdout, explain(r))
					return err
				}
			}
			return usageError{fmt.Errorf("unknown rule %q%s (run 'kvet rules' for the list)", args[0], closestRule(args[0], all))}
		},
	}
	addPolicyFlags(cmd, &src.policies, &src.noBuiltinPolicies)
	addConfigFlag(cmd, &src.config, "--policy")
	return cmd
}

// explain renders a rule's documentation as plain text.
func explain(r *analyzer.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "Severity: %s\nKinds:    %s\n", r.Severity, kinds(r))
	if r.DisabledByDefault {
		b.WriteString("Default:  off (enable it in .kvet.yaml)\n")
	}
	fmt.Fprintf(&b, "\nWhy it matters\n\n%s\n\nWhat to do\n\n%s\n", wrap(r.Rationale), wrap(r.Remediation))
	if len(r.Params) > 0 {
		b.WriteString("\nParameters\n\n")
		for _, p := range r.Params {
			fmt.Fprintf(&b, "  %s (default %v): %s\n", p.Name, p.Default, p.Doc)
		}
	}
	if r.Doc != "" {
		fmt.Fprintf(&b, "\n%s\n", strings.TrimRight(r.Doc, "\n"))
	}
	if r.URL != "" {
		fmt.Fprintf(&b, "\nMore: %s\n", r.URL)
	}
	return b.String()
}

// wrap wraps text at 78 columns.
func wrap(s string) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(s) {
		if col > 0 && col+1+len(w) > 78 {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// closestRule returns `; did you mean "x"?` for the ID of rules closest to
// id, or "" when none is close.
func closestRule(id string, rules []*analyzer.Rule) string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	if best, _ := analyzer.Closest(id, ids); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}
