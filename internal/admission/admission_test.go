package admission_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/admission"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// fixture is the webhooks on a real TLS socket over a SQLite store with a
// small catalog and testdata/paved.yaml's rollout.
type fixture struct {
	srv      *httptest.Server
	db       *store.DB
	svc      *policy.Service
	recorder *admission.Recorder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cfg, db, cat, svc := guardrails(t)
	rec, err := admission.NewRecorder(svc.Store, filepath.Join(t.TempDir(), "spool"), 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.Start()
	h := admission.New(admission.Options{Config: cfg, Policy: svc, Catalog: cat, Recorder: rec,
		Now: func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }})
	mux := http.NewServeMux()
	for _, m := range h.Mounts() {
		mux.Handle(m.Pattern, m.Handler)
	}
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { rec.Close(context.Background()) })
	return &fixture{srv: srv, db: db, svc: svc, recorder: rec}
}

// guardrails is what the webhooks judge with: testdata's configuration
// and catalog on a SQLite store, and the policy service over them.
func guardrails(t testing.TB) (config.Config, *store.DB, *catalog.Catalog, *policy.Service) {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	cfg, cat := catalogtest.OpenFiles(t, db, "testdata/paved.yaml", "testdata/catalog.yaml")
	svc, err := policy.NewService(ctx, cfg, policy.NewStore(db), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, db, cat, svc
}

// review builds an AdmissionReview for obj (a manifest as a Go value).
func review(op admissionv1.Operation, ns string, obj map[string]any, mod func(*admissionv1.AdmissionRequest)) []byte {
	raw, _ := json.Marshal(obj)
	kind, _ := obj["kind"].(string)
	group, version := "", "v1"
	if av, _ := obj["apiVersion"].(string); strings.Contains(av, "/") {
		group, version, _ = strings.Cut(av, "/")
	}
	name, _ := obj["metadata"].(map[string]any)["name"].(string)
	req := &admissionv1.AdmissionRequest{
		UID:       "7f0b2891-916f-4ed6-b7cd-27bff1815a8c",
		Kind:      metav1.GroupVersionKind{Group: group, Version: version, Kind: kind},
		Resource:  metav1.GroupVersionResource{Group: group, Version: version, Resource: strings.ToLower(kind) + "s"},
		Name:      name,
		Namespace: ns,
		Operation: op,
		UserInfo:  authnv1.UserInfo{Username: "jane@example.com"},
		Object:    runtime.RawExtension{Raw: raw},
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

func (f *fixture) post(t *testing.T, path string, body []byte) (int, admissionv1.AdmissionReview, string) {
	t.Helper()
	resp, err := f.srv.Client().Post(f.srv.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out admissionv1.AdmissionReview
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("response is not an AdmissionReview: %v\n%s", err, data)
		}
		if out.Response == nil || out.Response.UID == "" {
			t.Fatalf("response without uid: %s", data)
		}
	}
	return resp.StatusCode, out, string(data)
}

func pod(name string, container map[string]any, labels map[string]any) map[string]any {
	meta := map[string]any{"name": name}
	if labels != nil {
		meta["labels"] = labels
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": meta,
		"spec": map[string]any{"containers": []any{container}}}
}

// compliant is a container that passes the restricted profile.
func compliant(image string) map[string]any {
	return map[string]any{"name": "app", "image": image, "securityContext": map[string]any{
		"runAsNonRoot": true, "allowPrivilegeEscalation": false,
		"capabilities":   map[string]any{"drop": []any{"ALL"}},
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}}
}

func rootContainer() map[string]any {
	return map[string]any{"name": "app", "image": "ghcr.io/shop/app:1.0"}
}

func TestValidate(t *testing.T) {
	f := newFixture(t)
	dry := true
	tests := []struct {
		name      string
		body      []byte
		allowed   bool
		message   []string // substrings of the denial
		warnings  []string // substrings, one per expected warning
		noWarning bool
	}{
		{name: "compliant pod", allowed: true, noWarning: true,
			body: review(admissionv1.Create, "checkout-prod", pod("ok", compliant("ghcr.io/shop/app:1.0"), nil), nil)},
		{name: "restricted violation is denied with fix and exception hint", allowed: false,
			body:    review(admissionv1.Create, "checkout-prod", pod("root", rootContainer(), nil), nil),
			message: []string{"paved denied Pod/checkout-prod/root (team payments)", "[pss-restricted-run-as-non-root]", "Fix:", "paved policy exception create --policy", "--namespace checkout-prod"}},
		{name: "update is judged on the new object", allowed: false,
			body: review(admissionv1.Update, "checkout-prod", pod("root", rootContainer(), nil), func(r *admissionv1.AdmissionRequest) {
				old, _ := json.Marshal(pod("root", compliant("ghcr.io/shop/app:1.0"), nil))
				r.OldObject = runtime.RawExtension{Raw: old}
			}),
			message: []string{"[pss-restricted-run-as-non-root]"}},
		{name: "warn mode admits with a short warning", allowed: true,
			body:     review(admissionv1.Create, "checkout-prod", pod("latest", compliant("ghcr.io/shop/app:latest"), nil), nil),
			warnings: []string{"[image-tag-pinned] (will be denied from 2099-01-01)"}},
		{name: "excepted violation is admitted and says so", allowed: true,
			body: review(admissionv1.Create, "search-prod", pod("legacy", func() map[string]any {
				c := compliant("ghcr.io/shop/indexer:2.1")
				delete(c["securityContext"].(map[string]any), "runAsNonRoot")
				return c
			}(), nil), nil),
			warnings: []string{"[pss-restricted-run-as-non-root] excepted by cfg-1 until 2099-12-31"}},
		{name: "delete is allowed", allowed: true, noWarning: true,
			body: review(admissionv1.Delete, "checkout-prod", pod("root", rootContainer(), nil), nil)},
		{name: "exempt namespace", allowed: true, noWarning: true,
			body: review(admissionv1.Create, "kube-system", pod("root", rootContainer(), nil), nil)},
		{name: "paved's own namespace is exempt", allowed: true, noWarning: true,
			body: review(admissionv1.Create, "paved", pod("root", rootContainer(), nil), nil)},
		{name: "exempt user", allowed: true, noWarning: true,
			body: review(admissionv1.Create, "checkout-prod", pod("root", rootContainer(), nil), func(r *admissionv1.AdmissionRequest) {
				r.UserInfo.Username = "system:serviceaccount:ops:break-glass"
			})},
		{name: "subresource is not judged", allowed: true, noWarning: true,
			body: review(admissionv1.Update, "checkout-prod", pod("root", rootContainer(), nil), func(r *admissionv1.AdmissionRequest) {
				r.SubResource = "status"
			})},
		{name: "a kind no policy knows", allowed: true, noWarning: true,
			body: review(admissionv1.Create, "checkout-prod", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "settings"}, "data": map[string]any{"a": "b"}}, nil)},
		{name: "dry run is judged", allowed: false, message: []string{"[pss-restricted-run-as-non-root]"},
			body: review(admissionv1.Create, "checkout-prod", pod("dry", rootContainer(), nil), func(r *admissionv1.AdmissionRequest) {
				r.DryRun = &dry
			})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, raw := f.post(t, "/admission/validate", tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, raw)
			}
			r := out.Response
			if r.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v: %s", r.Allowed, tt.allowed, raw)
			}
			if !tt.allowed {
				if r.Result == nil || r.Result.Code != 403 {
					t.Fatalf("denial without a 403 status: %s", raw)
				}
				for _, want := range tt.message {
					if !strings.Contains(r.Result.Message, want) {
						t.Errorf("denial message lacks %q:\n%s", want, r.Result.Message)
					}
				}
			}
			for _, w := range r.Warnings {
				if n := len([]rune(w)); n > 120 {
					t.Errorf("warning of %d characters (max 120): %q", n, w)
				}
			}
			if tt.noWarning && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", r.Warnings)
			}
			for _, want := range tt.warnings {
				found := false
				for _, w := range r.Warnings {
					found = found || strings.Contains(w, want)
				}
				if !found {
					t.Errorf("no warning containing %q in %q", want, r.Warnings)
				}
			}
		})
	}

	// Decisions reach the store asynchronously; the dry run is not among
	// them, the denial and the exception are.
	findings := waitFindings(t, f, func(fs []policy.Finding) bool { return len(fs) >= 3 })
	byResource := map[string][]string{}
	for _, fd := range findings {
		if fd.Source != "admission" {
			t.Errorf("finding from source %q", fd.Source)
		}
		byResource[fd.Resource] = append(byResource[fd.Resource], fd.Policy+":"+fd.Action)
	}
	if _, ok := byResource["Pod/checkout-prod/dry"]; ok {
		t.Errorf("dry run was recorded: %v", byResource)
	}
	if got := strings.Join(byResource["Pod/search-prod/legacy"], ","); !strings.Contains(got, "pss-restricted-run-as-non-root:excepted") {
		t.Errorf("excepted decision not recorded: %v", byResource)
	}
	if got := strings.Join(byResource["Pod/checkout-prod/root"], ","); !strings.Contains(got, ":deny") {
		t.Errorf("denial not recorded: %v", byResource)
	}
}

