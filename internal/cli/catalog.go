package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/spf13/cobra"
)

func newCatalogCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "catalog", Short: "Import and inspect the ownership catalog"}
	var dryRun bool
	imp := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import Backstage catalog-info.yaml or paved catalog files and directories",
		Long: `Import teams, services and environments from files or directories (searched
recursively for *.yaml and *.yml). Backstage entities map Group to team and
Component to service (spec.owner, spec.lifecycle, spec.type; the repository
from github.com/project-slug, gitlab.com/project-slug or
backstage.io/source-location). paved annotations add what Backstage lacks:

  paved.dev/namespaces:      "checkout-dev=dev, checkout-prod=prod"
  paved.dev/cloud-accounts:  "aws:123456789012=prod, gcp:shop-staging=staging"
  paved.dev/tier, paved.dev/golden-path, paved.dev/chat (on Groups)

The import is all or nothing: any problem in any file means nothing is
written, and every problem is reported with its file, document and field.
Re-running an import changes nothing.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("catalog import expects at least one file or directory")
			}
			return nil
		},
	}
	format := formatFlag(imp, "table", "json")
	imp.Flags().BoolVar(&dryRun, "dry-run", false, "validate and report what would change without writing")
	imp.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		doc, err := catalog.ReadFiles(args)
		if err != nil {
			return err
		}
		return g.withCatalog(cmd, func(ctx context.Context, cat *catalog.Catalog) error {
			rep, err := cat.Apply(ctx, doc, catalog.ApplyOptions{DryRun: dryRun, Source: "import"})
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, rep)
			}
			printReport(g, rep)
			return nil
		})
	}
	cmd.AddCommand(imp)
	return cmd
}

func printReport(g *globals, rep catalog.Report) {
	verb := "imported"
	if rep.DryRun {
		verb = "would import (dry run, nothing written)"
	}
	fmt.Fprintf(g.stdout, "%s:\n", verb)
	table(g.stdout, [][]string{
		{"", "CREATED", "UPDATED", "UNCHANGED"},
		{"environments", fmt.Sprint(rep.Environments.Created), fmt.Sprint(rep.Environments.Updated), fmt.Sprint(rep.Environments.Unchanged)},
		{"teams", fmt.Sprint(rep.Teams.Created), fmt.Sprint(rep.Teams.Updated), fmt.Sprint(rep.Teams.Unchanged)},
		{"services", fmt.Sprint(rep.Services.Created), fmt.Sprint(rep.Services.Updated), fmt.Sprint(rep.Services.Unchanged)},
	})
	const maxListed = 20
	for i, c := range rep.Changes {
		if i == maxListed {
			fmt.Fprintf(g.stdout, "  ... and %d more (use --format json for all)\n", len(rep.Changes)-maxListed)
			break
		}
		fmt.Fprintf(g.stdout, "  %-9s %s %s\n", c.Change, c.Kind, c.Name)
	}
	if len(rep.Skipped) > 0 {
		kinds := map[string]int{}
		for _, s := range rep.Skipped {
			kinds[s.Kind]++
		}
		var parts []string
		for k, n := range kinds {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
		fmt.Fprintf(g.stdout, "skipped %d entities paved does not model: %s\n", len(rep.Skipped), strings.Join(parts, ", "))
	}
}
