package admission

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxReviewBytes caps an AdmissionReview body. The API server stores
// objects of up to about 1.5 MiB (etcd's request limit), and an UPDATE
// carries the object twice; anything beyond this is not a review the API
// server sent.
const MaxReviewBytes = 8 << 20

// reviewError is a request paved cannot judge: the API server sees a
// non-200 answer and applies the webhook's failurePolicy.
type reviewError struct {
	status int
	msg    string
}

func (e *reviewError) Error() string { return e.msg }

func badReview(format string, args ...any) error {
	return &reviewError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// readReview decodes an AdmissionReview v1 request body.
func readReview(w http.ResponseWriter, r *http.Request) (*admissionv1.AdmissionRequest, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		return nil, &reviewError{status: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("Content-Type %q is not supported; send an AdmissionReview as application/json", ct)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxReviewBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &reviewError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("AdmissionReview larger than %d bytes", MaxReviewBytes)}
		}
		return nil, badReview("reading the AdmissionReview: %v", err)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return nil, badReview("the body is not an AdmissionReview: %v", jsonError(body, err))
	}
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" {
		return nil, badReview("unsupported %s %q: paved answers AdmissionReview admission.k8s.io/v1 (set admissionReviewVersions: [v1] on the webhook)", orKind(review.Kind), review.APIVersion)
	}
	if review.Request == nil {
		return nil, badReview("the AdmissionReview has no request")
	}
	if review.Request.UID == "" {
		return nil, badReview("the AdmissionReview request has no uid")
	}
	return review.Request, nil
}

// isJSON accepts application/json with parameters (charset=utf-8), as
// the API server and proxies may send it.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

func orKind(kind string) string {
	if kind == "" {
		return "object of apiVersion"
	}
	return kind + " apiVersion"
}

// jsonError adds where in the body a syntax error is.
func jsonError(body []byte, err error) error {
	var syn *json.SyntaxError
	switch {
	case len(body) == 0:
		return fmt.Errorf("the body is empty")
	case errors.As(err, &syn) && syn.Offset >= int64(len(body)), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("truncated JSON: the body ends after %d bytes", len(body))
	case errors.As(err, &syn):
		return fmt.Errorf("%v at byte %d of %d", err, syn.Offset, len(body))
	}
	return err
}

// writeReview answers req with resp.
func writeReview(w http.ResponseWriter, req *admissionv1.AdmissionRequest, resp *admissionv1.AdmissionResponse) {
	resp.UID = req.UID
	out := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: admissionv1.SchemeGroupVersion.String(), Kind: "AdmissionReview"},
		Response: resp,
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

func writeReviewError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	var re *reviewError
	if errors.As(err, &re) {
		status = re.status
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"status": status, "message": err.Error()}})
}
