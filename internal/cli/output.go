package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// formatFlag adds --format with the given choices (first is the default)
// and returns a getter that validates the value.
func formatFlag(cmd *cobra.Command, choices ...string) func() (string, error) {
	f := cmd.Flags().String("format", choices[0], "output format: "+strings.Join(choices, "|"))
	return func() (string, error) {
		for _, c := range choices {
			if *f == c {
				return c, nil
			}
		}
		return "", fmt.Errorf("--format %q is not valid; use one of %s", *f, strings.Join(choices, ", "))
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table writes aligned columns; the first row is the header.
func table(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
