package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func loadString(t *testing.T, src string) (Config, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "paved.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path)
}

func TestCostBudgetsAlertsValid(t *testing.T) {
	cfg, err := loadString(t, `
cost:
  budgets:
    default: {amount: 1000}
    teams:
      payments:
        amount: 5000
        currency: EUR
        services: {checkout: {amount: 2000}}
        environments: {prod: {amount: 4000}}
      search:
        services: {indexer: {amount: 300}}
  thresholds:
    actual: [100, 75]
  anomaly: {min_impact: 100}
  alerts:
    webhooks:
      - {team: payments, url: "https://hooks.slack.com/services/T0/B0/abc", format: slack, secret_env: PAVED_SLACK_KEY}
      - {team: "*", url: "http://alerts.internal:8080/paved", format: json}
`)
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Cost
	if c.Budgets.Default == nil || c.Budgets.Default.Amount != 1000 || c.Budgets.Default.CurrencyOrDefault() != "USD" {
		t.Errorf("default budget = %+v", c.Budgets.Default)
	}
	p := c.Budgets.Teams["payments"]
	if p.Amount != 5000 || p.CurrencyOrDefault() != "EUR" || p.Services["checkout"].Amount != 2000 || p.Environments["prod"].Amount != 4000 {
		t.Errorf("payments budget = %+v", p)
	}
	if got := c.Thresholds.ActualOrDefault(); !reflect.DeepEqual(got, []float64{75, 100}) {
		t.Errorf("actual thresholds = %v, want sorted [75 100]", got)
	}
	if got := c.Thresholds.ForecastOrDefault(); !reflect.DeepEqual(got, []float64{100}) {
		t.Errorf("forecast thresholds default = %v", got)
	}
	if a := c.Anomaly.WithDefaults(); a.BaselineDays != 28 || a.MinImpact != 100 || a.Sensitivity != 3.5 {
		t.Errorf("anomaly = %+v", a)
	}
	if len(c.Alerts.Webhooks) != 2 || c.Alerts.Webhooks[1].Team != AllTeams {
		t.Errorf("webhooks = %+v", c.Alerts.Webhooks)
	}
}

func TestCostDefaults(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Cost
	if c.Budgets.Default != nil || len(c.Budgets.Teams) != 0 {
		t.Errorf("budgets by default = %+v", c.Budgets)
	}
	if got := c.Thresholds.ActualOrDefault(); !reflect.DeepEqual(got, []float64{50, 80, 100}) {
		t.Errorf("actual thresholds = %v", got)
	}
	if a := c.Anomaly.WithDefaults(); a != (Anomaly{BaselineDays: 28, MinImpact: 25, Sensitivity: 3.5}) {
		t.Errorf("anomaly defaults = %+v", a)
	}
	off, err := loadString(t, "cost:\n  thresholds: {forecast: []}\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := off.Cost.Thresholds.ForecastOrDefault(); len(got) != 0 {
		t.Errorf("forecast: [] should turn forecast alerts off, got %v", got)
	}
}

// TestCostInvalid checks each bad value is reported at its line, naming
// the field and what would be valid, and never echoing a webhook URL.
func TestCostInvalid(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"amounts", `cost:
  budgets:
    default: {amount: 0}
    teams:
      payments:
        amount: -5
        services: {checkout: {amount: 0}}
`, []string{
			"paved.yaml:3: cost.budgets.default.amount: 0 is not a budget; give an amount above 0",
			"paved.yaml:6: cost.budgets.teams.payments.amount: -5 is not a budget",
			"paved.yaml:7: cost.budgets.teams.payments.services.checkout.amount: 0 is not a budget",
		}},
		{"currency", `cost:
  budgets:
    default: {amount: 10, currency: usd}
    teams:
      payments: {amount: 10, currency: DOLLARS}
`, []string{
			`paved.yaml:3: cost.budgets.default.currency: "usd" is not a currency; use a 3-letter upper-case ISO 4217 code`,
			`paved.yaml:5: cost.budgets.teams.payments.currency: "DOLLARS" is not a currency`,
		}},
		{"team names and environments", `cost:
  budgets:
    teams:
      Payments: {amount: 10}
      search:
        environments: {production: {amount: 5}}
`, []string{
			`paved.yaml:4: cost.budgets.teams.Payments: "Payments" is not a valid name`,
			`paved.yaml:6: cost.budgets.teams.search.environments.production: "production" is not a configured environment; valid: dev, staging, prod`,
		}},
		{"team without any amount", `cost:
  budgets:
    teams:
      payments: {currency: EUR}
`, []string{"paved.yaml:4: cost.budgets.teams.payments.amount: 0 is not a budget"}},
		{"thresholds", `cost:
  thresholds:
    actual: [0, 80, 80]
    forecast: [1001]
`, []string{
			"paved.yaml:3: cost.thresholds.actual[0]: 0 is out of range; use a percentage of the budget from 1 to 1000",
			"paved.yaml:3: cost.thresholds.actual[2]: duplicate threshold 80 (also cost.thresholds.actual[1])",
			"paved.yaml:4: cost.thresholds.forecast[0]: 1001 is out of range",
		}},
		{"anomaly", `cost:
  anomaly:
    baseline_days: 3
    min_impact: -1
    sensitivity: 50
`, []string{
			"paved.yaml:3: cost.anomaly.baseline_days: 3 is out of range; use 7 to 366 days",
			"paved.yaml:4: cost.anomaly.min_impact: -1 is not an amount",
			"paved.yaml:5: cost.anomaly.sensitivity: 50 is out of range",
		}},
		{"webhooks", `cost:
  alerts:
    webhooks:
      - {team: payments, url: "ftp://hooks.example.com/T0/sekrit", format: slack}
      - team: ""
        url: ""
        format: teams
        secret_env: "1BAD"
      - {team: "Pay Ments", url: "https://x.example.com/sekrit", format: json}
`, []string{
			"paved.yaml:4: cost.alerts.webhooks[0].url: is not an http:// or https:// URL with a host",
			`paved.yaml:5: cost.alerts.webhooks[1].team: is required: a team name, or "*" for every team`,
			"paved.yaml:6: cost.alerts.webhooks[1].url: is required",
			`paved.yaml:7: cost.alerts.webhooks[1].format: "teams" is not a webhook format; use slack`,
			`paved.yaml:8: cost.alerts.webhooks[1].secret_env: "1BAD" is not an environment variable name`,
			`paved.yaml:9: cost.alerts.webhooks[2].team: "Pay Ments" is not a valid name`,
		}},
		{"unknown key", `cost:
  budgets:
    teams:
      payments: {amount: 10, limit: 5}
`, []string{`paved.yaml:4: cost.budgets.teams.payments.limit: unknown key "limit"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadString(t, tt.src)
			if err == nil {
				t.Fatal("invalid configuration was accepted")
			}
			got := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors lack %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, "sekrit") {
				t.Errorf("errors echo a webhook URL:\n%s", got)
			}
		})
	}
}