func waitFindings(t *testing.T, f *fixture, done func([]policy.Finding) bool) []policy.Finding {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		fs, err := f.svc.Store.Findings(context.Background(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if done(fs) || time.Now().After(deadline) {
			return fs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBadReviews(t *testing.T) {
	f := newFixture(t)
	good := review(admissionv1.Create, "checkout-prod", pod("ok", compliant("ghcr.io/shop/app:1.0"), nil), nil)
	huge := review(admissionv1.Create, "checkout-prod", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "big"}, "data": map[string]any{"blob": strings.Repeat("x", 9<<20)}}, nil)
	big := review(admissionv1.Create, "checkout-prod", map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "big"}, "data": map[string]any{"blob": strings.Repeat("x", 3<<20)}}, nil)
	tests := []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"truncated", good[:len(good)/2], 400, "truncated JSON"},
		{"not JSON", []byte("apiVersion: admission.k8s.io/v1"), 400, "not an AdmissionReview"},
		{"empty", nil, 400, "not an AdmissionReview"},
		{"v1beta1", bytes.Replace(good, []byte(`"admission.k8s.io/v1"`), []byte(`"admission.k8s.io/v1beta1"`), 1), 400, "paved answers AdmissionReview admission.k8s.io/v1"},
		{"no request", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), 400, "has no request"},
		{"too large", huge, 413, "larger than"},
		{"3 MB object is judged", big, 200, `"allowed":true`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			status, _, raw := f.post(t, "/admission/validate", tt.body)
			if status != tt.status || !strings.Contains(raw, tt.want) {
				t.Fatalf("status %d, body %.300s; want %d and %q", status, raw, tt.status, tt.want)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v; the API server gives up at 3 s", d)
			}
		})
	}
}

