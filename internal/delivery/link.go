package delivery

import "database/sql"

// Linking keeps one invariant: every change whose commit has landed is
// linked to the earliest (by deployed_at, then id) successful production
// deployment of its repository whose commit landed at or after it, or to
// none. Events can only add candidates (a deployment, a landing) or take
// one away (a deployment that stops being a successful production one),
// so linkDeployment, linkChange, linkLanded and unlinkDeployment, run
// for exactly what an event changed, restore it without rereading
// history.

// linkChange links one change to its first deployment.
func (t *txn) linkChange(id, repository, sha, current string, currentAt int64) error {
	l, ok, err := t.landed(repository, sha)
	if err != nil || !ok {
		return err
	}
	var dep string
	var at int64
	err = t.queryRow(`SELECT d.id, d.deployed_at FROM delivery_commits k
		JOIN delivery_deployments d ON d.repository = k.repository AND d.sha = k.sha
		WHERE k.repository = $1 AND k.landed >= $2 AND d.production AND d.status = 'success'
		ORDER BY d.deployed_at, d.id LIMIT 1`, repository, l).Scan(&dep, &at)
	if err == sql.ErrNoRows {
		dep, at, err = "", 0, nil
	}
	if err != nil || (dep == current && at == currentAt) {
		return err
	}
	t.touch(current, repository)
	t.touch(dep, repository)
	return t.exec(`UPDATE delivery_changes SET deployment_id = $1, deployed_at = $2 WHERE id = $3`, dep, at, id)
}

// linkDeployment takes the changes a new successful production
// deployment is now the first to contain: those waiting for one, and
// those linked to a later deployment (it arrived out of order).
func (t *txn) linkDeployment(id, repository, sha string, at int64) error {
	l, ok, err := t.landed(repository, sha)
	if err != nil || !ok {
		return err
	}
	type moved struct{ id, from string }
	var list []moved
	collect := func(q string, args ...any) error {
		rows, err := t.query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m moved
			if err := rows.Scan(&m.id, &m.from); err != nil {
				return err
			}
			list = append(list, m)
		}
		return rows.Err()
	}
	// Driven from the few changes waiting (or linked later), not from the
	// repository's whole history of landed commits: a correlated lookup
	// keeps both engines' planners on that side.
	const landedAtMost = ` AND (SELECT k.landed FROM delivery_commits k WHERE k.repository = c.repository AND k.sha = c.sha) <= $2`
	if err := collect(`SELECT c.id, c.deployment_id FROM delivery_changes c WHERE c.repository = $1 AND c.deployed_at = 0`+landedAtMost,
		repository, l); err != nil {
		return err
	}
	if err := collect(`SELECT c.id, c.deployment_id FROM delivery_changes c WHERE c.repository = $1
		AND (c.deployed_at > $3 OR (c.deployed_at = $3 AND c.deployment_id > $4))`+landedAtMost, repository, l, at, id); err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	var ids []string
	for _, m := range list {
		if m.from == id {
			continue
		}
		t.touch(m.from, repository)
		ids = append(ids, m.id)
	}
	for start := 0; start < len(ids); start += 200 {
		if err := t.setDeployment(repository, id, at, ids[start:min(start+200, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// unlinkDeployment releases the changes of a deployment that no longer
// counts (it failed on a later status, moved out of production, or
// changed commit) and links each to its next candidate.
func (t *txn) unlinkDeployment(id, repository string, at int64) error {
	if repository == "" {
		return nil
	}
	rows, err := t.query(`SELECT id, sha FROM delivery_changes WHERE repository = $1 AND deployed_at = $3 AND deployment_id = $2`, repository, id, at)
	if err != nil {
		return err
	}
	type ch struct{ id, sha string }
	var list []ch
	for rows.Next() {
		var c ch
		if err := rows.Scan(&c.id, &c.sha); err != nil {
			rows.Close()
			return err
		}
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	t.touch(id, repository)
	if err := t.exec(`UPDATE delivery_changes SET deployment_id = '', deployed_at = 0 WHERE repository = $1 AND deployed_at = $3 AND deployment_id = $2`,
		repository, id, at); err != nil {
		return err
	}
	for _, c := range list {
		if err := t.linkChange(c.id, repository, c.sha, "", 0); err != nil {
			return err
		}
	}
	return nil
}
