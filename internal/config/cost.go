package config

import (
	"fmt"
	"math"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/slug"
)

// Cost configures FinOps: how charges no tag or catalog entry explains
// are allocated, how shared charges are split across teams, and the
// budgets, thresholds, anomaly detection and alert webhooks that turn
// spend into something a team hears about.
type Cost struct {
	// Allocation rules apply, first match wins, to charges whose tags and
	// accounts name no owner.
	Allocation []AllocationRule `yaml:"allocation"`
	// Shared rules take matching charges out of direct allocation and
	// split them across teams.
	Shared []SharedRule `yaml:"shared"`
	// Budgets are monthly, per team (optionally per service or
	// environment), in one currency each.
	Budgets Budgets `yaml:"budgets"`
	// Thresholds are the percentages of a budget that alert.
	Thresholds Thresholds `yaml:"thresholds"`
	// Anomaly tunes the detection of unusual daily spend.
	Anomaly Anomaly `yaml:"anomaly"`
	// Alerts says where budget and anomaly alerts are sent.
	Alerts Alerts `yaml:"alerts"`
}

// AllocationRule gives matching charges an owner.
type AllocationRule struct {
	Name string `yaml:"name"`
	// Match maps FOCUS column names (or x_ columns) to glob patterns
	// (path.Match: *, ?, [..]); every entry must match.
	Match       map[string]string `yaml:"match"`
	Team        string            `yaml:"team"`
	Service     string            `yaml:"service"`
	Environment string            `yaml:"environment"`
}

// Split methods of shared costs, as AWS Cost Categories and Kubecost name
// them.
const (
	SplitProportional = "proportional"
	SplitEven         = "even"
	SplitFixed        = "fixed"
)

// SharedRule splits matching charges across teams.
type SharedRule struct {
	Name  string            `yaml:"name"`
	Match map[string]string `yaml:"match"`
	// Method: proportional to each team's direct spend in the month,
	// even, or fixed percentages.
	Method string `yaml:"method"`
	// Teams limits the split to these teams (proportional, even); empty
	// means every team with direct spend that month.
	Teams []string `yaml:"teams"`
	// Percentages per team for the fixed method; they sum to 100.
	Percentages map[string]float64 `yaml:"percentages"`
}

func (v *validator) cost(c Config) {
	v.costRules(c)
	v.budgets(c)
	v.thresholds(c.Cost.Thresholds)
	v.anomaly(c.Cost.Anomaly)
	v.alerts(c.Cost.Alerts)
}

func (v *validator) costRules(c Config) {
	names := map[string]string{}
	checkMatch := func(p string, m map[string]string) {
		if len(m) == 0 {
			v.add(p, "is empty; name at least one FOCUS column and a pattern, e.g. ServiceCategory: Networking")
		}
		for col, pat := range m {
			if !strings.HasPrefix(col, "x_") && !focus.IsColumn(col) {
				v.add(p+"."+col, "%q is not a FOCUS column; use a FOCUS column name (e.g. SubAccountId, ServiceCategory, ResourceId) or an x_ provider column", col)
			}
			if _, err := path.Match(pat, ""); err != nil {
				v.add(p+"."+col, "%q is not a valid pattern (use * and ? wildcards)", pat)
			}
		}
	}
	checkName := func(p, name string) {
		if name == "" {
			v.add(p+".name", "is required: it names the rule in reports")
		} else if prev, dup := names[name]; dup {
			v.add(p+".name", "duplicate rule name %q (also %s)", name, prev)
		} else {
			names[name] = p
		}
	}
	for i, r := range c.Cost.Allocation {
		p := fmt.Sprintf("cost.allocation[%d]", i)
		checkName(p, r.Name)
		checkMatch(p+".match", r.Match)
		if r.Team == "" {
			v.add(p+".team", "is required: the team the matching charges belong to")
		}
		if r.Environment != "" && !c.hasEnvironment(r.Environment) {
			v.add(p+".environment", "%q is not a configured environment; valid: %s", r.Environment, strings.Join(envNames(c.Environments), ", "))
		}
	}
	for i, r := range c.Cost.Shared {
		p := fmt.Sprintf("cost.shared[%d]", i)
		checkName(p, r.Name)
		checkMatch(p+".match", r.Match)
		switch r.Method {
		case SplitProportional, SplitEven:
			if len(r.Percentages) > 0 {
				v.add(p+".percentages", "only the fixed method takes percentages")
			}
		case SplitFixed:
			if len(r.Percentages) == 0 {
				v.add(p+".percentages", "the fixed method needs percentages per team, summing to 100")
			}
			sum := 0.0
			for team, pct := range r.Percentages {
				if pct <= 0 {
					v.add(p+".percentages."+team, "%v must be above 0", pct)
				}
				sum += pct
			}
			if len(r.Percentages) > 0 && math.Abs(sum-100) > 0.001 {
				v.add(p+".percentages", "sum to %v; they must sum to 100", sum)
			}
		default:
			v.add(p+".method", "%q is not a split method; valid: %s, %s, %s", r.Method, SplitProportional, SplitEven, SplitFixed)
		}
	}
}

