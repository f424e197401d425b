package usage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
	"github.com/spf13/cobra"
)

// testRoot is a command tree shaped like paved's: groups without a
// RunE, commands with one, a hidden one.
func testRoot() (root, costImport, team *cobra.Command) {
	run := func(*cobra.Command, []string) error { return nil }
	root = &cobra.Command{Use: "paved"}
	cost := &cobra.Command{Use: "cost"}
	costImport = &cobra.Command{Use: "import FILE", RunE: run}
	cost.AddCommand(costImport, &cobra.Command{Use: "report", RunE: run}, &cobra.Command{Use: "debug", Hidden: true, RunE: run})
	team = &cobra.Command{Use: "team", RunE: run}
	team.AddCommand(&cobra.Command{Use: "list", RunE: run})
	root.AddCommand(cost, team, &cobra.Command{Use: "version", RunE: run})
	return root, costImport, team
}

func TestDeclareCommands(t *testing.T) {
	withoutCommands(t)
	root, costImport, _ := testRoot()
	DeclareCommands(root)
	want := []string{"cli.cost.import", "cli.cost.report", "cli.team", "cli.team.list", "cli.version"}
	if got := Commands(); !slices.Equal(got, want) {
		t.Errorf("Commands() = %q, want %q", got, want)
	}
	if got := CommandFeature(costImport); got != "cli.cost.import" {
		t.Errorf("CommandFeature = %q", got)
	}
	if got := CommandFeature(root); got != "" {
		t.Errorf("the root command is feature %q", got)
	}

	// The summary knows the commands nobody ran.
	s := newTestService(t, storetest.SQLite(t))
	sum, err := s.Summary(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var cli []string
	for _, u := range sum.Unused {
		if u.Source == SourceCLI {
			cli = append(cli, u.Feature)
		}
	}
	if !slices.Equal(cli, want) {
		t.Errorf("unused CLI features = %q, want %q", cli, want)
	}
}

func TestRecordCommand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		root, costImport, team := testRoot()
		// A cancelled command context (an interrupted command) still
		// records.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		RecordCommand(ctx, db, costImport)
		RecordCommand(context.Background(), db, costImport)
		RecordCommand(context.Background(), db, team)
		RecordCommand(context.Background(), db, root) // not a feature: nothing

		rows, err := db.R.Query(`SELECT feature, action, team, actor, events FROM usage_daily ORDER BY feature`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		type row struct {
			feature, action, team, actor string
			events                       int
		}
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.feature, &r.action, &r.team, &r.actor, &r.events); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if len(got) != 2 || got[0].feature != "cli.cost.import" || got[0].events != 2 || got[0].action != "run" ||
			got[1].feature != "cli.team" || got[1].events != 1 {
			t.Fatalf("daily rows = %+v", got)
		}
		// The actor is the operating-system user, hashed.
		want, err := (&actorHasher{db: db}).hash(context.Background(), osUser())
		if err != nil || got[0].actor != want || len(want) != 64 {
			t.Errorf("actor = %q, want %q (%v)", got[0].actor, want, err)
		}
	})
}

// TestRecordCommandNeverFails: a store that cannot take the event costs
// the command at most commandTimeout, and no error.
func TestRecordCommandNeverFails(t *testing.T) {
	db := storetest.SQLite(t)
	db.Close()
	_, costImport, _ := testRoot()
	start := time.Now()
	RecordCommand(context.Background(), db, costImport)
	RecordCommand(context.Background(), nil, costImport)
	if d := time.Since(start); d > commandTimeout+time.Second {
		t.Errorf("recording against a closed store took %v", d)
	}
}
