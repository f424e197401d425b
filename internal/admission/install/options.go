package install

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Defaults for Options. FailurePolicy defaults to Ignore, as Gatekeeper
// does: a paved outage must not stop every deployment in the cluster, and
// CI runs the same policies before anything reaches admission.
const (
	DefaultNamespace     = "paved"
	DefaultImage         = "ghcr.io/paved-dev/paved:0.1.0"
	DefaultFailurePolicy = "Ignore"
	DefaultReplicas      = 2
)

// DefaultExemptNamespaces are the namespaces no webhook sees unless the
// user says otherwise: the control plane's own pods must start even when
// paved cannot.
var DefaultExemptNamespaces = []string{"kube-system"}

// Options describes one installation. The zero value means every default.
type Options struct {
	// Namespace paved runs in; it is always exempt from its own webhooks,
	// so paved can restart while its webhooks fail closed.
	Namespace string
	// Image of paved to run.
	Image string
	// FailurePolicy is what the API server does when paved does not answer:
	// Fail or Ignore.
	FailurePolicy string
	// CABundle is the PEM CA that signed paved's serving certificate; empty
	// when something else (cert-manager's cainjector) fills it in.
	CABundle []byte
	// WebhookURL, when set, points the webhooks at a paved running outside
	// the cluster (https://host[:port], no path) instead of the Service.
	WebhookURL string
	// ExemptNamespaces replaces DefaultExemptNamespaces when non-nil.
	ExemptNamespaces []string
	// Replicas of the Deployment; the PodDisruptionBudget keeps one up.
	Replicas int32
}

// FieldError is a problem with one option. Field is the Options field's
// name, so the CLI can name its flag and the chart its value.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// withDefaults fills in every unset option.
func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.Image == "" {
		o.Image = DefaultImage
	}
	if o.FailurePolicy == "" {
		o.FailurePolicy = DefaultFailurePolicy
	}
	if o.ExemptNamespaces == nil {
		o.ExemptNamespaces = DefaultExemptNamespaces
	}
	if o.Replicas == 0 {
		o.Replicas = DefaultReplicas
	}
	if strings.TrimSpace(string(o.CABundle)) == "" {
		o.CABundle = nil
	}
	o.WebhookURL = strings.TrimRight(o.WebhookURL, "/")
	return o
}

// Validate reports the first option that would produce objects the API
// server rejects, or a webhook that cannot work, as a *FieldError saying
// what would be valid. Unset options are valid: they take their defaults.
func (o Options) Validate() error {
	o = o.withDefaults()
	if err := ValidateNamespace(o.Namespace); err != nil {
		return &FieldError{"Namespace", err.Error()}
	}
	if strings.TrimSpace(o.Image) != o.Image || strings.ContainsAny(o.Image, " \t\n") {
		return &FieldError{"Image", fmt.Sprintf("%q contains white space; use an image reference such as %s", o.Image, DefaultImage)}
	}
	if err := ValidateFailurePolicy(o.FailurePolicy); err != nil {
		return &FieldError{"FailurePolicy", err.Error()}
	}
	if err := ValidateCABundle(o.CABundle); err != nil {
		return &FieldError{"CABundle", err.Error()}
	}
	if err := ValidateWebhookURL(o.WebhookURL); err != nil {
		return &FieldError{"WebhookURL", err.Error()}
	}
	for _, ns := range o.ExemptNamespaces {
		if err := ValidateNamespace(ns); err != nil {
			return &FieldError{"ExemptNamespaces", err.Error()}
		}
	}
	if o.Replicas < 1 {
		return &FieldError{"Replicas", fmt.Sprintf("%d is not valid; use 1 or more (2 or more keeps admission up during a node drain)", o.Replicas)}
	}
	return nil
}

// ValidateFailurePolicy accepts the two policies admissionregistration/v1
// knows, spelled as the API spells them.
func ValidateFailurePolicy(p string) error {
	if p != "Fail" && p != "Ignore" {
		return fmt.Errorf("%q is not a failure policy; use Fail (reject requests when paved does not answer) or Ignore (admit them)", p)
	}
	return nil
}

// ValidateNamespace accepts a Kubernetes namespace name (an RFC 1123 label).
func ValidateNamespace(ns string) error {
	if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
		return fmt.Errorf("%q is not a valid namespace name: %s", ns, strings.Join(msgs, "; "))
	}
	return nil
}

// ValidateCABundle accepts an empty bundle or PEM that holds only
// certificates, at least one: anything else makes the API server reject
// the webhook configuration or distrust paved's certificate.
func ValidateCABundle(b []byte) error {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	n := 0
	for rest := b; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			if n > 0 && strings.TrimSpace(string(rest)) != "" {
				return fmt.Errorf("has data that is not PEM; use the PEM CA certificate (ca.crt from paved admission certs)")
			}
			break
		}
		if block.Type != "CERTIFICATE" {
			return fmt.Errorf("has a PEM block of type %s; use only CERTIFICATE blocks (the CA certificate, never a key)", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("certificate %d cannot be parsed: %v", n+1, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("is not PEM; use the PEM CA certificate (ca.crt from paved admission certs)")
	}
	return nil
}

// ValidateWebhookURL accepts an empty URL or an https URL with a host and
// no query, fragment or user info, as admissionregistration/v1 requires of
// clientConfig.url; paved appends the /admission/... paths itself.
func ValidateWebhookURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("%q is not valid; use an https URL with a host and no query, such as https://paved.example.com:8443", s)
	}
	if p := strings.TrimRight(u.Path, "/"); strings.HasPrefix(p, "/admission") {
		return fmt.Errorf("%q ends in %s; give the base URL only, paved adds /admission/validate and /admission/mutate", s, p)
	}
	return nil
}
