package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/spf13/cobra"
)

func newTeamCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "team", Short: "Onboard and list teams"}
	cmd.AddCommand(newTeamOnboardCmd(g), newTeamListCmd(g))
	return cmd
}

func newTeamOnboardCmd(g *globals) *cobra.Command {
	var display, description string
	var contacts []string
	cmd := &cobra.Command{
		Use:   "onboard NAME",
		Short: "Create a team and apply the configured defaults (safe to re-run)",
		Long: `Onboard a team in one command: create it (or update its display name and
contact) and apply every default configured in paved.yaml for new teams.
Re-running it reports what already exists as unchanged.

  paved team onboard payments --display "Payments" --contact "#team-payments" --contact payments@example.com`,
		Args: exactArgs(1, "the team name (lower-case letters, digits and '-')"),
	}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().StringVar(&display, "display", "", "display name, e.g. \"Payments\"")
	cmd.Flags().StringVar(&description, "description", "", "what the team does")
	cmd.Flags().StringArrayVar(&contacts, "contact", nil, "chat channel (#payments) or email address; repeat for both")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		t := catalog.Team{Name: args[0], DisplayName: display, Description: description}
		for _, c := range contacts {
			if strings.Contains(c, "@") && !strings.HasPrefix(c, "#") {
				t.Contact.Email = c
			} else {
				t.Contact.Chat = c
			}
		}
		return g.withCatalog(cmd, func(ctx context.Context, cat *catalog.Catalog) error {
			res, err := cat.Onboard(ctx, t)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, res)
			}
			fmt.Fprintf(g.stdout, "team %s (%s) onboarded:\n", res.Team.Name, res.Team.DisplayName)
			for _, a := range res.Actions {
				line := fmt.Sprintf("  %-9s %s %s", a.Change, a.What, a.Name)
				if a.Detail != "" {
					line += ": " + a.Detail
				}
				fmt.Fprintln(g.stdout, line)
			}
			return nil
		})
	}
	return cmd
}

func newTeamListCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "List teams with their service counts", Args: exactArgs(0, "no arguments")}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCatalog(cmd, func(ctx context.Context, cat *catalog.Catalog) error {
			snap := cat.Current()
			if f == "json" {
				return writeJSON(g.stdout, catalog.TeamList{Teams: orEmpty(snap.Teams)})
			}
			count := map[string]int{}
			for _, s := range snap.Services {
				count[s.Team]++
			}
			rows := [][]string{{"NAME", "DISPLAY NAME", "SERVICES", "CHAT", "EMAIL"}}
			for _, t := range snap.Teams {
				rows = append(rows, []string{t.Name, t.DisplayName, fmt.Sprint(count[t.Name]), dash(t.Contact.Chat), dash(t.Contact.Email)})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
