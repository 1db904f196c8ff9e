package cli

import (
	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/internal/lsp"
)

func (a *app) lspCmd() *cobra.Command {
	var stdio bool
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server (LSP over standard input and output)",
		Long: "Run kvet's language server: it speaks the Language Server Protocol over standard input and " +
			"output and publishes the findings of the manifests open in the editor as you type, with the " +
			"configuration, rules, policies, suppressions and baseline kvet lint uses, found from each " +
			"document's directory. Suggested fixes are quick fixes; hovering a finding shows its rule's documentation.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.code = lsp.Serve(cmd.Context(), a.stdin, a.stdout, lsp.Options{Version: Version, Stderr: a.stderr})
			return nil
		},
	}
	// Many clients start servers with --stdio; it is the only transport.
	cmd.Flags().BoolVar(&stdio, "stdio", true, "talk over standard input and output (the only transport)")
	return cmd
}
