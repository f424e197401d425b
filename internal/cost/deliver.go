package cost

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Delivery posts each pending alert to every webhook of its team (and
// the "*" webhooks). A webhook that answers 2xx took it; 429, 5xx and
// network errors are retried with exponential backoff (1m, 2m, 4m, ...,
// at most an hour apart) up to maxAttempts; any other answer (a 4xx: the
// URL or payload is wrong and will stay wrong) is not retried. Which
// webhooks took an alert is kept on its row, so a retry never posts it
// twice to the same one.
//
// Webhook URLs are credentials (a Slack webhook's path is its secret):
// they are never logged or recorded; a webhook is named by its place in
// paved.yaml and its host.
const (
	maxAttempts   = 8
	firstBackoff  = time.Minute
	maxBackoff    = time.Hour
	deliveryLease = 5 * time.Minute // how long a claimed alert is left to its sender
	deliveryBatch = 100
)

// SignatureHeader carries sha256=<hex HMAC-SHA256 of the body> when the
// webhook has a secret_env.
const SignatureHeader = "X-Paved-Signature"

// webhookClient posts alerts. Redirects are not followed: a webhook that
// redirects is misconfigured, and following it would post the alert to a
// URL nobody reviewed.
var webhookClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// DeliveryReport counts what one delivery run did.
type DeliveryReport struct {
	Delivered int `json:"delivered"`
	Retrying  int `json:"retrying"`
	Failed    int `json:"failed"`
	Unrouted  int `json:"unrouted"`
}

// backoff is the wait after the given number of failed attempts.
func backoff(attempts int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// target is one configured webhook.
type target struct {
	config.Webhook
	index int
}

// id names the webhook in an alert's delivery record without its URL.
func (t target) id() string {
	h := sha256.Sum256([]byte(t.Format + "\n" + t.URL))
	return hex.EncodeToString(h[:8])
}

// String names the webhook for errors and logs: never its URL's path.
func (t target) String() string {
	host := "?"
	if u, err := url.Parse(t.URL); err == nil {
		host = u.Host
	}
	return fmt.Sprintf("cost.alerts.webhooks[%d] (%s)", t.index, host)
}

func (s *Service) targetsFor(team string) []target {
	var out []target
	for i, w := range s.cfg.Cost.Alerts.Webhooks {
		if w.Team == team || w.Team == config.AllTeams {
			out = append(out, target{Webhook: w, index: i})
		}
	}
	return out
}

// Delivery outcomes of one webhook, as an alert's row records them.
const (
	outcomeDelivered = "delivered"
	outcomeRejected  = "rejected"
)

// Deliver sends the alerts that are due at now.
func (s *Service) Deliver(ctx context.Context, now time.Time) (DeliveryReport, error) {
	var rep DeliveryReport
	due, err := s.dueAlerts(ctx, now)
	if err != nil {
		return rep, err
	}
	for _, d := range due {
		claimed, err := s.claim(ctx, d, now)
		if err != nil {
			return rep, err
		}
		if !claimed {
			continue // another replica or process has it
		}
		status, err := s.deliver(ctx, d, now)
		if err != nil {
			return rep, err
		}
		switch status {
		case AlertDelivered:
			rep.Delivered++
		case AlertFailed:
			rep.Failed++
		case AlertUnrouted:
			rep.Unrouted++
		default:
			rep.Retrying++
		}
	}
	return rep, nil
}

// dueAlert is a pending alert with what its delivery needs.
type dueAlert struct {
	Alert
	next       int64
	deliveries map[string]string
}

func (s *Service) dueAlerts(ctx context.Context, now time.Time) ([]dueAlert, error) {
	rows, err := s.store.db.R.QueryContext(ctx, `SELECT id, team, kind, dedupe_key, month, day, severity, message, details, created_at, status, attempts,
		next_attempt_at, last_error, delivered_at, deliveries FROM cost_alerts WHERE status = $1 AND next_attempt_at <= $2
		ORDER BY created_at, id LIMIT `+fmt.Sprint(deliveryBatch), AlertPending, now.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dueAlert
	for rows.Next() {
		var d dueAlert
		var created, delivered int64
		var details, deliveries string
		if err := rows.Scan(&d.ID, &d.Team, &d.Kind, &d.DedupeKey, &d.Month, &d.Day, &d.Severity, &d.Message, &details, &created,
			&d.Status, &d.Attempts, &d.next, &d.LastError, &delivered, &deliveries); err != nil {
			return nil, err
		}
		d.CreatedAt = time.UnixMilli(created).UTC()
		if err := json.Unmarshal([]byte(details), &d.Details); err != nil {
			return nil, fmt.Errorf("alert %s: details: %w", d.ID, err)
		}
		if err := json.Unmarshal([]byte(deliveries), &d.deliveries); err != nil {
			return nil, fmt.Errorf("alert %s: deliveries: %w", d.ID, err)
		}
		if d.deliveries == nil {
			d.deliveries = map[string]string{}
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// claim leases an alert to this sender, so that two processes (a replica
// and `paved cost check`) never post it at once.
func (s *Service) claim(ctx context.Context, d dueAlert, now time.Time) (bool, error) {
	r, err := s.store.db.W.ExecContext(ctx, `UPDATE cost_alerts SET next_attempt_at = $1 WHERE id = $2 AND status = $3 AND next_attempt_at = $4`,
		now.Add(deliveryLease).UnixMilli(), d.ID, AlertPending, d.next)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// deliver posts one claimed alert to the webhooks that have not taken it
// and records the outcome; it returns the alert's new status.
func (s *Service) deliver(ctx context.Context, d dueAlert, now time.Time) (string, error) {
	targets := s.targetsFor(d.Team)
	status, attempts, next, delivered := AlertFailed, d.Attempts, int64(0), int64(0)
	var errs []string
	if len(targets) == 0 {
		status = AlertUnrouted
		errs = append(errs, fmt.Sprintf("no webhook in cost.alerts.webhooks is for team %q or %q", d.Team, config.AllTeams))
	} else {
		attempts++
		retry := false
		for _, t := range targets {
			if d.deliveries[t.id()] != "" {
				continue
			}
			again, err := post(ctx, t, d.Alert)
			switch {
			case err == nil:
				d.deliveries[t.id()] = outcomeDelivered
			case again:
				retry = true
				errs = append(errs, err.Error())
			default:
				d.deliveries[t.id()] = outcomeRejected
				errs = append(errs, err.Error())
			}
			if err != nil {
				slog.WarnContext(ctx, "cost alert delivery failed", "alert", d.ID, "team", d.Team, "attempt", attempts, "retry", again && attempts < maxAttempts, "err", err)
			}
		}
		allTaken := true
		for _, t := range targets {
			if d.deliveries[t.id()] != outcomeDelivered {
				allTaken = false
			}
		}
		switch {
		case retry && attempts < maxAttempts:
			status, next = AlertPending, now.Add(backoff(attempts)).UnixMilli()
		case allTaken:
			status, delivered = AlertDelivered, now.UnixMilli()
		}
		if retry && attempts >= maxAttempts {
			errs = append(errs, fmt.Sprintf("gave up after %d attempts", attempts))
		}
	}
	deliveries, _ := json.Marshal(d.deliveries)
	_, err := s.store.db.W.ExecContext(ctx, `UPDATE cost_alerts SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4,
		delivered_at = $5, deliveries = $6 WHERE id = $7`,
		status, attempts, next, strings.Join(errs, "; "), delivered, string(deliveries), d.ID)
	return status, err
}

// post sends one alert to one webhook. again reports whether a failure
// is worth retrying.
func post(ctx context.Context, t target, a Alert) (again bool, err error) {
	var body []byte
	if t.Format == config.WebhookSlack {
		body, err = json.Marshal(slackPayload(a))
	} else {
		body, err = json.Marshal(genericPayload(a))
	}
	if err != nil {
		return false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("%s: the URL cannot be used", t)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "paved")
	req.Header.Set("X-Paved-Alert", a.ID)
	if t.SecretEnv != "" {
		key := os.Getenv(t.SecretEnv)
		if key == "" {
			return false, fmt.Errorf("%s: secret_env %s is not set in paved's environment", t, t.SecretEnv)
		}
		req.Header.Set(SignatureHeader, Sign([]byte(key), body))
	}
	resp, err := webhookClient.Do(req)
	if err != nil {
		// *url.Error quotes the whole URL, secret path and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return true, fmt.Errorf("%s: %v", t, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	err = fmt.Errorf("%s: HTTP %d %s", t, resp.StatusCode, strings.TrimSpace(string(msg)))
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500, err
}

// Sign returns the X-Paved-Signature value of body under key.
func Sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// AlertPayload is the generic JSON a "json" webhook receives.
type AlertPayload struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	Team      string         `json:"team"`
	Severity  string         `json:"severity"`
	Month     string         `json:"month"`
	Day       string         `json:"day,omitempty"`
	Title     string         `json:"title"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"`
	DedupeKey string         `json:"dedupe_key"`
	CreatedAt time.Time      `json:"created_at"`
}

func genericPayload(a Alert) AlertPayload {
	return AlertPayload{ID: a.ID, Kind: a.Kind, Team: a.Team, Severity: a.Severity, Month: a.Month, Day: a.Day,
		Title: alertTitle(a), Message: a.Message, Details: a.Details, DedupeKey: a.DedupeKey, CreatedAt: a.CreatedAt}
}

// slackMessage is a Slack incoming-webhook message: text for
// notifications and clients without blocks, blocks for the layout.
type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func slackPayload(a Alert) slackMessage {
	title := alertTitle(a)
	m := slackMessage{Text: title + ": " + a.Message}
	m.Blocks = append(m.Blocks,
		slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: title}},
		slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackEscape(a.Message)}})
	if ds := driverLines(a); len(ds) > 0 {
		m.Blocks = append(m.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "*Drivers*\n" + slackEscape(strings.Join(ds, "\n"))}})
	}
	when := a.Month
	if a.Day != "" {
		when = a.Day
	}
	m.Blocks = append(m.Blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn",
		Text: slackEscape(fmt.Sprintf("%s · %s · %s · team %s · paved alert %s", a.Severity, a.Kind, when, a.Team, a.ID))}}})
	return m
}

// driverLines lists an anomaly alert's drivers, one line each.
func driverLines(a Alert) []string {
	ds, _ := a.Details["drivers"].([]any)
	var out []string
	for _, d := range ds {
		m, _ := d.(map[string]any)
		change, _ := m["change"].(float64)
		expected, _ := m["expected"].(float64)
		out = append(out, fmt.Sprintf("• %v / %v: %+.2f (usually %s)", m["service_name"], m["charge_category"], change, formatAmount(expected)))
	}
	return out
}

func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// alertTitle is an alert's one-line headline.
func alertTitle(a Alert) string {
	switch a.Kind {
	case AlertBudget:
		return fmt.Sprintf("Budget %v%% reached: %s", a.Details["threshold"], a.Team)
	case AlertForecast:
		return fmt.Sprintf("Forecast over %v%% of budget: %s", a.Details["threshold"], a.Team)
	case AlertAnomaly:
		if svc, _ := a.Details["service"].(string); svc != "" {
			return fmt.Sprintf("Cost anomaly: %s (%s)", a.Team, svc)
		}
		return "Cost anomaly: " + a.Team
	}
	return "paved alert: " + a.Team
}
