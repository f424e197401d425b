package admission_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/admission"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// The API server sends paved whatever a client managed to store, and
// anyone who can reach the webhook port can send anything at all. Whatever
// the body, the webhooks must answer: 200 with an AdmissionReview for the
// request's uid, or a 4xx JSON error. A panic is a 500 at best and, with
// failurePolicy: Fail, a cluster where nothing can be created.

// fuzzWebhooks is the webhooks over testdata's configuration and catalog,
// built once per fuzz target. The recorder is left out: its queue would
// fill within seconds of fuzzing and spool every execution to disk, and
// what it stores is tested in recorder_test.go.
func fuzzWebhooks(f *testing.F) http.Handler {
	f.Helper()
	cfg, _, cat, svc := guardrails(f)
	h := admission.New(admission.Options{Config: cfg, Policy: svc, Catalog: cat,
		Now:    func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) },
		Logger: slog.New(slog.DiscardHandler)})
	mux := http.NewServeMux()
	for _, m := range h.Mounts() {
		mux.Handle(m.Pattern, m.Handler)
	}
	return mux
}

// rawReview is an AdmissionReview whose object is raw JSON, shapes and
// all.
func rawReview(op admissionv1.Operation, ns string, gvk metav1.GroupVersionKind, raw string, mod func(*admissionv1.AdmissionRequest)) []byte {
	req := &admissionv1.AdmissionRequest{
		UID:       "0b9a7c39-4b1c-4a57-9d84-5d1b0e8f2a61",
		Kind:      gvk,
		Resource:  metav1.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"},
		Namespace: ns,
		Operation: op,
		UserInfo:  authnv1.UserInfo{Username: "jane@example.com"},
		Object:    runtime.RawExtension{Raw: []byte(raw)},
	}
	if mod != nil {
		mod(req)
	}
	body, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request:  req,
	})
	return body
}

