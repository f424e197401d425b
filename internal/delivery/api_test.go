package delivery_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func TestDeploymentAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		good := `{"service": "charlie", "environment": "production", "sha": "` + sha("k1") + `", "deployed_at": "` + rfc(10) + `"}`
		tests := []struct {
			name    string
			role    auth.Role
			headers map[string]string
			body    string
			status  int
			want    string
		}{
			{"no token", "", nil, good, 401, "needs an API token"},
			{"viewer", auth.RoleViewer, nil, good, 403, "forbidden"},
			{"malformed", auth.RoleIngest, nil, `{"service": "charlie",`, 400, "truncated JSON"},
			{"wrong type", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "rollback": "yes"}`, 422, `"field": "rollback"`},
			{"unknown field", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "env": "x"}`, 422, `unknown field \"env\"`},
			{"no service", auth.RoleIngest, nil, `{"environment": "prod"}`, 422, "service or repository is required"},
			{"no environment", auth.RoleIngest, nil, `{"service": "charlie"}`, 422, `"field": "environment"`},
			{"bad status", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "status": "ok"}`, 422, "use success or failure"},
			{"bad sha", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "sha": "main"}`, 422, `"field": "sha"`},
			{"future", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "deployed_at": "2999-01-01T00:00:00Z"}`, 422, "in the future"},
			{"commit without time", auth.RoleIngest, nil, `{"service": "charlie", "environment": "prod", "commits": [{"sha": "abcdef1"}]}`, 422, `"field": "commits[0].timestamp"`},
			{"commits without repository", auth.RoleIngest, nil, `{"service": "nobody", "environment": "prod", "commits": [{"sha": "abcdef1", "timestamp": "2024-01-01T00:00:00Z"}]}`, 422, "commits need a repository"},
			{"created", auth.RoleIngest, map[string]string{"Idempotency-Key": "deploy-42"}, good, 201, `"team": "acme"`},
			{"replayed key", auth.RoleEditor, map[string]string{"Idempotency-Key": "deploy-42"}, good, 200, `"duplicate": true`},
			{"same body, no key: hashed", auth.RoleIngest, nil, good, 201, `"production": true`},
			{"same body again", auth.RoleIngest, nil, good, 200, `"duplicate": true`},
		}
		for _, tt := range tests {
			status, out := h.api("POST", "/api/v1/deployments", tt.role, tt.headers, []byte(tt.body))
			if status != tt.status || !strings.Contains(string(out), tt.want) {
				t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, out, tt.status, tt.want)
			}
		}
		if n := h.count("delivery_deployments", ""); n != 2 {
			t.Errorf("%d deployments, want 2 (the key and the body hash)", n)
		}
		var rec delivery.DeploymentReceipt
		_, out := h.api("POST", "/api/v1/deployments", auth.RoleIngest, map[string]string{"Idempotency-Key": "deploy-42"}, []byte(good))
		if err := json.Unmarshal(out, &rec); err != nil || !rec.Duplicate || rec.SHA != sha("k1") || rec.Environment != "prod" {
			t.Errorf("a replay returns the deployment recorded first: %+v %v", rec, err)
		}
	})
}

func TestListAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		ctx := context.Background()
		for i, svc := range []string{"bravo", "charlie", "bravo"} {
			_, err := h.svc.RecordDeployment(ctx, delivery.DeploymentInput{Service: svc, Environment: "prod", DeployedAt: at(i * 60), Key: string(rune('a' + i))})
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.svc.RecordDeployment(ctx, delivery.DeploymentInput{Service: "bravo", Environment: "staging", DeployedAt: at(30)}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			query string
			want  []int // minutes of the deployments listed, newest first
		}{
			{"", []int{120, 60, 30, 0}},
			{"?service=bravo", []int{120, 30, 0}},
			{"?team=acme&environment=production", []int{120, 60, 0}},
			{"?from=" + rfc(30) + "&to=" + rfc(120), []int{60, 30}},
			{"?limit=1", []int{120}},
			{"?team=unowned", nil},
		}
		for _, tt := range tests {
			var list delivery.DeploymentList
			h.getJSON("/api/v1/deployments"+tt.query, &list)
			var got []int
			for _, d := range list.Deployments {
				got = append(got, minutesOf(d.DeployedAt))
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !equalInts(got, tt.want)) {
				t.Errorf("GET /api/v1/deployments%s = %v, want %v", tt.query, got, tt.want)
			}
		}
		for _, q := range []string{"?limit=0", "?limit=x", "?from=yesterday", "?from=2024-05-02&to=2024-05-01"} {
			status, out := h.api("GET", "/api/v1/deployments"+q, auth.RoleViewer, nil, nil)
			if status != 422 {
				t.Errorf("GET %s = %d %s, want 422", q, status, out)
			}
		}
		// The CLI's Go API: an incident, then its resolution by external id.
		in, err := h.svc.RecordIncident(ctx, delivery.IncidentInput{Service: "bravo", ExternalID: "PD-1", OpenedAt: at(130), Title: "Queue backed up"})
		if err != nil || in.Link != delivery.LinkWindow || in.Source != delivery.SourceCLI || in.Team != "acme" {
			t.Fatalf("incident = %+v, %v", in, err)
		}
		in, err = h.svc.RecordIncident(ctx, delivery.IncidentInput{ExternalID: "PD-1", ResolvedAt: at(150)})
		if err != nil || !in.ResolvedAt.Equal(at(150)) || !in.OpenedAt.Equal(at(130)) || in.Title != "Queue backed up" {
			t.Fatalf("resolved incident = %+v, %v", in, err)
		}
		var incs delivery.IncidentList
		h.getJSON("/api/v1/incidents?service=bravo", &incs)
		if len(incs.Incidents) != 1 || incs.Incidents[0].Link != delivery.LinkWindow || incs.Incidents[0].DeploymentID == "" {
			t.Errorf("GET incidents = %+v", incs)
		}
		_, err = h.svc.RecordIncident(ctx, delivery.IncidentInput{Title: "nowhere"})
		if err == nil || !strings.Contains(err.Error(), "service or repository is required") {
			t.Errorf("incident without owner: %v", err)
		}
		_, err = h.svc.RecordIncident(ctx, delivery.IncidentInput{Service: "bravo", OpenedAt: at(10), ResolvedAt: at(5)})
		if err == nil || !strings.Contains(err.Error(), "resolved_at: is before opened_at") {
			t.Errorf("resolved before opened: %v", err)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestConcurrentIngest: many deliveries at once go through group commits
// and each is applied exactly once.
func TestConcurrentIngest(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		const n = 60
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				_, err := h.svc.RecordDeployment(context.Background(), delivery.DeploymentInput{Service: "bravo", Environment: "prod",
					DeployedAt: base.Add(time.Duration(i) * time.Second), Key: "k" + string(rune('A'+i%26)) + string(rune('a'+i/26))})
				errs <- err
			}(i)
		}
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if got := h.count("delivery_deployments", ""); got != n {
			t.Errorf("%d deployments, want %d", got, n)
		}
		if got := h.count("delivery_events", "source = 'cli'"); got != n {
			t.Errorf("%d events, want %d", got, n)
		}
	})
}
