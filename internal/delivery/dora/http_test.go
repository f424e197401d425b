package dora

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// serveDORA serves the DORA routes behind the real server's
// authentication on a real socket and returns its URL and a viewer token.
func serveDORA(t *testing.T, db *store.DB, svc *Service) (string, string) {
	t.Helper()
	as := auth.NewStore(db)
	_, token, err := as.Create(context.Background(), "viewer", auth.RoleViewer)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Options{DB: db, Auth: as, Routes: svc.Routes(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL, token
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestDORAAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		deps, changes, incidents := history()
		insertEvents(t, db, deps, changes, incidents)
		svc := NewService(db, testCatalog(t, db))
		// "Today" is 30 March, so the default window is the 90 days to 31 March.
		svc.now = func() time.Time { return march(30, 15) }
		url, token := serveDORA(t, db, svc)

		t.Run("team by query and by path", func(t *testing.T) {
			for _, path := range []string{"/api/v1/dora?team=team-a&from=2025-03-03&to=2025-03-31", "/api/v1/teams/team-a/dora?from=2025-03-03&to=2025-03-31"} {
				status, body := get(t, url+path, token)
				var r Report
				if err := json.Unmarshal(body, &r); status != 200 || err != nil {
					t.Fatalf("GET %s = %d %s", path, status, body)
				}
				if r.Scope != (Scope{Kind: TeamScope, Name: "team-a"}) || r.BandSource != BandSource || len(r.Weeks) != 4 {
					t.Errorf("GET %s: scope %+v, source %q, %d weeks", path, r.Scope, r.BandSource, len(r.Weeks))
				}
				if s := summarize(r.Metrics); s.Deploys != 3 || s.Lead != "24/24/24" || s.CFR != "33.33" {
					t.Errorf("GET %s: %+v", path, s)
				}
			}
		})

		t.Run("default window", func(t *testing.T) {
			status, body := get(t, url+"/api/v1/dora", token)
			var r Report
			if err := json.Unmarshal(body, &r); status != 200 || err != nil {
				t.Fatalf("%d %s", status, body)
			}
			// 90 days to 31 March take in a0 of 28 February too.
			if r.Window != (WindowInfo{From: "2024-12-31", To: "2025-03-31", Days: 90}) || r.Scope.Kind != Organisation ||
				r.Metrics.DeploymentFrequency.SampleSize != 6 {
				t.Errorf("window %+v, scope %+v, %d deployments", r.Window, r.Scope, r.Metrics.DeploymentFrequency.SampleSize)
			}
		})

		t.Run("JSON shape", func(t *testing.T) {
			_, body := get(t, url+"/api/v1/dora?service=svc-b&from=2025-03-03&to=2025-03-31", token)
			var raw map[string]any
			if err := json.Unmarshal(body, &raw); err != nil {
				t.Fatal(err)
			}
			m := raw["metrics"].(map[string]any)
			rec := m["failed_deployment_recovery_time"].(map[string]any)
			// No recovered deployment: no value, never 0 or NaN.
			if _, has := rec["value"]; has || rec["band"] != "no data" || rec["unrecovered"] != 1.0 || rec["unit"] != "hours" {
				t.Errorf("recovery %v", rec)
			}
			rework := m["deployment_rework_rate"].(map[string]any)
			if rework["band"] != "not banded" || rework["band_note"] == nil || rework["unit"] != "percent" {
				t.Errorf("rework %v", rework)
			}
		})

		t.Run("breakdown has no series", func(t *testing.T) {
			status, body := get(t, url+"/api/v1/dora/breakdown?from=2025-03-03&to=2025-03-31", token)
			var b Breakdown
			if err := json.Unmarshal(body, &b); status != 200 || err != nil {
				t.Fatalf("%d %s", status, body)
			}
			if len(b.Teams) != 4 || len(b.Services) != 3 || b.Organisation.Weeks != nil || b.Teams[0].Weeks != nil {
				t.Errorf("%d teams, %d services, weeks %v", len(b.Teams), len(b.Services), b.Organisation.Weeks)
			}
		})

		errorsTests := []struct {
			path, token string
			status      int
			want        string
		}{
			{"/api/v1/dora?team=team-z", token, 422, "known teams: team-a, team-b, team-quiet"},
			{"/api/v1/dora?service=svc-z", token, 422, "known services: svc-a, svc-b, svc-quiet"},
			{"/api/v1/teams/team-z/dora", token, 404, `team \"team-z\" does not exist`},
			{"/api/v1/dora?from=March", token, 422, `"field": "from"`},
			{"/api/v1/dora?from=2025-03-31&to=2025-03-03", token, 422, "is not after from"},
			{"/api/v1/dora?from=1990-01-01&to=2025-03-03", token, 422, "longer than 3660 days"},
			{"/api/v1/dora", "", 401, ""},
		}
		for _, tt := range errorsTests {
			status, body := get(t, url+tt.path, tt.token)
			if status != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("GET %s = %d %s; want %d with %q", tt.path, status, body, tt.status, tt.want)
			}
		}
	})
}

func TestRoutesAreDocumented(t *testing.T) {
	db := storetest.SQLite(t)
	routes := Routes(db, testCatalog(t, db))
	doc := api.OpenAPI("paved", "test", routes)
	paths := doc["paths"].(map[string]any)
	for _, r := range routes {
		if r.Perm != api.Read || r.Summary == "" || r.Response == nil || paths[r.Pattern] == nil {
			t.Errorf("%s %s: perm %s, summary %q, documented %v", r.Method, r.Pattern, r.Perm, r.Summary, paths[r.Pattern] != nil)
		}
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	props := schemas["Frequency"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"value", "unit", "sample_size", "band", "per_day", "median_per_week"} {
		if props[f] == nil {
			t.Errorf("Frequency schema lacks %s: %v", f, props)
		}
	}
}
