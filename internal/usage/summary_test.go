package usage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// wantFixtureSummary is the three-week summary of testdata/events.json at
// testNow, worked out by hand from the fixture (weeks from 2024-09-02,
// 09-09 and 09-16; four catalog teams):
//
//   - ui.costs: e1, e2, e3 and e11 (Sunday 23:59:59.999) in the first
//     week, by payments (alice, Bob) and search (carol); e4 (team alias
//     "pay", actor "ALICE"), e5 and e12 (an actor sent as a hash) in the
//     second, by payments and search.
//   - cli.cost.import: e6 (identity, dave) and e7 ("Ghost Team", not in
//     the catalog) in the third week.
//   - ui.teams: e9, with neither team nor actor; the second "e1" is a
//     duplicate and not counted.
//   - idp.scaffolder: e8, before the window, so unused.
func wantFixtureSummary() Summary {
	return Summary{
		Weeks: []string{"2024-09-02", "2024-09-09", "2024-09-16"}, From: "2024-09-02", Through: "2024-09-18",
		CatalogTeams: 4,
		Platform: Activity{
			WeeklyActiveTeams: []int{2, 2, 2}, WeeklyActiveUsers: []int{3, 2, 2}, WeeklyEvents: []int64{4, 3, 3},
			Events: 10, Teams: 4, Users: 6, AdoptedTeams: 3, Adoption: 0.75,
		},
		Features: []FeatureUsage{
			{Feature: "ui.costs", Source: SourceUI, LastUsed: day("2024-09-11T09:00:00Z"), Activity: Activity{
				WeeklyActiveTeams: []int{2, 2, 0}, WeeklyActiveUsers: []int{3, 2, 0}, WeeklyEvents: []int64{4, 3, 0},
				Events: 7, Teams: 2, Users: 4, AdoptedTeams: 2, Adoption: 0.5,
			}},
			{Feature: "cli.cost.import", Source: SourceEvents, LastUsed: day("2024-09-17T08:00:00Z"), Activity: Activity{
				WeeklyActiveTeams: []int{0, 0, 2}, WeeklyActiveUsers: []int{0, 0, 2}, WeeklyEvents: []int64{0, 0, 2},
				Events: 2, Teams: 2, Users: 2, AdoptedTeams: 1, Adoption: 0.25,
			}},
			{Feature: "ui.teams", Source: SourceEvents, LastUsed: day("2024-09-17T12:00:00Z"), Activity: Activity{
				WeeklyActiveTeams: []int{0, 0, 0}, WeeklyActiveUsers: []int{0, 0, 0}, WeeklyEvents: []int64{0, 0, 1},
				Events: 1,
			}},
		},
		Unused: []UnusedFeature{
			{Feature: "idp.scaffolder", Source: SourceConfig, LastUsed: ptr(day("2024-08-20T12:00:00Z"))},
			{Feature: "idp.catalog", Source: SourceConfig},
			{Feature: "ui.overview", Source: SourceUI},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func TestSummary(t *testing.T) {
	withoutCommands(t)
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db)
		s.Declare(SourceUI, "ui.costs", "ui.overview")

		// Before any event every known feature is unused.
		empty, err := s.Summary(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if empty.Platform.Events != 0 || len(empty.Features) != 0 || len(empty.Unused) != 4 {
			t.Errorf("empty summary = %+v", empty)
		}

		res, err := s.Ingest(ctx, fixtureEvents(t))
		if err != nil {
			t.Fatal(err)
		}
		if want := (IngestResult{Received: 12, Recorded: 11, Duplicates: 1}); res != want {
			t.Errorf("ingest = %+v, want %+v", res, want)
		}
		got, err := s.Summary(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := wantFixtureSummary()
		if !reflect.DeepEqual(got, want) {
			g, _ := json.MarshalIndent(got, "", "  ")
			w, _ := json.MarshalIndent(want, "", "  ")
			t.Fatalf("summary:\n%s\nwant:\n%s", g, w)
		}
		golden(t, "testdata/summary.golden.json", got)

		// The same batch again changes nothing: every id was received.
		res, err = s.Ingest(ctx, fixtureEvents(t))
		if err != nil {
			t.Fatal(err)
		}
		if want := (IngestResult{Received: 12, Recorded: 0, Duplicates: 12}); res != want {
			t.Errorf("second ingest = %+v, want %+v", res, want)
		}
		if again, err := s.Summary(ctx, 3); err != nil || !reflect.DeepEqual(again, want) {
			t.Errorf("summary after a repeated batch differs (err %v)", err)
		}

		// One week is the current one alone: only cli.cost.import and
		// ui.teams were used in it.
		one, err := s.Summary(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(one.Features) != 2 || one.Features[0].Feature != "cli.cost.import" || one.Platform.Teams != 2 || one.Platform.Users != 2 {
			t.Errorf("one-week summary: %+v", one)
		}
		if len(one.Unused) != 4 || one.Unused[0].Feature != "idp.scaffolder" || one.Unused[1].Feature != "ui.costs" {
			t.Errorf("one-week unused: %+v", one.Unused)
		}
	})
}

func TestSummaryWeeksOutOfRange(t *testing.T) {
	s := newTestService(t, storetest.SQLite(t))
	for _, weeks := range []int{0, -1, MaxWeeks + 1} {
		if _, err := s.Summary(context.Background(), weeks); err == nil || !strings.Contains(err.Error(), "weeks: ") {
			t.Errorf("Summary(%d) = %v, want an error naming weeks", weeks, err)
		}
	}
}

func TestEventsWithoutIDAlwaysCount(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db)
		ev := Event{Feature: "idp.docs", Action: "read", Team: "search", Actor: "carol", Time: testNow.Add(-time.Hour)}
		for range 2 {
			if res, err := s.Ingest(ctx, []Event{ev, ev}); err != nil || res.Recorded != 2 {
				t.Fatalf("ingest = %+v, %v; want 2 recorded", res, err)
			}
		}
		var events int64
		if err := db.R.QueryRow(`SELECT events FROM usage_daily WHERE day = '2024-09-18' AND feature = 'idp.docs' AND action = 'read' AND team = 'search'`).Scan(&events); err != nil {
			t.Fatal(err)
		}
		if events != 4 {
			t.Errorf("daily events = %d, want 4", events)
		}
		sum, err := s.Summary(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if f := sum.Features[0]; f.Events != 4 || f.WeeklyActiveUsers[0] != 1 || f.WeeklyActiveTeams[0] != 1 {
			t.Errorf("idp.docs = %+v", f)
		}
	})
}

// TestActorsAreHashed checks that no raw identity reaches any usage
// table, and that actors are HMAC-SHA256 under the stored key.
func TestActorsAreHashed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db)
		if _, err := s.Ingest(ctx, fixtureEvents(t)); err != nil {
			t.Fatal(err)
		}
		var keyHex string
		if err := db.R.QueryRow(`SELECT value FROM usage_settings WHERE name = 'actor_key'`).Scan(&keyHex); err != nil {
			t.Fatal(err)
		}
		key, _ := hex.DecodeString(keyHex)
		if len(key) != 32 {
			t.Fatalf("actor key has %d bytes, want 32", len(key))
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte("alice"))
		alice := hex.EncodeToString(m.Sum(nil))

		actors := map[string]string{}
		rows, err := db.R.Query(`SELECT id, actor FROM usage_events`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, actor string
			if err := rows.Scan(&id, &actor); err != nil {
				t.Fatal(err)
			}
			actors[id] = actor
		}
		rows.Close()
		// "alice" and "ALICE" are one person; a hash is kept, lower-cased.
		if actors["e1"] != alice || actors["e4"] != alice || actors["e5"] != alice {
			t.Errorf("alice's events have actors %q, %q, %q; want %q", actors["e1"], actors["e4"], actors["e5"], alice)
		}
		if want := "ab0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"; actors["e12"] != want {
			t.Errorf("a hashed actor was stored as %q, want %q", actors["e12"], want)
		}
		if actors["e9"] != "" {
			t.Errorf("an event without actor was stored with %q", actors["e9"])
		}

		// No table holds a name, in any case.
		for _, q := range []string{
			`SELECT actor FROM usage_events`, `SELECT properties FROM usage_events`, `SELECT actor FROM usage_daily`,
			`SELECT actor FROM usage_weekly_actors`, `SELECT value FROM usage_settings`,
		} {
			rows, err := db.R.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				for _, name := range []string{"alice", "bob", "carol", "dave", "erin"} {
					if strings.Contains(strings.ToLower(v), name) {
						t.Errorf("%s: %q holds the identity %q", q, v, name)
					}
				}
			}
			rows.Close()
		}

		// A second service on the same store (another replica) uses the
		// same key.
		other, err := NewService(config.Default(), nil, db, nil)
		if err != nil {
			t.Fatal(err)
		}
		if h, err := other.actors.hash(ctx, "Alice"); err != nil || h != alice {
			t.Errorf("another replica hashes Alice to %q (%v), want %q", h, err, alice)
		}
	})
}

