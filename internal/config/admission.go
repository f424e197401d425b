package config

import (
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/slug"
)

// Admission configures the Kubernetes admission webhooks.
type Admission struct {
	// Namespace is the namespace paved itself runs in, always exempt so
	// that paved can never lock itself out (env PAVED_ADMISSION_NAMESPACE;
	// the install manifests set it from the downward API).
	Namespace string `yaml:"namespace"`
	// ExemptNamespaces are never judged or mutated (kube-system by
	// default; a list given here replaces the default).
	ExemptNamespaces []string `yaml:"exempt_namespaces"`
	// ExemptUsers are request users (e.g. a break-glass account or a
	// system:serviceaccount:... controller) whose requests are allowed
	// unjudged.
	ExemptUsers []string `yaml:"exempt_users"`
	// Mutate opts namespaces or teams into the mutating webhook, which
	// adds missing ownership labels from the catalog.
	Mutate AdmissionMutate `yaml:"mutate"`
	// Environment is the environment of the cluster, used when the
	// catalog does not say which environment a namespace belongs to.
	Environment string `yaml:"environment"`
	// QueueSize bounds the in-memory queue of decisions waiting to be
	// written; when it is full decisions are spooled to disk.
	QueueSize int `yaml:"queue_size"`
	// SpoolDir holds decisions the database could not take yet (default
	// <data_dir>/admission-spool).
	SpoolDir string `yaml:"spool_dir"`
}

// AdmissionMutate lists who gets ownership labels added.
type AdmissionMutate struct {
	Namespaces []string `yaml:"namespaces"`
	Teams      []string `yaml:"teams"`
	// All opts in every namespace paved's catalog knows the owner of.
	All bool `yaml:"all"`
}

// Exempt returns the namespaces admission never judges: the configured
// ones and paved's own.
func (a Admission) Exempt() []string {
	out := append([]string{}, a.ExemptNamespaces...)
	if a.Namespace != "" && !contains(out, a.Namespace) {
		out = append(out, a.Namespace)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (v *validator) admission(c Config) {
	a := c.Admission
	if a.Namespace != "" {
		if err := dnsLabel(a.Namespace); err != nil {
			v.add("admission.namespace", "%v", err)
		}
	}
	for i, ns := range a.ExemptNamespaces {
		if err := dnsLabel(ns); err != nil {
			v.add(fmt.Sprintf("admission.exempt_namespaces[%d]", i), "%v", err)
		}
	}
	for i, ns := range a.Mutate.Namespaces {
		if err := dnsLabel(ns); err != nil {
			v.add(fmt.Sprintf("admission.mutate.namespaces[%d]", i), "%v", err)
		}
	}
	for i, t := range a.Mutate.Teams {
		if err := slug.Check(t); err != nil {
			v.add(fmt.Sprintf("admission.mutate.teams[%d]", i), "%v", err)
		}
	}
	for i, u := range a.ExemptUsers {
		if strings.TrimSpace(u) == "" {
			v.add(fmt.Sprintf("admission.exempt_users[%d]", i), "is empty; give a user name as the API server reports it (e.g. system:serviceaccount:ops:deployer)")
		}
	}
	if a.Environment != "" && !c.hasEnvironment(a.Environment) {
		v.add("admission.environment", "%q is not a configured environment; valid: %s", a.Environment, strings.Join(envNames(c.Environments), ", "))
	}
	if a.QueueSize < 1 {
		v.add("admission.queue_size", "%d is too small; use at least 1 (default 10000)", a.QueueSize)
	}
}

// dnsLabel checks a Kubernetes namespace name (RFC 1123 label).
func dnsLabel(s string) error {
	if s == "" || len(s) > 63 {
		return fmt.Errorf("%q is not a namespace name: 1 to 63 characters", s)
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' && i > 0 && i < len(s)-1
		if !ok {
			return fmt.Errorf("%q is not a namespace name: use lower-case letters, digits and '-', starting and ending with a letter or digit", s)
		}
	}
	return nil
}