// DefaultCurrency is the currency of a budget that names none.
const DefaultCurrency = "USD"

// Budgets are the monthly budgets in paved.yaml. Budgets set through the
// API or by onboarding live in the store; a budget written here wins over
// a stored one for the same scope, since git is where it is reviewed.
type Budgets struct {
	// Default is the budget `paved team onboard` gives a new team (none
	// when absent).
	Default *Money `yaml:"default"`
	// Teams maps a team to its budget.
	Teams map[string]TeamBudget `yaml:"teams"`
}

// Money is an amount in a currency (ISO 4217; USD when absent).
type Money struct {
	Amount   float64 `yaml:"amount"`
	Currency string  `yaml:"currency"`
}

// CurrencyOrDefault returns the currency, USD when none is given.
func (m Money) CurrencyOrDefault() string {
	if m.Currency == "" {
		return DefaultCurrency
	}
	return m.Currency
}

// TeamBudget is a team's monthly budget, with optional budgets for some
// of its services or environments in the same currency. The team's
// amount may be left out when only services or environments have one.
type TeamBudget struct {
	Amount       float64                 `yaml:"amount"`
	Currency     string                  `yaml:"currency"`
	Services     map[string]ScopedBudget `yaml:"services"`
	Environments map[string]ScopedBudget `yaml:"environments"`
}

// CurrencyOrDefault returns the team budget's currency, USD when none is given.
func (t TeamBudget) CurrencyOrDefault() string {
	return Money{Currency: t.Currency}.CurrencyOrDefault()
}

// ScopedBudget is the monthly budget of one service or environment of a
// team, in the team budget's currency.
type ScopedBudget struct {
	Amount float64 `yaml:"amount"`
}

// Thresholds are percentages of a budget: crossing one with the month's
// actual spend, or with its forecast, raises an alert once.
type Thresholds struct {
	// Actual defaults to 50, 80 and 100 when absent; [] turns them off.
	Actual []float64 `yaml:"actual"`
	// Forecast defaults to 100 when absent; [] turns it off.
	Forecast []float64 `yaml:"forecast"`
}

// ActualOrDefault returns the actual-spend thresholds, ascending.
func (t Thresholds) ActualOrDefault() []float64 {
	if t.Actual == nil {
		return []float64{50, 80, 100}
	}
	return ascending(t.Actual)
}

// ForecastOrDefault returns the forecast thresholds, ascending.
func (t Thresholds) ForecastOrDefault() []float64 {
	if t.Forecast == nil {
		return []float64{100}
	}
	return ascending(t.Forecast)
}

func ascending(in []float64) []float64 {
	out := append([]float64{}, in...)
	sort.Float64s(out)
	return out
}

// Anomaly tunes anomaly detection on daily EffectiveCost. Zero values
// mean the defaults.
type Anomaly struct {
	// BaselineDays is how many trailing days a day is judged against
	// (default 28).
	BaselineDays int `yaml:"baseline_days"`
	// MinImpact is the smallest difference from the expected spend, in
	// the billing currency, worth an alert (default 25), so that pennies
	// do not page anyone.
	MinImpact float64 `yaml:"min_impact"`
	// Sensitivity is how many robust standard deviations (1.4826 × MAD)
	// from the median a day must be (default 3.5; lower alerts more).
	Sensitivity float64 `yaml:"sensitivity"`
}

// Anomaly defaults.
const (
	DefaultBaselineDays = 28
	DefaultMinImpact    = 25
	DefaultSensitivity  = 3.5
)

// WithDefaults returns a with zero values replaced by the defaults.
func (a Anomaly) WithDefaults() Anomaly {
	if a.BaselineDays == 0 {
		a.BaselineDays = DefaultBaselineDays
	}
	if a.MinImpact == 0 {
		a.MinImpact = DefaultMinImpact
	}
	if a.Sensitivity == 0 {
		a.Sensitivity = DefaultSensitivity
	}
	return a
}

// Alerts lists the webhooks alerts are sent to.
type Alerts struct {
	Webhooks []Webhook `yaml:"webhooks"`
}

// Webhook formats: a Slack-compatible incoming webhook, or paved's
// generic JSON.
const (
	WebhookSlack = "slack"
	WebhookJSON  = "json"
)

// AllTeams as a webhook's team sends every team's alerts to it.
const AllTeams = "*"

// Webhook is where one team's (or every team's) alerts are posted.
type Webhook struct {
	Team string `yaml:"team"`
	// URL is secret in practice (a Slack webhook's path is its
	// credential): paved never logs or echoes it.
	URL    string `yaml:"url"`
	Format string `yaml:"format"`
	// SecretEnv names an environment variable holding an HMAC key; when
	// set, each request carries X-Paved-Signature: sha256=<hex HMAC of
	// the body>.
	SecretEnv string `yaml:"secret_env"`
}

