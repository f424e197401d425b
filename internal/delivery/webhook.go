package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/paved-dev/paved/internal/api"
)

// MaxWebhookBytes bounds a webhook body: GitHub caps its payloads at 25
// MiB. The server's own limit (server.max_body_bytes) applies first.
const MaxWebhookBytes = 25 << 20

// Mount is one webhook endpoint, served outside the token-authenticated
// API: each verifies its own signature or token.
type Mount struct {
	Pattern string
	Handler http.Handler
}

// WebhookResult is the body of a webhook's 2xx answer.
type WebhookResult struct {
	// Key is the idempotency key the delivery was recorded under.
	Key   string `json:"key"`
	Event string `json:"event"`
	// Outcome is applied, ignored or duplicate.
	Outcome   string `json:"outcome"`
	Duplicate bool   `json:"duplicate,omitempty"`
	// Ignored says why an acknowledged event changed nothing.
	Ignored string `json:"ignored,omitempty"`
	// ID is the deployment, change or incident the event wrote.
	ID string `json:"id,omitempty"`
}

// Mounts returns the webhook endpoints.
func (s *Service) Mounts() []Mount {
	return []Mount{
		{Pattern: "POST /webhooks/github", Handler: http.HandlerFunc(s.github)},
		{Pattern: "POST /webhooks/gitlab", Handler: http.HandlerFunc(s.gitlab)},
		{Pattern: "POST /webhooks/cdevents", Handler: http.HandlerFunc(s.cdevents)},
	}
}

// sender is what differs between the webhook senders; serveWebhook does
// the rest the same way for each.
type sender struct {
	// name prefixes the idempotency key ("github:<delivery id>").
	name string
	// secret is the configured secret or token; unset tells how to set it.
	secret, unset string
	// verify reports whether the request proves it knows the secret, and
	// what to tell a sender that did not.
	verify  func(secret string, r *http.Request, body []byte) bool
	refusal string
	// parse reads the event and its key: the sender's delivery id, at
	// most a few hundred bytes ("" for none: the body's hash is the key
	// then).
	parse func(r *http.Request, body []byte) (*event, string, error)
}

// serveWebhook answers one delivery: 503 while no secret is configured,
// the body read within MaxWebhookBytes, 401 (nothing stored) unless the
// secret is proven, 400 for a payload that cannot be read, else the
// event applied once under its key.
func (s *Service) serveWebhook(w http.ResponseWriter, r *http.Request, snd sender) {
	if snd.secret == "" {
		notConfigured(w, r, snd.unset)
		return
	}
	body, ok := readWebhook(w, r)
	if !ok {
		return
	}
	done := s.w.expect()
	defer done()
	if !snd.verify(snd.secret, r, body) {
		unauthorized(w, r, snd.refusal)
		return
	}
	ev, key, err := snd.parse(r, body)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	if key == "" {
		key = bodyKey(body)
	}
	ev.key = snd.name + ":" + key
	s.answer(w, r, ev, done)
}

func (s *Service) github(w http.ResponseWriter, r *http.Request) {
	s.serveWebhook(w, r, sender{
		name:   "github",
		secret: s.cfg.Delivery.GitHub.Secret,
		unset:  "GitHub webhooks need a secret: set delivery.github.secret in paved.yaml or PAVED_GITHUB_WEBHOOK_SECRET, and the same secret on the GitHub webhook",
		verify: func(secret string, r *http.Request, body []byte) bool {
			return validGitHubSignature(secret, body, r.Header.Get("X-Hub-Signature-256"))
		},
		refusal: "X-Hub-Signature-256 is missing or does not match the body signed with delivery.github.secret (HMAC-SHA256)",
		parse: func(r *http.Request, body []byte) (*event, string, error) {
			ev, err := parseGitHub(strings.TrimSpace(r.Header.Get("X-GitHub-Event")), body, s.ghLabels)
			return ev, deliveryID(r, "X-GitHub-Delivery"), err
		},
	})
}

