package delivery

import (
	"database/sql"
	"fmt"
	"strings"
)

// Failure marking works out, for the production deployments of a
// stream, why each counts as failed and when service was restored:
//
//   - failed: its own status was failure;
//   - rolled_back: a later successful rollback deployment rolled back to
//     before it (a rollback targets the deployment it names in fixes, else
//     the last production deployment before it that is not a rollback);
//   - fixed: a later deployment names it in fixes (by paved id, the
//     sender's id, or its commit);
//   - incident: an incident is linked to it.
//
// Recovery is the rollback, else the first successful fix, else the
// linked incidents' resolution (0 while any is open), else the stream's
// next successful production deployment.
//
// All of these depend only on deployments from the stream's last
// success (and last non-rollback) before an event on, so remark
// recomputes that stretch and writes the rows that changed.

// markedDeployment is one production deployment in remark's stretch.
type markedDeployment struct {
	id, externalID, sha, status, fixes string
	rollback                           bool
	at                                 int64
	// stored failure fields, to write only what changed
	failure, recoveredBy string
	recoveredAt          int64
}

func (d *markedDeployment) matches(ref string) bool {
	if ref == "" {
		return false
	}
	if d.id == ref || (d.externalID != "" && d.externalID == ref) {
		return true
	}
	ref = strings.ToLower(ref)
	return len(ref) >= 7 && isHex(ref) && strings.HasPrefix(d.sha, ref)
}

// remarkDeployment remarks the stream of one deployment from its time.
func (t *txn) remarkDeployment(id string) error {
	if id == "" {
		return nil
	}
	var st stream
	var at int64
	err := t.queryRow(`SELECT service, repository, deployed_at FROM delivery_deployments WHERE id = $1`, id).Scan(&st.service, &st.repository, &at)
	if err == sql.ErrNoRows || !st.valid() {
		return nil
	}
	if err != nil {
		return err
	}
	return t.remark(st, at)
}

// remark recomputes failure and recovery of the stream's production
// deployments affected by a change at time from.
func (t *txn) remark(st stream, from int64) error {
	cond, v := st.where(1)
	// Failures before from wait for the first success after them, and a
	// rollback after from may target the last non-rollback before it: the
	// stretch starts at the earlier of the two.
	var lastSuccess, lastPlanned sql.NullInt64
	const before = `SELECT deployed_at FROM delivery_deployments WHERE ` + "%s" + ` AND production AND %s AND deployed_at < $2
		ORDER BY deployed_at DESC LIMIT 1`
	err := t.queryRow(`SELECT (`+fmt.Sprintf(before, cond, `status = 'success'`)+`), (`+fmt.Sprintf(before, cond, `NOT rollback`)+`)`,
		v, from).Scan(&lastSuccess, &lastPlanned)
	if err != nil {
		return err
	}
	start := from
	if !lastSuccess.Valid {
		start = 0 // no success yet: every failure so far may recover later
	} else {
		start = min(start, lastSuccess.Int64)
	}
	if lastPlanned.Valid {
		start = min(start, lastPlanned.Int64)
	}
	var list []*markedDeployment
	for pass := 0; pass < 2; pass++ {
		if list, err = t.loadStretch(cond, v, start); err != nil {
			return err
		}
		// A fix may name a deployment before the stretch: widen it once.
		earliest, err := t.fixTargetsBefore(cond, v, list, start)
		if err != nil {
			return err
		}
		if earliest >= start {
			break
		}
		start = earliest
	}
	if len(list) == 0 {
		return nil
	}
	incidents, err := t.linkedIncidents(list)
	if err != nil {
		return err
	}
	for i, m := range markAll(list, incidents) {
		d := list[i]
		if m.failure == d.failure && m.recoveredAt == d.recoveredAt && m.recoveredBy == d.recoveredBy {
			continue
		}
		if err := t.exec(`UPDATE delivery_deployments SET failure = $2, recovered_at = $3, recovered_by = $4 WHERE id = $1`,
			d.id, m.failure, m.recoveredAt, m.recoveredBy); err != nil {
			return err
		}
	}
	return nil
}

