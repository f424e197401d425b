package dora

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/delivery"
)

// march is a time in March 2025, UTC: day of the month and hour.
func march(d int, hour float64) time.Time {
	return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC).Add(time.Duration(hour * float64(time.Hour)))
}

// window returns [from, to) of March 2025 days (32 is 1 April).
func window(t testing.TB, from, to int) Window {
	t.Helper()
	w, err := NewWindow(march(from, 0), march(to, 0))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// prod is a successful production deployment of svc-a (team-a).
func prod(id string, at time.Time) delivery.Deployment {
	return delivery.Deployment{ID: id, Service: "svc-a", Team: "team-a", Environment: "production", Production: true,
		Status: delivery.StatusSuccess, DeployedAt: at}
}

// change is a change of svc-a deployed by dep at deployed, first committed at first.
func change(id, dep string, first, deployed time.Time) delivery.Change {
	return delivery.Change{ID: id, Repository: "https://github.com/example/a", Service: "svc-a", Team: "team-a", Kind: "pull_request",
		FirstCommitAt: first, MergedAt: first, DeploymentID: dep, DeployedAt: deployed}
}

// summary flattens a report's metrics into comparable strings: numbers
// to four significant digits, "-" where absent.
type summary struct {
	Freq, PerDay, MedianWeek string
	FreqBand                 Band
	Deploys, DeployDays      int
	Lead                     string // median/p75/p90 hours
	LeadN                    int
	LeadBand                 Band
	CFR                      string
	CFRBand                  Band
	Failed, Production       int
	Recovery                 string // median/p75/p90 hours
	Recovered, Unrecovered   int
	RecoveryBand             Band
	Rework                   string
	Unplanned                int
	ReworkBand               Band
	Incidents, Unlinked      int
}

func num(v *float64) string {
	if v == nil {
		return "-"
	}
	if math.IsNaN(*v) || math.IsInf(*v, 0) {
		return "NaN!"
	}
	return fmt.Sprintf("%.4g", *v)
}

func summarize(m Metrics) summary {
	d := func(x Duration) string {
		if x.Value == nil {
			return "-"
		}
		return num(x.Value) + "/" + num(x.P75) + "/" + num(x.P90)
	}
	f := m.DeploymentFrequency
	return summary{
		Freq: num(f.Value), PerDay: num(f.PerDay), MedianWeek: num(f.MedianPerWeek), FreqBand: f.Band,
		Deploys: f.SampleSize, DeployDays: f.DeploymentDays,
		Lead: d(m.LeadTime), LeadN: m.LeadTime.SampleSize, LeadBand: m.LeadTime.Band,
		CFR: num(m.ChangeFailureRate.Value), CFRBand: m.ChangeFailureRate.Band,
		Failed: m.ChangeFailureRate.Count, Production: m.ChangeFailureRate.SampleSize,
		Recovery: d(m.RecoveryTime.Duration), Recovered: m.RecoveryTime.SampleSize, Unrecovered: m.RecoveryTime.Unrecovered,
		RecoveryBand: m.RecoveryTime.Band,
		Rework:       num(m.ReworkRate.Value), Unplanned: m.ReworkRate.Count, ReworkBand: m.ReworkRate.Band,
		Incidents: m.ChangeFailureRate.Incidents, Unlinked: m.ChangeFailureRate.UnlinkedIncidents,
	}
}

// noData is the summary of a window with nothing in it.
var noData = summary{Freq: "-", PerDay: "-", MedianWeek: "-", FreqBand: NoData, Lead: "-", LeadBand: NoData,
	CFR: "-", CFRBand: NoData, Recovery: "-", RecoveryBand: NoData, Rework: "-", ReworkBand: NoData}

// with returns noData changed by fn, so that each case states only what
// it has.
func with(fn func(s *summary)) summary {
	s := noData
	fn(&s)
	return s
}

func TestFromEventsOrganisation(t *testing.T) {
	// Four full ISO weeks: Monday 3 March to Monday 31 March 2025.
	w := window(t, 3, 31)
	rolledBack := prod("d1", march(4, 12))
	rolledBack.Failure, rolledBack.RecoveredAt = delivery.FailureRolledBack, march(4, 12.5)
	rollback := prod("d2", march(4, 12.5))
	rollback.Rollback = true
	fixed := prod("d1", march(5, 9))
	fixed.Failure, fixed.RecoveredAt = delivery.FailureFixed, march(5, 12)
	fix := prod("d2", march(5, 12))
	fix.Fixes = "d1"
	failed := prod("d1", march(6, 0))
	failed.Status, failed.Failure = delivery.StatusFailure, delivery.FailureFailed
	incident := prod("d1", march(10, 8))
	incident.Failure, incident.RecoveredAt = delivery.FailureIncident, march(10, 13)
	staging := prod("s1", march(4, 10))
	staging.Environment, staging.Production = "staging", false

	tests := []struct {
		name      string
		deps      []delivery.Deployment
		changes   []delivery.Change
		incidents []delivery.Incident
		want      summary
	}{
		{name: "empty window", want: noData},
		{
			name: "non-production deployments and their changes are left out",
			deps: []delivery.Deployment{staging},
			// A change deployed only to staging has no production deployment.
			changes: []delivery.Change{{ID: "c1", Service: "svc-a", Team: "team-a", FirstCommitAt: march(4, 9)}},
			want:    noData,
		},
		{
			// One deployment shipping three merges: leads 2 h, 24 h and 48 h.
			// p75 sits halfway between 24 and 48; p90 at 1.8 of 2 ranks.
			name: "multi-merge deployment",
			deps: []delivery.Deployment{prod("d1", march(4, 12))},
			changes: []delivery.Change{
				change("c1", "d1", march(4, 10), march(4, 12)),
				change("c2", "d1", march(3, 12), march(4, 12)),
				change("c3", "d1", march(2, 12), march(4, 12)),
			},
			want: with(func(s *summary) {
				// 1 deployment in 28 days: 0.25 a week; the median full week has none.
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "0.25", "0.03571", "0", Medium, 1, 1
				s.Lead, s.LeadN, s.LeadBand = "24/36/43.2", 3, High
				s.CFR, s.CFRBand, s.Production = "0", Elite, 1
				s.Rework, s.ReworkBand = "0", NotBanded
			}),
		},
		{
			// A squash merge's change counts from its first commit, even one
			// before the window, not from the merge: 4.5 days.
			name: "squash merge counts from the first commit",
			deps: []delivery.Deployment{prod("d1", march(5, 12))},
			changes: []delivery.Change{{ID: "c1", Service: "svc-a", Team: "team-a", Kind: "pull_request",
				FirstCommitAt: march(1, 0), MergedAt: march(5, 11), DeploymentID: "d1", DeployedAt: march(5, 12)}},
			want: with(func(s *summary) {
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "0.25", "0.03571", "0", Medium, 1, 1
				s.Lead, s.LeadN, s.LeadBand = "108/108/108", 1, High
				s.CFR, s.CFRBand, s.Production = "0", Elite, 1
				s.Rework, s.ReworkBand = "0", NotBanded
			}),
		},
		{
			// A commit time after the deployment (clock skew) counts as zero.
			name:    "clock skew",
			deps:    []delivery.Deployment{prod("d1", march(5, 12))},
			changes: []delivery.Change{change("c1", "d1", march(5, 13), march(5, 12))},
			want: with(func(s *summary) {
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "0.25", "0.03571", "0", Medium, 1, 1
				s.Lead, s.LeadN, s.LeadBand = "0/0/0", 1, Elite
				s.CFR, s.CFRBand, s.Production = "0", Elite, 1
				s.Rework, s.ReworkBand = "0", NotBanded
			}),
		},
		{
			// Rolled back after 30 minutes: one failure of two, one rollback.
			name: "rollback",
			deps: []delivery.Deployment{rolledBack, rollback},
			want: with(func(s *summary) {
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "0.5", "0.07143", "0", Medium, 2, 1
				s.CFR, s.CFRBand, s.Failed, s.Production = "50", Low, 1, 2
				s.Recovery, s.Recovered, s.RecoveryBand = "0.5/0.5/0.5", 1, Elite
				s.Rework, s.Unplanned, s.ReworkBand = "50", 1, NotBanded
			}),
		},
		{
			name: "fix",
			deps: []delivery.Deployment{fixed, fix},
			want: with(func(s *summary) {
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "0.5", "0.07143", "0", Medium, 2, 1
				s.CFR, s.CFRBand, s.Failed, s.Production = "50", Low, 1, 2
				s.Recovery, s.Recovered, s.RecoveryBand = "3/3/3", 1, High
				s.Rework, s.Unplanned, s.ReworkBand = "50", 1, NotBanded
			}),
		},
		{
			// Linked to an incident resolved 5 hours later; a second incident
			// names no deployment and is only counted.
			name: "incident-linked failure",
			deps: []delivery.Deployment{incident, prod("d2", march(11, 8)), prod("d3", march(12, 8)), prod("d4", march(13, 8))},
			incidents: []delivery.Incident{
				{ID: "i1", Service: "svc-a", Team: "team-a", OpenedAt: march(10, 9), ResolvedAt: march(10, 13), DeploymentID: "d1", Link: delivery.LinkWindow},
				{ID: "i2", Service: "svc-a", Team: "team-a", OpenedAt: march(20, 9)},
				{ID: "i3", Service: "svc-a", Team: "team-a", OpenedAt: march(31, 9)}, // after the window
			},
			want: with(func(s *summary) {
				// Weeks hold 0, 4, 0, 0 deployments: median 0; 4 per 28 days is 4.3 a month.
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand, s.Deploys, s.DeployDays = "1", "0.1429", "0", Medium, 4, 4
				s.CFR, s.CFRBand, s.Failed, s.Production = "25", Low, 1, 4
				s.Recovery, s.Recovered, s.RecoveryBand = "5/5/5", 1, High
				s.Rework, s.ReworkBand = "0", NotBanded
				s.Incidents, s.Unlinked = 2, 1
			}),
		},
		{
			// The deployment itself failed and nothing has recovered it yet:
			// recovery has no value, and the failure is counted as open.
			name: "unrecovered failure",
			deps: []delivery.Deployment{failed},
			want: with(func(s *summary) {
				s.Freq, s.PerDay, s.MedianWeek, s.FreqBand = "0", "0", "0", Low
				s.CFR, s.CFRBand, s.Failed, s.Production = "100", Low, 1, 1
				s.Unrecovered = 1
				s.Rework, s.ReworkBand = "0", NotBanded
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := FromEvents(w, tt.deps, tt.changes, tt.incidents)
			if got := summarize(b.Organisation.Metrics); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if len(b.Organisation.Weeks) != 4 {
				t.Errorf("%d weeks, want 4", len(b.Organisation.Weeks))
			}
		})
	}
}

func TestFrequencyBands(t *testing.T) {
	w := window(t, 3, 31) // four full weeks
	// every returns n deployments on each given day of March, at noon.
	every := func(days []int, n int) []delivery.Deployment {
		var out []delivery.Deployment
		for _, d := range days {
			for i := range n {
				out = append(out, prod(fmt.Sprintf("d%d-%d", d, i), march(d, 12+float64(i)/10)))
			}
		}
		return out
	}
	weekdays := []int{3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28}
	tests := []struct {
		name       string
		deps       []delivery.Deployment
		median     string
		days       int
		band       Band
		perWeekAvg string
	}{
		// Two a day every working day: 10 a week.
		{"twice each working day", every(weekdays, 2), "10", 20, Elite, "10"},
		// Once every working day is daily, not multiple per day.
		{"each working day", every(weekdays, 1), "5", 20, High, "5"},
		{"seven on one day a week", every([]int{4, 11, 18, 25}, 7), "7", 4, Elite, "7"},
		{"weekly", every([]int{4, 11, 18, 25}, 1), "1", 4, High, "1"},
		// Weeks of 1, 0, 1, 0: median 0.5; 2 in 28 days is 2.1 a month.
		{"fortnightly", every([]int{4, 18}, 1), "0.5", 2, Medium, "0.5"},
		// One busy week does not make a monthly team daily.
		{"one busy week", every([]int{4, 5, 6}, 5), "0", 3, Medium, "3.75"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := FromEvents(w, tt.deps, nil, nil).Organisation.Metrics.DeploymentFrequency
			if num(f.MedianPerWeek) != tt.median || f.DeploymentDays != tt.days || f.Band != tt.band || num(f.Value) != tt.perWeekAvg {
				t.Errorf("median %s, days %d, band %s, per week %s; want %s, %d, %s, %s",
					num(f.MedianPerWeek), f.DeploymentDays, f.Band, num(f.Value), tt.median, tt.days, tt.band, tt.perWeekAvg)
			}
		})
	}
	t.Run("low", func(t *testing.T) {
		// Two deployments in 90 days: 0.67 a month.
		w, err := NewWindow(march(1, 0), march(1, 0).AddDate(0, 0, 90))
		if err != nil {
			t.Fatal(err)
		}
		f := FromEvents(w, every([]int{4, 20}, 1), nil, nil).Organisation.Metrics.DeploymentFrequency
		if f.Band != Low || f.FullWeeks != 12 {
			t.Errorf("band %s over %d full weeks, want low over 12", f.Band, f.FullWeeks)
		}
	})
}

func TestWeeksAtWindowEdges(t *testing.T) {
	// Wednesday 5 March to Tuesday 18 March (exclusive): 13 days touching
	// W10 (5 of its days), W11 (all 7) and W12 (Monday only).
	w := window(t, 5, 18)
	deps := []delivery.Deployment{
		prod("before", march(4, 23.99)),
		prod("first", march(5, 0)),
		prod("last", march(17, 23.5)),
		prod("after", march(18, 0)),
	}
	changes := []delivery.Change{
		change("c1", "first", march(4, 0), march(5, 0)),      // 24 h, in W10
		change("c2", "last", march(17, 20), march(17, 23.5)), // 3.5 h, in W12
		change("c3", "after", march(17, 0), march(18, 0)),    // deployed after the window
	}
	r := FromEvents(w, deps, changes, nil).Organisation
	type wk struct {
		Week, Start            string
		Days, Deploys, Changes int
		Lead                   string
	}
	var got []wk
	for _, x := range r.Weeks {
		got = append(got, wk{x.Week, x.Start, x.Days, x.Deployments, x.Changes, num(x.LeadTimeMedian)})
	}
	want := []wk{
		{"2025-W10", "2025-03-03", 5, 1, 1, "24"},
		{"2025-W11", "2025-03-10", 7, 0, 0, "-"},
		{"2025-W12", "2025-03-17", 1, 1, 1, "3.5"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("weeks\n got %+v\nwant %+v", got, want)
	}
	f := r.Metrics.DeploymentFrequency
	// The only full week (W11) had none; 2 in 13 days is 4.6 a month.
	if f.SampleSize != 2 || num(f.MedianPerWeek) != "0" || f.FullWeeks != 1 || f.Band != Medium || num(f.PerDay) != "0.1538" {
		t.Errorf("frequency %+v", f)
	}
	if r.Window != (WindowInfo{From: "2025-03-05", To: "2025-03-18", Days: 13}) {
		t.Errorf("window %+v", r.Window)
	}
}

func TestWeekSeriesRates(t *testing.T) {
	w := window(t, 3, 17) // W10 and W11
	bad := prod("d2", march(4, 0))
	bad.Failure, bad.RecoveredAt = delivery.FailureRolledBack, march(4, 2)
	rb := prod("d3", march(4, 2))
	rb.Rollback = true
	open := prod("d4", march(11, 0))
	open.Failure = delivery.FailureIncident
	r := FromEvents(w, []delivery.Deployment{prod("d1", march(3, 0)), bad, rb, open}, nil, nil).Organisation
	w10, w11 := r.Weeks[0], r.Weeks[1]
	// W10: 3 deployments on 2 days, one failed (recovered in 2 h), one rollback.
	if w10.Deployments != 3 || w10.DeploymentDays != 2 || w10.ProductionDeployments != 3 || num(w10.ChangeFailureRate) != "33.33" ||
		num(w10.ReworkRate) != "33.33" || w10.Recovered != 1 || num(w10.RecoveryMedian) != "2" || w10.Unrecovered != 0 {
		t.Errorf("W10 %+v", w10)
	}
	if w11.Deployments != 1 || num(w11.ChangeFailureRate) != "100" || w11.Unrecovered != 1 || w11.RecoveryMedian != nil {
		t.Errorf("W11 %+v", w11)
	}
}

func TestBreakdownScopes(t *testing.T) {
	w := window(t, 3, 31)
	b1 := prod("b1", march(4, 0))
	b1.Service, b1.Team = "svc-b", "team-b"
	b1.Failure, b1.RecoveredAt = delivery.FailureFixed, march(4, 1)
	c1 := prod("c1", march(5, 0))
	c1.Service, c1.Team = "svc-c", "team-b"
	orphan := prod("o1", march(6, 0))
	orphan.Service, orphan.Team = "", ""
	deps := []delivery.Deployment{prod("a1", march(3, 0)), prod("a2", march(3, 1)), b1, c1, orphan}
	changes := []delivery.Change{change("ca", "a1", march(2, 0), march(3, 0))}

	b := breakdown(factsFrom(deps, changes, nil), w, []string{"team-a", "team-b", "team-quiet"}, map[string]string{"svc-quiet": "team-quiet"})
	count := func(r Report) string {
		m := r.Metrics
		return fmt.Sprintf("%s:%s deploys=%d changes=%d failed=%d team=%s", r.Scope.Kind, r.Scope.Name,
			m.DeploymentFrequency.SampleSize, m.LeadTime.SampleSize, m.ChangeFailureRate.Count, r.Scope.Team)
	}
	var got []string
	got = append(got, count(b.Organisation))
	for _, r := range b.Teams {
		got = append(got, count(r))
	}
	for _, r := range b.Services {
		got = append(got, count(r))
	}
	want := []string{
		"organisation: deploys=5 changes=1 failed=1 team=",
		"team:team-a deploys=2 changes=1 failed=0 team=",
		"team:team-b deploys=2 changes=0 failed=1 team=",
		"team:team-quiet deploys=0 changes=0 failed=0 team=",
		"team:unowned deploys=1 changes=0 failed=0 team=",
		"service:svc-a deploys=2 changes=1 failed=0 team=team-a",
		"service:svc-b deploys=1 changes=0 failed=1 team=team-b",
		"service:svc-c deploys=1 changes=0 failed=0 team=team-b",
		"service:svc-quiet deploys=0 changes=0 failed=0 team=team-quiet",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("scopes\n got %q\nwant %q", got, want)
	}
	if q := b.Teams[2].Metrics; summarize(q) != noData {
		t.Errorf("a team without deliveries: %+v", summarize(q))
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		v    []int64
		p    float64
		want float64
	}{
		{[]int64{5}, 0.5, 5},
		{[]int64{5}, 0.9, 5},
		{[]int64{1, 3}, 0.5, 2},
		{[]int64{1, 2, 3, 4}, 0.5, 2.5},
		{[]int64{1, 2, 3, 4}, 0.75, 3.25},
		{[]int64{10, 20, 30, 40, 50}, 0.9, 46},
		{[]int64{10, 20, 30, 40, 50}, 1, 50},
		{[]int64{10, 20, 30, 40, 50}, 0, 10},
	}
	for _, tt := range tests {
		if got := percentile(tt.v, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.v, tt.p, got, tt.want)
		}
	}
}

func TestRunsQuantile(t *testing.T) {
	// The union is 0 1 2 2 3 5 6 7 9 10 (ten values).
	r := runs{}
	for _, s := range [][]int64{{1, 5, 9}, {}, {2, 3}, {0, 10}, {2}, {6, 7}} {
		r.add(s)
	}
	tests := []struct {
		p    float64
		want float64
	}{
		{0, 0},
		{0.5, 4},     // between 3 and 5
		{0.75, 6.75}, // rank 6.75: 6 + 0.75×(7−6)
		{0.9, 9.1},   // rank 8.1: 9 + 0.1×(10−9)
		{1, 10},
		{2.0 / 9, 2}, // rank 2: the first 2
		{3.0 / 9, 2}, // rank 3: the second 2, a duplicate
	}
	for _, tt := range tests {
		if got := r.quantile(tt.p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("quantile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if r.n != 10 || len(r.list) != 5 {
		t.Errorf("%d values in %d runs", r.n, len(r.list))
	}
}

// TestRunsMatchSorting checks the bisection against sorting the union,
// on random runs with many duplicates.
func TestRunsMatchSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var r runs
		var all []int64
		for range 1 + rng.IntN(8) {
			s := make([]int64, rng.IntN(6))
			for i := range s {
				s[i] = rng.Int64N(20) - 5
			}
			slices.Sort(s)
			r.add(s)
			all = append(all, s...)
		}
		if len(all) == 0 {
			continue
		}
		slices.Sort(all)
		for _, p := range []float64{0, 0.1, 0.5, 0.75, 0.9, 1} {
			if got, want := r.quantile(p), percentile(all, p); math.Abs(got-want) > 1e-9 {
				t.Fatalf("trial %d: quantile(%v) of %v = %v, want %v", trial, p, r.list, got, want)
			}
		}
	}
}

func TestByUnit(t *testing.T) {
	tests := []struct {
		name        string
		s           samples
		units, wks  int
		wantValues  []int64
		wantOffsets []int32
	}{
		{
			// Unit 0's weeks hold {3 9} {} {1 4}; unit 1's {7} {2 8} {5}.
			name:  "two units",
			s:     samples{values: []int64{3, 9, 1, 4, 7, 2, 8, 5}, offsets: []int32{0, 2, 2, 4, 5, 7, 8}},
			units: 2, wks: 3,
			wantValues: []int64{1, 3, 4, 9, 2, 5, 7, 8}, wantOffsets: []int32{0, 4, 8},
		},
		{
			// Five runs of one: three rounds of pairwise merging; unit 1 empty.
			name:  "odd runs",
			s:     samples{values: []int64{5, 1, 9, 3, 7}, offsets: []int32{0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5}},
			units: 2, wks: 5,
			wantValues: []int64{1, 3, 5, 7, 9}, wantOffsets: []int32{0, 5, 5},
		},
	}
	for _, tt := range tests {
		got := byUnit(tt.s, tt.units, tt.wks)
		if !reflect.DeepEqual(got.values, tt.wantValues) || !reflect.DeepEqual(got.offsets, tt.wantOffsets) {
			t.Errorf("%s: %v %v", tt.name, got.values, got.offsets)
		}
	}
}
