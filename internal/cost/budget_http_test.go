package cost

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func TestBudgetRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newAlertService(t, db, config.Cost{Budgets: config.Budgets{Teams: map[string]config.TeamBudget{"payments": {Amount: 1000}}}})
		seed(t, db, daily("payments", "checkout", "2026-10-01", "2026-11-15", constant(50)))
		if _, err := svc.Check(context.Background(), t0); err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		for _, r := range svc.BudgetRoutes() {
			mux.HandleFunc(r.Method+" "+r.Pattern, r.Handler)
		}
		if doc := api.OpenAPI("paved", "test", svc.BudgetRoutes()); doc["paths"].(map[string]any)["/api/v1/teams/{name}/budgets"] == nil {
			t.Errorf("budgets missing from the OpenAPI document")
		}
		tests := []struct {
			name, method, path, body string
			status                   int
			want                     string // substring of the response
		}{
			{"set", "PUT", "/api/v1/teams/search/budgets", `{"amount": 200, "currency": "EUR"}`, 200, `"source": "api"`},
			{"set a service's", "PUT", "/api/v1/teams/payments/budgets", `{"service": "checkout", "amount": 400}`, 200, `"service": "checkout"`},
			{"list", "GET", "/api/v1/teams/payments/budgets?month=2026-11", "", 200, `"status": "over"`},
			{"list has the team-wide budget", "GET", "/api/v1/teams/payments/budgets?month=2026-11", "", 200, `"source": "config"`},
			{"unknown team", "GET", "/api/v1/teams/ghosts/budgets", "", 404, `team \"ghosts\" does not exist`},
			{"bad month", "GET", "/api/v1/teams/payments/budgets?month=11-2026", "", 422, `"field": "month"`},
			{"bad body", "PUT", "/api/v1/teams/search/budgets", `{"amount": 1, "colour": "red"}`, 422, `unknown field \"colour\"`},
			{"bad amount", "PUT", "/api/v1/teams/search/budgets", `{"amount": -1}`, 422, `"field": "amount"`},
			{"paved.yaml's", "PUT", "/api/v1/teams/payments/budgets", `{"amount": 1}`, 409, "set in paved.yaml"},
			{"delete", "DELETE", "/api/v1/teams/search/budgets?currency=EUR", "", 204, ""},
			{"delete again", "DELETE", "/api/v1/teams/search/budgets", "", 404, "no stored team-wide budget"},
			{"alerts", "GET", "/api/v1/costs/alerts?team=payments&month=2026-11", "", 200, `"dedupe_key": "budget:payments::USD:2026-11:actual:50"`},
			{"alerts of another team", "GET", "/api/v1/costs/alerts?team=search", "", 200, `"alerts": []`},
			{"alerts bad month", "GET", "/api/v1/costs/alerts?month=nope", "", 422, `"field": "month"`},
			{"forecast", "GET", "/api/v1/costs/forecast?team=payments&month=2026-11", "", 200, `"forecast": 1500`},
		}
		for _, tt := range tests {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("%s: %s %s = %d %s\nwant %d with %q", tt.name, tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.want)
			}
			if rec.Code == 200 && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("%s: not JSON: %s", tt.name, rec.Body)
			}
		}
	})
}
