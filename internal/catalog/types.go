// Package catalog owns paved's ownership model — teams, services and
// environments — its storage, its import from Backstage and paved YAML, team
// onboarding, and the resolution of raw signals (Kubernetes labels and
// namespaces, cloud tags and accounts, repository URLs) to an owner.
package catalog

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/slug"
)

// Unowned is the owner reported for anything that cannot be resolved. It is
// reserved: no team or service may take the name.
const Unowned = "unowned"

// Team is a group of people that owns services.
type Team struct {
	Name        string    `json:"name" yaml:"name"`
	DisplayName string    `json:"display_name" yaml:"display_name"`
	Description string    `json:"description,omitempty" yaml:"description"`
	Contact     Contact   `json:"contact" yaml:"contact"`
	Members     []string  `json:"members,omitempty" yaml:"members"`
	Source      string    `json:"source,omitempty" yaml:"-" doc:"where the team came from: api, onboard, backstage, paved-yaml or demo"`
	CreatedAt   time.Time `json:"created_at,omitzero" yaml:"-"`
	UpdatedAt   time.Time `json:"updated_at,omitzero" yaml:"-"`
}

// Contact says how to reach a team.
type Contact struct {
	Chat  string `json:"chat,omitempty" yaml:"chat" doc:"chat channel, e.g. #payments"`
	Email string `json:"email,omitempty" yaml:"email"`
}

// Service is a deployable unit owned by one team.
type Service struct {
	Name          string         `json:"name" yaml:"name"`
	Team          string         `json:"team" yaml:"team"`
	DisplayName   string         `json:"display_name,omitempty" yaml:"display_name"`
	Description   string         `json:"description,omitempty" yaml:"description"`
	Lifecycle     string         `json:"lifecycle,omitempty" yaml:"lifecycle" doc:"experimental, production or deprecated (Backstage's values)"`
	Tier          string         `json:"tier,omitempty" yaml:"tier" doc:"criticality, e.g. tier-1"`
	Type          string         `json:"type,omitempty" yaml:"type" doc:"service, website, library, ..."`
	Repository    string         `json:"repository,omitempty" yaml:"repository" doc:"https URL of the source repository"`
	GoldenPath    string         `json:"golden_path,omitempty" yaml:"golden_path"`
	Namespaces    []Namespace    `json:"namespaces,omitempty" yaml:"namespaces"`
	CloudAccounts []CloudAccount `json:"cloud_accounts,omitempty" yaml:"cloud_accounts"`
	Source        string         `json:"source,omitempty" yaml:"-"`
	CreatedAt     time.Time      `json:"created_at,omitzero" yaml:"-"`
	UpdatedAt     time.Time      `json:"updated_at,omitzero" yaml:"-"`
}

// Namespace is a Kubernetes namespace a service runs in, optionally tied to
// one environment.
type Namespace struct {
	Name        string `json:"name" yaml:"name"`
	Environment string `json:"environment,omitempty" yaml:"environment"`
}

// CloudAccount is an AWS account, Azure subscription, GCP project or OCI
// compartment a service spends in.
type CloudAccount struct {
	ID          string `json:"id" yaml:"id"`
	Provider    string `json:"provider,omitempty" yaml:"provider" doc:"aws, azure, gcp, oci or empty"`
	Environment string `json:"environment,omitempty" yaml:"environment"`
}

// Environment is a deployment environment.
type Environment struct {
	Name       string    `json:"name" yaml:"name"`
	Production bool      `json:"production" yaml:"production"`
	CreatedAt  time.Time `json:"created_at,omitzero" yaml:"-"`
	UpdatedAt  time.Time `json:"updated_at,omitzero" yaml:"-"`
}

// Lifecycles are Backstage's well-known lifecycle values; others are
// accepted (Backstage allows any) but these are what the UI groups by.
var Lifecycles = []string{"experimental", "production", "deprecated"}

// Providers are the cloud providers an account may name.
var Providers = []string{"aws", "azure", "gcp", "oci"}

// Normalize trims whitespace and fills defaults, so that equal input
// always stores equal rows and re-imports are no-ops.
func (t *Team) Normalize() {
	t.Name = strings.TrimSpace(t.Name)
	t.DisplayName = strings.TrimSpace(t.DisplayName)
	if t.DisplayName == "" {
		t.DisplayName = t.Name
	}
	t.Contact.Chat = strings.TrimSpace(t.Contact.Chat)
	t.Contact.Email = strings.TrimSpace(t.Contact.Email)
	members := t.Members[:0:0]
	for _, m := range t.Members {
		if m = strings.TrimSpace(m); m != "" {
			members = append(members, m)
		}
	}
	t.Members = members
}

