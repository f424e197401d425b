package cost_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/cost/focus"
	"github.com/paved-dev/paved/internal/store"
)

// A year of a large organisation's bills: a generated 1,000,000-row month
// imported for September 2024, its rollups copied to the eleven months
// before. The database is built once and kept under the temporary
// directory (some 40 s); bump the version when the schema changes.
const yearDBVersion = "v3"

func yearOfBills(b *testing.B) *cost.Service {
	b.Helper()
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), "paved-bench", "costs-12x1M-"+yearDBVersion)
	ready := filepath.Join(dir, "ready")
	if _, err := os.Stat(ready); err != nil {
		os.RemoveAll(dir)
		seedYear(b, dir)
		if err := os.WriteFile(ready, nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cfg, err := config.Load("testdata/paved.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cat := catalogtest.Open(b, db, cfg, generatedCatalog(b))
	return cost.NewService(cfg, cat, db)
}

func generatedCatalog(b *testing.B) []byte {
	var buf bytes.Buffer
	if err := focus.GenerateCatalog(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func seedYear(b *testing.B, dir string) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load("testdata/paved.yaml")
	if err != nil {
		b.Fatal(err)
	}
	svc := cost.NewService(cfg, catalogtest.Open(b, db, cfg, generatedCatalog(b)), db)
	var bill bytes.Buffer
	if err := focus.Generate(&bill, 1_000_000, 1); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Import(ctx, "year.csv", bytes.NewReader(bill.Bytes()), cost.ImportOptions{Now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)}); err != nil {
		b.Fatal(err)
	}
	for k := 1; k <= 11; k++ {
		m := time.Date(2024, 9-time.Month(k), 1, 0, 0, 0, 0, time.UTC)
		month, days := m.Format("2006-01"), m.AddDate(0, 1, -1).Day()
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO cost_daily SELECT provider, billing_account, '%[1]s', '%[1]s-' || substr(day, 9, 2), '%[1]s', team, service, environment, allocation,
				sub_account, service_name, service_category, charge_category, currency, billed_cost, effective_cost, list_cost, charges
				FROM cost_daily WHERE month = '2024-09' AND CAST(substr(day, 9, 2) AS INTEGER) <= %[2]d`, month, days),
			fmt.Sprintf(`INSERT INTO cost_monthly SELECT provider, billing_account, '%[1]s', '%[1]s', '%[1]s-' || substr(last_day, 9, 2), team, service, environment, allocation,
				sub_account, service_name, service_category, charge_category, currency, billed_cost, effective_cost, list_cost, charges
				FROM cost_monthly WHERE month = '2024-09'`, month),
			fmt.Sprintf(`INSERT INTO cost_team_daily SELECT provider, billing_account, '%[1]s', '%[1]s', '%[1]s-' || substr(day, 9, 2), team, currency,
				billed_cost, effective_cost, list_cost, allocated_cost
				FROM cost_team_daily WHERE month = '2024-09' AND CAST(substr(day, 9, 2) AS INTEGER) <= %[2]d`, month, days),
			fmt.Sprintf(`INSERT INTO cost_unallocated SELECT provider, billing_account, '%[1]s', '%[1]s', sub_account, sub_account_name, resource_id, resource_name,
				service_name, currency, billed_cost, effective_cost, charges, tags FROM cost_unallocated WHERE month = '2024-09'`, month),
			fmt.Sprintf(`INSERT INTO cost_periods SELECT provider, billing_account, '%s', import_id FROM cost_periods WHERE period = '2024-09'`, month),
		} {
			if _, err := db.W.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkMonthTeamReport is `paved cost report --month --by team` over a
// year of 1M-row months.
func BenchmarkMonthTeamReport(b *testing.B) {
	svc := yearOfBills(b)
	ctx := context.Background()
	for b.Loop() {
		rep, err := svc.Report(ctx, "2024-09", "team", "")
		if err != nil || len(rep.Rows) == 0 {
			b.Fatal(rep, err)
		}
	}
}

// BenchmarkTeamServiceReport is one team's month by service.
func BenchmarkTeamServiceReport(b *testing.B) {
	svc := yearOfBills(b)
	ctx := context.Background()
	for b.Loop() {
		rep, err := svc.Report(ctx, "2024-09", "service", "payments")
		if err != nil || len(rep.Rows) == 0 {
			b.Fatal(rep, err)
		}
	}
}

// BenchmarkCostsPageData reads what the Costs page shows: twelve months of
// spend by team with coverage and movers, the imports, the unallocated
// list.
func BenchmarkCostsPageData(b *testing.B) {
	svc := yearOfBills(b)
	ctx := context.Background()
	for b.Loop() {
		tr, err := svc.Trend(ctx, 12, "")
		if err != nil || len(tr.Months) != 12 {
			b.Fatal(tr.Months, err)
		}
		if _, err := svc.Imports(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.Unallocated(ctx, tr.Months[11], 20); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTeamMonth is a team page's cost panel: the month to date
// against the month before, by service and by day.
func BenchmarkTeamMonth(b *testing.B) {
	svc := yearOfBills(b)
	ctx := context.Background()
	for b.Loop() {
		tm, err := svc.TeamMonth(ctx, "payments", "2024-09")
		if err != nil || len(tm.Services) == 0 {
			b.Fatal(tm, err)
		}
	}
}
