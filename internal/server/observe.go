package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/prometheus/client_golang/prometheus"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paved_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "paved_http_request_duration_seconds",
			Help:    "HTTP request latency, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request, records its metrics under the matched route
// pattern (not the raw path, which would explode label cardinality), and
// turns a panic into a 500 instead of a dropped connection.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.opts.Logger.Error("handler panicked", "method", r.Method, "path", redactPath(r.URL.Path), "panic", fmt.Sprint(p))
				if sw.status == 0 {
					api.WriteError(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.metrics.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
			s.metrics.duration.WithLabelValues(r.Method, route).Observe(elapsed.Seconds())
			// The query string is left out: tokens never belong there, but
			// a careless client might put one in.
			s.opts.Logger.Debug("request", "method", r.Method, "path", redactPath(r.URL.Path), "route", route,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", elapsed.Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

// secretPrefixes start the secrets that travel in a URL path: survey
// invite tokens (/answer/pvs_...). API tokens (pvd_) never should, but a
// careless client might put one there.
var secretPrefixes = []string{"pvs_", "pvd_"}

// redactPath replaces every path segment holding a secret with
// "{redacted}", so that logs never carry one: a survey invite token in a
// log line next to a time would undo the survey's anonymity.
func redactPath(path string) string {
	for _, p := range secretPrefixes {
		if !strings.Contains(path, p) {
			continue
		}
		segs := strings.Split(path, "/")
		for i, seg := range segs {
			for _, p := range secretPrefixes {
				if strings.HasPrefix(seg, p) {
					segs[i] = "{redacted}"
				}
			}
		}
		return strings.Join(segs, "/")
	}
	return path
}
