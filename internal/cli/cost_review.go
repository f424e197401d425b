package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/reviewdoc"
	"github.com/spf13/cobra"
)

// The monthly FinOps review of `paved cost review`: the same document the
// UI offers at /costs/review, for a pull request, a wiki or a mail.

func newCostReviewCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review --month YYYY-MM [--team T]",
		Short: "The monthly FinOps review of the organisation or one team, as Markdown or HTML",
		Long: `The monthly FinOps review: spend per currency against the month before and
the budgets (and the forecast while the month runs), the top movers with the
services behind each change, the month's anomalies, allocation coverage, the
unallocated spend with a suggested owner and why, and every budget's status.

Without --team it reviews the whole organisation; with --team, one team: its
services as movers, how its spend was allocated to it, and the unallocated
spend that probably belongs to it.

--format md is Markdown for a pull request or a wiki; --format html is one
standalone file (inline CSS, nothing fetched) to mail, archive or print.`,
		Args: exactArgs(0, "no arguments (use the flags)"),
	}
	format := formatFlag(cmd, reviewdoc.FormatMarkdown, reviewdoc.FormatHTML)
	month := monthFlag(cmd)
	team := cmd.Flags().String("team", "", "review this team (default: the whole organisation)")
	out := cmd.Flags().String("out", "", "write the review to this file instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if err := cost.CheckMonth(*month); err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			rev, err := svc.Review(ctx, *month, *team)
			if err != nil {
				return err
			}
			if *out == "" {
				return reviewdoc.Write(g.stdout, rev, f)
			}
			var buf bytes.Buffer
			if err := reviewdoc.Write(&buf, rev, f); err != nil {
				return err
			}
			if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "wrote the FinOps review of %s to %s\n", reviewOf(rev), *out)
			return nil
		})
	}
	return cmd
}

// reviewOf names what a review covers, for messages.
func reviewOf(r cost.Review) string {
	if r.Team == "" {
		return r.Month
	}
	return "team " + r.Team + " for " + r.Month
}
