package policy

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Rollout decides each policy's mode for a team and environment on a day,
// from paved.yaml's `policies` section: warn-first rollouts with a date
// from which a policy enforces, per-environment and per-team overrides, and
// grace periods for newly onboarded teams.
type Rollout struct {
	entries     map[string]config.PolicyRollout
	defaultMode string
	// grace holds onboarded teams' grace periods: enforced policies only
	// warn for the team before that day.
	grace map[string]time.Time
}

// NewRollout checks that every id in the policies section names a loaded
// policy or set, and returns the rollout. grace may be nil.
func NewRollout(cfg config.Config, all []*Policy, grace map[string]time.Time) (*Rollout, error) {
	known := map[string]bool{}
	for _, p := range all {
		known[p.ID] = true
		for _, s := range p.Sets {
			known[s] = true
		}
	}
	ids := make([]string, 0, len(cfg.Policies))
	for id := range cfg.Policies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !known[id] {
			return nil, cfg.Problem("policies."+id, "%q is not a loaded policy or set; see paved policy list", id)
		}
	}
	for i, e := range cfg.Exceptions {
		if !known[e.Policy] {
			return nil, cfg.Problem(fmt.Sprintf("exceptions[%d].policy", i), "%q is not a loaded policy; see paved policy list", e.Policy)
		}
	}
	mode := cfg.PolicySettings.DefaultMode
	if mode == "" {
		mode = config.ModeWarn
	}
	return &Rollout{entries: cfg.Policies, defaultMode: mode, grace: grace}, nil
}

// Decision is a mode with the reason it applies.
type Decision struct {
	Mode string `json:"mode"`
	// Why explains the mode in words, e.g. "policies.pod-security-restricted:
	// warn until 2027-01-01".
	Why string `json:"why"`
	// EnforceFrom is set while a policy warns ahead of its enforcement date.
	EnforceFrom string `json:"enforce_from,omitempty"`
}

// Mode returns the mode of p for team in env on day (UTC).
func (r *Rollout) Mode(p *Policy, team, env string, day time.Time) Decision {
	d := r.configured(p, team, env, day)
	if d.Mode == config.ModeEnforce && team != "" {
		if until, ok := r.grace[team]; ok && day.Before(until) {
			d = Decision{Mode: config.ModeWarn, Why: fmt.Sprintf("team %s is in its onboarding grace period until %s", team, until.Format(config.DateLayout))}
		}
	}
	return d
}

func (r *Rollout) configured(p *Policy, team, env string, day time.Time) Decision {
	// The policy's own entry wins over its sets'; among sets, the order
	// the policy lists them.
	keys := append([]string{p.ID}, p.Sets...)
	for _, key := range keys {
		entry, ok := r.entries[key]
		if !ok {
			continue
		}
		where := "policies." + key
		if o, ok := entry.Teams[team]; ok && team != "" && active(o.Until, day) {
			return decide(o.Mode, o.EnforceFrom, day, where+".teams."+team)
		}
		if o, ok := entry.Environments[env]; ok && env != "" && active(o.Until, day) {
			return decide(o.Mode, o.EnforceFrom, day, where+".environments."+env)
		}
		return decide(entry.Mode, entry.EnforceFrom, day, where)
	}
	if p.Custom {
		return Decision{Mode: config.ModeEnforce, Why: "custom policy: deny rules enforce, as in conftest"}
	}
	return Decision{Mode: r.defaultMode, Why: "policy_settings.default_mode"}
}

func active(until string, day time.Time) bool {
	if until == "" {
		return true
	}
	t, err := config.ParseDate(until)
	return err == nil && day.Before(t)
}

// decide applies enforce_from: warn (or the given mode) before the date,
// enforce from it.
func decide(mode, enforceFrom string, day time.Time, where string) Decision {
	if enforceFrom != "" {
		from, err := config.ParseDate(enforceFrom)
		if err == nil && !day.Before(from) {
			return Decision{Mode: config.ModeEnforce, Why: fmt.Sprintf("%s: enforced since %s", where, enforceFrom)}
		}
		if mode == "" || mode == config.ModeEnforce {
			mode = config.ModeWarn
		}
		return Decision{Mode: mode, Why: fmt.Sprintf("%s: %s until %s", where, mode, enforceFrom), EnforceFrom: enforceFrom}
	}
	if mode == "" {
		mode = config.ModeWarn
	}
	return Decision{Mode: mode, Why: where + ": " + mode}
}

// Sets returns every set id used by the policies, sorted.
func Sets(ps []*Policy) []string { return setIDs(ps) }

// ModeNames is for messages.
var ModeNames = strings.Join(config.Modes, ", ")
