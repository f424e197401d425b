package cli

import (
	"fmt"

	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newMigrateCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations (paved serve also does this on start)",
		Long: `Bring the database schema up to date. Safe to run while other replicas start:
on PostgreSQL an advisory lock makes them take turns.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.load(cmd)
			if err != nil {
				return err
			}
			ctx, cancel := interruptible(cmd)
			defer cancel()
			db, err := store.Open(ctx, store.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir})
			if err != nil {
				return err
			}
			defer db.Close()
			before, latest, err := db.MigrationStatus(ctx)
			if err != nil {
				return err
			}
			after, err := db.Migrate(ctx)
			if err != nil {
				return err
			}
			if before == after {
				fmt.Fprintf(g.stdout, "%s is up to date at schema version %d\n", db.Where, after)
			} else {
				fmt.Fprintf(g.stdout, "%s migrated from schema version %d to %d (latest %d)\n", db.Where, before, after, latest)
			}
			return nil
		},
	}
	return cmd
}
