package policy

import (
	"fmt"
	"path"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Exception exempts matching results from one policy until it expires.
type Exception struct {
	ID string `json:"id"`
	config.PolicyException
	// Source is "config" (paved.yaml) or "api".
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// expires is the first day the exception no longer applies.
	expires time.Time
}

// NewException validates e and computes its expiry.
func NewException(id, source string, e config.PolicyException) (Exception, error) {
	ex := Exception{ID: id, PolicyException: e, Source: source}
	if e.Policy == "" || e.Reason == "" || e.Approver == "" {
		return ex, fmt.Errorf("an exception needs policy, reason and approver")
	}
	if e.Team == "" && e.Service == "" && e.Namespace == "" && e.Resource == "" {
		return ex, fmt.Errorf("an exception needs a scope: team, service, namespace or resource")
	}
	if e.Resource != "" {
		if _, err := path.Match(e.Resource, ""); err != nil {
			return ex, fmt.Errorf("resource %q is not a valid glob pattern", e.Resource)
		}
	}
	day, err := config.ParseDate(e.Expires)
	if err != nil {
		return ex, fmt.Errorf("expires: %w", err)
	}
	// An exception expiring on 2027-01-31 still applies that whole day.
	ex.expires = day.AddDate(0, 0, 1)
	return ex, nil
}

// ConfigExceptions turns paved.yaml's exceptions into Exceptions with
// stable ids (cfg-1, cfg-2, ...).
func ConfigExceptions(cfg config.Config) ([]Exception, error) {
	out := make([]Exception, 0, len(cfg.Exceptions))
	for i, e := range cfg.Exceptions {
		ex, err := NewException(fmt.Sprintf("cfg-%d", i+1), "config", e)
		if err != nil {
			return nil, cfg.Problem(fmt.Sprintf("exceptions[%d]", i), "%v", err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// Expired reports whether the exception no longer applies on day.
func (e *Exception) Expired(day time.Time) bool { return !day.Before(e.expires) }

// Matches reports whether e covers a result of policy about resource,
// owned by team and service, in namespace. Expiry is checked separately
// so that a result can say an exception has lapsed.
func (e *Exception) Matches(policy string, res Resource, team, service, namespace string) bool {
	if e.Policy != policy {
		return false
	}
	if e.Team != "" && e.Team != team {
		return false
	}
	if e.Service != "" && e.Service != service {
		return false
	}
	if e.Namespace != "" && e.Namespace != namespace {
		return false
	}
	if e.Resource != "" {
		if ok, _ := path.Match(e.Resource, res.String()); !ok {
			return false
		}
	}
	return true
}