// fuzzSeeds are reviews of every shape the webhooks care about, valid
// and not; ns is the namespace they are in (checkout-prod is owned and
// opted into mutation).
func fuzzSeeds() [][]byte {
	const ns = "checkout-prod"
	podGVK := metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}
	deployGVK := metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	cronGVK := metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}
	good := review(admissionv1.Create, ns, pod("ok", compliant("ghcr.io/shop/app:1.0"), nil), nil)
	deployment := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{"replicas": 2, "template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
			"spec":     map[string]any{"containers": []any{rootContainer()}},
		}}}
	cronJob := map[string]any{"apiVersion": "batch/v1", "kind": "CronJob",
		"metadata": map[string]any{"name": "nightly"},
		"spec": map[string]any{"schedule": "0 3 * * *", "jobTemplate": map[string]any{"spec": map[string]any{
			"template": map[string]any{"spec": map[string]any{
				"restartPolicy": "Never", "containers": []any{compliant("ghcr.io/shop/batch:latest")},
			}},
		}}}}
	return [][]byte{
		good,
		review(admissionv1.Create, ns, pod("root", rootContainer(), map[string]any{"team": "payments"}), nil),
		review(admissionv1.Create, ns, deployment, nil),
		review(admissionv1.Update, ns, deployment, func(r *admissionv1.AdmissionRequest) {
			r.OldObject = r.Object
		}),
		review(admissionv1.Create, ns, cronJob, nil),
		review(admissionv1.Create, "search-prod", pod("legacy", rootContainer(), nil), nil),
		review(admissionv1.Delete, ns, pod("gone", rootContainer(), nil), nil),
		review(admissionv1.Create, ns, pod("dry", rootContainer(), nil), func(r *admissionv1.AdmissionRequest) {
			dry := true
			r.DryRun = &dry
		}),
		// Truncated, wrong version, not a review at all.
		good[:len(good)/2],
		bytes.Replace(good, []byte(`"admission.k8s.io/v1"`), []byte(`"admission.k8s.io/v1beta1"`), 1),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}`),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null}`),
		[]byte(`[]`),
		[]byte(`null`),
		{},
		// Odd shapes where objects, lists and strings are expected.
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":["team","payments"]},"spec":{"containers":[{"name":"a","image":"x:1"}]}}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":"nginx"}}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":42,"namespace":true,"labels":{"team":7}},"spec":{"containers":[{"name":1,"image":2.5,"securityContext":{"runAsNonRoot":"yes","capabilities":{"drop":"ALL"}}}]}}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":[],"spec":null}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":7,"kind":["Pod"]}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `"a string"`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `[1,2,3]`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[null,{},[]]}}`, nil),
		rawReview(admissionv1.Create, ns, podGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x:1","resources":{"limits":{"cpu":1e400}}}]}}`, nil),
		rawReview(admissionv1.Create, ns, deployGVK, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":null},"spec":{"template":"pods"}}`, nil),
		rawReview(admissionv1.Create, ns, deployGVK, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"metadata":{"labels":[]}}}}`, nil),
		rawReview(admissionv1.Create, ns, cronGVK, `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c","labels":{"team":"payments"}},"spec":{"jobTemplate":{"spec":[]}}}`, nil),
		rawReview(admissionv1.Create, ns, cronGVK, `{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"generateName":"c-"},"spec":{"jobTemplate":{"spec":{"template":{"metadata":{}}}}}}`, nil),
		// A kind the request says and an object that says another.
		rawReview(admissionv1.Update, ns, deployGVK, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"x"}]}}`, nil),
		rawReview(admissionv1.Create, "", metav1.GroupVersionKind{}, `{"kind":"Namespace","metadata":{"name":"checkout-prod"}}`, nil),
		rawReview("PATCH", ns, podGVK, `{"apiVersion":"v1","kind":"Pod"}`, func(r *admissionv1.AdmissionRequest) {
			r.SubResource = "status"
		}),
	}
}

// checkAnswer fails t unless the webhook answered body with 200 and an
// AdmissionReview for the request's uid, or with a 4xx JSON error.
func checkAnswer(t *testing.T, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	out := rec.Body.Bytes()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("status %d with Content-Type %q: %.300s", rec.Code, ct, out)
	}
	switch {
	case rec.Code == http.StatusOK:
		// The request parsed, or it would not be 200: its uid is what the
		// response must carry.
		var in admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &in); err != nil || in.Request == nil {
			t.Fatalf("200 for a body that is not an AdmissionReview (%v): %.300s", err, out)
		}
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(out, &review); err != nil {
			t.Fatalf("200 with a body that is not an AdmissionReview: %v: %.300s", err, out)
		}
		if review.APIVersion != "admission.k8s.io/v1" || review.Kind != "AdmissionReview" || review.Response == nil {
			t.Fatalf("200 without an admission.k8s.io/v1 AdmissionReview response: %.300s", out)
		}
		if review.Response.UID == "" || review.Response.UID != in.Request.UID {
			t.Fatalf("response uid %q for request uid %q", review.Response.UID, in.Request.UID)
		}
		if review.Response.PatchType != nil {
			// The API server applies the patch to the object; one that
			// does not apply fails the request as surely as a crash.
			if err := applyAdds(in.Request.Object.Raw, review.Response.Patch); err != nil {
				t.Fatalf("the patch does not apply to the object: %v\npatch: %s\nobject: %.300s", err, review.Response.Patch, in.Request.Object.Raw)
			}
		}
		if !review.Response.Allowed && review.Response.Result == nil {
			t.Fatalf("denied without a status: %.300s", out)
		}
	case rec.Code >= 400 && rec.Code < 500:
		var e struct {
			Error struct {
				Status  int    `json:"status"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(out, &e); err != nil || e.Error.Status != rec.Code || e.Error.Message == "" {
			t.Fatalf("status %d without a JSON error (%v): %.300s", rec.Code, err, out)
		}
	default:
		t.Fatalf("status %d: %.300s", rec.Code, out)
	}
}

// applyAdds applies a JSON Patch of "add" operations (all the mutating
// webhook emits) to obj as RFC 6902 does: each parent must exist and be
// an object. It also holds the webhook to its word that it never
// overwrites a value.
func applyAdds(obj, patch []byte) error {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber() // as the webhook reads it: 1e400 is a number, not an error
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("object: %v", err)
	}
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(patch, &ops); err != nil || len(ops) == 0 {
		return fmt.Errorf("not a JSON Patch (%v): %s", err, patch)
	}
	for _, op := range ops {
		if op.Op != "add" || !strings.HasPrefix(op.Path, "/") {
			return fmt.Errorf("unexpected operation %s %q", op.Op, op.Path)
		}
		tokens := strings.Split(op.Path[1:], "/")
		for i, tok := range tokens {
			tokens[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		}
		cur, ok := doc.(map[string]any)
		for _, tok := range tokens[:len(tokens)-1] {
			if !ok {
				break
			}
			cur, ok = cur[tok].(map[string]any)
		}
		if !ok {
			return fmt.Errorf("%s: the parent is not an object", op.Path)
		}
		last := tokens[len(tokens)-1]
		if v, exists := cur[last]; exists && v != nil {
			return fmt.Errorf("%s would overwrite %v", op.Path, v)
		}
		cur[last] = op.Value
	}
	return nil
}

func fuzzWebhook(f *testing.F, path string) {
	h := fuzzWebhooks(f)
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, body, rec)
	})
}

func FuzzValidate(f *testing.F) { fuzzWebhook(f, "/admission/validate") }

func FuzzMutate(f *testing.F) { fuzzWebhook(f, "/admission/mutate") }
