package survey

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// TrendPoint is one closed eNPS survey in the trend.
type TrendPoint struct {
	Survey string `json:"survey"`
	Title  string `json:"title"`
	// Period is the quarter the survey closed in, e.g. "2026 Q1".
	Period    string `json:"period"`
	Closes    string `json:"closes"`
	Responses int    `json:"responses"`
	// ENPS is everyone's score, with the counts it is made of; absent
	// (and the counts 0) when too few answered.
	ENPS       *float64 `json:"enps,omitempty"`
	Promoters  int      `json:"promoters"`
	Passives   int      `json:"passives"`
	Detractors int      `json:"detractors"`
	// Teams holds the scores of the teams shown on their own.
	Teams map[string]float64 `json:"teams"`
}

// Trend is the eNPS across closed surveys, oldest first.
type Trend struct {
	MinResponses int          `json:"min_responses"`
	Points       []TrendPoint `json:"points"`
}

// Trend returns the eNPS of every closed survey that asked it, oldest
// first, with the scores of the teams shown on their own.
func (s *Service) Trend(ctx context.Context) (Trend, error) {
	all, err := s.closedENPS(ctx)
	if err != nil {
		return Trend{}, err
	}
	k := s.MinResponses()
	tr := Trend{MinResponses: k, Points: []TrendPoint{}}
	for _, c := range all {
		p := TrendPoint{Survey: c.sv.ID, Title: c.sv.Title, Period: Quarter(c.sv.Closes), Closes: c.sv.Closes,
			Responses: c.res.Responses, Teams: map[string]float64{}}
		if o := c.res.Overall; o != nil && o.ENPS != nil {
			p.ENPS = &o.ENPS.Score
			p.Promoters, p.Passives, p.Detractors = o.ENPS.Promoters, o.ENPS.Passives, o.ENPS.Detractors
		}
		for _, g := range c.res.Groups {
			if g.Name != OtherGroup && g.ENPS != nil {
				p.Teams[g.Name] = g.ENPS.Score
			}
		}
		tr.Points = append(tr.Points, p)
	}
	return tr, nil
}

// TeamPoint is a team's eNPS in one closed survey that asked it.
type TeamPoint struct {
	Survey string `json:"survey"`
	Title  string `json:"title"`
	Period string `json:"period"`
	Closes string `json:"closes"`
	// Shown is false when the team's answers were too few to show on
	// their own (or were folded in with other small teams').
	Shown bool `json:"shown"`
	// ENPS and Responses are set only when Shown.
	ENPS      *float64 `json:"enps,omitempty"`
	Responses int      `json:"responses,omitempty"`
}

// TeamENPS is a team's eNPS over time, for its team page.
type TeamENPS struct {
	Team string `json:"team"`
	// Latest is the most recent survey the team's score was shown in.
	Latest *TeamPoint `json:"latest,omitempty"`
	// Change is Latest's score minus the one shown before it, in points.
	Change *float64 `json:"change,omitempty"`
	// Points are every closed eNPS survey the team was asked in, oldest
	// first.
	Points       []TeamPoint `json:"points"`
	MinResponses int         `json:"min_responses"`
}

// TeamSummary returns a team's latest eNPS and its trend across surveys.
// It shows a team's score only where the survey's results show the team
// on its own, so it never reveals what those results fold away.
func (s *Service) TeamSummary(ctx context.Context, team string) (TeamENPS, error) {
	all, err := s.closedENPS(ctx)
	if err != nil {
		return TeamENPS{}, err
	}
	out := TeamENPS{Team: team, Points: []TeamPoint{}, MinResponses: s.MinResponses()}
	var shown []TeamPoint
	for _, c := range all {
		if !c.sv.InAudience(team) {
			continue
		}
		p := TeamPoint{Survey: c.sv.ID, Title: c.sv.Title, Period: Quarter(c.sv.Closes), Closes: c.sv.Closes}
		for _, g := range c.res.Groups {
			if g.Name == team && g.ENPS != nil {
				score := g.ENPS.Score
				p.Shown, p.ENPS, p.Responses = true, &score, g.Responses
				shown = append(shown, p)
			}
		}
		out.Points = append(out.Points, p)
	}
	if n := len(shown); n > 0 {
		out.Latest = &shown[n-1]
		if n > 1 {
			change := round(*shown[n-1].ENPS-*shown[n-2].ENPS, 1)
			out.Change = &change
		}
	}
	return out, nil
}

type closedSurvey struct {
	sv  Survey
	res Results
}

// closedENPS computes the results of every closed survey that asked the
// eNPS question, oldest first.
func (s *Service) closedENPS(ctx context.Context) ([]closedSurvey, error) {
	list, err := s.store.list(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []closedSurvey
	for _, sv := range list {
		if !sv.HasENPS() || sv.Status(now) != StatusClosed {
			continue
		}
		res, err := s.closedResults(ctx, sv)
		if err != nil {
			return nil, err
		}
		out = append(out, closedSurvey{sv: sv, res: res})
	}
	slices.SortFunc(out, func(a, b closedSurvey) int {
		return cmp.Or(cmp.Compare(a.sv.Closes, b.sv.Closes), cmp.Compare(a.sv.ID, b.sv.ID))
	})
	return out, nil
}

// Quarter names the quarter of a YYYY-MM-DD day: "2026 Q1".
func Quarter(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d Q%d", t.Year(), (int(t.Month())-1)/3+1)
}
