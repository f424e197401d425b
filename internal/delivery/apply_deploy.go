package delivery

import (
	"database/sql"
	"strings"
)

// storedDeployment is what re-linking needs to know of a deployment row
// before an event changes it.
type storedDeployment struct {
	id, repository, service, sha, status string
	production                           bool
	deployedAt                           int64
}

func (d storedDeployment) candidate() bool { return d.production && d.status == StatusSuccess }

// applyDeploy records a deployment (or a later status of one, by the
// sender's id) and re-links what it changes: the changes it ships, the
// failures and recoveries of its service, and the incidents in its
// window.
func (t *txn) applyDeploy(ev *event, d *deployOp) (string, error) {
	o := t.s.own.resolve(d.service, d.repository)
	if err := t.countUnowned(o); err != nil {
		return "", err
	}
	env := t.s.own.environment(d.environment)
	prod := t.s.own.production(o.service, env)
	sha, err := t.expandSHA(o.repository, strings.ToLower(d.sha))
	if err != nil {
		return "", err
	}

	var old *storedDeployment
	id := hashID("dep_", ev.source, "key", ev.key)
	if d.externalID != "" {
		id = hashID("dep_", ev.source, d.externalID)
		var s storedDeployment
		err := t.queryRow(`SELECT id, repository, service, sha, status, production, deployed_at
			FROM delivery_deployments WHERE source = $1 AND external_id = $2`, ev.source, d.externalID).
			Scan(&s.id, &s.repository, &s.service, &s.sha, &s.status, &s.production, &s.deployedAt)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return "", err
		default:
			old, id = &s, s.id
		}
	}

	if len(d.commits) > 0 && o.repository != "" {
		if err := t.landCommits(o, d.commits, sha, d.deployedAt); err != nil {
			return "", err
		}
	}

	failure := ""
	if d.status == StatusFailure {
		failure = FailureFailed
	}
	deployedAt := d.deployedAt
	if old == nil {
		err = t.exec(`INSERT INTO delivery_deployments (id, source, external_id, repository, service, team, environment, production,
			sha, status, rollback, fixes, deployed_at, failure, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			id, ev.source, d.externalID, o.repository, o.service, o.team, env, prod,
			sha, d.status, d.rollback, d.fixes, deployedAt, failure, t.now)
	} else {
		// A later status of the same deployment: it deployed when it
		// first reported an outcome. Failure and recovery are worked out
		// again below.
		deployedAt = old.deployedAt
		err = t.exec(`UPDATE delivery_deployments SET repository = $2, service = $3, team = $4, environment = $5, production = $6,
			sha = $7, status = $8, rollback = $9, fixes = $10, failure = $11, recovered_at = 0, recovered_by = '' WHERE id = $1`,
			id, o.repository, o.service, o.team, env, prod, sha, d.status, d.rollback, d.fixes, failure)
	}
	if err != nil {
		return "", err
	}

	now := storedDeployment{id: id, repository: o.repository, service: o.service, sha: sha, status: d.status, production: prod, deployedAt: deployedAt}
	if old != nil && old.candidate() && (!now.candidate() || old.sha != now.sha || old.repository != now.repository) {
		if err := t.unlinkDeployment(id, old.repository, old.deployedAt); err != nil {
			return "", err
		}
	}
	if now.candidate() {
		if err := t.linkDeployment(id, o.repository, sha, deployedAt); err != nil {
			return "", err
		}
	}

	// Failures, recoveries and incident links of the service around it:
	// only production deployments have any.
	if !prod && (old == nil || !old.production) {
		return id, nil
	}
	streams := []stream{{o.service, o.repository}}
	if old != nil && (old.service != o.service || old.repository != o.repository) {
		streams = append(streams, stream{old.service, old.repository})
	}
	for _, st := range streams {
		if !st.valid() {
			continue
		}
		moved, err := t.relinkIncidents(st, deployedAt)
		if err != nil {
			return "", err
		}
		if err := t.remark(st, min(deployedAt, moved)); err != nil {
			return "", err
		}
	}
	return id, nil
}

// expandSHA completes an abbreviated commit (a CLI's --sha abc1234, GitLab's
// short_sha) from the commits seen for the repository, when exactly one
// matches.
func (t *txn) expandSHA(repository, sha string) (string, error) {
	if repository == "" || len(sha) >= 40 || len(sha) < 7 || !isHex(sha) {
		return sha, nil
	}
	rows, err := t.query(`SELECT sha FROM delivery_commits WHERE repository = $1 AND sha >= $2 AND sha < $3 LIMIT 2`,
		repository, sha, sha+"g")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return "", err
		}
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return sha, nil
}

// landCommits records the commits a deployment says it contains (the
// API's commits list, for senders without push webhooks), oldest first,
// then its own commit: each not landed yet lands after everything landed
// before, and each unknown one becomes a change of its own.
func (t *txn) landCommits(o owner, commits []commitIn, sha string, deployedAt int64) error {
	list := append([]commitIn(nil), commits...)
	known := false
	for _, c := range list {
		if c.sha == sha {
			known = true
		}
	}
	if sha != "" && !known {
		// Its own commit lands last but is no change of its own: the
		// sender gave it no time.
		list = append(list, commitIn{sha: sha, at: deployedAt})
	}
	return t.land(o, "", list, deployedAt, func(c commitIn) bool { return c.sha != sha || known })
}
