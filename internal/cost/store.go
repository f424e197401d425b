package cost

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/store"
)

// costStore reads and writes the cost tables.
type costStore struct {
	db *store.DB
}

// insertBatch is how many rows one INSERT carries: far fewer statements
// than rows, within SQLite's and PostgreSQL's parameter limits.
const insertBatch = 400

// write replaces the billing periods the import covers and stores its
// rollups and record, in one transaction. It returns the ids of the
// imports it took periods from.
func (s *costStore) write(ctx context.Context, imp *Import, agg *aggregate) ([]string, error) {
	replaced := []string{}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		seen := map[string]bool{}
		for _, p := range imp.Periods {
			var prev string
			err := tx.QueryRowContext(ctx, `SELECT import_id FROM cost_periods WHERE provider = $1 AND billing_account = $2 AND period = $3`,
				p.Provider, p.BillingAccount, p.Period).Scan(&prev)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if prev != "" && !seen[prev] {
				seen[prev] = true
				replaced = append(replaced, prev)
			}
			for _, table := range []string{"cost_daily", "cost_monthly", "cost_team_daily", "cost_unallocated", "cost_splits"} {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE provider = $1 AND billing_account = $2 AND period = $3`,
					p.Provider, p.BillingAccount, p.Period); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cost_periods (provider, billing_account, period, import_id) VALUES ($1, $2, $3, $4)
				ON CONFLICT (provider, billing_account, period) DO UPDATE SET import_id = excluded.import_id`,
				p.Provider, p.BillingAccount, p.Period, imp.ID); err != nil {
				return err
			}
		}
		if err := insertRows(ctx, tx, s.db.Dialect, "cost_daily", []string{"provider", "billing_account", "period", "day", "month", "team", "service", "environment", "allocation",
			"sub_account", "service_name", "service_category", "charge_category", "currency", "billed_cost", "effective_cost", "list_cost", "charges"},
			len(agg.daily), func(emit func(...any)) {
				for k, v := range agg.daily {
					emit(k.provider, k.account, k.period, k.day, k.day[:7], k.team, k.service, k.environment, k.allocation,
						k.subAccount, k.serviceName, k.serviceCategory, k.chargeCateg, k.currency, v.billed, v.effective, v.list, v.charges)
				}
			}); err != nil {
			return err
		}
		monthly := agg.monthly()
		if err := insertRows(ctx, tx, s.db.Dialect, "cost_monthly", []string{"provider", "billing_account", "period", "month", "last_day", "team", "service", "environment", "allocation",
			"sub_account", "service_name", "service_category", "charge_category", "currency", "billed_cost", "effective_cost", "list_cost", "charges"},
			len(monthly), func(emit func(...any)) {
				for k, v := range monthly {
					emit(k.provider, k.account, k.period, k.day[:7], v.lastDay, k.team, k.service, k.environment, k.allocation,
						k.subAccount, k.serviceName, k.serviceCategory, k.chargeCateg, k.currency, v.billed, v.effective, v.list, v.charges)
				}
			}); err != nil {
			return err
		}
		teamDaily := agg.teamDaily()
		if err := insertRows(ctx, tx, s.db.Dialect, "cost_team_daily", []string{"provider", "billing_account", "period", "month", "day", "team", "currency",
			"billed_cost", "effective_cost", "list_cost", "allocated_cost"},
			len(teamDaily), func(emit func(...any)) {
				for k, v := range teamDaily {
					emit(k.provider, k.account, k.period, k.day[:7], k.day, k.team, k.currency, v.billed, v.effective, v.list, v.allocated)
				}
			}); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, s.db.Dialect, "cost_unallocated", []string{"provider", "billing_account", "period", "month", "sub_account", "sub_account_name",
			"resource_id", "resource_name", "service_name", "currency", "billed_cost", "effective_cost", "charges", "tags"},
			len(agg.unallocated), func(emit func(...any)) {
				for k, v := range agg.unallocated {
					emit(k.provider, k.account, k.period, k.month, k.subAccount, v.subAccountName, k.resourceID, v.resourceName, k.serviceName, k.currency,
						v.billed, v.effective, v.charges, v.tags)
				}
			}); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, s.db.Dialect, "cost_splits", []string{"provider", "billing_account", "period", "month", "rule", "method", "team", "share", "currency", "effective_cost", "billed_cost"},
			len(agg.splits), func(emit func(...any)) {
				for _, sp := range agg.splits {
					emit(sp.Provider, sp.BillingAccount, sp.Period.Period, sp.month, sp.rule, sp.method, sp.team, sp.share, sp.currency, sp.effective, sp.billed)
				}
			}); err != nil {
			return err
		}
		js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		overall := 0.0
		for _, c := range imp.Coverage {
			overall = c // one currency is the common case; per currency is in the JSON
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cost_imports (id, file, checksum, focus_version, imported_by, imported_at, rows_read, rows_imported, rows_rejected,
			rejected_lines, totals, periods, normalised, replaced, coverage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			imp.ID, imp.File, imp.Checksum, imp.FOCUSVersion, imp.ImportedBy, imp.ImportedAt.UnixMilli(), imp.RowsRead, imp.RowsImported, imp.RowsRejected,
			js(imp.RejectedLines), js(imp.Totals), js(imp.Periods), js(imp.Normalised), js(replaced), overall)
		return err
	})
	return replaced, err
}

// insertRows inserts n rows of columns into table, insertBatch rows per
// statement, the full-batch statement prepared once; rows calls emit
// once per row. SQLite gets ? placeholders: it looks $N names up one by
// one, which makes a statement of thousands of them quadratic to prepare.
func insertRows(ctx context.Context, tx *sql.Tx, dialect store.Dialect, table string, columns []string, n int, rows func(emit func(...any))) error {
	if n == 0 {
		return nil
	}
	statement := func(count int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		p := 1
		for r := 0; r < count; r++ {
			if r > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c := range columns {
				if c > 0 {
					b.WriteByte(',')
				}
				if dialect == store.Postgres {
					fmt.Fprintf(&b, "$%d", p)
				} else {
					b.WriteByte('?')
				}
				p++
			}
			b.WriteByte(')')
		}
		return b.String()
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, insertBatch*len(columns))
	count := 0
	var err error
	flush := func() {
		if count == 0 || err != nil {
			return
		}
		if count == insertBatch {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, statement(insertBatch)); err != nil {
					return
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, statement(count), args...)
		}
		args, count = args[:0], 0
	}
	rows(func(vals ...any) {
		args = append(args, vals...)
		count++
		if count == insertBatch {
			flush()
		}
	})
	flush()
	return err
}
