package dora

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// history is March 2025 of two teams and one unowned deployment, with
// rows the window and the production filter must leave out.
func history() ([]delivery.Deployment, []delivery.Change, []delivery.Incident) {
	a0 := prod("a0", march(1, 0).AddDate(0, 0, -1)) // 28 Feb: before the window
	a1 := prod("a1", march(4, 10))
	a2 := prod("a2", march(11, 10))
	a2.Failure, a2.RecoveredAt, a2.RecoveredBy = delivery.FailureRolledBack, march(11, 11), "a3"
	a3 := prod("a3", march(11, 11))
	a3.Rollback = true
	staging := prod("a-staging", march(11, 9))
	staging.Environment, staging.Production = "staging", false
	b1 := prod("b1", march(18, 12))
	b1.Service, b1.Team, b1.Status, b1.Failure = "svc-b", "team-b", delivery.StatusFailure, delivery.FailureFailed
	b2 := prod("b2", march(19, 12))
	b2.Service, b2.Team = "svc-b", "team-b"
	o1 := prod("o1", march(25, 0))
	o1.Service, o1.Team = "", ""

	cb1 := change("cb1", "b2", march(12, 12), march(19, 12))
	cb1.Service, cb1.Team = "svc-b", "team-b"
	changes := []delivery.Change{
		change("ca0", "a0", march(1, 0).AddDate(0, 0, -2), a0.DeployedAt),
		change("ca1", "a1", march(3, 10), march(4, 10)),
		change("ca2", "a1", march(4, 8), march(4, 10)),
		change("ca3", "a2", march(10, 10), march(11, 10)),
		{ID: "ca4", Repository: "https://github.com/example/a", Service: "svc-a", Team: "team-a", Kind: "commit",
			SHA: "c4", FirstCommitAt: march(20, 0), MergedAt: march(20, 0)}, // not deployed yet
		cb1,
	}
	incidents := []delivery.Incident{
		{ID: "i1", Service: "svc-b", Team: "team-b", OpenedAt: march(18, 13), DeploymentID: "b1", Link: delivery.LinkExplicit},
		{ID: "i2", OpenedAt: march(26, 0)},
	}
	return []delivery.Deployment{a0, a1, a2, a3, staging, b1, b2, o1}, changes, incidents
}

func testCatalog(t *testing.T, db *store.DB) *catalog.Catalog {
	t.Helper()
	data, err := os.ReadFile("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return catalogtest.Open(t, db, config.Default(), data)
}

func TestComputeFromStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		deps, changes, incidents := history()
		insertEvents(t, db, deps, changes, incidents)
		w := window(t, 3, 31)
		ctx := context.Background()
		inMemory := FromEvents(w, deps, changes, incidents)

		tests := []struct {
			name string
			q    Query
			want summary
			same Report // what FromEvents computes for the scope
		}{
			{
				name: "organisation",
				q:    Query{Window: w},
				want: summary{
					// Weeks of 1, 2, 1, 1 successful deployments.
					Freq: "1.25", PerDay: "0.1786", MedianWeek: "1", FreqBand: High, Deploys: 5, DeployDays: 4,
					// Leads 2, 24, 24 and 168 hours.
					Lead: "24/60/124.8", LeadN: 4, LeadBand: High,
					CFR: "33.33", CFRBand: Low, Failed: 2, Production: 6,
					Recovery: "1/1/1", Recovered: 1, Unrecovered: 1, RecoveryBand: High,
					Rework: "16.67", Unplanned: 1, ReworkBand: NotBanded,
					Incidents: 2, Unlinked: 1,
				},
				same: inMemory.Organisation,
			},
			{
				name: "team",
				q:    Query{Team: "team-a", Window: w},
				want: summary{
					// Weeks of 1, 2, 0, 0: median 0.5; 3.2 a month.
					Freq: "0.75", PerDay: "0.1071", MedianWeek: "0.5", FreqBand: Medium, Deploys: 3, DeployDays: 2,
					Lead: "24/24/24", LeadN: 3, LeadBand: High,
					CFR: "33.33", CFRBand: Low, Failed: 1, Production: 3,
					Recovery: "1/1/1", Recovered: 1, RecoveryBand: High,
					Rework: "33.33", Unplanned: 1, ReworkBand: NotBanded,
				},
				same: inMemory.Teams[0],
			},
			{
				name: "service",
				q:    Query{Service: "svc-b", Window: w},
				want: summary{
					Freq: "0.25", PerDay: "0.03571", MedianWeek: "0", FreqBand: Medium, Deploys: 1, DeployDays: 1,
					Lead: "168/168/168", LeadN: 1, LeadBand: Medium,
					CFR: "50", CFRBand: Low, Failed: 1, Production: 2,
					Recovery: "-", Unrecovered: 1, RecoveryBand: NoData,
					Rework: "0", ReworkBand: NotBanded,
					Incidents: 1,
				},
				same: inMemory.Services[1],
			},
			{
				name: "unowned",
				q:    Query{Team: catalog.Unowned, Window: w},
				want: summary{
					Freq: "0.25", PerDay: "0.03571", MedianWeek: "0", FreqBand: Medium, Deploys: 1, DeployDays: 1,
					Lead: "-", LeadBand: NoData,
					CFR: "0", CFRBand: Elite, Production: 1,
					Recovery: "-", RecoveryBand: NoData,
					Rework: "0", ReworkBand: NotBanded,
					Incidents: 1, Unlinked: 1,
				},
				same: inMemory.Teams[2],
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := Compute(ctx, db, tt.q)
				if err != nil {
					t.Fatal(err)
				}
				if got := summarize(r.Metrics); !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got  %+v\nwant %+v", got, tt.want)
				}
				if !reflect.DeepEqual(r.Metrics, tt.same.Metrics) || !reflect.DeepEqual(r.Weeks, tt.same.Weeks) {
					t.Errorf("the store and the in-memory events disagree:\nstore  %+v\nevents %+v", r.Metrics, tt.same.Metrics)
				}
			})
		}

		t.Run("breakdown", func(t *testing.T) {
			svc := NewService(db, testCatalog(t, db))
			b, err := svc.Breakdown(ctx, w)
			if err != nil {
				t.Fatal(err)
			}
			want := FromEvents(w, deps, changes, incidents)
			var names []string
			for _, r := range append(b.Teams, b.Services...) {
				names = append(names, r.Scope.Name)
			}
			if got := strings.Join(names, " "); got != "team-a team-b team-quiet unowned svc-a svc-b svc-quiet" {
				t.Errorf("scopes %s", got)
			}
			if !reflect.DeepEqual(b.Organisation, want.Organisation) {
				t.Errorf("organisation\nstore  %+v\nevents %+v", b.Organisation.Metrics, want.Organisation.Metrics)
			}
			if b.Teams[2].Metrics.DeploymentFrequency.Band != NoData || b.Services[2].Scope.Team != "team-quiet" {
				t.Errorf("quiet team %+v, service %+v", b.Teams[2].Metrics.DeploymentFrequency, b.Services[2].Scope)
			}
		})
	})
}

