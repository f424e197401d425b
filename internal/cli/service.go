package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/spf13/cobra"
)

func newServiceCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "List services"}
	list := &cobra.Command{Use: "list", Short: "List services with owner, namespaces and accounts", Args: exactArgs(0, "no arguments")}
	format := formatFlag(list, "table", "json")
	team := list.Flags().String("team", "", "only this team's services")
	list.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCatalog(cmd, func(ctx context.Context, cat *catalog.Catalog) error {
			if *team != "" {
				if _, err := cat.Team(ctx, *team); err != nil {
					return err
				}
			}
			svcs, err := cat.Services(ctx, *team)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, catalog.ServiceList{Services: orEmpty(svcs)})
			}
			rows := [][]string{{"NAME", "TEAM", "LIFECYCLE", "TIER", "NAMESPACES", "ACCOUNTS", "REPOSITORY"}}
			for _, s := range svcs {
				var ns, acct []string
				for _, n := range s.Namespaces {
					ns = append(ns, n.Name)
				}
				for _, a := range s.CloudAccounts {
					acct = append(acct, a.ID)
				}
				rows = append(rows, []string{s.Name, s.Team, dash(s.Lifecycle), dash(s.Tier), dash(strings.Join(ns, ",")), fmt.Sprint(len(acct)), dash(s.Repository)})
			}
			return table(g.stdout, rows)
		})
	}
	cmd.AddCommand(list)
	return cmd
}