func (t *txn) loadStretch(cond string, v any, start int64) ([]*markedDeployment, error) {
	rows, err := t.query(`SELECT id, external_id, sha, status, fixes, rollback, deployed_at, failure, recovered_at, recovered_by
		FROM delivery_deployments WHERE `+cond+` AND production AND deployed_at >= $2 ORDER BY deployed_at, id`, v, start)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*markedDeployment
	for rows.Next() {
		d := &markedDeployment{}
		if err := rows.Scan(&d.id, &d.externalID, &d.sha, &d.status, &d.fixes, &d.rollback, &d.at, &d.failure, &d.recoveredAt, &d.recoveredBy); err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, rows.Err()
}

// fixTargetsBefore returns the earliest time of a deployment named in
// fixes by the stretch that lies before it (start when none does).
func (t *txn) fixTargetsBefore(cond string, v any, list []*markedDeployment, start int64) (int64, error) {
	earliest := start
	for i, d := range list {
		if d.fixes == "" || target(list, i) >= 0 {
			continue
		}
		// Bounds that no commit falls in unless fixes is a commit prefix.
		lo, hi := "g", "g"
		if ref := strings.ToLower(d.fixes); len(ref) >= 7 && isHex(ref) {
			lo, hi = ref, ref+"g"
		}
		var at int64
		err := t.queryRow(`SELECT deployed_at FROM delivery_deployments WHERE `+cond+` AND production AND deployed_at < $2
			AND (id = $3 OR (external_id = $3 AND external_id <> '') OR (sha >= $4 AND sha < $5))
			ORDER BY deployed_at DESC LIMIT 1`, v, start, d.fixes, lo, hi).Scan(&at)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return start, err
		}
		earliest = min(earliest, at)
	}
	return earliest, nil
}

// target is the index of the deployment list[i] rolls back or fixes, or
// -1: the latest deployment before it matching its fixes, else (for a
// rollback) the latest one before it that is not a rollback.
func target(list []*markedDeployment, i int) int {
	d := list[i]
	if d.fixes != "" {
		for j := i - 1; j >= 0; j-- {
			if list[j].matches(d.fixes) {
				return j
			}
		}
		if !d.rollback {
			return -1
		}
	}
	if d.rollback {
		for j := i - 1; j >= 0; j-- {
			if !list[j].rollback {
				return j
			}
		}
	}
	return -1
}

// linkedIncident is an incident as recovery needs it.
type linkedIncident struct {
	id         string
	resolvedAt int64
}

func (t *txn) linkedIncidents(list []*markedDeployment) (map[string][]linkedIncident, error) {
	out := map[string][]linkedIncident{}
	const chunk = 200
	for start := 0; start < len(list); start += chunk {
		part := list[start:min(start+chunk, len(list))]
		args := make([]any, len(part))
		for i, d := range part {
			args[i] = d.id
		}
		rows, err := t.query(`SELECT deployment_id, id, resolved_at FROM delivery_incidents
			WHERE deployment_id IN (`+inList(1, len(part))+`) ORDER BY opened_at, id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var dep string
			var in linkedIncident
			if err := rows.Scan(&dep, &in.id, &in.resolvedAt); err != nil {
				rows.Close()
				return nil, err
			}
			out[dep] = append(out[dep], in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// marking is one deployment's failure and recovery.
type marking struct {
	failure, recoveredBy string
	recoveredAt          int64
}

// markAll works out every deployment's failure and recovery in one pass
// over the stretch.
func markAll(list []*markedDeployment, incidents map[string][]linkedIncident) []marking {
	n := len(list)
	rolledBackBy := make([]int, n) // index of the first successful rollback to before it, or -1
	fixedBy := make([]int, n)      // index of the first successful fix, or -1
	fixed := make([]bool, n)       // any deployment names it in fixes
	for i := range list {
		rolledBackBy[i], fixedBy[i] = -1, -1
	}
	for i, x := range list {
		j := target(list, i)
		if j < 0 {
			continue
		}
		switch {
		case x.rollback:
			if x.status == StatusSuccess && rolledBackBy[j] < 0 {
				rolledBackBy[j] = i
			}
		default:
			fixed[j] = true
			if x.status == StatusSuccess && fixedBy[j] < 0 {
				fixedBy[j] = i
			}
		}
	}
	nextSuccess := make([]int, n)
	next := -1
	for i := n - 1; i >= 0; i-- {
		nextSuccess[i] = next
		if list[i].status == StatusSuccess {
			next = i
		}
	}
	out := make([]marking, n)
	for i, d := range list {
		var m marking
		incs := incidents[d.id]
		switch {
		case d.status == StatusFailure:
			m.failure = FailureFailed
		case rolledBackBy[i] >= 0:
			m.failure = FailureRolledBack
		case fixed[i]:
			m.failure = FailureFixed
		case len(incs) > 0:
			m.failure = FailureIncident
		default:
			continue
		}
		by := -1
		switch {
		case rolledBackBy[i] >= 0:
			by = rolledBackBy[i]
		case fixedBy[i] >= 0:
			by = fixedBy[i]
		case len(incs) > 0:
			m.recoveredAt, m.recoveredBy = incidentsResolved(incs)
		default:
			by = nextSuccess[i]
		}
		if by >= 0 {
			m.recoveredAt, m.recoveredBy = list[by].at, list[by].id
		}
		out[i] = m
	}
	return out
}

// incidentsResolved is when the last of incs was resolved, and which one
// that was; 0 while any is open.
func incidentsResolved(incs []linkedIncident) (int64, string) {
	last := incs[0]
	for _, in := range incs {
		if in.resolvedAt == 0 {
			return 0, ""
		}
		if in.resolvedAt > last.resolvedAt {
			last = in
		}
	}
	return last.resolvedAt, last.id
}
