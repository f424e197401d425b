package admission_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	genreview "github.com/paved-dev/paved/bench/genreview/review"
	"github.com/paved-dev/paved/internal/admission"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// benchConfig is bench/admission.sh's paved.yaml: the restricted Pod
// Security profile enforces, every other policy warns, images must come
// from ghcr.io/example-shop/.
const benchConfig = `policy_settings:
  default_mode: warn
  allowed_registries: ["ghcr.io/example-shop/"]
policies:
  pod-security-restricted:
    mode: enforce
`

// newBenchHandler wires the webhooks as paved serve does on a fresh data
// directory (SQLite, empty catalog), with a decision recorder or without.
func newBenchHandler(b *testing.B, record bool) http.Handler {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "paved.yaml")
	if err := os.WriteFile(path, []byte(benchConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	db := storetest.SQLite(b)
	cat, err := catalog.New(ctx, db, cfg.Ownership)
	if err != nil {
		b.Fatal(err)
	}
	if err := cat.SyncEnvironments(ctx, cfg.Environments); err != nil {
		b.Fatal(err)
	}
	svc, err := policy.NewService(ctx, cfg, policy.NewStore(db), nil)
	if err != nil {
		b.Fatal(err)
	}
	var rec *admission.Recorder
	if record {
		rec, err = admission.NewRecorder(svc.Store, filepath.Join(b.TempDir(), "spool"), cfg.Admission.QueueSize, nil)
		if err != nil {
			b.Fatal(err)
		}
		rec.Start()
		b.Cleanup(func() { rec.Close(context.Background()) })
	}
	h := admission.New(admission.Options{Config: cfg, Policy: svc, Catalog: cat, Recorder: rec})
	mux := http.NewServeMux()
	for _, m := range h.Mounts() {
		mux.Handle(m.Pattern, m.Handler)
	}
	return mux
}

// BenchmarkValidate is one AdmissionReview of a 3.4 KB Deployment (the
// bytes bench/admission.sh sends) through the validating webhook's
// handler, without network or TLS: decode the review, resolve the owner,
// evaluate the built-in pack, apply the rollout, encode the answer.
// "allowed" and "denied" leave out the decision recorder; "allowed-recorded"
// queues every decision to SQLite as paved serve does (the writer runs
// concurrently, so its cost shows in ns/op only when it competes for the
// CPU).
func BenchmarkValidate(b *testing.B) {
	for _, bc := range []struct {
		name       string
		violations bool
		record     bool
		allowed    string
	}{
		{"allowed", false, false, `"allowed":true`},
		{"denied", true, false, `"allowed":false`},
		{"allowed-recorded", false, true, `"allowed":true`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body, err := genreview.Deployment(bc.violations)
			if err != nil {
				b.Fatal(err)
			}
			h := newBenchHandler(b, bc.record)
			serve := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodPost, "/admission/validate", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				return w
			}
			if w := serve(); w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte(bc.allowed)) {
				b.Fatalf("want 200 with %s, got %d: %s", bc.allowed, w.Code, w.Body)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				serve()
			}
		})
	}
}
