package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newCostCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cost",
		Short: "FinOps: import FOCUS billing data, allocate it to teams, report",
	}
	cmd.AddCommand(newCostImportCmd(g), newCostImportsCmd(g), newCostReportCmd(g), newCostCoverageCmd(g), newCostUnallocatedCmd(g), newCostBudgetCmd(g), newCostAlertsCmd(g), newCostCheckCmd(g), newCostReviewCmd(g))
	return cmd
}

// withCost opens the store, the catalog and the cost service.
func (g *globals) withCost(cmd *cobra.Command, fn func(ctx context.Context, svc *cost.Service) error) error {
	return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
		cat, err := app.OpenCatalogOn(ctx, cfg, db)
		if err != nil {
			return err
		}
		return fn(ctx, cost.NewService(cfg, cat, db))
	})
}

func newCostImportCmd(g *globals) *cobra.Command {
	var skipInvalid bool
	var by string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import FOCUS 1.0-1.3 billing exports (CSV, gzip CSV or Parquet)",
		Long: `Import FOCUS billing exports and allocate every charge to a team, service and
environment: by its tags (the ownership keys and aliases of paved.yaml), else by
the catalog's owner of its sub-account, else by paved.yaml's cost.allocation
rules; what is left is unallocated and shown. cost.shared rules split matching
charges across teams.

Each file is one transaction. Re-importing a billing period of a provider's
billing account replaces it, so totals never double. A row whose costs cannot be
read fails the import (file:line:column and the value) and nothing is written;
--skip-invalid imports the rest and records the rejected lines.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("cost import expects at least one FOCUS file")
			}
			return nil
		},
	}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "import the readable rows and record the rejected ones")
	cmd.Flags().StringVar(&by, "imported-by", os.Getenv("USER"), "who runs the import, for the record")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		defer batchGC()()
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			var imports []cost.Import
			for _, path := range args {
				imp, err := importFile(ctx, svc, path, cost.ImportOptions{SkipInvalid: skipInvalid, ImportedBy: by})
				if err != nil {
					return err
				}
				imports = append(imports, imp)
				if f == "table" {
					writeImport(g.stdout, imp)
				}
			}
			// Budgets and anomalies are checked after an import, so that
			// alerts do not wait for a server's next scheduled run.
			if res, ran, err := svc.RunOnce(ctx, time.Now()); err != nil {
				fmt.Fprintf(g.stderr, "paved: the imports are stored, but checking budgets and anomalies failed: %v\n", err)
			} else if ran && f == "table" && len(res.Check.Alerts) > 0 {
				fmt.Fprintf(g.stdout, "%d cost alerts fired; see paved cost alerts\n", len(res.Check.Alerts))
			}
			if f == "json" {
				return writeJSON(g.stdout, map[string]any{"imports": imports})
			}
			return nil
		})
	}
	return cmd
}

func importFile(ctx context.Context, svc *cost.Service, path string, opts cost.ImportOptions) (cost.Import, error) {
	fh, err := os.Open(path)
	if err != nil {
		return cost.Import{}, err
	}
	defer fh.Close()
	file, err := focus.OSFile(fh)
	if err != nil {
		return cost.Import{}, err
	}
	return svc.Import(ctx, path, file, opts)
}

func money(v float64) string { return fmt.Sprintf("%.2f", v) }

func currencies[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func writeImport(w io.Writer, imp cost.Import) {
	fmt.Fprintf(w, "imported %s (FOCUS %s) as %s\n", imp.File, imp.FOCUSVersion, imp.ID)
	fmt.Fprintf(w, "  rows: %d read, %d imported, %d rejected\n", imp.RowsRead, imp.RowsImported, imp.RowsRejected)
	for _, c := range currencies(imp.Totals) {
		t := imp.Totals[c]
		fmt.Fprintf(w, "  %s: BilledCost %s, EffectiveCost %s, ListCost %s; allocated %.1f%% of EffectiveCost (%s)\n",
			c, money(t.Billed), money(t.Effective), money(t.List), 100*imp.Coverage[c], cost.Band(imp.Coverage[c]))
	}
	var periods []string
	for _, p := range imp.Periods {
		periods = append(periods, fmt.Sprintf("%s %s %s", p.Provider, p.BillingAccount, p.Period))
	}
	fmt.Fprintf(w, "  billing periods: %s\n", strings.Join(periods, "; "))
	if len(imp.Replaced) > 0 {
		fmt.Fprintf(w, "  replaced the same periods from %s\n", strings.Join(imp.Replaced, ", "))
	}
	if len(imp.Normalised) > 0 {
		var parts []string
		for _, k := range currencies(imp.Normalised) {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(k, "_", " "), imp.Normalised[k]))
		}
		fmt.Fprintf(w, "  normalised: %s\n", strings.Join(parts, ", "))
	}
	for _, r := range imp.Rejections {
		fmt.Fprintf(w, "  rejected: %s\n", r)
	}
	for _, warn := range imp.Warnings {
		fmt.Fprintf(w, "  note: %s\n", warn)
	}
}

func newCostImportsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "imports", Short: "List the imports, newest first", Args: exactArgs(0, "no arguments")}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			imps, err := svc.Imports(ctx)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, map[string]any{"imports": imps})
			}
			rows := [][]string{{"ID", "IMPORTED", "FILE", "FOCUS", "ROWS", "REJECTED", "EFFECTIVE COST", "BY"}}
			for _, imp := range imps {
				var totals []string
				for _, c := range currencies(imp.Totals) {
					totals = append(totals, money(imp.Totals[c].Effective)+" "+c)
				}
				rows = append(rows, []string{imp.ID, imp.ImportedAt.Local().Format(time.DateTime), imp.File, imp.FOCUSVersion,
					fmt.Sprint(imp.RowsImported), fmt.Sprint(imp.RowsRejected), strings.Join(totals, ", "), imp.ImportedBy})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func monthFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("month", time.Now().UTC().Format("2006-01"), "month, YYYY-MM")
}

func newCostReportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "report --month YYYY-MM --by DIMENSION", Short: "A month's costs grouped by team, service, environment, provider, account or service name", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json", "csv")
	month := monthFlag(cmd)
	by := cmd.Flags().String("by", "team", "group by: "+strings.Join(cost.DimensionNames, "|"))
	team := cmd.Flags().String("team", "", "only this team's costs")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			rep, err := svc.Report(ctx, *month, *by, *team)
			if err != nil {
				return err
			}
			switch f {
			case "json":
				return writeJSON(g.stdout, rep)
			case "csv":
				w := csv.NewWriter(g.stdout)
				w.Write([]string{"key", "billed_cost", "effective_cost", "list_cost", "currency"})
				for _, r := range rep.Rows {
					w.Write([]string{r.Key, fmt.Sprint(r.BilledCost), fmt.Sprint(r.EffectiveCost), fmt.Sprint(r.ListCost), r.Currency})
				}
				w.Flush()
				return w.Error()
			}
			rows := [][]string{{strings.ToUpper(*by), "BILLED", "EFFECTIVE", "LIST", "CURRENCY"}}
			for _, r := range rep.Rows {
				rows = append(rows, []string{r.Key, money(r.BilledCost), money(r.EffectiveCost), money(r.ListCost), r.Currency})
			}
			for _, c := range currencies(rep.Totals) {
				t := rep.Totals[c]
				rows = append(rows, []string{"total", money(t.Billed), money(t.Effective), money(t.List), c})
			}
			if len(rep.Rows) == 0 {
				fmt.Fprintf(g.stdout, "no costs imported for %s\n", *month)
				return nil
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func newCostCoverageCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "coverage --month YYYY-MM", Short: "Allocated share of EffectiveCost per provider and account, and its FinOps maturity band", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json")
	month := monthFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			cov, err := svc.Coverage(ctx, *month)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, cov)
			}
			rows := [][]string{{"PROVIDER", "ACCOUNT", "EFFECTIVE", "UNALLOCATED", "ALLOCATED", "BAND", "CURRENCY"}}
			for _, r := range cov.Rows {
				rows = append(rows, []string{r.Provider, r.Account, money(r.Effective), money(r.Unallocated), fmt.Sprintf("%.1f%%", 100*r.Share), r.Band, r.Currency})
			}
			for _, r := range cov.Overall {
				rows = append(rows, []string{"all", "", money(r.Effective), money(r.Unallocated), fmt.Sprintf("%.1f%%", 100*r.Share), r.Band, r.Currency})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func newCostUnallocatedCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "unallocated --month YYYY-MM", Short: "Unowned spend, largest accounts and resources first: the shadow-IT list", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json")
	month := monthFlag(cmd)
	limit := cmd.Flags().Int("limit", 25, "how many resources to list")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			list, err := svc.Unallocated(ctx, *month, *limit)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, list)
			}
			rows := [][]string{{"PROVIDER", "ACCOUNT", "NAME", "RESOURCES", "EFFECTIVE", "CURRENCY"}}
			for _, a := range list.Accounts {
				rows = append(rows, []string{a.Provider, a.Account, a.AccountName, fmt.Sprint(a.Resources), money(a.EffectiveCost), a.Currency})
			}
			if err := table(g.stdout, rows); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout)
			rows = [][]string{{"RESOURCE", "SERVICE", "ACCOUNT", "EFFECTIVE", "CURRENCY", "TAGS"}}
			for _, r := range list.Resources {
				id := r.ResourceID
				if id == "" {
					id = "(no resource id)"
				}
				rows = append(rows, []string{id, r.ServiceName, r.Account, money(r.EffectiveCost), r.Currency, r.Tags})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

// importHeap is the heap a one-shot import may grow to before the
// collector runs (see batchGC).
const importHeap = 192 << 20

// batchGC tunes the garbage collector for a one-shot batch command and
// returns the function that restores it. An import allocates in short
// bursts and keeps little; collecting only as the heap nears importHeap,
// instead of each time it doubles, takes a tenth off a 1M-row import for
// a peak of about 230 MB, under the 300 MB the import is held to. A
// GOGC or GOMEMLIMIT set by the user wins.
func batchGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(importHeap)
	return func() {
		debug.SetMemoryLimit(limit)
		debug.SetGCPercent(percent)
	}
}
