package usage

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/server/servertest"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// usageAPI is the usage routes behind the real server's authentication,
// on a real socket, with a token per role.
type usageAPI struct {
	srv    *httptest.Server
	tokens map[auth.Role]string
}

func serveUsage(t *testing.T, db *store.DB, s *Service) *usageAPI {
	t.Helper()
	api := servertest.Serve(t, db, server.Options{Routes: s.Routes()})
	return &usageAPI{srv: api.Srv, tokens: api.Tokens}
}

func (c *usageAPI) do(t *testing.T, method, path string, role auth.Role, body []byte, contentType string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+c.tokens[role])
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestUsageAPI(t *testing.T) {
	withoutCommands(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		s := newTestService(t, db)
		s.Declare(SourceUI, "ui.costs", "ui.overview")
		c := serveUsage(t, db, s)
		fixture, err := os.ReadFile("testdata/events.json")
		if err != nil {
			t.Fatal(err)
		}

		// Who may post and read.
		for _, a := range []struct {
			method, path string
			role         auth.Role
			status       int
		}{
			{"POST", "/api/v1/usage", "", 401},
			{"POST", "/api/v1/usage", auth.RoleViewer, 403},
			{"GET", "/api/v1/usage/summary", "", 401},
			{"GET", "/api/v1/usage/summary", auth.RoleIngest, 403},
		} {
			if status, body := c.do(t, a.method, a.path, a.role, fixture, "application/json"); status != a.status {
				t.Errorf("%s %s as %q = %d %s, want %d", a.method, a.path, a.role, status, body, a.status)
			}
		}

		status, body := c.do(t, "POST", "/api/v1/usage", auth.RoleIngest, fixture, "application/json")
		if status != 200 {
			t.Fatalf("POST = %d %s", status, body)
		}
		var res IngestResult
		if err := json.Unmarshal(body, &res); err != nil || res != (IngestResult{Received: 12, Recorded: 11, Duplicates: 1}) {
			t.Errorf("POST = %s (%v)", body, err)
		}
		// A single event, by an editor, without a Content-Type.
		status, body = c.do(t, "POST", "/api/v1/usage", auth.RoleEditor, []byte(`{"id": "e1", "feature": "ui.costs"}`), "")
		if status != 200 || !strings.Contains(string(body), `"duplicates": 1`) {
			t.Errorf("POST one duplicate = %d %s", status, body)
		}

		status, body = c.do(t, "GET", "/api/v1/usage/summary?weeks=3", auth.RoleViewer, nil, "")
		if status != 200 {
			t.Fatalf("GET summary = %d %s", status, body)
		}
		var sum Summary
		if err := json.Unmarshal(body, &sum); err != nil {
			t.Fatal(err)
		}
		if want := wantFixtureSummary(); !reflect.DeepEqual(sum, want) {
			t.Errorf("GET summary =\n%s", body)
		}
		// The default window is twelve weeks.
		c.do(t, "GET", "/api/v1/usage/summary", auth.RoleViewer, nil, "")
		status, body = c.do(t, "GET", "/api/v1/usage/summary", auth.RoleAdmin, nil, "")
		if err := json.Unmarshal(body, &sum); status != 200 || err != nil || len(sum.Weeks) != DefaultWeeks || sum.Weeks[0] != "2024-07-01" {
			t.Errorf("GET summary (default) = %d, weeks %v", status, sum.Weeks)
		}
	})
}

func TestUsageAPIRejects(t *testing.T) {
	s := newTestService(t, storetest.SQLite(t))
	c := serveUsage(t, s.store.db, s)
	big := `{"feature": "a", "properties": {"x": "` + strings.Repeat("y", MaxBodyBytes) + `"}}`
	for _, x := range []struct {
		name, method, path, body, contentType string
		status                                int
		code, field                           string
	}{
		{"missing feature", "POST", "/api/v1/usage", `{"events": [{"feature": "a"}, {"team": "payments"}]}`, "application/json", 400, "invalid_event", "events[1].feature"},
		{"bad time", "POST", "/api/v1/usage", `{"events": [{"feature": "a", "time": "last tuesday"}]}`, "application/json", 400, "invalid_event", "events[0].time"},
		{"too large a batch", "POST", "/api/v1/usage", `{"events": [` + strings.TrimSuffix(strings.Repeat(`{"feature": "a"},`, MaxBatch+1), ",") + `]}`, "", 400, "invalid_event", "events"},
		{"not JSON", "POST", "/api/v1/usage", `feature=a`, "application/json", 400, "bad_request", ""},
		{"a form", "POST", "/api/v1/usage", `feature=a`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
		{"too large a body", "POST", "/api/v1/usage", big, "application/json", 413, "too_large", ""},
		{"weeks zero", "GET", "/api/v1/usage/summary?weeks=0", "", "", 422, "invalid", "weeks"},
		{"weeks not a number", "GET", "/api/v1/usage/summary?weeks=all", "", "", 422, "invalid", "weeks"},
	} {
		t.Run(x.name, func(t *testing.T) {
			var body []byte
			if x.body != "" {
				body = []byte(x.body)
			}
			status, out := c.do(t, x.method, x.path, auth.RoleAdmin, body, x.contentType)
			var e api.ErrorBody
			if err := json.Unmarshal(out, &e); err != nil {
				t.Fatalf("%d %s: %v", status, out, err)
			}
			if status != x.status || e.Error.Code != x.code || e.Error.Field != x.field || e.Error.Message == "" {
				t.Errorf("got %d %+v; want %d %s %q", status, e.Error, x.status, x.code, x.field)
			}
		})
	}
	// Nothing of the rejected requests was stored.
	var n int
	if err := s.store.db.R.QueryRow(`SELECT COUNT(*) FROM usage_events`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d events stored (%v), want none", n, err)
	}
}
