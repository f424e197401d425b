package delivery_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// TestGitHubSignatures: only a body signed with the secret is taken;
// anything else is a 401 that stores nothing.
func TestGitHubSignatures(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		body := readFile(t, "github/deployment_status.json")
		tampered := []byte(strings.Replace(string(body), `"production"`, `"staging"`, 1))
		tests := []struct {
			name      string
			signature string
			body      []byte
			status    int
			want      string
		}{
			{"missing", "", body, 401, "X-Hub-Signature-256 is missing or does not match"},
			{"wrong secret", sign("not the secret", body), body, 401, "unauthenticated"},
			{"sha1 header style", "sha1=" + strings.TrimPrefix(sign(ghSecret, body), "sha256="), body, 401, "unauthenticated"},
			{"not hex", "sha256=zz", body, 401, "unauthenticated"},
			{"body changed after signing", sign(ghSecret, body), tampered, 401, "unauthenticated"},
			{"good", sign(ghSecret, body), body, 200, `"outcome": "applied"`},
		}
		for _, tt := range tests {
			status, out := h.post("/webhooks/github", map[string]string{
				"X-GitHub-Event": "deployment_status", "X-GitHub-Delivery": "d-" + tt.name, "X-Hub-Signature-256": tt.signature,
			}, tt.body)
			if status != tt.status || !strings.Contains(string(out), tt.want) {
				t.Errorf("%s: %d %s, want %d containing %q", tt.name, status, out, tt.status, tt.want)
			}
			if tt.status == 401 {
				if n := h.count("delivery_events", ""); n != 0 {
					t.Fatalf("%s: a rejected delivery stored %d events", tt.name, n)
				}
			}
		}
		d := h.deployments("hello-world")["145988746"]
		if d.Status != delivery.StatusSuccess || d.SHA != "f95f852bd8fca8fcc58a9a2d6c842781e32a215e" || d.Team != "octo" || !d.Production || d.Environment != "prod" {
			t.Errorf("deployment from the signed delivery = %+v", d)
		}

		// Replays of the same delivery id change nothing.
		for i := 0; i < 2; i++ {
			status, out := h.post("/webhooks/github", map[string]string{
				"X-GitHub-Event": "deployment_status", "X-GitHub-Delivery": "d-good", "X-Hub-Signature-256": sign(ghSecret, body),
			}, body)
			var res delivery.WebhookResult
			json.Unmarshal(out, &res)
			if status != 200 || !res.Duplicate || res.Outcome != "duplicate" {
				t.Errorf("replay %d = %d %s", i, status, out)
			}
		}
		if n := h.count("delivery_deployments", ""); n != 1 {
			t.Errorf("%d deployments after replays, want 1", n)
		}
		if n := h.count("delivery_events", ""); n != 1 {
			t.Errorf("%d events after replays, want 1", n)
		}
	})
}

func TestWebhooksNotConfigured(t *testing.T) {
	h := newHarness(t, storetest.SQLite(t), config.Default())
	for _, path := range []string{"/webhooks/github", "/webhooks/gitlab", "/webhooks/cdevents"} {
		status, out := h.post(path, nil, []byte(`{}`))
		if status != http.StatusServiceUnavailable || !strings.Contains(string(out), "not_configured") || !strings.Contains(string(out), "paved.yaml") {
			t.Errorf("%s without a secret = %d %s", path, status, out)
		}
	}
}

// TestGitHubEvents: ping, ignored events and actions, bad bodies.
func TestGitHubEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		tests := []struct {
			event, file string
			status      int
			want        string
		}{
			{"ping", "github/ping.json", 200, `"ignored": "ping: the webhook is set up"`},
			{"star", "github/ping.json", 202, `"ignored": "paved does not use star events"`},
			{"pull_request", "github/pull_request_closed_unmerged.json", 202, "only merged pull requests are changes"},
			{"issues", "github/issues_opened_bug.json", 202, "not labelled as an incident"},
			{"push", "github/push.json", 200, `"outcome": "applied"`},
		}
		for _, tt := range tests {
			out := h.github(tt.event, readFile(t, tt.file), tt.status)
			if !strings.Contains(string(out), tt.want) {
				t.Errorf("%s %s: %s, want %q", tt.event, tt.file, out, tt.want)
			}
		}
		if n := h.count("delivery_events", "outcome = 'ignored'"); n != 4 {
			t.Errorf("%d ignored events recorded, want 4", n)
		}
		bad := []struct {
			body, want string
		}{
			{`{"ref": "refs/heads/master", "repository": {"html_url": "https://github.com/acme/bravo", "default_branch": "master"}, "commits": [{"id": "abcdef12", "timestamp": "soon"}]}`,
				`"field": "commits[0].timestamp"`},
			{`{"ref": "refs/heads/master", "commits": "none"}`, `"field": "commits"`},
			{`[`, "not valid JSON"},
		}
		for _, b := range bad {
			out := h.github("push", []byte(b.body), 400)
			if !strings.Contains(string(out), b.want) {
				t.Errorf("bad push %s: %s, want %q", b.body, out, b.want)
			}
		}
		// The push of two commits to master made two direct changes.
		got := h.changes("hello-world")
		for _, c := range []string{"a10867b14bb761a232cd80139fbd4c0d33264240", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"} {
			if ch := got[c]; ch.Kind != delivery.KindCommit || ch.Team != "octo" || ch.MergedAt.Unix() != 1557933657 {
				t.Errorf("change %s = %+v", c, ch)
			}
		}
		if len(got) != 2 {
			t.Errorf("changes = %+v", got)
		}
	})
}

// TestWebhookBodyLimit: a webhook body may be as large as GitHub's (25
// MiB), above the server's limit for other bodies; a larger one is a 413
// and stores nothing.
func TestWebhookBodyLimit(t *testing.T) {
	h := newHarness(t, storetest.SQLite(t), testConfig())
	for _, tc := range []struct {
		size   int
		status int
	}{
		{2 << 20, http.StatusOK},
		{delivery.MaxWebhookBytes + 1, http.StatusRequestEntityTooLarge},
	} {
		body := []byte(`{"zen": "` + strings.Repeat("x", tc.size) + `"}`)
		status, out := h.post("/webhooks/github", map[string]string{
			"X-GitHub-Event": "ping", "X-GitHub-Delivery": fmt.Sprint("big-", tc.size), "X-Hub-Signature-256": sign(ghSecret, body),
		}, body)
		if status != tc.status {
			t.Errorf("%d-byte body = %d %.200s", len(body), status, out)
		}
	}
	if n := h.count("delivery_events", ""); n != 1 {
		t.Errorf("%d events stored, want the 2 MiB ping only", n)
	}
}

func readFile(t *testing.T, name string) []byte { return payload(t, name, nil) }
