package config

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// Modes a policy can be in.
const (
	ModeOff     = "off"
	ModeWarn    = "warn"
	ModeEnforce = "enforce"
)

// Modes lists the valid modes.
var Modes = []string{ModeOff, ModeWarn, ModeEnforce}

// DateLayout is how paved.yaml writes dates.
const DateLayout = "2006-01-02"

// PolicyRollout is how one policy or set is rolled out: a mode, an
// optional date from which it enforces (warn until then), and overrides
// per environment and per team.
type PolicyRollout struct {
	Mode         string                     `yaml:"mode"`
	EnforceFrom  string                     `yaml:"enforce_from"`
	Environments map[string]RolloutOverride `yaml:"environments"`
	Teams        map[string]RolloutOverride `yaml:"teams"`
}

// RolloutOverride replaces the mode for one environment or team, until an
// optional date (a team's grace period).
type RolloutOverride struct {
	Mode        string `yaml:"mode"`
	EnforceFrom string `yaml:"enforce_from"`
	Until       string `yaml:"until"`
}

// PolicySettings are the pack-wide settings.
type PolicySettings struct {
	// DefaultMode applies to built-in policies no `policies` entry names
	// (warn: guardrails before gates). Custom conftest policies enforce by
	// default, as in conftest.
	DefaultMode string `yaml:"default_mode"`
	// AllowedRegistries are image prefixes the allowed-registries policy
	// accepts, e.g. ghcr.io/example-shop/.
	AllowedRegistries []string `yaml:"allowed_registries"`
	// Dirs are directories of custom Rego policies the server loads next
	// to the built-in pack (paved check takes --policy instead).
	Dirs []string `yaml:"dirs"`
	// NewTeams is the rollout `paved team onboard` gives a new team: every
	// enforced policy only warns for the team for GraceDays.
	NewTeams NewTeamRollout `yaml:"new_teams"`
}

// NewTeamRollout is the grace period for newly onboarded teams.
type NewTeamRollout struct {
	GraceDays int `yaml:"grace_days"`
}

// PolicyException exempts matching resources from one policy until a date.
type PolicyException struct {
	Policy    string `yaml:"policy" json:"policy"`
	Team      string `yaml:"team" json:"team,omitempty"`
	Service   string `yaml:"service" json:"service,omitempty"`
	Namespace string `yaml:"namespace" json:"namespace,omitempty"`
	// Resource is a glob over the resource's name as results print it,
	// e.g. Deployment/payments/legacy-* or aws_s3_bucket.public_assets.
	Resource string `yaml:"resource" json:"resource,omitempty"`
	Reason   string `yaml:"reason" json:"reason"`
	Approver string `yaml:"approver" json:"approver"`
	Expires  string `yaml:"expires" json:"expires"`
}

// ParseDate reads a YYYY-MM-DD date as UTC midnight.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return t, fmt.Errorf("%q is not a date; use YYYY-MM-DD, e.g. 2027-01-31", s)
	}
	return t, nil
}

func (v *validator) policies(c Config) {
	v.oneOf("policy_settings.default_mode", c.PolicySettings.DefaultMode, Modes...)
	if c.PolicySettings.NewTeams.GraceDays < 0 {
		v.add("policy_settings.new_teams.grace_days", "%d is negative; use 0 for no grace period", c.PolicySettings.NewTeams.GraceDays)
	}
	for i, r := range c.PolicySettings.AllowedRegistries {
		if strings.TrimSpace(r) == "" {
			v.add(fmt.Sprintf("policy_settings.allowed_registries[%d]", i), "empty registry prefix")
		}
	}
	ids := make([]string, 0, len(c.Policies))
	for id := range c.Policies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := c.Policies[id]
		p := "policies." + id
		if r.Mode != "" {
			v.oneOf(p+".mode", r.Mode, Modes...)
		}
		v.date(p+".enforce_from", r.EnforceFrom)
		for env, o := range r.Environments {
			if !c.hasEnvironment(env) {
				v.add(p+".environments."+env, "%q is not a configured environment; valid: %s", env, strings.Join(envNames(c.Environments), ", "))
			}
			v.override(p+".environments."+env, o)
		}
		for team, o := range r.Teams {
			v.override(p+".teams."+team, o)
		}
	}
	for i, e := range c.Exceptions {
		p := fmt.Sprintf("exceptions[%d]", i)
		if e.Policy == "" {
			v.add(p+".policy", "the policy id is required")
		}
		if e.Reason == "" {
			v.add(p+".reason", "a reason is required: say why the exception is needed")
		}
		if e.Approver == "" {
			v.add(p+".approver", "an approver is required: who accepted the risk")
		}
		if e.Expires == "" {
			v.add(p+".expires", "an expiry date is required (YYYY-MM-DD): exceptions are time-boxed")
		} else {
			v.date(p+".expires", e.Expires)
		}
		if e.Team == "" && e.Service == "" && e.Namespace == "" && e.Resource == "" {
			v.add(p, "a scope is required: set team, service, namespace or resource (a glob)")
		}
		if e.Resource != "" {
			if _, err := path.Match(e.Resource, ""); err != nil {
				v.add(p+".resource", "%q is not a valid glob pattern", e.Resource)
			}
		}
	}
}

func (v *validator) override(p string, o RolloutOverride) {
	if o.Mode != "" {
		v.oneOf(p+".mode", o.Mode, Modes...)
	}
	v.date(p+".enforce_from", o.EnforceFrom)
	v.date(p+".until", o.Until)
}

func (v *validator) date(p, s string) {
	if s == "" {
		return
	}
	if _, err := ParseDate(s); err != nil {
		v.add(p, "%v", err)
	}
}