func applyPatch(t *testing.T, obj map[string]any, patch []byte) map[string]any {
	t.Helper()
	var ops []struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal(patch, &ops); err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if op.Op != "add" {
			t.Fatalf("unexpected op %q", op.Op)
		}
		parts := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
		cur := obj
		for _, p := range parts[:len(parts)-1] {
			next, ok := cur[p].(map[string]any)
			if !ok {
				t.Fatalf("patch path %s: no object at %s", op.Path, p)
			}
			cur = next
		}
		key := strings.ReplaceAll(strings.ReplaceAll(parts[len(parts)-1], "~1", "/"), "~0", "~")
		if _, exists := cur[key]; exists {
			t.Fatalf("patch %s would overwrite an existing value", op.Path)
		}
		cur[key] = op.Value
	}
	return obj
}

func TestMutate(t *testing.T) {
	f := newFixture(t)
	deployment := func(labels map[string]any) map[string]any {
		return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": labels},
			"spec": map[string]any{"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec":     map[string]any{"containers": []any{compliant("ghcr.io/shop/web:1.0")}},
			}}}
	}
	tests := []struct {
		name string
		ns   string
		obj  map[string]any
		want map[string]string // labels expected after the patch at metadata.labels
		none bool
	}{
		{name: "pod without labels gets all three", ns: "checkout-prod", obj: pod("p", compliant("ghcr.io/x:1"), nil),
			want: map[string]string{"team": "payments", "service": "checkout", "environment": "prod"}},
		{name: "existing labels are never overwritten", ns: "checkout-prod",
			obj:  deployment(map[string]any{"Team": "someone-else", "app.kubernetes.io/name": "web"}),
			want: map[string]string{"Team": "someone-else", "app.kubernetes.io/name": "web", "environment": "prod"}},
		{name: "namespace not opted in", ns: "search-prod", obj: pod("p", compliant("ghcr.io/x:1"), nil), none: true},
		{name: "unknown namespace", ns: "nobody", obj: pod("p", compliant("ghcr.io/x:1"), nil), none: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, raw := f.post(t, "/admission/mutate", review(admissionv1.Create, tt.ns, tt.obj, nil))
			if status != 200 || !out.Response.Allowed {
				t.Fatalf("status %d: %s", status, raw)
			}
			if tt.none {
				if len(out.Response.Patch) > 0 {
					t.Fatalf("unexpected patch %s", out.Response.Patch)
				}
				return
			}
			if out.Response.PatchType == nil || *out.Response.PatchType != admissionv1.PatchTypeJSONPatch {
				t.Fatalf("no JSONPatch: %s", raw)
			}
			patched := applyPatch(t, tt.obj, out.Response.Patch)
			labels := patched["metadata"].(map[string]any)["labels"].(map[string]any)
			if fmt.Sprint(labels) != fmt.Sprint(toAny(tt.want)) {
				t.Errorf("labels after patch = %v, want %v", labels, tt.want)
			}
			if spec, ok := patched["spec"].(map[string]any); ok && patched["kind"] == "Deployment" {
				tl := spec["template"].(map[string]any)["metadata"].(map[string]any)["labels"].(map[string]any)
				if tl["team"] != "payments" || tl["app"] != "web" {
					t.Errorf("pod template labels = %v", tl)
				}
			}
			// Idempotent: the patched object needs nothing more.
			_, again, raw := f.post(t, "/admission/mutate", review(admissionv1.Create, tt.ns, patched, nil))
			if len(again.Response.Patch) > 0 {
				t.Errorf("second pass patched again: %s", raw)
			}
		})
	}
	fs := waitDecisions(t, f, "mutated", 2)
	if fs < 2 {
		t.Errorf("recorded %d mutations, want 2", fs)
	}
}