func (s *Service) gitlab(w http.ResponseWriter, r *http.Request) {
	s.serveWebhook(w, r, sender{
		name:   "gitlab",
		secret: s.cfg.Delivery.GitLab.Token,
		unset:  "GitLab webhooks need a secret token: set delivery.gitlab.token in paved.yaml or PAVED_GITLAB_WEBHOOK_TOKEN, and the same secret token on the GitLab webhook",
		verify: func(token string, r *http.Request, _ []byte) bool {
			return equalSecret(token, r.Header.Get("X-Gitlab-Token"))
		},
		refusal: "X-Gitlab-Token is missing or is not delivery.gitlab.token",
		parse: func(r *http.Request, body []byte) (*event, string, error) {
			ev, err := parseGitLab(r.Header.Get("X-Gitlab-Event"), body, s.glLabels)
			return ev, deliveryID(r, "X-Gitlab-Event-UUID"), err
		},
	})
}

func (s *Service) cdevents(w http.ResponseWriter, r *http.Request) {
	s.serveWebhook(w, r, sender{
		name:   "cdevents",
		secret: s.cfg.Delivery.CDEvents.Token,
		unset:  "CDEvents need a token: set delivery.cdevents.token in paved.yaml or PAVED_CDEVENTS_TOKEN, and have senders send Authorization: Bearer <token>",
		verify: func(token string, r *http.Request, _ []byte) bool {
			scheme, sent, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			return strings.EqualFold(scheme, "Bearer") && equalSecret(token, strings.TrimSpace(sent))
		},
		refusal: "send Authorization: Bearer <delivery.cdevents.token>",
		parse: func(r *http.Request, body []byte) (*event, string, error) {
			return parseCDEvent(r.Header, body, func(env string) (bool, bool) {
				return s.own.knownEnvironment(s.own.environment(env))
			})
		},
	})
}

// deliveryID is the sender's id for a delivery, from header.
func deliveryID(r *http.Request, header string) string {
	return clip(strings.TrimSpace(r.Header.Get(header)), 200)
}

// answer applies ev and reports what happened: 200 when applied or a
// duplicate, 202 when acknowledged but ignored.
func (s *Service) answer(w http.ResponseWriter, r *http.Request, ev *event, done func()) {
	out, err := s.w.submitExpected(r.Context(), ev, done)
	if err != nil {
		api.WriteError(w, r, err)
		return
	}
	res := WebhookResult{Key: ev.key, Event: ev.kind, Outcome: "applied", ID: out.id}
	status := http.StatusOK
	switch {
	case out.duplicate:
		res.Outcome, res.Duplicate, res.ID = "duplicate", true, ""
	case ev.ignored != "":
		res.Outcome, res.Ignored = "ignored", ev.ignored
		if ev.kind != "ping" {
			status = http.StatusAccepted
		}
	}
	api.WriteJSON(w, status, res)
}

// readWebhook reads the body within MaxWebhookBytes; on failure it has
// answered already.
func readWebhook(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > MaxWebhookBytes {
		api.WriteError(w, r, &http.MaxBytesError{Limit: MaxWebhookBytes})
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = api.BadRequest("reading the body: %v", err)
		}
		api.WriteError(w, r, err)
		return nil, false
	}
	return body, true
}

// validGitHubSignature checks X-Hub-Signature-256: "sha256=" and the hex
// HMAC-SHA256 of the raw body, compared in constant time.
func validGitHubSignature(secret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	sig, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// equalSecret compares a presented secret in time independent of both
// its content and its length.
func equalSecret(want, got string) bool {
	a := sha256.Sum256([]byte(want))
	b := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func unauthorized(w http.ResponseWriter, r *http.Request, msg string) {
	api.WriteError(w, r, &api.Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: msg})
}

func notConfigured(w http.ResponseWriter, r *http.Request, msg string) {
	api.WriteError(w, r, &api.Error{Status: http.StatusServiceUnavailable, Code: "not_configured", Message: msg})
}
