package admission

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
)

// Options wire a Handler.
type Options struct {
	Config   config.Config
	Policy   *policy.Service
	Catalog  *catalog.Catalog
	Recorder *Recorder
	// Now is the clock rollouts and exceptions are judged on.
	Now    func() time.Time
	Logger *slog.Logger
}

// Handler serves the validating and mutating webhooks.
type Handler struct {
	opts        Options
	exemptNS    map[string]bool
	exemptUsers map[string]bool
	mutateNS    map[string]bool
	mutateTeams map[string]bool
	metrics     *metrics
	// judging admits as many reviews to the evaluator at once as there
	// are cores; the rest wait their turn in arrival order. Evaluation is
	// CPU-bound: letting hundreds of requests share two cores makes every
	// one of them slow and some time out, while queueing keeps the p99
	// of a burst near the time to clear the queue.
	judging chan struct{}
}

// New builds the webhooks' handler.
func New(opts Options) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := opts.Config.Admission
	return &Handler{
		opts:        opts,
		exemptNS:    set(a.Exempt()),
		exemptUsers: set(a.ExemptUsers),
		mutateNS:    set(a.Mutate.Namespaces),
		mutateTeams: set(a.Mutate.Teams),
		metrics:     newMetrics(),
		judging:     make(chan struct{}, runtime.GOMAXPROCS(0)),
	}
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, v := range list {
		m[v] = true
	}
	return m
}

// Register adds the webhooks' metrics (and the recorder's) to reg.
func (h *Handler) Register(reg prometheus.Registerer) {
	h.metrics.register(reg)
	if h.opts.Recorder != nil {
		h.opts.Recorder.register(reg)
	}
}

// Mount is a path the server mounts outside the authenticated API: the
// API server calls webhooks without a paved token (TLS and the network
// protect them, as for every admission controller).
type Mount struct {
	Pattern string
	Handler http.Handler
}

// Mounts returns the webhook endpoints.
func (h *Handler) Mounts() []Mount {
	return []Mount{
		{Pattern: "POST /admission/validate", Handler: h.serve("validate", h.validate)},
		{Pattern: "POST /admission/mutate", Handler: h.serve("mutate", h.mutate)},
	}
}

// outcome is what a webhook decided, for the response and the metrics.
type outcome struct {
	resp   *admissionv1.AdmissionResponse
	action string // allow, deny, warn, excepted, exempt, mutated, skip
}

func (h *Handler) serve(webhook string, judge func(*admissionv1.AdmissionRequest) outcome) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req, err := readReview(w, r)
		if err != nil {
			h.metrics.observe(webhook, "", "", "error", time.Since(start))
			writeReviewError(w, err)
			return
		}
		// Wait for a turn, but not past the API server's webhook timeout
		// (it sends ?timeout=3s): an answer it will not wait for is work
		// for nothing, and a quick 503 lets it apply the failurePolicy at
		// once instead of after the timeout.
		wait := time.NewTimer(maxWait(r))
		select {
		case h.judging <- struct{}{}:
			wait.Stop()
		case <-wait.C:
			h.metrics.observe(webhook, string(req.Operation), req.Kind.Kind, "shed", time.Since(start))
			writeReviewError(w, &reviewError{status: http.StatusServiceUnavailable,
				msg: "paved is answering as many reviews as it can and this one would have waited past the webhook's timeout; add replicas or CPU"})
			return
		case <-r.Context().Done():
			wait.Stop()
			h.metrics.observe(webhook, string(req.Operation), req.Kind.Kind, "abandoned", time.Since(start))
			return
		}
		out := func() outcome {
			defer func() { <-h.judging }() // also when judge panics
			return judge(req)
		}()
		writeReview(w, req, out.resp)
		h.metrics.observe(webhook, string(req.Operation), req.Kind.Kind, out.action, time.Since(start))
	})
}

// maxWait is how long a review may wait for its turn: the API server's
// timeout for the call (the timeout query parameter it adds) less what
// judging takes, 2.5 s when it says none.
func maxWait(r *http.Request) time.Duration {
	d, err := time.ParseDuration(r.URL.Query().Get("timeout"))
	if err != nil || d <= 0 {
		d = 3 * time.Second
	}
	return max(d-500*time.Millisecond, 100*time.Millisecond)
}

// skip says whether a request is outside what admission judges: deletes
// and connects, subresources (status, scale, exec...), exempt namespaces
// and users. The reason is the metric's action.
func (h *Handler) skip(req *admissionv1.AdmissionRequest) (string, bool) {
	switch {
	case req.Operation != admissionv1.Create && req.Operation != admissionv1.Update:
		return "skip", true
	case req.SubResource != "":
		return "skip", true
	case h.exemptNS[req.Namespace]:
		return "exempt", true
	case h.exemptUsers[req.UserInfo.Username]:
		return "exempt", true
	case len(req.Object.Raw) == 0:
		return "skip", true
	}
	return "", false
}

// decodeObject decodes the object under review into the JSON-shaped
// values policies read (numbers stay json.Number, as paved check reads
// them).
func decodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	return obj, nil
}

func allowed() *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: true}
}