func (v *validator) budgets(c Config) {
	b := c.Cost.Budgets
	if b.Default != nil {
		v.amount("cost.budgets.default.amount", b.Default.Amount)
		v.currency("cost.budgets.default.currency", b.Default.Currency)
	}
	for _, team := range budgetKeys(b.Teams) {
		tb := b.Teams[team]
		p := "cost.budgets.teams." + team
		if err := slug.Check(team); err != nil {
			v.add(p, "%v", err)
		}
		if tb.Amount != 0 || (len(tb.Services) == 0 && len(tb.Environments) == 0) {
			v.amount(p+".amount", tb.Amount)
		}
		v.currency(p+".currency", tb.Currency)
		for _, svc := range budgetKeys(tb.Services) {
			if err := slug.Check(svc); err != nil {
				v.add(p+".services."+svc, "%v", err)
			}
			v.amount(p+".services."+svc+".amount", tb.Services[svc].Amount)
		}
		for _, env := range budgetKeys(tb.Environments) {
			if !c.hasEnvironment(env) {
				v.add(p+".environments."+env, "%q is not a configured environment; valid: %s", env, strings.Join(envNames(c.Environments), ", "))
			}
			v.amount(p+".environments."+env+".amount", tb.Environments[env].Amount)
		}
	}
}

func (v *validator) amount(p string, a float64) {
	if !(a > 0) || math.IsInf(a, 0) {
		v.add(p, "%v is not a budget; give an amount above 0, e.g. 5000", a)
	}
}

// ValidCurrency reports whether s looks like an ISO 4217 code.
func ValidCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func (v *validator) currency(p, cur string) {
	if cur != "" && !ValidCurrency(cur) {
		v.add(p, "%q is not a currency; use a 3-letter upper-case ISO 4217 code such as USD or EUR (USD when absent)", cur)
	}
}

func (v *validator) thresholds(t Thresholds) {
	check := func(p string, list []float64) {
		seen := map[float64]int{}
		for i, pct := range list {
			q := fmt.Sprintf("%s[%d]", p, i)
			if !(pct >= 1 && pct <= 1000) {
				v.add(q, "%v is out of range; use a percentage of the budget from 1 to 1000", pct)
			} else if j, dup := seen[pct]; dup {
				v.add(q, "duplicate threshold %v (also %s[%d])", pct, p, j)
			}
			seen[pct] = i
		}
	}
	check("cost.thresholds.actual", t.Actual)
	check("cost.thresholds.forecast", t.Forecast)
}

func (v *validator) anomaly(a Anomaly) {
	if a.BaselineDays != 0 && (a.BaselineDays < 7 || a.BaselineDays > 366) {
		v.add("cost.anomaly.baseline_days", "%d is out of range; use 7 to 366 days (default %d)", a.BaselineDays, DefaultBaselineDays)
	}
	if a.MinImpact < 0 || math.IsInf(a.MinImpact, 0) || math.IsNaN(a.MinImpact) {
		v.add("cost.anomaly.min_impact", "%v is not an amount; use 0 or more in the billing currency (default %v)", a.MinImpact, DefaultMinImpact)
	}
	if a.Sensitivity != 0 && !(a.Sensitivity >= 0.5 && a.Sensitivity <= 20) {
		v.add("cost.anomaly.sensitivity", "%v is out of range; use 0.5 to 20 robust standard deviations (default %v)", a.Sensitivity, DefaultSensitivity)
	}
}

func (v *validator) alerts(a Alerts) {
	for i, w := range a.Webhooks {
		p := fmt.Sprintf("cost.alerts.webhooks[%d]", i)
		switch {
		case w.Team == "":
			v.add(p+".team", `is required: a team name, or "*" for every team`)
		case w.Team != AllTeams:
			if err := slug.Check(w.Team); err != nil {
				v.add(p+".team", `%v (or "*" for every team)`, err)
			}
		}
		// Never echo the URL: its path is often the webhook's secret.
		if u, err := url.Parse(w.URL); w.URL == "" {
			v.add(p+".url", "is required: the http(s) URL alerts are posted to")
		} else if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add(p+".url", "is not an http:// or https:// URL with a host")
		}
		if w.Format != WebhookSlack && w.Format != WebhookJSON {
			v.add(p+".format", "%q is not a webhook format; use %s (Slack-compatible incoming webhook) or %s (paved's generic payload)", w.Format, WebhookSlack, WebhookJSON)
		}
		if w.SecretEnv != "" && !isEnvVarName(w.SecretEnv) {
			v.add(p+".secret_env", "%q is not an environment variable name; use letters, digits and _, not starting with a digit (the variable holds the HMAC key, never the file)", w.SecretEnv)
		}
	}
}

func isEnvVarName(s string) bool {
	for i, r := range s {
		ok := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return s != ""
}

func budgetKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
