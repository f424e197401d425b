package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery/dora"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newDoraCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dora [--team T] [--service S] [--from DATE] [--to DATE]",
		Short: "The five DORA metrics of the organisation, a team or a service, banded against DORA 2024",
		Long: `Deployment frequency, change lead time, change failure rate, failed deployment
recovery time and deployment rework rate, from the deployments, changes and
incidents paved has received, over the window [--from, --to) of UTC days.
Bands compare each metric with the DORA 2024 Accelerate State of DevOps
report's performance levels; a metric with nothing to measure says "no data".

Without --team or --service the report covers the whole organisation; --team
unowned covers the deliveries no team owns. --to is the day after the last day
counted (default: tomorrow, so that today counts); --from defaults to 90 days
before --to.`,
		Args: exactArgs(0, "no arguments (use the flags)"),
	}
	format := formatFlag(cmd, "table", "json")
	team := cmd.Flags().String("team", "", "a team (paved team list names them), or unowned")
	service := cmd.Flags().String("service", "", "a service (paved service list names them)")
	from := cmd.Flags().String("from", "", "first day counted, YYYY-MM-DD (default: 90 days before --to)")
	to := cmd.Flags().String("to", "", "the day after the last day counted, YYYY-MM-DD (default: tomorrow)")
	weeks := cmd.Flags().Bool("weeks", false, "also print the weekly series (table format)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
			cat, err := app.OpenCatalogOn(ctx, cfg, db)
			if err != nil {
				return err
			}
			svc := dora.NewService(db, cat)
			w, err := svc.Window(*from, *to)
			if err != nil {
				return err
			}
			rep, err := svc.Report(ctx, dora.Query{Team: *team, Service: *service, Window: w})
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, rep)
			}
			if err := writeDORA(g.stdout, w, rep); err != nil {
				return err
			}
			if *weeks {
				fmt.Fprintln(g.stdout)
				return writeDORAWeeks(g.stdout, rep.Weeks)
			}
			return nil
		})
	}
	return cmd
}

// writeDORA prints a report: one line per metric with its value, what it
// was computed from and its band.
func writeDORA(w io.Writer, win dora.Window, rep dora.Report) error {
	scope := "the organisation"
	switch rep.Scope.Kind {
	case dora.TeamScope:
		scope = "team " + rep.Scope.Name
	case dora.ServiceScope:
		scope = fmt.Sprintf("service %s (team %s)", rep.Scope.Name, dash(rep.Scope.Team))
	}
	fmt.Fprintf(w, "DORA metrics of %s, %s\nbands: %s\n\n", scope, win, rep.BandSource)
	m := rep.Metrics
	df, lt, cfr, rt, rr := m.DeploymentFrequency, m.LeadTime, m.ChangeFailureRate, m.RecoveryTime, m.ReworkRate
	freq := "-"
	if df.Value != nil {
		freq = fmt.Sprintf("%s/week (%s/day)", decimal(*df.Value), decimal(*df.PerDay))
	}
	rows := [][]string{
		{"METRIC", "VALUE", "SAMPLE", "BAND"},
		{"deployment frequency", freq, fmt.Sprintf("%s on %s", plural(df.SampleSize, "deployment"), plural(df.DeploymentDays, "day")), string(df.Band)},
		{"change lead time", durations(lt), plural(lt.SampleSize, "change"), string(lt.Band)},
		{"change failure rate", pct(cfr.Value), fmt.Sprintf("%d of %s", cfr.Count, plural(cfr.SampleSize, "deployment")), string(cfr.Band)},
		{"failed deployment recovery time", durations(rt.Duration), fmt.Sprintf("%d recovered, %d not yet", rt.SampleSize, rt.Unrecovered), string(rt.Band)},
		{"deployment rework rate", pct(rr.Value), fmt.Sprintf("%d of %s", rr.Count, plural(rr.SampleSize, "deployment")), string(rr.Band)},
	}
	if err := table(w, rows); err != nil {
		return err
	}
	if df.MedianPerWeek != nil {
		fmt.Fprintf(w, "\nfrequency band: %s deployments in the median of %s\n", decimal(*df.MedianPerWeek), plural(df.FullWeeks, "full week"))
	}
	if cfr.UnlinkedIncidents > 0 {
		fmt.Fprintf(w, "%s opened in the window name no deployment and are not in the change failure rate\n", plural(cfr.UnlinkedIncidents, "incident"))
	}
	if rr.BandNote != "" {
		fmt.Fprintf(w, "rework rate is not banded: %s\n", rr.BandNote)
	}
	return nil
}

func writeDORAWeeks(w io.Writer, weeks []dora.Week) error {
	rows := [][]string{{"WEEK", "MONDAY", "DAYS", "DEPLOYMENTS", "FAILED", "CFR", "REWORK", "CHANGES", "LEAD TIME p50", "RECOVERY p50"}}
	for _, x := range weeks {
		rows = append(rows, []string{x.Week, x.Start, fmt.Sprint(x.Days), fmt.Sprint(x.Deployments), fmt.Sprint(x.Failed),
			pct(x.ChangeFailureRate), pct(x.ReworkRate), fmt.Sprint(x.Changes), hoursText(x.LeadTimeMedian), hoursText(x.RecoveryMedian)})
	}
	return table(w, rows)
}

func durations(d dora.Duration) string {
	if d.Value == nil {
		return "-"
	}
	return fmt.Sprintf("median %s (p75 %s, p90 %s)", hoursText(d.Value), hoursText(d.P75), hoursText(d.P90))
}

// hoursText renders hours as people read durations: 45m, 5h 30m, 2d 4h.
func hoursText(h *float64) string {
	if h == nil {
		return "-"
	}
	minutes := int64(math.Round(*h * 60))
	switch {
	case minutes < 60:
		return fmt.Sprintf("%dm", minutes)
	case minutes < 24*60:
		return fmt.Sprintf("%dh %dm", minutes/60, minutes%60)
	}
	hours := int64(math.Round(*h))
	return fmt.Sprintf("%dd %dh", hours/24, hours%24)
}

func pct(v *float64) string {
	if v == nil {
		return "-"
	}
	return decimal(*v) + "%"
}

// decimal shows a number to two decimals, without trailing zeros.
func decimal(v float64) string {
	s := strings.TrimRight(fmt.Sprintf("%.2f", v), "0")
	return strings.TrimSuffix(s, ".")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
