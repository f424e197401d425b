package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/cost"
	"github.com/spf13/cobra"
)

// The budget, alert and check commands of `paved cost`.

func newCostBudgetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "budget",
		Short: "Monthly budgets per team (or per service or environment of a team)",
		Long: `Monthly budgets per team, optionally per service or environment, one currency
each. Budgets in paved.yaml (cost.budgets) win over those set here; onboarding
gives a new team cost.budgets.default.`,
	}
	cmd.AddCommand(newCostBudgetSetCmd(g), newCostBudgetListCmd(g), newCostBudgetDeleteCmd(g))
	return cmd
}

func newCostBudgetSetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "set --team T --amount N", Short: "Set a team's monthly budget", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json")
	var b cost.Budget
	cmd.Flags().StringVar(&b.Team, "team", "", "the team (required)")
	cmd.Flags().Float64Var(&b.Amount, "amount", 0, "the monthly amount (required, above 0)")
	cmd.Flags().StringVar(&b.Currency, "currency", "", "ISO 4217 currency (default: cost.budgets.default's, else USD)")
	cmd.Flags().StringVar(&b.Service, "service", "", "budget only this service of the team")
	cmd.Flags().StringVar(&b.Environment, "environment", "", "budget only this environment of the team")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if b.Team == "" || !cmd.Flags().Changed("amount") {
			return fmt.Errorf("cost budget set needs --team and --amount\nusage: %s", cmd.UseLine())
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			set, err := svc.SetBudget(ctx, b)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, set)
			}
			fmt.Fprintf(g.stdout, "budget of %s set to %s %s a month\n", budgetWho(set), money(set.Amount), set.Currency)
			return nil
		})
	}
	return cmd
}

func budgetWho(b cost.Budget) string {
	who := "team " + b.Team
	if sc := b.Scope(); sc != "" {
		who += " (" + strings.ReplaceAll(sc, "=", " ") + ")"
	}
	return who
}

func newCostBudgetDeleteCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "delete --team T", Short: "Remove a budget set with `budget set` or by onboarding", Args: exactArgs(0, "no arguments (use the flags)")}
	team := cmd.Flags().String("team", "", "the team (required)")
	service := cmd.Flags().String("service", "", "the service's budget")
	env := cmd.Flags().String("environment", "", "the environment's budget")
	currency := cmd.Flags().String("currency", "", "only this currency's (default: all of the scope's)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *team == "" {
			return fmt.Errorf("cost budget delete needs --team\nusage: %s", cmd.UseLine())
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			if err := svc.DeleteBudget(ctx, *team, *service, *env, *currency); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "budget of %s removed\n", budgetWho(cost.Budget{Team: *team, Service: *service, Environment: *env}))
			return nil
		})
	}
	return cmd
}

func newCostBudgetListCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "list [--month YYYY-MM]", Short: "Budgets with the month's spend, forecast and status", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json")
	month := monthFlag(cmd)
	team := cmd.Flags().String("team", "", "only this team's budgets")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			var list []cost.BudgetStatus
			if *team != "" {
				list, err = svc.TeamBudgets(ctx, *team, *month)
			} else {
				list, err = svc.Budgets(ctx, *month)
			}
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, map[string]any{"month": *month, "budgets": list})
			}
			if len(list) == 0 {
				fmt.Fprintln(g.stdout, "no budgets; set one with paved cost budget set, or in paved.yaml (cost.budgets)")
				return nil
			}
			rows := [][]string{{"TEAM", "SCOPE", "BUDGET", "MONTH-TO-DATE", "FORECAST", "USED", "STATUS", "CURRENCY", "SOURCE"}}
			for _, b := range list {
				rows = append(rows, []string{b.Team, dash(b.Scope()), money(b.Amount), money(b.MonthToDate), money(b.Forecast),
					fmt.Sprintf("%.0f%%", b.UsedPercent), b.Status, b.Currency, b.Source})
			}
			if err := table(g.stdout, rows); err != nil {
				return err
			}
			if asOf := list[0].AsOf; asOf != "" {
				fmt.Fprintf(g.stdout, "\n%s: billing data up to %s\n", *month, asOf)
			}
			return nil
		})
	}
	return cmd
}

func newCostAlertsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "alerts [--team T] [--month YYYY-MM]", Short: "Budget, forecast and anomaly alerts with their delivery, newest first", Args: exactArgs(0, "no arguments (use the flags)")}
	format := formatFlag(cmd, "table", "json")
	team := cmd.Flags().String("team", "", "only this team's alerts")
	month := cmd.Flags().String("month", "", "only this month's alerts, YYYY-MM (default: all)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			alerts, err := svc.Alerts(ctx, *team, *month)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, cost.AlertList{Alerts: alerts})
			}
			if len(alerts) == 0 {
				fmt.Fprintln(g.stdout, "no alerts")
				return nil
			}
			rows := [][]string{{"RAISED", "TEAM", "KIND", "SEVERITY", "DELIVERY", "MESSAGE"}}
			for _, a := range alerts {
				delivery := a.Status
				if a.Attempts > 0 {
					delivery += fmt.Sprintf(" (%d attempts)", a.Attempts)
				}
				rows = append(rows, []string{a.CreatedAt.Local().Format(time.DateTime), a.Team, a.Kind, a.Severity, delivery, a.Message})
			}
			if err := table(g.stdout, rows); err != nil {
				return err
			}
			for _, a := range alerts {
				if a.LastError != "" {
					fmt.Fprintf(g.stdout, "  %s (%s): %s\n", a.ID, a.Team, a.LastError)
				}
			}
			return nil
		})
	}
	return cmd
}

func newCostCheckCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check budgets, forecasts and anomalies now and deliver the alerts",
		Long: `Check the budgets of the current and the just-ended month (actual spend and
forecast against cost.thresholds) and look for anomalies in daily spend, then
send what fired, and any alert waiting for a retry, to cost.alerts.webhooks.
Each alert fires once: running this again, or beside paved serve, which runs the
same checks on a schedule, raises nothing twice.`,
		Args: exactArgs(0, "no arguments"),
	}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withCost(cmd, func(ctx context.Context, svc *cost.Service) error {
			res, ran, err := svc.RunOnce(ctx, time.Now())
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, map[string]any{"ran": ran, "check": res.Check, "delivery": res.Delivery})
			}
			if !ran {
				fmt.Fprintln(g.stdout, "another paved is running the cost checks right now; nothing done")
				return nil
			}
			if len(res.Check.Alerts) == 0 {
				fmt.Fprintln(g.stdout, "no new alerts")
			}
			for _, a := range res.Check.Alerts {
				fmt.Fprintf(g.stdout, "fired  %-8s %-8s %s\n", a.Severity, a.Kind, a.Message)
			}
			d := res.Delivery
			fmt.Fprintf(g.stdout, "delivery: %d delivered, %d to retry, %d failed, %d with no webhook for their team\n", d.Delivered, d.Retrying, d.Failed, d.Unrouted)
			return nil
		})
	}
	return cmd
}
