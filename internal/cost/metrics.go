package cost

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metricsTTL is how long scraped cost figures are reused: several
// Prometheus servers scraping every few seconds should not each sum the
// month's rollups.
const metricsTTL = 30 * time.Second

var (
	monthToDateDesc = prometheus.NewDesc("paved_cost_month_to_date",
		"EffectiveCost of the current calendar month (UTC) so far, per team and billing currency.", []string{"team", "currency"}, nil)
	budgetDesc = prometheus.NewDesc("paved_cost_budget",
		"Monthly team-wide budget, per team and currency (from paved.yaml, the API or onboarding).", []string{"team", "currency"}, nil)
)

// teamAmount is one sample: a team's amount in a currency.
type teamAmount struct {
	team, currency string
	value          float64
}

// metricsCache holds the last figures computed for a scrape.
type metricsCache struct {
	mu      sync.Mutex
	at      time.Time
	month   string
	spend   []teamAmount
	budgets []teamAmount
}

// invalidate makes the next scrape read the store again (after an import
// or a budget change).
func (c *metricsCache) invalidate() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// Collector exports month-to-date spend and budgets per team for
// Prometheus, computed at scrape time from the store and cached for 30 s,
// for teams that watch their spend in Grafana. Register it on the
// server's registry.
func (s *Service) Collector() prometheus.Collector { return costCollector{s} }

type costCollector struct{ s *Service }

func (c costCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- monthToDateDesc
	ch <- budgetDesc
}

func (c costCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	spend, budgets, err := c.s.metricValues(ctx, time.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(monthToDateDesc, err)
		return
	}
	for _, v := range spend {
		ch <- prometheus.MustNewConstMetric(monthToDateDesc, prometheus.GaugeValue, v.value, v.team, v.currency)
	}
	for _, v := range budgets {
		ch <- prometheus.MustNewConstMetric(budgetDesc, prometheus.GaugeValue, v.value, v.team, v.currency)
	}
}

// metricValues returns the cached figures, or computes them when they
// are older than metricsTTL or of another month. A failed read serves the
// figures of the same month it has, if any.
func (s *Service) metricValues(ctx context.Context, now time.Time) (spend, budgets []teamAmount, err error) {
	c := &s.alerting.metrics
	c.mu.Lock()
	defer c.mu.Unlock()
	month := now.UTC().Format("2006-01")
	if c.month == month && now.Sub(c.at) < metricsTTL {
		return c.spend, c.budgets, nil
	}
	spend, budgets, err = s.readMetricValues(ctx, month)
	if err != nil {
		if c.month == month && !c.at.IsZero() {
			slog.WarnContext(ctx, "cost metrics: serving the previous figures", "err", err)
			return c.spend, c.budgets, nil
		}
		return nil, nil, err
	}
	c.at, c.month, c.spend, c.budgets = now, month, spend, budgets
	return spend, budgets, nil
}

func (s *Service) readMetricValues(ctx context.Context, month string) (spend, budgets []teamAmount, err error) {
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT team, currency, SUM(effective_cost) FROM cost_monthly WHERE month = $1
		GROUP BY team, currency ORDER BY team, currency`, month)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	type tc struct{ team, currency string }
	seen := map[tc]bool{}
	for rows.Next() {
		var v teamAmount
		if err := rows.Scan(&v.team, &v.currency, &v.value); err != nil {
			return nil, nil, err
		}
		spend = append(spend, v)
		seen[tc{v.team, v.currency}] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	list, err := s.budgetList(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	for _, b := range list {
		if b.Service != "" || b.Environment != "" {
			continue
		}
		budgets = append(budgets, teamAmount{b.Team, b.Currency, b.Amount})
		// A budgeted team that has spent nothing yet shows 0, so that
		// spend/budget ratios exist from the first day of the month.
		if !seen[tc{b.Team, b.Currency}] {
			spend = append(spend, teamAmount{b.Team, b.Currency, 0})
			seen[tc{b.Team, b.Currency}] = true
		}
	}
	return spend, budgets, nil
}
