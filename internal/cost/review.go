package cost

import (
	"cmp"
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// The monthly FinOps review puts the month's reports side by side: spend
// against the month before and the budgets, what moved and why, the
// anomalies, how much is allocated, what nobody owns and who probably
// does. It is built from the service's own reports (Coverage,
// Unallocated, Forecasts, the budgets and the anomaly detection) and the
// same daily rollups, so it never tells a different story from the Costs
// page and the API; the CLI, the documents (package reviewdoc) and the UI
// all render the one Review struct.

// How much of each list a review shows: a review is read in a meeting,
// and the API and the CLI list everything.
const (
	reviewMoversShown    = 10
	reviewAnomaliesShown = 20
	reviewAccountsShown  = 10
	reviewResourcesShown = 25
	reviewCoverageShown  = 15
	// reviewContributors is how many services (or service names) a mover
	// names as behind its change.
	reviewContributors = 3
	// reviewTeamScan is how many unallocated resources a team review
	// looks through for the ones suggested to the team.
	reviewTeamScan = 2000
)

// Review is the monthly FinOps review of the organisation (Team "") or of
// one team.
type Review struct {
	Month    string `json:"month"`
	Previous string `json:"previous_month"`
	Team     string `json:"team,omitempty"`
	// TeamName is the team's display name ("" for the organisation).
	TeamName    string    `json:"team_name,omitempty"`
	GeneratedAt time.Time `json:"generated_at"`
	// Through is the last day of Month with billing data for anyone; ""
	// when Month has none.
	Through string `json:"through,omitempty"`
	// Partial is set while Month is billed only up to Through: spend and
	// movers are then compared with Previous up to PreviousThrough, the
	// same day of the month, which is the fair comparison.
	Partial         bool   `json:"partial"`
	PreviousThrough string `json:"previous_through,omitempty"`
	// Current is set when the review is made during Month; Spend then
	// carries the forecast of the month's end.
	Current bool `json:"current"`
	// Spend is the month per currency, largest first: currencies are
	// never added together.
	Spend []ReviewSpend `json:"spend"`
	// MoversBy is "team" in the organisation's review and "service" in
	// a team's. Movers is empty when Previous has no billing data at all
	// (a first import would make everything look new); MoversTotal counts
	// them all before the list was cut.
	MoversBy    string        `json:"movers_by"`
	Movers      []ReviewMover `json:"movers"`
	MoversTotal int           `json:"movers_total"`
	HasPrevious bool          `json:"has_previous"`
	// Anomalies are the month's unusual days (up to yesterday), largest
	// impact first.
	Anomalies      []Anomaly `json:"anomalies"`
	AnomaliesTotal int       `json:"anomalies_total"`
	// Coverage is the organisation's allocation coverage, per provider
	// and account with its FinOps band; a team review leaves it empty
	// and says instead how its spend was allocated to it. Its accounts
	// are those with the most unallocated spend first, cut to a few of
	// CoverageAccounts.
	Coverage         *Coverage         `json:"coverage,omitempty"`
	CoverageAccounts int               `json:"coverage_accounts,omitempty"`
	Allocation       []AllocationShare `json:"allocation,omitempty"`
	// Unallocated is the month's unowned spend with suggested owners; a
	// team review lists only what is suggested to the team.
	Unallocated ReviewUnallocated `json:"unallocated"`
	// Budgets are the team-wide budgets of every team (organisation) or
	// every budget of the team, the most pressing first.
	Budgets []BudgetStatus `json:"budgets"`
}

// ReviewSpend is the month's spend in one currency against the month
// before, the budgets and, while the month runs, its forecast.
type ReviewSpend struct {
	Currency string  `json:"currency"`
	Spend    float64 `json:"spend"`
	// Previous is the month before, to PreviousThrough when the review
	// is Partial; PreviousMonth is all of it.
	Previous      float64 `json:"previous"`
	PreviousMonth float64 `json:"previous_month"`
	Change        float64 `json:"change"`
	// ChangePct is Change as a share of Previous (0.25 is +25%); null
	// when nothing was spent before.
	ChangePct *float64 `json:"change_pct"`
	// Forecast is where the month ends, set only while it runs.
	Forecast *float64 `json:"forecast,omitempty"`
	// Budget sums the team-wide budgets in this currency; nil when there
	// are none.
	Budget *ReviewBudget `json:"budget,omitempty"`
}

// ReviewBudget is the team-wide budgets of one currency taken together:
// for the organisation, every team that has one. Spend is the spend of
// those teams only, so teams without a budget do not count against it.
type ReviewBudget struct {
	Amount          float64 `json:"amount"`
	Spend           float64 `json:"spend"`
	Forecast        float64 `json:"forecast"`
	UsedPercent     float64 `json:"used_percent"`
	ForecastPercent float64 `json:"forecast_percent"`
	Budgets         int     `json:"budgets"`
	Over            int     `json:"over"`
	AtRisk          int     `json:"at_risk"`
}

// ReviewMover is a team (or a team's service) whose spend moved, with
// what moved it.
type ReviewMover struct {
	// Name is the team or service; "(none)" for a team's spend that
	// names no service.
	Name      string   `json:"name"`
	Currency  string   `json:"currency"`
	Previous  float64  `json:"previous"`
	Current   float64  `json:"current"`
	Change    float64  `json:"change"`
	ChangePct *float64 `json:"change_pct"`
	// Behind are the services (organisation) or cloud service names
	// (team) that changed most in the same direction, at most three.
	Behind []Contributor `json:"behind"`
}

// Contributor is one part of a mover's change.
type Contributor struct {
	Name     string  `json:"name"`
	Previous float64 `json:"previous"`
	Current  float64 `json:"current"`
	Change   float64 `json:"change"`
}

// AllocationShare is the part of a team's month in one currency that
// one allocation method gave it.
type AllocationShare struct {
	// Method is tag, account, rule or shared; Rule names the allocation
	// or shared rule.
	Method        string  `json:"method"`
	Rule          string  `json:"rule,omitempty"`
	Currency      string  `json:"currency"`
	EffectiveCost float64 `json:"effective_cost"`
	// Share is of the team's month in the currency.
	Share float64 `json:"share"`
}

// ReviewUnallocated is the unowned part of the month, each account and
// resource with the team it probably belongs to.
type ReviewUnallocated struct {
	Accounts  []UnallocatedAccount  `json:"accounts"`
	Resources []UnallocatedResource `json:"resources"`
	// MoreAccounts and MoreResources say the lists were cut.
	MoreAccounts  bool `json:"more_accounts"`
	MoreResources bool `json:"more_resources"`
}

// UnallocatedAccount is an account's unowned spend and its likely owner.
type UnallocatedAccount struct {
	UnallocatedGroup
	Suggested *OwnerSuggestion `json:"suggested_owner,omitempty"`
}

// UnallocatedResource is an unowned resource and its likely owner.
type UnallocatedResource struct {
	UnallocatedDetail
	Suggested *OwnerSuggestion `json:"suggested_owner,omitempty"`
}

// Review assembles the review of month for one team or, with team "",
// the organisation, as of now.
func (s *Service) Review(ctx context.Context, month, team string) (Review, error) {
	return s.ReviewAt(ctx, month, team, time.Now())
}

// ReviewAt is Review as of now: whether the month is still running, and
// which days anomalies are judged on (up to yesterday, since today's
// billing data is partial), depend on it.
func (s *Service) ReviewAt(ctx context.Context, month, team string, now time.Time) (Review, error) {
	now = now.UTC()
	rev := Review{Month: month, Previous: PreviousMonth(month), Team: team, GeneratedAt: now,
		Spend: []ReviewSpend{}, Movers: []ReviewMover{}, Anomalies: []Anomaly{}, Budgets: []BudgetStatus{},
		Unallocated: ReviewUnallocated{Accounts: []UnallocatedAccount{}, Resources: []UnallocatedResource{}}}
	if err := CheckMonth(month); err != nil {
		return rev, err
	}
	var err error
	if rev.TeamName, err = s.reviewTeam(ctx, team); err != nil {
		return rev, err
	}
	rev.MoversBy = "team"
	if team != "" {
		rev.MoversBy = "service"
	}
	rev.Current = now.Format("2006-01") == month

	var through *string
	if err := s.store.db.R.QueryRowContext(ctx, `SELECT MAX(day) FROM cost_team_daily WHERE month = $1`, month).Scan(&through); err != nil {
		return rev, err
	}
	if through != nil {
		rev.Through = *through
	}
	// previousCutoff ends in -99 when the whole previous month compares.
	cutoff := previousCutoff(rev.Previous, rev.Through)
	if !strings.HasSuffix(cutoff, "-99") {
		rev.Partial, rev.PreviousThrough = true, cutoff
	}

	budgets, err := s.budgetStatuses(ctx, month, team)
	if err != nil {
		return rev, err
	}
	if err := s.reviewSpend(ctx, &rev, cutoff, budgets); err != nil {
		return rev, err
	}
	if err := s.reviewMovers(ctx, &rev, cutoff); err != nil {
		return rev, err
	}
	if err := s.reviewAnomalies(ctx, &rev); err != nil {
		return rev, err
	}
	if err := s.reviewCoverage(ctx, &rev); err != nil {
		return rev, err
	}
	if err := s.reviewUnallocated(ctx, &rev); err != nil {
		return rev, err
	}
	rev.Budgets = pressingFirst(budgets, team)
	return rev, nil
}

// reviewTeam checks the team of a review and returns its display name.
// A team removed from the catalog keeps its history and can be reviewed;
// the unallocated spend is no team and is reviewed with the organisation.
func (s *Service) reviewTeam(ctx context.Context, team string) (string, error) {
	if team == "" {
		return "", nil
	}
	for _, t := range s.catalog.Current().Teams {
		if t.Name == team {
			return cmp.Or(t.DisplayName, t.Name), nil
		}
	}
	if team == unallocatedTo {
		return "", api.Invalid("team", "%q is the spend no team owns; review the organisation (no team) to see it with suggested owners", team)
	}
	var one int
	err := s.store.db.R.QueryRowContext(ctx, `SELECT 1 FROM cost_monthly WHERE team = $1 LIMIT 1`, team).Scan(&one)
	if err == sql.ErrNoRows {
		return "", api.NotFound("team %q is not in the catalog and has no costs; `paved team list` shows the teams", team)
	}
	return team, err
}