func toAny(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func waitDecisions(t *testing.T, f *fixture, action string, want int) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := f.db.R.QueryRow(`SELECT COUNT(*) FROM policy_decisions WHERE action = $1`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestContentType(t *testing.T) {
	f := newFixture(t)
	body := review(admissionv1.Create, "checkout-prod", pod("ok", compliant("ghcr.io/shop/app:1.0"), nil), nil)
	for ct, want := range map[string]int{
		"application/json":                200,
		"application/json; charset=utf-8": 200,
		"text/plain":                      415,
		"application/yaml":                415,
	} {
		resp, err := f.srv.Client().Post(f.srv.URL+"/admission/validate", ct, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Content-Type %q: status %d, want %d", ct, resp.StatusCode, want)
		}
	}
}

func TestMaxWait(t *testing.T) {
	for query, want := range map[string]time.Duration{
		"/admission/validate?timeout=3s":  2500 * time.Millisecond,
		"/admission/validate?timeout=10s": 9500 * time.Millisecond,
		"/admission/validate?timeout=1s":  500 * time.Millisecond,
		"/admission/validate?timeout=0s":  2500 * time.Millisecond,
		"/admission/validate":             2500 * time.Millisecond,
		"/admission/validate?timeout=x":   2500 * time.Millisecond,
	} {
		r := httptest.NewRequest("POST", query, nil)
		if got := admission.MaxWaitForTest(r); got != want {
			t.Errorf("%s: wait %v, want %v", query, got, want)
		}
	}
}