func TestTeams(t *testing.T) {
	s := newTestService(t, storetest.SQLite(t))
	for _, c := range []struct{ raw, want string }{
		{"payments", "payments"},
		{"Payments", "payments"},
		{"pay", "payments"}, // alias in testdata/paved.yaml
		{"Ghost Team", "ghost-team"},
		{"", ""},
	} {
		if got := s.canonicalTeam(c.raw); got != c.want {
			t.Errorf("canonicalTeam(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
	for _, c := range []struct{ who, want string }{
		{"alice", "payments"},
		{"Alice", "payments"},
		{"bob", "payments"}, // listed as user:default/bob
		{"user:default/bob", "payments"},
		{"dave", "identity"},
		{"carol", ""}, // in two teams
		{"nobody", ""},
		{"", ""},
	} {
		if got := s.TeamOf(c.who); got != c.want {
			t.Errorf("TeamOf(%q) = %q, want %q", c.who, got, c.want)
		}
	}
}

func TestPrune(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newTestService(t, db)
		if _, err := s.Ingest(ctx, fixtureEvents(t)); err != nil {
			t.Fatal(err)
		}
		// Received at testNow: nothing is older than the cutoff yet.
		if n, err := s.store.prune(ctx, testNow.Add(-RawRetention)); err != nil || n != 0 {
			t.Fatalf("prune = %d, %v; want 0", n, err)
		}
		if n, err := s.store.prune(ctx, testNow.Add(time.Millisecond)); err != nil || n != 11 {
			t.Fatalf("prune = %d, %v; want 11", n, err)
		}
		// The rollups stay, so the summary does not change.
		got, err := s.Summary(ctx, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got.Platform.Events != 10 || got.Platform.Users != 6 {
			t.Errorf("after pruning, platform = %+v", got.Platform)
		}
	})
}

func TestNewServiceRejectsBadFeatures(t *testing.T) {
	db := storetest.SQLite(t)
	cfg := config.Default()
	cfg.Usage.Features = []string{"idp.ok", "no spaces please"}
	_, err := NewService(cfg, nil, db, nil)
	if err == nil || !strings.HasPrefix(err.Error(), `usage.features[1]: "no spaces please" is not valid`) {
		t.Errorf("NewService = %v, want an error naming usage.features[1]", err)
	}
}

func TestWeekStart(t *testing.T) {
	for _, c := range []struct{ at, want string }{
		{"2024-09-16T00:00:00Z", "2024-09-16"}, // Monday
		{"2024-09-18T12:00:00Z", "2024-09-16"},
		{"2024-09-22T23:59:59Z", "2024-09-16"}, // Sunday
		{"2024-09-23T00:00:00Z", "2024-09-23"},
		{"2024-09-23T01:00:00+02:00", "2024-09-16"}, // Sunday in UTC
		{"2025-01-01T00:00:00Z", "2024-12-30"},      // across a year
	} {
		if got := weekOf(day(c.at)); got != c.want {
			t.Errorf("weekOf(%s) = %s, want %s", c.at, got, c.want)
		}
	}
}

// golden compares v as indented JSON with the file at path, or rewrites
// the file with -update.
func golden(t *testing.T, path string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}
