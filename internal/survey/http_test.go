package survey_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/paved-dev/paved/internal/survey"
)

func TestRoutes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cfg := loadConfig(t, lifecycleConfig+"  base_url: https://paved.example.com/\n")
		svc, clk := newService(t, db, openCatalog(t, db, cfg), cfg, "2025-12-05")
		mux := http.NewServeMux()
		for _, r := range svc.Routes() {
			mux.HandleFunc(r.Method+" "+r.Pattern, r.Handler)
		}
		srv := httptest.NewServer(mux)
		defer srv.Close()
		doc := api.OpenAPI("paved", "test", svc.Routes())
		for _, p := range []string{"/api/v1/surveys", "/api/v1/surveys/{id}/results", "/api/v1/surveys/{id}/invites", "/api/v1/teams/{name}/enps"} {
			if doc["paths"].(map[string]any)[p] == nil {
				t.Errorf("%s missing from the OpenAPI document", p)
			}
		}
		call := func(method, path, body string) (int, string, http.Header) {
			t.Helper()
			req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b), resp.Header
		}

		// Links for payments, paired with addresses; the addresses are not stored.
		code, body, h := call("POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "payments", "emails": ["a@example.com", "b@example.com", "c@example.com"]}`)
		if code != 201 || h.Get("Cache-Control") != "no-store" {
			t.Fatalf("invite = %d %s", code, body)
		}
		var links survey.InviteList
		if err := json.Unmarshal([]byte(body), &links); err != nil {
			t.Fatal(err)
		}
		if len(links.Links) != 3 || links.Links[1].Email != "b@example.com" || !strings.HasPrefix(links.Links[1].URL, "https://paved.example.com/answer/pvs_") {
			t.Fatalf("links = %+v", links)
		}
		var stored int
		db.R.QueryRow(`SELECT COUNT(*) FROM survey_invites WHERE team = 'payments'`).Scan(&stored)
		if stored != 3 {
			t.Errorf("%d invites stored, want 3", stored)
		}
		for i, l := range links.Links {
			token := strings.TrimPrefix(l.URL, "https://paved.example.com/answer/")
			if err := svc.Submit(ctx, token, scores(10-i)); err != nil {
				t.Fatal(err)
			}
		}
		code, body, _ = call("POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "search", "count": 2, "base_url": "http://localhost:8080"}`)
		if code != 201 || !strings.Contains(body, `"url": "http://localhost:8080/answer/pvs_`) {
			t.Fatalf("invite with base_url = %d %s", code, body)
		}

		tests := []struct {
			name, method, path, body string
			status                   int
			want                     string
		}{
			{"list", "GET", "/api/v1/surveys", "", 200, `"response_rate": 0.6`},
			{"create", "POST", "/api/v1/surveys", `{"id": "pulse-dec", "title": "December pulse", "kind": "pulse", "opens": "2025-12-08", "closes": "2025-12-19", "teams": ["search"]}`, 201, `"source": "api"`},
			{"create again", "POST", "/api/v1/surveys", `{"id": "pulse-dec", "title": "December pulse", "kind": "pulse", "opens": "2025-12-08", "closes": "2025-12-19"}`, 409, "exists already"},
			{"create bad", "POST", "/api/v1/surveys", `{"id": "x", "title": "X", "kind": "pulse", "opens": "2025-12-20", "closes": "2025-12-19"}`, 422, `"field": "closes"`},
			{"create unknown field", "POST", "/api/v1/surveys", `{"id": "x", "anonymous": true}`, 422, `unknown field \"anonymous\"`},
			{"get", "GET", "/api/v1/surveys/pulse-dec", "", 200, `"status": "scheduled"`},
			{"get unknown", "GET", "/api/v1/surveys/nope", "", 404, `survey \"nope\" does not exist`},
			{"results while open", "GET", "/api/v1/surveys/enps-2025-q4/results", "", 200, `"published": false`},
			{"invite count and emails disagree", "POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "search", "count": 2, "emails": ["a@example.com"]}`, 422, `"field": "count"`},
			{"invite bad email", "POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "search", "emails": ["Dev <dev@example.com>"]}`, 422, `"field": "emails[0]"`},
			{"invite duplicate email", "POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "search", "emails": ["a@example.com", "A@example.com"]}`, 422, "listed twice"},
			{"invite bad base", "POST", "/api/v1/surveys/enps-2025-q4/invites", `{"team": "search", "count": 1, "base_url": "ftp://x"}`, 422, `"field": "base_url"`},
			{"invite no team", "POST", "/api/v1/surveys/enps-2025-q4/invites", `{"count": 1}`, 422, `"field": "team"`},
			{"export while open", "GET", "/api/v1/surveys/enps-2025-q4/export", "", 409, "published when the survey closes"},
			{"team eNPS", "GET", "/api/v1/teams/payments/enps", "", 200, `"points": []`},
			{"team eNPS unknown team", "GET", "/api/v1/teams/ghosts/enps", "", 404, `team \"ghosts\" does not exist`},
			{"trend", "GET", "/api/v1/surveys/trend", "", 200, `"points": []`},
		}
		for _, tt := range tests {
			code, body, _ := call(tt.method, tt.path, tt.body)
			if code != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%s: %s %s = %d %s\nwant %d with %q", tt.name, tt.method, tt.path, code, body, tt.status, tt.want)
			}
		}

		clk.set(t, "2025-12-13")
		code, body, h = call("GET", "/api/v1/surveys/enps-2025-q4/export", "")
		if code != 200 || h.Get("Content-Type") != "text/csv; charset=utf-8" || !sameLines(body, "group,enps\npayments,10\npayments,9\npayments,8\n") {
			t.Errorf("export = %d %s %s", code, h.Get("Content-Type"), body)
		}
		// 10 and 9 promote, 8 is passive: (2 - 0) / 3 = 66.7.
		code, body, _ = call("GET", "/api/v1/surveys/enps-2025-q4/results", "")
		if code != 200 || !strings.Contains(body, `"published": true`) || !strings.Contains(body, `"score": 66.7`) {
			t.Errorf("results = %d %s", code, body)
		}
		code, body, _ = call("GET", "/api/v1/teams/payments/enps", "")
		if code != 200 || !strings.Contains(body, `"latest": {`) || !strings.Contains(body, `"enps": 66.7`) {
			t.Errorf("team eNPS = %d %s", code, body)
		}
	})
}

// sameLines compares CSV bodies whose rows may come in any order after
// the header.
func sameLines(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) || la[0] != lb[0] {
		return false
	}
	count := map[string]int{}
	for _, l := range la[1:] {
		count[l]++
	}
	for _, l := range lb[1:] {
		count[l]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
