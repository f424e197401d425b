package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/survey"
)

func init() {
	teamPanels = append(teamPanels, teamPanel{
		Title:    "eNPS",
		Template: "enps",
		Load:     loadENPS,
	})
}

// enpsPanel is a team's eNPS across the closed surveys that asked it, as
// survey.TeamSummary reports it: only where the survey's results show
// the team on its own.
type enpsPanel struct {
	Team         string
	MinResponses int
	// Asked is false until a closed eNPS survey has asked the team: the
	// panel is then a one-line hint.
	Asked bool
	// Latest is the score of the latest survey the team was shown in;
	// Score and Change are formatted as the Surveys page does ("+37.5",
	// "up 4 points").
	Latest *survey.TeamPoint
	Score  string
	Change string
	// ChangeClass colours a rise green and a fall red.
	ChangeClass string
	// LatestFolded is set when the most recent survey that asked the team
	// folded its answers in with other teams': Folded names it.
	LatestFolded bool
	Folded       survey.TeamPoint
	Chart        template.HTML
	Points       []enpsPoint
}

// enpsPoint is one survey of the figures table.
type enpsPoint struct {
	survey.TeamPoint
	Label string
	Score string
}

func loadENPS(u *ui, r *http.Request, t catalog.Team) (any, error) {
	if u.surveySvc == nil {
		return nil, nil
	}
	sum, err := u.surveySvc.TeamSummary(r.Context(), t.Name)
	if err != nil {
		return nil, err
	}
	data := &enpsPanel{Team: t.Name, MinResponses: sum.MinResponses, Asked: len(sum.Points) > 0}
	if !data.Asked {
		return data, nil
	}
	if l := sum.Latest; l != nil {
		data.Latest, data.Score = l, enpsText(*l.ENPS)
	}
	if c := sum.Change; c != nil {
		data.Change = enpsChange(*c)
		switch {
		case *c > 0:
			data.ChangeClass = "enps-up"
		case *c < 0:
			data.ChangeClass = "enps-down"
		}
	}
	if last := sum.Points[len(sum.Points)-1]; !last.Shown {
		data.LatestFolded, data.Folded = true, last
	}
	// Labelled by quarter, as the Surveys page labels its trend.
	periods := make([]survey.TrendPoint, len(sum.Points))
	for i, p := range sum.Points {
		periods[i] = survey.TrendPoint{Period: p.Period, Closes: p.Closes}
	}
	labels := trendLabels(periods)
	scores := make([]float64, len(sum.Points))
	for i, p := range sum.Points {
		ep := enpsPoint{TeamPoint: p, Label: labels[i]}
		scores[i] = math.NaN()
		if p.Shown && p.ENPS != nil {
			scores[i], ep.Score = *p.ENPS, enpsText(*p.ENPS)
		}
		data.Points = append(data.Points, ep)
	}
	if data.Chart, err = enpsLine(fmt.Sprintf("eNPS of %s by survey", t.DisplayName), labels, scores); err != nil {
		return nil, fmt.Errorf("drawing the eNPS trend: %w", err)
	}
	return data, nil
}
