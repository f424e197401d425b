package cost

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// hook is a test webhook receiver: it answers each request with the next
// status of its script (200 once the script runs out) and keeps what it
// received.
type hook struct {
	mu       sync.Mutex
	script   []int
	requests []received
	srv      *httptest.Server
}

type received struct {
	path   string
	header http.Header
	body   []byte
}

func newHook(t *testing.T, script ...int) *hook {
	h := &hook{script: script}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.requests = append(h.requests, received{r.URL.Path, r.Header.Clone(), body})
		status := http.StatusOK
		if len(h.script) > 0 {
			status, h.script = h.script[0], h.script[1:]
		}
		h.mu.Unlock()
		w.WriteHeader(status)
		if status >= 400 {
			io.WriteString(w, "nope")
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) got() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received{}, h.requests...)
}

// secretPath is the credential part of every test webhook URL: it must
// never show up in an error.
const secretPath = "/services/T000/B000/s3cr3tp4th"

func (h *hook) webhook(format string) config.Webhook {
	return config.Webhook{Team: "payments", URL: h.srv.URL + secretPath, Format: format}
}

var t0 = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

// queue stores one pending budget alert for payments and returns it.
func queue(t *testing.T, svc *Service) Alert {
	t.Helper()
	a := newAlert("payments", AlertBudget, "budget:payments::USD:2026-11:actual:80", "2026-11", "2026-11-15", SeverityWarning,
		"team payments has spent 800.00 USD of its 1,000.00 USD budget for 2026-11 (80%), reaching the 80% threshold",
		budgetDetails{Budget: Budget{Team: "payments", Currency: "USD", Amount: 1000}, Threshold: 80, MonthToDate: 800, UsedPercent: 80}, t0)
	err := svc.store.db.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := insertAlert(context.Background(), tx, a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func stored(t *testing.T, svc *Service, id string) (Alert, int64) {
	t.Helper()
	all, err := svc.Alerts(context.Background(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.ID == id {
			var next int64
			svc.store.db.R.QueryRow(`SELECT next_attempt_at FROM cost_alerts WHERE id = $1`, id).Scan(&next)
			return a, next
		}
	}
	t.Fatalf("alert %s not stored", id)
	return Alert{}, 0
}

func TestDeliverPayloads(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		slack, generic := newHook(t), newHook(t)
		signed := generic.webhook(config.WebhookJSON)
		signed.SecretEnv = "PAVED_TEST_WEBHOOK_KEY"
		t.Setenv("PAVED_TEST_WEBHOOK_KEY", "k3y")
		svc := newAlertService(t, db, config.Cost{Alerts: config.Alerts{Webhooks: []config.Webhook{
			slack.webhook(config.WebhookSlack), signed,
			{Team: "search", URL: slack.srv.URL + "/search", Format: config.WebhookSlack}, // not payments'
		}}})
		a := queue(t, svc)
		rep, err := svc.Deliver(context.Background(), t0)
		if err != nil {
			t.Fatal(err)
		}
		if rep != (DeliveryReport{Delivered: 1}) {
			t.Errorf("report = %+v", rep)
		}
		if got := slack.got(); len(got) != 1 || got[0].path != secretPath {
			t.Fatalf("slack webhook got %d requests", len(got))
		}
		var sm struct {
			Text   string `json:"text"`
			Blocks []struct {
				Type string `json:"type"`
				Text *struct {
					Type, Text string
				} `json:"text"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal(slack.got()[0].body, &sm); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sm.Text, "Budget 80% reached: payments") || !strings.Contains(sm.Text, a.Message) {
			t.Errorf("slack text = %q", sm.Text)
		}
		if len(sm.Blocks) < 3 || sm.Blocks[0].Type != "header" || sm.Blocks[1].Type != "section" || sm.Blocks[1].Text.Type != "mrkdwn" ||
			sm.Blocks[len(sm.Blocks)-1].Type != "context" {
			t.Errorf("slack blocks = %s", slack.got()[0].body)
		}

		g := generic.got()
		if len(g) != 1 {
			t.Fatalf("generic webhook got %d requests", len(g))
		}
		var p AlertPayload
		if err := json.Unmarshal(g[0].body, &p); err != nil {
			t.Fatal(err)
		}
		if p.ID != a.ID || p.Kind != AlertBudget || p.Team != "payments" || p.Message != a.Message || p.Details["threshold"] != 80.0 ||
			p.DedupeKey != a.DedupeKey || p.Severity != SeverityWarning || p.Month != "2026-11" {
			t.Errorf("generic payload = %+v", p)
		}
		if sig := g[0].header.Get(SignatureHeader); sig != Sign([]byte("k3y"), g[0].body) || !strings.HasPrefix(sig, "sha256=") {
			t.Errorf("signature %q", sig)
		}
		if slack.got()[0].header.Get(SignatureHeader) != "" {
			t.Errorf("a webhook without secret_env was signed")
		}
		if ct := g[0].header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		got, _ := stored(t, svc, a.ID)
		if got.Status != AlertDelivered || got.Attempts != 1 || got.DeliveredAt == nil || !got.DeliveredAt.Equal(t0) || got.LastError != "" {
			t.Errorf("stored alert = %+v", got)
		}
		// Delivered alerts are not sent again.
		if rep, _ := svc.Deliver(context.Background(), t0.Add(time.Hour)); rep != (DeliveryReport{}) || len(slack.got()) != 1 {
			t.Errorf("second delivery = %+v", rep)
		}
	})
}

// TestDeliverRetries walks one alert through each answer a webhook can
// give: what is retried, after how long, and what is not.
func TestDeliverRetries(t *testing.T) {
	type step struct {
		after     time.Duration // since t0
		requests  int           // the webhook's total so far
		status    string
		attempts  int
		nextAfter time.Duration // next_attempt_at - t0, when pending
		errPart   string
	}
	tests := []struct {
		name   string
		script []int
		steps  []step
	}{
		{name: "retried after 500", script: []int{500}, steps: []step{
			{0, 1, AlertPending, 1, time.Minute, "HTTP 500 nope"},
			{30 * time.Second, 1, AlertPending, 1, time.Minute, "HTTP 500"}, // not due yet
			{time.Minute, 2, AlertDelivered, 2, 0, ""},
		}},
		{name: "429 is retried", script: []int{429, 429}, steps: []step{
			{0, 1, AlertPending, 1, time.Minute, "HTTP 429"},
			{time.Minute, 2, AlertPending, 2, time.Minute + 2*time.Minute, "HTTP 429"},
			{3 * time.Minute, 3, AlertDelivered, 3, 0, ""},
		}},
		{name: "not retried after 400", script: []int{400}, steps: []step{
			{0, 1, AlertFailed, 1, 0, "HTTP 400 nope"},
			{time.Hour, 1, AlertFailed, 1, 0, "HTTP 400"},
		}},
		{name: "not retried after 404", script: []int{404}, steps: []step{
			{0, 1, AlertFailed, 1, 0, "HTTP 404"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, db *store.DB) {
				h := newHook(t, tt.script...)
				svc := newAlertService(t, db, config.Cost{Alerts: config.Alerts{Webhooks: []config.Webhook{h.webhook(config.WebhookJSON)}}})
				a := queue(t, svc)
				for i, s := range tt.steps {
					if _, err := svc.Deliver(context.Background(), t0.Add(s.after)); err != nil {
						t.Fatal(err)
					}
					got, next := stored(t, svc, a.ID)
					if n := len(h.got()); n != s.requests || got.Status != s.status || got.Attempts != s.attempts || !strings.Contains(got.LastError, s.errPart) {
						t.Fatalf("step %d: %d requests, alert %s after %d attempts (%q); want %d, %s, %d, %q",
							i, n, got.Status, got.Attempts, got.LastError, s.requests, s.status, s.attempts, s.errPart)
					}
					if s.status == AlertPending && next != t0.Add(s.nextAfter).UnixMilli() {
						t.Errorf("step %d: next attempt at %v, want t0+%v", i, time.UnixMilli(next).UTC(), s.nextAfter)
					}
					if strings.Contains(got.LastError, secretPath) || strings.Contains(got.LastError, "s3cr3t") {
						t.Errorf("step %d: last_error leaks the URL: %q", i, got.LastError)
					}
				}
			})
		})
	}
}

// TestDeliverBackoff checks the schedule (1m, 2m, 4m, ... capped at an
// hour) recorded on the row, and that delivery gives up after 8 attempts.
func TestDeliverBackoff(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHook(t, 503, 503, 503, 503, 503, 503, 503, 503, 503)
		svc := newAlertService(t, db, config.Cost{Alerts: config.Alerts{Webhooks: []config.Webhook{h.webhook(config.WebhookSlack)}}})
		a := queue(t, svc)
		now := t0
		var waits []time.Duration
		for i := 0; i < maxAttempts; i++ {
			if _, err := svc.Deliver(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			got, next := stored(t, svc, a.ID)
			if got.Status != AlertPending {
				break
			}
			waits = append(waits, time.UnixMilli(next).Sub(now))
			now = time.UnixMilli(next).UTC()
		}
		want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour}
		if len(waits) != len(want) {
			t.Fatalf("waits = %v, want %v", waits, want)
		}
		for i := range want {
			if waits[i] != want[i] {
				t.Errorf("wait %d = %v, want %v", i+1, waits[i], want[i])
			}
		}
		got, _ := stored(t, svc, a.ID)
		if got.Status != AlertFailed || got.Attempts != maxAttempts || !strings.Contains(got.LastError, "gave up after 8 attempts") || len(h.got()) != maxAttempts {
			t.Errorf("after %d requests: %+v", len(h.got()), got)
		}
	})
}

// TestDeliverOnlyToWhoMissedIt checks that a retry goes only to the
// webhooks that have not taken the alert.
func TestDeliverOnlyToWhoMissedIt(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ok, flaky := newHook(t), newHook(t, 500)
		all := flaky.webhook(config.WebhookJSON)
		all.Team = config.AllTeams
		svc := newAlertService(t, db, config.Cost{Alerts: config.Alerts{Webhooks: []config.Webhook{ok.webhook(config.WebhookSlack), all}}})
		a := queue(t, svc)
		svc.Deliver(context.Background(), t0)
		svc.Deliver(context.Background(), t0.Add(time.Minute))
		got, _ := stored(t, svc, a.ID)
		if len(ok.got()) != 1 || len(flaky.got()) != 2 || got.Status != AlertDelivered {
			t.Errorf("requests: ok %d, flaky %d; alert %s", len(ok.got()), len(flaky.got()), got.Status)
		}
	})
}

func TestDeliverCannot(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	tests := []struct {
		name     string
		webhooks []config.Webhook
		status   string
		errPart  string
	}{
		{"no webhook for the team", []config.Webhook{{Team: "search", URL: "http://127.0.0.1:1/x", Format: config.WebhookJSON}},
			AlertUnrouted, `no webhook in cost.alerts.webhooks is for team "payments" or "*"`},
		{"secret not set", []config.Webhook{{Team: "payments", URL: "http://127.0.0.1:1" + secretPath, Format: config.WebhookJSON, SecretEnv: "PAVED_TEST_UNSET_KEY"}},
			AlertFailed, "cost.alerts.webhooks[0] (127.0.0.1:1): secret_env PAVED_TEST_UNSET_KEY is not set"},
		{"unreachable is retried", []config.Webhook{{Team: "payments", URL: closed.URL + secretPath, Format: config.WebhookSlack}},
			AlertPending, "cost.alerts.webhooks[0] (" + strings.TrimPrefix(closed.URL, "http://") + "): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := newAlertService(t, storetest.SQLite(t), config.Cost{Alerts: config.Alerts{Webhooks: tt.webhooks}})
			a := queue(t, svc)
			if _, err := svc.Deliver(context.Background(), t0); err != nil {
				t.Fatal(err)
			}
			got, _ := stored(t, svc, a.ID)
			if got.Status != tt.status || !strings.Contains(got.LastError, tt.errPart) || strings.Contains(got.LastError, "s3cr3t") {
				t.Errorf("alert %s: %q, want %s with %q", got.Status, got.LastError, tt.status, tt.errPart)
			}
		})
	}
}

// TestClaim checks that two senders never take the same alert.
func TestClaim(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newAlertService(t, db, config.Cost{})
		queue(t, svc)
		due, err := svc.dueAlerts(context.Background(), t0)
		if err != nil || len(due) != 1 {
			t.Fatalf("due = %+v, %v", due, err)
		}
		first, err1 := svc.claim(context.Background(), due[0], t0)
		second, err2 := svc.claim(context.Background(), due[0], t0)
		if !first || second || err1 != nil || err2 != nil {
			t.Errorf("claims: %v %v (%v, %v)", first, second, err1, err2)
		}
		if due, _ := svc.dueAlerts(context.Background(), t0.Add(time.Minute)); len(due) != 0 {
			t.Errorf("a claimed alert is due again within its lease")
		}
	})
}
