package catalog

import (
	"context"
	"database/sql"

	"github.com/paved-dev/paved/internal/store"
)

// OnboardStep is one default applied to a newly onboarded team. Later
// capabilities register theirs (a default budget, the policy rollout for
// new teams) with Catalog.AddOnboardStep. A step must be idempotent: it
// reports Unchanged when re-run on a team it already set up.
type OnboardStep func(ctx context.Context, tx *sql.Tx, team Team) (OnboardAction, error)

// OnboardAction is one thing onboarding did, for the printed report.
type OnboardAction struct {
	What   string `json:"what"`   // e.g. "team", "budget"
	Name   string `json:"name"`   // e.g. "payments"
	Change Change `json:"change"` // created, updated or unchanged
	Detail string `json:"detail,omitempty"`
}

// OnboardResult is what `paved team onboard` prints.
type OnboardResult struct {
	Team    Team            `json:"team"`
	Actions []OnboardAction `json:"actions"`
}

// AddOnboardStep registers a default applied by Onboard after the team is
// created or updated.
func (c *Catalog) AddOnboardStep(step OnboardStep) { c.onboard = append(c.onboard, step) }

// Onboard creates the team (or updates its display name and contact) and
// applies every registered default, all in one transaction. Re-running it
// is safe: what exists already is reported as unchanged.
func (c *Catalog) Onboard(ctx context.Context, t Team) (OnboardResult, error) {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return OnboardResult{}, err
	}
	res := OnboardResult{Actions: []OnboardAction{}}
	err := c.write(ctx, func(tx *sql.Tx) error {
		old, err := queryTeams(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		var prev *Team
		if len(old) > 0 {
			prev = &old[0]
			// Keep what onboarding was not asked to change.
			if t.Description == "" {
				t.Description = prev.Description
			}
			if t.Members == nil {
				t.Members = prev.Members
			}
			if t.Contact.Chat == "" {
				t.Contact.Chat = prev.Contact.Chat
			}
			if t.Contact.Email == "" {
				t.Contact.Email = prev.Contact.Email
			}
			if t.DisplayName == t.Name && prev.DisplayName != "" {
				t.DisplayName = prev.DisplayName
			}
			t.Source = prev.Source
		} else {
			t.Source = "onboard"
		}
		ch, err := writeTeam(ctx, tx, t, prev, store.Now())
		if err != nil {
			return err
		}
		res.Actions = append(res.Actions, OnboardAction{What: "team", Name: t.Name, Change: ch})
		for _, step := range c.onboard {
			a, err := step(ctx, tx, t)
			if err != nil {
				return err
			}
			res.Actions = append(res.Actions, a)
		}
		got, err := queryTeams(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		res.Team = got[0]
		return nil
	})
	return res, err
}
