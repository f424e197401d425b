package admission

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Kubernetes-facing numbers: requests and latency by
// webhook, operation, kind and action.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics() *metrics {
	return &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paved_admission_requests_total",
			Help: "AdmissionReview requests answered, by webhook (validate, mutate), operation, kind and action (allow, warn, excepted, deny, mutated, exempt, skip, error, abandoned: the caller gave up while the review waited its turn; shed: answered 503 because it would have waited past the webhook timeout).",
		}, []string{"webhook", "operation", "kind", "action"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "paved_admission_request_duration_seconds",
			Help: "Time to answer an AdmissionReview, from the request body to the response, by webhook, operation, kind and action.",
			// Admission answers in about a millisecond; the API server
			// gives up at the webhook's timeout (3 s).
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 3},
		}, []string{"webhook", "operation", "kind", "action"}),
	}
}

func (m *metrics) register(reg prometheus.Registerer) {
	reg.MustRegister(m.requests, m.latency)
}

// knownKinds bounds the kind label: the webhooks' rules only send these,
// and a hand-made request must not create a series per made-up kind.
var knownKinds = map[string]bool{
	"Pod": true, "Service": true, "ReplicationController": true, "Deployment": true, "StatefulSet": true,
	"DaemonSet": true, "ReplicaSet": true, "Job": true, "CronJob": true, "": true,
}

var knownOps = map[string]bool{"CREATE": true, "UPDATE": true, "DELETE": true, "CONNECT": true, "": true}

func (m *metrics) observe(webhook, op, kind, action string, d time.Duration) {
	if !knownKinds[kind] {
		kind = "other"
	}
	if !knownOps[op] {
		op = "other"
	}
	m.requests.WithLabelValues(webhook, op, kind, action).Inc()
	m.latency.WithLabelValues(webhook, op, kind, action).Observe(d.Seconds())
}
