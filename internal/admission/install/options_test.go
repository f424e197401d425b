package install

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ca, err := os.ReadFile("testdata/ca.crt")
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
	tests := []struct {
		name  string
		opts  Options
		field string // "" means valid
		want  string
	}{
		{"defaults", Options{}, "", ""},
		{"everything set", Options{Namespace: "guard", Image: "registry.local/paved:1.2.3", FailurePolicy: "Fail", CABundle: ca, WebhookURL: "https://paved.example.com:8443/", ExemptNamespaces: []string{"kube-system", "monitoring"}, Replicas: 3}, "", ""},
		{"blank CA bundle", Options{CABundle: []byte("\n")}, "", ""},
		{"failure policy", Options{FailurePolicy: "fail"}, "FailurePolicy", `"fail" is not a failure policy; use Fail`},
		{"namespace", Options{Namespace: "Platform Team"}, "Namespace", `"Platform Team" is not a valid namespace name`},
		{"exempt namespace", Options{ExemptNamespaces: []string{"kube_system"}}, "ExemptNamespaces", `"kube_system" is not a valid namespace name`},
		{"image", Options{Image: "paved 1.0"}, "Image", "contains white space"},
		{"CA not PEM", Options{CABundle: []byte("not a certificate")}, "CABundle", "is not PEM"},
		{"CA with a key", Options{CABundle: append(append([]byte{}, ca...), key...)}, "CABundle", "PEM block of type PRIVATE KEY"},
		{"CA garbage after PEM", Options{CABundle: append(append([]byte{}, ca...), "trailing"...)}, "CABundle", "has data that is not PEM"},
		{"URL not https", Options{WebhookURL: "http://paved.example.com"}, "WebhookURL", "use an https URL"},
		{"URL with query", Options{WebhookURL: "https://paved.example.com?x=1"}, "WebhookURL", "use an https URL"},
		{"URL with admission path", Options{WebhookURL: "https://paved.example.com/admission/validate"}, "WebhookURL", "give the base URL only"},
		{"replicas", Options{Replicas: -1}, "Replicas", "use 1 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("valid options rejected: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.want) {
				t.Fatalf("err = %v, want a FieldError on %s containing %q", err, tt.field, tt.want)
			}
			if _, err := Objects(tt.opts); err == nil {
				t.Error("Objects accepted options Validate rejects")
			}
		})
	}
}

func TestExemptNamespaces(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{}, "kube-system,paved"},
		{Options{Namespace: "guard"}, "guard,kube-system"},
		{Options{ExemptNamespaces: []string{"monitoring", "paved", "kube-system", "monitoring"}}, "kube-system,monitoring,paved"},
		{Options{ExemptNamespaces: []string{}}, "paved"},
	}
	for _, tt := range tests {
		if got := strings.Join(exemptNamespaces(tt.opts.withDefaults()), ","); got != tt.want {
			t.Errorf("%+v: exempt = %s, want %s", tt.opts, got, tt.want)
		}
	}
}
