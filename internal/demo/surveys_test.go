package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/paved-dev/paved/internal/survey"
)

// surveysNow is a Wednesday late in November: the last quarterly
// surveys ran in June and September, the pulse opened on the 19th.
var surveysNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func TestDemoSurveysSchedule(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		want []string
	}{
		{surveysNow, []string{"enps-2026-q2 2026-06-10..2026-06-23", "enps-2026-q3 2026-09-10..2026-09-23", "pulse-2026-11 2026-11-19..2026-12-02"}},
		// The day after a quarterly survey closed, it is the newer one.
		{time.Date(2026, 12, 24, 0, 30, 0, 0, time.UTC),
			[]string{"enps-2026-q3 2026-09-10..2026-09-23", "enps-2026-q4 2026-12-10..2026-12-23", "pulse-2026-12 2026-12-18..2026-12-31"}},
		// On its last day it is still open, and not among them.
		{time.Date(2026, 12, 23, 18, 0, 0, 0, time.UTC),
			[]string{"enps-2026-q2 2026-06-10..2026-06-23", "enps-2026-q3 2026-09-10..2026-09-23", "pulse-2026-12 2026-12-17..2026-12-30"}},
		{time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC),
			[]string{"enps-2026-q3 2026-09-10..2026-09-23", "enps-2026-q4 2026-12-10..2026-12-23", "pulse-2026-12 2026-12-27..2027-01-09"}},
	} {
		var got []string
		for _, ds := range demoSurveys(tc.now) {
			got = append(got, ds.req.ID+" "+ds.req.Opens+".."+ds.req.Closes)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("at %v: surveys %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestLoadSurveys(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := demoCatalog(t, db)
		start, cpu := time.Now(), cpuTime()
		if err := LoadSurveys(ctx, config.Default(), c, db, surveysNow); err != nil {
			t.Fatal(err)
		}
		t.Logf("LoadSurveys took %v (%v of CPU)", time.Since(start), cpuTime()-cpu)
		// Loading again finds them there and changes nothing.
		if err := LoadSurveys(ctx, config.Default(), c, db, surveysNow); err != nil {
			t.Fatal(err)
		}
		svc := survey.NewService(config.Default(), c, db)
		svc.SetClock(func() time.Time { return surveysNow })
		list, err := svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, s := range list {
			status[s.ID] = s.Status
			// 109 engineers in all (the headcounts); 85% answer a
			// quarterly survey, team by team rounded: 94.
			want := map[string]int{"enps-2026-q2": 94, "enps-2026-q3": 94}[s.ID]
			if s.Invited != 109 || (want != 0 && s.Responses != want) || s.Responses == 0 {
				t.Errorf("%s: %d invited, %d responses; want 109 and %d", s.ID, s.Invited, s.Responses, want)
			}
		}
		if status["enps-2026-q2"] != survey.StatusClosed || status["enps-2026-q3"] != survey.StatusClosed || status["pulse-2026-11"] != survey.StatusOpen {
			t.Fatalf("statuses %v", status)
		}

		older, newer := results(t, svc, "enps-2026-q2"), results(t, svc, "enps-2026-q3")
		other := newer.group(survey.OtherGroup)
		if other == nil || !slices.Equal(other.Teams, []string{"security", "sre"}) || other.Responses != 6 {
			t.Errorf("other = %+v, want security's 3 and SRE's 3 answers folded together", other)
		}
		if shown := len(newer.Groups) - 1; shown != 10 {
			t.Errorf("%d teams shown on their own, want 10", shown)
		}
		texts := 0
		for _, g := range newer.Groups {
			for _, tx := range g.Texts {
				texts += len(tx.Answers)
			}
			if len(g.Dimensions) != len(config.Dimensions) {
				t.Errorf("%s: %d SPACE dimensions", g.Name, len(g.Dimensions))
			}
		}
		if texts < 5 || texts > 40 {
			t.Errorf("%d free-text answers, want a few", texts)
		}
		// The platform's work shows where it was done.
		for team, better := range map[string]bool{"payments": true, "catalog": true, "data-platform": true, "fulfilment": false} {
			before, after := older.group(team).ENPS.Score, newer.group(team).ENPS.Score
			t.Logf("%s: eNPS %.1f → %.1f", team, before, after)
			if (after > before) != better {
				t.Errorf("%s's eNPS went from %.1f to %.1f", team, before, after)
			}
		}
		pulse := results(t, svc, "pulse-2026-11")
		if pulse.Status != survey.StatusOpen || pulse.Published || len(pulse.Groups) != 0 || pulse.Responses < 40 {
			t.Errorf("the open pulse: %s, published %v, %d groups, %d responses so far", pulse.Status, pulse.Published, len(pulse.Groups), pulse.Responses)
		}
	})
}

type surveyResults struct{ survey.Results }

func results(t *testing.T, svc *survey.Service, id string) surveyResults {
	t.Helper()
	r, err := svc.Results(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return surveyResults{r}
}

func (r surveyResults) group(name string) *survey.Group {
	for i := range r.Groups {
		if r.Groups[i].Name == name {
			return &r.Groups[i]
		}
	}
	return nil
}
