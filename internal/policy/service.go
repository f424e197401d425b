package policy

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/config"
)

// Service is the server side of guardrails: the loaded policies and their
// rollout (for modes and previews), and the store of decisions, findings
// and exceptions.
type Service struct {
	Engine  *Engine
	Rollout *Rollout
	Store   *Store
	// ConfigExceptions come from paved.yaml; the store holds the rest.
	ConfigExceptions []Exception
	Now              func() time.Time

	// exceptions is the in-memory copy admission reads (see
	// exception_cache.go).
	exceptions atomic.Pointer[[]Exception]
}

// NewService loads the built-in pack and cfg's custom policy
// directories, and checks the rollout and exceptions in cfg against them.
func NewService(ctx context.Context, cfg config.Config, st *Store, grace map[string]time.Time) (*Service, error) {
	e, err := NewEngine(ctx, Options{Dirs: cfg.PolicySettings.Dirs, Data: Data(cfg, nil)})
	if err != nil {
		return nil, err
	}
	r, err := NewRollout(cfg, e.Policies(), grace)
	if err != nil {
		return nil, err
	}
	ex, err := ConfigExceptions(cfg)
	if err != nil {
		return nil, err
	}
	s := &Service{Engine: e, Rollout: r, Store: st, ConfigExceptions: ex, Now: time.Now}
	if st != nil {
		if err := s.RefreshExceptions(ctx); err != nil {
			return nil, fmt.Errorf("loading policy exceptions: %w", err)
		}
	}
	return s, nil
}

// PolicySummary is a policy with its default mode and open findings.
type PolicySummary struct {
	Policy
	Rollout Decision `json:"rollout"`
	Open    Counts   `json:"open"`
	Teams   []string `json:"teams"`
}

// Counts tallies findings by action.
type Counts struct {
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	Excepted int `json:"excepted"`
	// WouldDeny counts warnings of deny rules in warn mode: what enforcing
	// the policy today would block.
	WouldDeny int `json:"would_deny"`
}

func (c *Counts) add(f Finding) {
	switch f.Action {
	case ActionDeny:
		c.Deny++
	case ActionWarn:
		c.Warn++
		if f.wouldDeny() {
			c.WouldDeny++
		}
	case ActionExcepted:
		c.Excepted++
	}
}

// wouldDeny reports whether enforcing the policy would turn this warning
// into a denial: a deny or violation rule warning only because of its mode.
func (f Finding) wouldDeny() bool {
	return f.Action == ActionWarn && f.Mode == config.ModeWarn && f.Rule != "warn"
}

// Summaries lists every loaded policy with its organisation-wide mode
// today and its open findings.
func (s *Service) Summaries(ctx context.Context) ([]PolicySummary, error) {
	findings, err := s.Store.Findings(ctx, "", "")
	if err != nil {
		return nil, err
	}
	byPolicy := map[string][]Finding{}
	for _, f := range findings {
		byPolicy[f.Policy] = append(byPolicy[f.Policy], f)
	}
	day := s.Now().UTC()
	out := make([]PolicySummary, 0, len(s.Engine.Policies()))
	for _, p := range s.Engine.Policies() {
		ps := PolicySummary{Policy: *p, Rollout: s.Rollout.Mode(p, "", "", day), Teams: []string{}}
		teams := map[string]bool{}
		for _, f := range byPolicy[p.ID] {
			ps.Open.add(f)
			teams[f.Team] = true
		}
		for t := range teams {
			ps.Teams = append(ps.Teams, t)
		}
		sort.Strings(ps.Teams)
		out = append(out, ps)
	}
	return out, nil
}

// Preview is the enforcement preview of a policy: the findings that
// would be denied if it enforced today, by team.
type Preview struct {
	Policy string               `json:"policy"`
	Mode   string               `json:"mode"`
	Teams  map[string][]Finding `json:"teams"`
	Total  int                  `json:"total"`
}

// Preview lists, for a policy in warn mode, which teams and resources it
// would deny if it enforced today.
func (s *Service) Preview(ctx context.Context, id string) (Preview, error) {
	p, ok := s.Engine.Policy(id)
	if !ok {
		return Preview{}, notFoundPolicy(id)
	}
	findings, err := s.Store.Findings(ctx, "", id)
	if err != nil {
		return Preview{}, err
	}
	pv := Preview{Policy: id, Mode: s.Rollout.Mode(p, "", "", s.Now().UTC()).Mode, Teams: map[string][]Finding{}}
	for _, f := range findings {
		if f.wouldDeny() {
			pv.Teams[f.Team] = append(pv.Teams[f.Team], f)
			pv.Total++
		}
	}
	return pv, nil
}

// ExceptionView is an exception with whether it still applies.
type ExceptionView struct {
	Exception
	Expired bool `json:"expired"`
	// DaysLeft is how many days it still applies (0 on its last day).
	DaysLeft int `json:"days_left"`
}

// ExceptionList is the body of GET /api/v1/exceptions.
type ExceptionList struct {
	Exceptions []ExceptionView `json:"exceptions"`
}

// Exceptions lists config and API exceptions, optionally one team's,
// soonest expiry first.
func (s *Service) Exceptions(ctx context.Context, team string) ([]ExceptionView, error) {
	stored, err := s.Store.Exceptions(ctx)
	if err != nil {
		return nil, err
	}
	day := s.Now().UTC().Truncate(24 * time.Hour)
	out := []ExceptionView{}
	for _, e := range append(append([]Exception{}, s.ConfigExceptions...), stored...) {
		if team != "" && e.Team != team {
			continue
		}
		v := ExceptionView{Exception: e, Expired: e.Expired(day)}
		if !v.Expired {
			v.DaysLeft = int(e.expires.Sub(day).Hours()/24) - 1
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Expires < out[j].Expires })
	return out, nil
}

// AllExceptions returns config and stored exceptions for a Checker.
func (s *Service) AllExceptions(ctx context.Context) ([]Exception, error) {
	stored, err := s.Store.Exceptions(ctx)
	if err != nil {
		return nil, err
	}
	return append(append([]Exception{}, s.ConfigExceptions...), stored...), nil
}
