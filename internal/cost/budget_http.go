package cost

import (
	"net/http"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// TeamBudgetList is the body of GET /api/v1/teams/{name}/budgets.
type TeamBudgetList struct {
	Team    string         `json:"team"`
	Month   string         `json:"month"`
	Budgets []BudgetStatus `json:"budgets"`
}

// BudgetRequest is the body of PUT /api/v1/teams/{name}/budgets: a
// team-wide budget, or one service's or environment's.
type BudgetRequest struct {
	Service     string  `json:"service,omitempty"`
	Environment string  `json:"environment,omitempty"`
	Currency    string  `json:"currency,omitempty" doc:"ISO 4217 code; the default budget's currency (else USD) when absent"`
	Amount      float64 `json:"amount" doc:"monthly amount, above 0"`
}

// BudgetRoutes returns the JSON API of budgets, forecasts and alerts.
func (s *Service) BudgetRoutes() []api.Route {
	const tag = "costs"
	month := api.Param{Name: "month", Description: "YYYY-MM (default: the current month, UTC)"}
	return []api.Route{
		{Method: "GET", Pattern: "/api/v1/teams/{name}/budgets", Perm: api.Read, Tag: tag, Summary: "A team's monthly budgets with the month's spend, forecast and status",
			Query: []api.Param{month}, Response: TeamBudgetList{}, Handler: s.getTeamBudgets},
		{Method: "PUT", Pattern: "/api/v1/teams/{name}/budgets", Perm: api.Write, Tag: tag, Summary: "Set a team's monthly budget (team-wide, or for one service or environment)",
			Request: BudgetRequest{}, Response: Budget{}, Handler: s.putTeamBudget},
		{Method: "DELETE", Pattern: "/api/v1/teams/{name}/budgets", Perm: api.Write, Tag: tag, Summary: "Remove a budget set through the API or by onboarding",
			Query:  []api.Param{{Name: "service"}, {Name: "environment"}, {Name: "currency", Description: "only this currency's (default: every currency of the scope)"}},
			Status: http.StatusNoContent, Handler: s.deleteTeamBudget},
		{Method: "GET", Pattern: "/api/v1/costs/alerts", Perm: api.Read, Tag: tag, Summary: "Budget, forecast and anomaly alerts with their delivery, newest first",
			Query: []api.Param{{Name: "team", Description: "only this team's"}, {Name: "month", Description: "YYYY-MM (default: all)"}}, Response: AlertList{}, Handler: s.listAlerts},
		{Method: "GET", Pattern: "/api/v1/costs/forecast", Perm: api.Read, Tag: tag, Summary: "Month-to-date spend and the month's forecast per team and currency",
			Query: []api.Param{{Name: "team", Description: "only this team's"}, month}, Response: ForecastList{}, Handler: s.getForecast},
	}
}

// budgetMonthParam reads ?month=, defaulting to the current month (UTC).
func budgetMonthParam(r *http.Request) string {
	if m := r.URL.Query().Get("month"); m != "" {
		return m
	}
	return time.Now().UTC().Format("2006-01")
}

func (s *Service) getTeamBudgets(w http.ResponseWriter, r *http.Request) {
	team, month := r.PathValue("name"), budgetMonthParam(r)
	list, err := s.TeamBudgets(r.Context(), team, month)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, TeamBudgetList{Team: team, Month: month, Budgets: list})
}

func (s *Service) putTeamBudget(w http.ResponseWriter, r *http.Request) {
	var req BudgetRequest
	if err := api.ReadJSON(r, &req); err != nil {
		api.WriteError(w, r, err)
		return
	}
	b, err := s.SetBudget(r.Context(), Budget{Team: r.PathValue("name"), Service: req.Service, Environment: req.Environment, Currency: req.Currency, Amount: req.Amount})
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, b)
}

func (s *Service) deleteTeamBudget(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := s.DeleteBudget(r.Context(), r.PathValue("name"), q.Get("service"), q.Get("environment"), q.Get("currency")); err != nil {
		api.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) listAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	alerts, err := s.Alerts(r.Context(), q.Get("team"), q.Get("month"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, AlertList{Alerts: alerts})
}

func (s *Service) getForecast(w http.ResponseWriter, r *http.Request) {
	list, err := s.Forecasts(r.Context(), budgetMonthParam(r), r.URL.Query().Get("team"))
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	api.WriteJSON(w, http.StatusOK, list)
}
