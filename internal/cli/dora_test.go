package cli

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/delivery/dora"
	"github.com/paved-dev/paved/internal/store"
)

// seedDeliveries writes a week of team-a's and team-b's deliveries
// straight into the tables, as ingest would leave them.
func seedDeliveries(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := func(day int, hour int) int64 { return time.Date(2025, 3, day, hour, 0, 0, 0, time.UTC).UnixMilli() }
	deps := []struct {
		id, service, team, status, failure string
		rollback                           bool
		at, recovered                      int64
	}{
		{"a1", "svc-a", "team-a", "success", "", false, at(4, 10), 0},
		{"a2", "svc-a", "team-a", "success", "rolled_back", false, at(5, 10), at(5, 11)},
		{"a3", "svc-a", "team-a", "success", "", true, at(5, 11), 0},
		{"b1", "svc-b", "team-b", "failure", "failed", false, at(6, 12), 0},
	}
	for _, d := range deps {
		_, err := db.W.Exec(`INSERT INTO delivery_deployments (id, source, service, team, environment, production, status, rollback,
			deployed_at, failure, recovered_at, received_at) VALUES ($1, 'api', $2, $3, 'production', TRUE, $4, $5, $6, $7, $8, $6)`,
			d.id, d.service, d.team, d.status, d.rollback, d.at, d.failure, d.recovered)
		if err != nil {
			t.Fatal(err)
		}
	}
	// a1 ships two changes first committed 2 and 26 hours before it.
	for i, first := range []int64{at(4, 8), at(3, 8)} {
		_, err := db.W.Exec(`INSERT INTO delivery_changes (id, repository, service, team, kind, sha, first_commit_at, merged_at,
			deployment_id, deployed_at, received_at) VALUES ($1, 'r', 'svc-a', 'team-a', 'pull_request', $1, $2, $2, 'a1', $3, $3)`,
			"c"+string(rune('1'+i)), first, at(4, 10))
		if err != nil {
			t.Fatal(err)
		}
	}
	// What ingest keeps beside them: a1's count and lead times (ms).
	if _, err := db.W.Exec(`UPDATE delivery_deployments SET changes = 2, lead_times = '7200000,93600000' WHERE id = 'a1'`); err != nil {
		t.Fatal(err)
	}
}

func TestDoraCommand(t *testing.T) {
	dir := t.TempDir()
	d := "--data-dir=" + filepath.Join(dir, "data")
	if code, out, errOut := run(t, "catalog", "import", d, "../delivery/dora/testdata/catalog.yaml"); code != 0 {
		t.Fatalf("catalog import: %d %s %s", code, out, errOut)
	}
	seedDeliveries(t, filepath.Join(dir, "data"))
	window := []string{"--from", "2025-03-03", "--to", "2025-03-10"}

	steps := []struct {
		name   string
		args   []string
		code   int
		stdout []string // lines or fragments expected on stdout
		stderr string
	}{
		{"team", append([]string{"dora", d, "--team", "team-a"}, window...), 0, []string{
			"DORA metrics of team team-a, 2025-03-03 to 2025-03-09 (7 days)",
			"bands: DORA 2024",
			"deployment frequency             3/week (0.43/day)",
			"3 deployments on 2 days",
			// Leads of 2 h and 26 h: median 14 h, p75 20 h, p90 23 h 36 m.
			"change lead time                 median 14h 0m (p75 20h 0m, p90 23h 36m)",
			"change failure rate              33.33%",
			"1 of 3 deployments",
			"failed deployment recovery time  median 1h 0m (p75 1h 0m, p90 1h 0m)",
			"1 recovered, 0 not yet",
			"deployment rework rate           33.33%",
			"not banded",
			"frequency band: 3 deployments in the median of 1 full week",
		}, ""},
		{"service", append([]string{"dora", d, "--service", "svc-b"}, window...), 0, []string{
			"DORA metrics of service svc-b (team team-b)",
			"deployment frequency             0/week (0/day)",
			"low",
			"change lead time                 -",
			"no data",
			"0 recovered, 1 not yet",
		}, ""},
		{"organisation", append([]string{"dora", d}, window...), 0, []string{"DORA metrics of the organisation", "2 of 4 deployments", "1 recovered, 1 not yet"}, ""},
		{"weeks", append([]string{"dora", d, "--team", "team-a", "--weeks"}, window...), 0, []string{"2025-W10  2025-03-03  7"}, ""},
		{"quiet team", append([]string{"dora", d, "--team", "team-quiet"}, window...), 0, []string{"deployment frequency             -", "no data"}, ""},
		{"unknown team", []string{"dora", d, "--team", "ghosts"}, 2, nil, `team: team "ghosts" is not in the catalog; known teams: team-a, team-b, team-quiet`},
		{"unknown service", []string{"dora", d, "--service", "ghost"}, 2, nil, "known services: svc-a, svc-b, svc-quiet"},
		{"bad date", []string{"dora", d, "--from", "03/03/2025"}, 2, nil, `from: "03/03/2025" is not a date; use YYYY-MM-DD`},
		{"backwards", []string{"dora", d, "--from", "2025-03-10", "--to", "2025-03-03"}, 2, nil, "is not after from"},
		{"bad format", []string{"dora", d, "--format", "csv"}, 2, nil, `--format "csv" is not valid`},
		{"arguments", []string{"dora", d, "team-a"}, 2, nil, "expects no arguments"},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, s.args...)
		ok := code == s.code && strings.Contains(stderr, s.stderr)
		for _, want := range s.stdout {
			ok = ok && strings.Contains(stdout, want)
		}
		if !ok {
			t.Errorf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout ∋ %q, stderr ∋ %q",
				s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr, s.stdout, s.stderr)
		}
	}

	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := run(t, append([]string{"dora", d, "--team", "team-a", "--format", "json"}, window...)...)
		var rep dora.Report
		if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
			t.Fatalf("exit %d, %v\n%s%s", code, err, stdout, stderr)
		}
		m := rep.Metrics
		if rep.Window != (dora.WindowInfo{From: "2025-03-03", To: "2025-03-10", Days: 7}) || *m.LeadTime.Value != 14 ||
			m.ChangeFailureRate.Band != dora.Low || m.DeploymentFrequency.Band != dora.High || len(rep.Weeks) != 1 {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestHoursText(t *testing.T) {
	v := func(f float64) *float64 { return &f }
	tests := []struct {
		h    *float64
		want string
	}{
		{nil, "-"},
		{v(0), "0m"},
		{v(0.75), "45m"},
		{v(5.5), "5h 30m"},
		{v(23.99), "23h 59m"},
		{v(24), "1d 0h"},
		{v(52.4), "2d 4h"},
	}
	for _, tt := range tests {
		if got := hoursText(tt.h); got != tt.want {
			t.Errorf("hoursText(%v) = %q, want %q", tt.h, got, tt.want)
		}
	}
}