func TestServiceChecksNames(t *testing.T) {
	db := storetest.SQLite(t)
	svc := NewService(db, testCatalog(t, db))
	w := window(t, 3, 31)
	tests := []struct {
		name  string
		q     Query
		field string
		msg   string
	}{
		{"unknown team", Query{Team: "team-z"}, "team", `team "team-z" is not in the catalog; known teams: team-a, team-b, team-quiet`},
		{"unknown service", Query{Service: "svc-z"}, "service", `service "svc-z" is not in the catalog; known services: svc-a, svc-b, svc-quiet`},
		{"unknown service of a team", Query{Team: "team-a", Service: "svc-z"}, "service", "known services: svc-a"},
		{"another team's service", Query{Team: "team-a", Service: "svc-b"}, "service", `service "svc-b" belongs to team "team-b", not "team-a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Window = w
			_, err := svc.Report(context.Background(), tt.q)
			e, ok := err.(*api.Error)
			if !ok || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) || !api.IsInputError(err) {
				t.Fatalf("error %v, want field %s saying %q", err, tt.field, tt.msg)
			}
		})
	}
	t.Run("service names its team", func(t *testing.T) {
		r, err := svc.Report(context.Background(), Query{Service: "svc-quiet", Window: w})
		if err != nil || r.Scope != (Scope{Kind: ServiceScope, Name: "svc-quiet", Team: "team-quiet"}) {
			t.Fatalf("scope %+v, err %v", r.Scope, err)
		}
	})
}

func TestKnownNames(t *testing.T) {
	many := make([]string, 25)
	for i := range many {
		many[i] = string(rune('a'+i)) + "x"
	}
	tests := []struct {
		names []string
		want  string
	}{
		{nil, "the catalog has no teams yet (paved catalog import adds them)"},
		{[]string{"a", "b"}, "known teams: a, b"},
		{many, "known teams include ax, bx, cx, dx, ex, fx, gx, hx, ix, jx, kx, lx, mx, nx, ox, px, qx, rx, sx, tx and 5 more (paved team list lists them)"},
	}
	for _, tt := range tests {
		if got := known(tt.names, "teams", "paved team list"); got != tt.want {
			t.Errorf("known(%d names) = %q, want %q", len(tt.names), got, tt.want)
		}
	}
}

// TestBreakdownCache: the organisation's breakdown of a window is served
// from memory for breakdownTTL, then computed afresh.
func TestBreakdownCache(t *testing.T) {
	db := storetest.SQLite(t)
	svc := NewService(db, testCatalog(t, db))
	now := time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)
	svc.now = func() time.Time { return now }
	w := window(t, 3, 31)
	ctx := context.Background()
	deployments := func() int {
		t.Helper()
		b, err := svc.Breakdown(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		return b.Organisation.Metrics.DeploymentFrequency.SampleSize
	}
	if n := deployments(); n != 0 {
		t.Fatalf("empty store: %d deployments", n)
	}
	deps, changes, incidents := history()
	insertEvents(t, db, deps, changes, incidents)
	if n := deployments(); n != 0 {
		t.Fatalf("within the TTL the cached breakdown is served, got %d deployments", n)
	}
	now = now.Add(breakdownTTL)
	if n := deployments(); n == 0 {
		t.Fatal("after the TTL the breakdown is computed afresh")
	}
}
