// Package web serves paved's server-rendered UI: html/template pages and
// embedded static assets (no CDN; the UI works air-gapped), with SVG charts
// rendered on the server.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/delivery/dora"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/survey"
	"github.com/paved-dev/paved/internal/usage"
)

// Options configure the UI.
type Options struct {
	Catalog *catalog.Catalog
	Auth    *auth.Store
	// Policy serves the guardrails pages and the team compliance panel.
	Policy *policy.Service
	// Cost serves the Costs page and the team cost panel.
	Cost *cost.Service
	// Survey serves the Surveys pages and the public answer page.
	Survey *survey.Service
	// Usage serves the Usage page and records page views as feature use.
	Usage *usage.Service
	// Delivery and DORA serve the Delivery page and the team DORA panel.
	Delivery *delivery.Service
	DORA     *dora.Service
	// Demo makes pages readable without signing in (writes still need a
	// session).
	Demo       bool
	SessionTTL time.Duration
	Version    string
	Logger     *slog.Logger
}

// ui is the handler state shared by every page.
type ui struct {
	cat    *catalog.Catalog
	auth   *auth.Store
	pol    *policy.Service
	cost   *cost.Service
	demo   bool
	ttl    time.Duration
	ver    string
	log    *slog.Logger
	pages  *pageSet
	assets *assetSet
	// surveySvc serves the Surveys pages and the answer page.
	surveySvc *survey.Service

	// usageSvc records page views and serves the Usage page.
	usageSvc *usage.Service

	// delivery and dora serve the Delivery page and the team DORA panel.
	delivery *delivery.Service
	dora     *dora.Service
}

// New returns the UI handler, mounted by the server at "/".
func New(opts Options) (http.Handler, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(assets)
	if err != nil {
		return nil, err
	}
	u := &ui{
		cat: opts.Catalog, auth: opts.Auth, pol: opts.Policy, cost: opts.Cost, demo: opts.Demo, ttl: opts.SessionTTL,
		ver: opts.Version, log: opts.Logger, pages: pages, assets: assets,
	}
	if opts.Usage != nil {
		u.usageSvc = opts.Usage
		opts.Usage.Declare(usage.SourceUI, pageFeatures()...)
	}
	u.surveySvc = opts.Survey
	u.delivery, u.dora = opts.Delivery, opts.DORA
	return u.routes(), nil
}

func (u *ui) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/", u.static)

	mux.HandleFunc("GET /login", u.page(api.Public, u.loginForm))
	mux.HandleFunc("POST /login", u.login)
	mux.HandleFunc("POST /logout", u.logout)

	mux.HandleFunc("GET /{$}", u.page(api.Read, u.overview))
	mux.HandleFunc("GET /teams", u.page(api.Read, u.teams))
	mux.HandleFunc("POST /teams", u.page(api.Write, u.onboard))
	mux.HandleFunc("GET /teams/{name}", u.page(api.Read, u.team))
	mux.HandleFunc("GET /services", u.page(api.Read, u.services))
	mux.HandleFunc("GET /services/{name}", u.page(api.Read, u.service))
	mux.HandleFunc("GET /policies", u.page(api.Read, u.policies))
	mux.HandleFunc("GET /policies/{id}", u.page(api.Read, u.policy))
	mux.HandleFunc("GET /costs", u.page(api.Read, u.costs))
	mux.HandleFunc("GET /costs/review", u.page(api.Read, u.costReview))
	mux.HandleFunc("GET /costs/review.md", u.page(api.Read, u.costReview))
	mux.HandleFunc("GET /costs/review.html", u.page(api.Read, u.costReview))
	mux.HandleFunc("GET /surveys", u.page(api.Read, u.surveysPage))
	mux.HandleFunc("POST /surveys", u.page(api.Write, u.createSurvey))
	mux.HandleFunc("GET /surveys/{id}", u.page(api.Read, u.surveyPage))
	mux.HandleFunc("POST /surveys/{id}/invites", u.page(api.Write, u.inviteSurvey))
	mux.HandleFunc("GET /surveys/{id}/export.csv", u.page(api.Read, u.exportSurvey))
	// The answer page needs no sign-in: the token in its URL is the
	// respondent's credential and, on POST, the form's CSRF defence.
	mux.HandleFunc("GET /answer/thanks", u.page(api.Public, u.answerThanks))
	mux.HandleFunc("GET /answer/{token}", u.page(api.Public, u.answerForm))
	mux.HandleFunc("POST /answer/{token}", u.page(api.Public, u.answerSubmit))
	mux.HandleFunc("GET /usage", u.page(api.Read, u.usageSummary))
	mux.HandleFunc("GET /delivery", u.page(api.Read, u.deliveryPage))

	// Everything else is a styled 404 rather than the mux's plain text.
	mux.HandleFunc("/", u.page(api.Public, func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		return api.NotFound("there is no page at %s", r.URL.Path)
	}))

	// Login CSRF (an attacker signing a victim into the attacker's
	// account) cannot be stopped with a session token, since there is no
	// session yet; rejecting cross-origin unsafe requests covers it, and
	// every other form as a second layer.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.fail(w, r, nil, &api.Error{Status: http.StatusForbidden, Code: "forbidden",
			Message: "This form was submitted from another site, so it was refused."})
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders applies to every UI response. The policy allows no
// inline styles or scripts at all; inline SVG charts pass because they are
// markup styled with presentation attributes (see cspSafeSVG).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
