package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kvet-dev/kvet/internal/config"
)

func (a *app) initCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented default .kvet.yaml",
		Long: "Write .kvet.yaml in DIR (default: the working directory): the default settings, with " +
			"commented examples for every rule that is off by default and every rule parameter. " +
			"An existing .kvet.yaml or .kvet.yml is kept unless --force is given.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			path := filepath.Join(dir, config.FileNames()[0])
			for _, name := range config.FileNames() {
				p := filepath.Join(dir, name)
				if _, err := os.Stat(p); err == nil && !force {
					return fmt.Errorf("%s already exists (use --force to replace it)", p)
				} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("checking %s: %w", p, err)
				}
			}
			all, err := a.catalog(cmd.Context(), ruleSource{})
			if err != nil {
				return err
			}
			if err := os.WriteFile(path, config.Template(all), 0o644); err != nil {
				return fmt.Errorf("writing configuration: %w", err)
			}
			fmt.Fprintf(a.stderr, "kvet: wrote %s\n", path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing configuration file")
	return cmd
}