// Validate reports the first problem with t as an *api.Error naming the
// field.
func (t *Team) Validate() error {
	if err := slug.Check(t.Name); err != nil {
		return api.Invalid("name", "%v", err)
	}
	if t.Name == Unowned {
		return api.Invalid("name", "%q is reserved for what paved cannot attribute to a team", Unowned)
	}
	if t.Contact.Email != "" {
		if _, err := mail.ParseAddress(t.Contact.Email); err != nil {
			return api.Invalid("contact.email", "%q is not an email address", t.Contact.Email)
		}
	}
	return nil
}

// Normalize trims whitespace and canonicalises lists.
func (s *Service) Normalize() {
	s.Name = strings.TrimSpace(s.Name)
	s.Team = strings.TrimSpace(s.Team)
	s.Lifecycle = strings.ToLower(strings.TrimSpace(s.Lifecycle))
	s.Repository = NormalizeRepository(s.Repository)
	for i := range s.Namespaces {
		s.Namespaces[i].Name = strings.TrimSpace(s.Namespaces[i].Name)
		s.Namespaces[i].Environment = strings.TrimSpace(s.Namespaces[i].Environment)
	}
	for i := range s.CloudAccounts {
		s.CloudAccounts[i].ID = strings.TrimSpace(s.CloudAccounts[i].ID)
		s.CloudAccounts[i].Provider = strings.ToLower(strings.TrimSpace(s.CloudAccounts[i].Provider))
		s.CloudAccounts[i].Environment = strings.TrimSpace(s.CloudAccounts[i].Environment)
	}
}

// Validate reports the first problem with s. envs is the set of known
// environment names (nil skips that check).
func (s *Service) Validate(envs map[string]bool) error {
	if err := slug.Check(s.Name); err != nil {
		return api.Invalid("name", "%v", err)
	}
	if s.Name == Unowned {
		return api.Invalid("name", "%q is reserved", Unowned)
	}
	if err := slug.Check(s.Team); err != nil {
		return api.Invalid("team", "%v", err)
	}
	if s.Repository != "" && !strings.HasPrefix(s.Repository, "https://") && !strings.HasPrefix(s.Repository, "http://") {
		return api.Invalid("repository", "%q is not an http(s) URL", s.Repository)
	}
	seenNS := map[string]bool{}
	for i, ns := range s.Namespaces {
		f := fmt.Sprintf("namespaces[%d]", i)
		if err := slug.Check(ns.Name); err != nil {
			return api.Invalid(f+".name", "%v", err)
		}
		if seenNS[ns.Name] {
			return api.Invalid(f+".name", "namespace %q is listed twice", ns.Name)
		}
		seenNS[ns.Name] = true
		if err := checkEnv(envs, f+".environment", ns.Environment); err != nil {
			return err
		}
	}
	seenAcct := map[string]bool{}
	for i, a := range s.CloudAccounts {
		f := fmt.Sprintf("cloud_accounts[%d]", i)
		if a.ID == "" {
			return api.Invalid(f+".id", "id is required")
		}
		if seenAcct[a.ID] {
			return api.Invalid(f+".id", "account %q is listed twice", a.ID)
		}
		seenAcct[a.ID] = true
		if a.Provider != "" && !contains(Providers, a.Provider) {
			return api.Invalid(f+".provider", "%q is not a known provider; use one of %s", a.Provider, strings.Join(Providers, ", "))
		}
		if err := checkEnv(envs, f+".environment", a.Environment); err != nil {
			return err
		}
	}
	return nil
}

func checkEnv(envs map[string]bool, field, env string) error {
	if env == "" || envs == nil || envs[env] {
		return nil
	}
	names := make([]string, 0, len(envs))
	for n := range envs {
		names = append(names, n)
	}
	sortStrings(names)
	return api.Invalid(field, "environment %q does not exist; known environments: %s", env, strings.Join(names, ", "))
}

// Validate reports the first problem with e.
func (e *Environment) Validate() error {
	if err := slug.Check(e.Name); err != nil {
		return api.Invalid("name", "%v", err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
