package dora

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/paved-dev/paved/internal/store"
)

// filter narrows what load reads to one team or service; "" reads all.
// A team of catalog.Unowned reads the rows no team owns.
type filter struct {
	team, service string
	// unowned selects rows whose team is "" (the "unowned" team).
	unowned bool
}

// where renders the filter as SQL conditions after the window's $1, $2.
func (f filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)+2))
	}
	if f.unowned {
		add("team = $%d", "")
	} else if f.team != "" {
		add("team = $%d", f.team)
	}
	if f.service != "" {
		add("service = $%d", f.service)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), args
}

// load reads the facts of w from the store. Only the columns the metrics
// need are read, booleans are worked out by the database, and the
// deployments (with their changes' lead times) and the incidents are read
// side by side, each on a connection of its own.
func load(ctx context.Context, db *store.DB, w Window, f filter) (*facts, error) {
	cond, extra := f.where()
	args := append([]any{w.From.UnixMilli(), w.To.UnixMilli()}, extra...)
	// A unary plus keeps the planner off the deployed_at index when the
	// window covers much of the table: one sequential scan beats a random
	// read per row.
	deployedAt := "deployed_at"
	if cond == "" {
		scan, err := wideWindow(ctx, db, w)
		if err != nil {
			return nil, err
		}
		if scan {
			deployedAt = "+deployed_at"
		}
	}

	parts := [2]*facts{newFacts(), newFacts()}
	errs := make([]error, 2)
	var wg sync.WaitGroup
	read := func(i int, what, q string, scan func(p *facts, rows *sql.Rows) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := parts[i]
			if err := query(ctx, db, q, args, func(rows *sql.Rows) error { return scan(p, rows) }); err != nil {
				errs[i] = fmt.Errorf("reading %s: %w", what, err)
			}
		}()
	}
	// The scan targets live outside the per-row functions, so that
	// millions of rows do not allocate them afresh.
	var (
		dTeam, dService, leads, iTeam, iService string
		success, failed, unplanned, linked      int
		d                                       deployFact
		in                                      incidentFact
	)
	dDest := []any{&dTeam, &dService, &success, &failed, &unplanned, &d.at, &d.recoveredAt, &leads}
	iDest := []any{&iTeam, &iService, &linked, &in.openedAt}
	// A deployment carries the lead times of the changes it shipped
	// (ingest keeps them): reading a row per deployment rather than per
	// change is what keeps a year of a large organisation under a second.
	read(0, "deployments", `SELECT team, service,
		CASE WHEN status = 'success' THEN 1 ELSE 0 END,
		CASE WHEN failure <> '' THEN 1 ELSE 0 END,
		CASE WHEN rollback OR fixes <> '' THEN 1 ELSE 0 END,
		deployed_at, recovered_at, lead_times
		FROM delivery_deployments
		WHERE production AND `+deployedAt+` >= $1 AND `+deployedAt+` < $2`+cond, func(p *facts, rows *sql.Rows) error {
		if err := rows.Scan(dDest...); err != nil {
			return err
		}
		d.unit = p.unitOf(dTeam, dService)
		d.success, d.failed, d.unplanned = success == 1, failed == 1, unplanned == 1
		p.deploys = append(p.deploys, d)
		return p.addLeadTimes(d.unit, d.at, leads)
	})
	read(1, "incidents", `SELECT team, service, CASE WHEN deployment_id <> '' THEN 1 ELSE 0 END, opened_at
		FROM delivery_incidents
		WHERE opened_at >= $1 AND opened_at < $2`+cond, func(p *facts, rows *sql.Rows) error {
		if err := rows.Scan(iDest...); err != nil {
			return err
		}
		in.unit = p.unitOf(iTeam, iService)
		in.linked = linked == 1
		p.incidents = append(p.incidents, in)
		return nil
	})
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return joinFacts(parts[0], parts[1]), nil
}

// joinFacts puts the incidents read beside the deployments (and their
// changes) into one set of facts, renumbering their units.
func joinFacts(deploys, incidents *facts) *facts {
	out := deploys
	remap := func(p *facts) []int32 {
		m := make([]int32, len(p.units))
		for i, u := range p.units {
			m[i] = out.unitOf(u.team, u.service)
		}
		return m
	}
	m := remap(incidents)
	for i := range incidents.incidents {
		incidents.incidents[i].unit = m[incidents.incidents[i].unit]
	}
	out.incidents = incidents.incidents
	return out
}

// wideWindow reports whether w covers a third or more of the time the
// deployments span, past which reading the whole table is cheaper than
// reading through the index. Both ends come from the index.
func wideWindow(ctx context.Context, db *store.DB, w Window) (bool, error) {
	var lo, hi sql.NullInt64
	if err := db.R.QueryRowContext(ctx, `SELECT min(deployed_at), max(deployed_at) FROM delivery_deployments`).Scan(&lo, &hi); err != nil {
		return false, fmt.Errorf("reading deployments: %w", err)
	}
	if !lo.Valid {
		return false, nil
	}
	overlap := min(hi.Int64+1, w.To.UnixMilli()) - max(lo.Int64, w.From.UnixMilli())
	return 3*overlap >= hi.Int64+1-lo.Int64, nil
}

// query runs q on the read pool and calls scan for each row.
func query(ctx context.Context, db *store.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// addLeadTimes adds the changes a deployment at deployedAt shipped, from
// its lead_times column: milliseconds, comma-separated.
func (f *facts) addLeadTimes(unit int32, deployedAt int64, leads string) error {
	for leads != "" {
		var v string
		v, leads, _ = strings.Cut(leads, ",")
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("lead_times %q: %w", v, err)
		}
		f.changes = append(f.changes, changeFact{unit: unit, deployedAt: deployedAt, firstCommitAt: deployedAt - ms})
	}
	return nil
}
