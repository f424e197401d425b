// Package server is paved's HTTP server: it mounts each capability's JSON
// routes behind authentication, the web UI, health checks, metrics and the
// OpenAPI document, and runs them with timeouts and graceful shutdown.
package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options configure a Server.
type Options struct {
	DB      *store.DB
	Auth    *auth.Store
	Version string
	// Routes are every capability's JSON API routes.
	Routes []api.Route
	// UI serves everything that is not API, health or metrics.
	UI http.Handler
	// MaxBodyBytes caps request bodies.
	MaxBodyBytes int64
	// Webhooks are mounted as they are, outside the token-authenticated
	// API, each enforcing its own body limit: the Kubernetes API server
	// calls /admission/ with no paved token (pattern → handler).
	Webhooks map[string]http.Handler
	Logger   *slog.Logger
}

// Server is paved's HTTP handler with its metrics registry.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	Registry *prometheus.Registry
	metrics  *httpMetrics
	openapi  []byte
}

// New builds the handler tree.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{opts: opts, mux: http.NewServeMux(), Registry: reg, metrics: newHTTPMetrics(reg)}

	routes := append([]api.Route{}, opts.Routes...)
	routes = append(routes, api.Route{Method: "GET", Pattern: "/api/v1/openapi.json", Perm: api.Public, Tag: "meta",
		Summary: "This OpenAPI document", Handler: s.serveOpenAPI})
	doc, err := json.MarshalIndent(api.OpenAPI("paved", opts.Version, routes), "", "  ")
	if err != nil {
		return nil, err
	}
	s.openapi = doc
	for _, r := range routes {
		s.mux.Handle(r.Method+" "+r.Pattern, s.guard(r))
	}
	// Anything else under /api/ is a JSON 404, not the UI's HTML one.
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		api.WriteError(w, r, api.NotFound("no API route %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path))
	})
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", s.readyz)
	for pattern, h := range opts.Webhooks {
		s.mux.Handle(pattern, h)
	}
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	if opts.UI != nil {
		s.mux.Handle("/", opts.UI)
	}
	return s, nil
}

// Handler returns the root handler with logging, metrics, panic recovery
// and body limits applied.
func (s *Server) Handler() http.Handler {
	return s.observe(s.limitBody(s.mux))
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.openapi)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.opts.DB.Ping(ctx); err != nil {
		s.opts.Logger.Warn("readiness check failed", "database", s.opts.DB.Where, "err", err)
		api.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	api.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": string(s.opts.DB.Dialect)})
}

// guard authenticates the caller and checks the route's permission before
// calling its handler. Every denial is a JSON 401 or 403.
func (s *Server) guard(r api.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		limit := s.opts.MaxBodyBytes
		if r.MaxBodyBytes > limit {
			limit = r.MaxBodyBytes
		}
		if req.ContentLength > limit {
			api.WriteError(w, req, &http.MaxBytesError{Limit: limit})
			return
		}
		req.Body = http.MaxBytesReader(w, req.Body, limit)
		if r.Perm == api.Public {
			r.Handler(w, req)
			return
		}
		secret, ok := bearer(req)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="paved"`)
			api.WriteError(w, req, &api.Error{Status: http.StatusUnauthorized, Code: "unauthenticated",
				Message: "this route needs an API token: send Authorization: Bearer <token> (create one with paved token create)"})
			return
		}
		tok, err := s.opts.Auth.Authenticate(req.Context(), secret)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="paved", error="invalid_token"`)
			api.WriteError(w, req, err)
			return
		}
		if !tok.Role.Allows(r.Perm) {
			api.WriteError(w, req, &api.Error{Status: http.StatusForbidden, Code: "forbidden",
				Message: "token " + tok.ID + " has role " + string(tok.Role) + ", which may not " + r.Perm.String() + " here"})
			return
		}
		r.Handler(w, req.WithContext(auth.WithPrincipal(req.Context(), auth.Principal{Token: tok})))
	})
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
		return "", false
	}
	return strings.TrimSpace(secret), true
}

// limitBody caps bodies of everything but the JSON API, whose routes each
// apply their own limit in guard, the admission webhooks, which take
// Kubernetes objects of up to a few MiB, and the delivery webhooks, which
// take GitHub's payloads of up to 25 MiB: those limit themselves.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/admission/") || strings.HasPrefix(r.URL.Path, "/webhooks/") {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > s.opts.MaxBodyBytes {
			api.WriteError(w, r, &http.MaxBytesError{Limit: s.opts.MaxBodyBytes})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// Run serves on ln until ctx is cancelled (SIGTERM in `paved serve`), then
// stops accepting connections and lets in-flight requests finish.
func (s *Server) Run(ctx context.Context, ln net.Listener, tlsCfg *tls.Config) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		TLSConfig:         tlsCfg,
		ErrorLog:          slog.NewLogLogger(s.opts.Logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.opts.Logger.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
