package cli

import (
	"errors"
	"fmt"

	"github.com/paved-dev/paved/internal/yamlfile"
	"github.com/spf13/cobra"
)

func newConfigCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Work with paved.yaml"}
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check paved.yaml and report every problem with file:line",
		Args:  exactArgs(0, "no arguments (name the file with --config)"),
	}
	format := formatFlag(validate, "table", "json")
	validate.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		cfg, err := g.load(cmd)
		var problems yamlfile.Errors
		if err != nil && !errors.As(err, &problems) {
			var one yamlfile.Error
			if !errors.As(err, &one) {
				return err
			}
			problems = yamlfile.Errors{one}
		}
		source := cfg.File
		if source == "" {
			source = "(no paved.yaml; defaults)"
		}
		if f == "json" {
			type problem struct {
				File    string `json:"file"`
				Line    int    `json:"line,omitempty"`
				Field   string `json:"field,omitempty"`
				Message string `json:"message"`
			}
			out := struct {
				File     string    `json:"file"`
				Valid    bool      `json:"valid"`
				Problems []problem `json:"problems"`
			}{File: source, Valid: len(problems) == 0, Problems: []problem{}}
			for _, p := range problems {
				out.Problems = append(out.Problems, problem{p.File, p.Line, p.Path, p.Msg})
			}
			if err := writeJSON(g.stdout, out); err != nil {
				return err
			}
		} else if len(problems) == 0 {
			fmt.Fprintf(g.stdout, "%s is valid\n", source)
		} else {
			for _, p := range problems {
				fmt.Fprintln(g.stdout, p.Error())
			}
		}
		if len(problems) > 0 {
			return &exitError{code: ExitUsage, err: fmt.Errorf("%s has %d problem(s)", source, len(problems))}
		}
		return nil
	}
	cmd.AddCommand(validate)
	return cmd
}
