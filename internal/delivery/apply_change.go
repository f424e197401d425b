package delivery

import (
	"database/sql"
	"strconv"
	"strings"
)

// applyChange records a merged pull or merge request (or a change.merged
// CDEvent). It claims the commits that belong to it — its merge or
// squash commit, its head, and the commits seen pushed to its branch —
// so that none of them also counts as a direct-commit change, and links
// it to its first deployment.
func (t *txn) applyChange(c *changeOp) (string, error) {
	o := t.s.own.resolve("", c.repository)
	if err := t.countUnowned(o); err != nil {
		return "", err
	}
	ident := c.externalID
	if c.number != 0 {
		ident = strconv.FormatInt(c.number, 10)
	}
	id := changeID(c.mergedAt, o.repository, c.kind, ident)
	sha := strings.ToLower(c.sha)
	headSHA := strings.ToLower(c.headSHA)
	headRef := ""
	if c.headRef != "" {
		headRef = "refs/heads/" + strings.TrimPrefix(c.headRef, "refs/heads/")
	}
	mergedAt := c.mergedAt

	// The commits it claims: those pushed to its branch and not claimed
	// yet (up to its merge), its head, its merge commit, and whatever it
	// claimed before (a replay from a second webhook).
	const claimed = `repository = $1 AND ((ref = $2 AND ref <> '' AND change_id = '' AND committed_at <= $3) OR sha = $4 OR sha = $5 OR change_id = $6)`
	const claimedK = `k.repository = $1 AND ((k.ref = $2 AND k.ref <> '' AND k.change_id = '' AND k.committed_at <= $3) OR k.sha = $4 OR k.sha = $5 OR k.change_id = $6)`
	claimArgs := []any{o.repository, headRef, mergedAt, headSHA, sha, id}

	first := c.firstCommitAt
	if first == 0 {
		var m sql.NullInt64
		// The merge commit is not a commit of the branch: leave it out.
		if err := t.queryRow(`SELECT MIN(committed_at) FROM delivery_commits WHERE `+claimed+` AND sha <> $5`, claimArgs...).Scan(&m); err != nil {
			return "", err
		}
		switch {
		case m.Valid && m.Int64 > 0:
			first = m.Int64
		case c.createdAt > 0:
			first = c.createdAt
		default:
			first = mergedAt
		}
	}

	// Direct-commit changes of claimed commits were a guess made before
	// this merge was known: they are this change.
	rows, err := t.query(`SELECT c.id, c.deployment_id FROM delivery_commits k JOIN delivery_changes c ON c.id = k.change_id
		WHERE `+claimedK+` AND c.kind = 'commit'`, claimArgs...)
	if err != nil {
		return "", err
	}
	var absorbed []string
	for rows.Next() {
		var cid, dep string
		if err := rows.Scan(&cid, &dep); err != nil {
			rows.Close()
			return "", err
		}
		absorbed = append(absorbed, cid)
		t.touch(dep, o.repository)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", err
	}
	for _, cid := range absorbed {
		if err := t.exec(`DELETE FROM delivery_changes WHERE id = $1`, cid); err != nil {
			return "", err
		}
	}
	if o.repository != "" {
		if err := t.exec(`UPDATE delivery_commits SET change_id = $6 WHERE `+claimed, claimArgs...); err != nil {
			return "", err
		}
		if sha != "" {
			// The merge commit may not have been pushed yet: remember it
			// as this change's, to land when its push arrives.
			if err := t.exec(`INSERT INTO delivery_commits (repository, sha, committed_at, ref, change_id) VALUES ($1, $2, $3, '', $4)
				ON CONFLICT (repository, sha) DO NOTHING`, o.repository, sha, mergedAt, id); err != nil {
				return "", err
			}
		}
	}

	var curDep string
	var curAt int64
	err = t.queryRow(`SELECT deployment_id, deployed_at FROM delivery_changes WHERE id = $1`, id).Scan(&curDep, &curAt)
	switch {
	case err == sql.ErrNoRows:
		err = t.exec(`INSERT INTO delivery_changes (id, repository, service, team, kind, number, title, sha, first_commit_at, merged_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, o.repository, o.service, o.team, c.kind, c.number, c.title, sha, first, mergedAt, t.now)
	case err == nil:
		err = t.exec(`UPDATE delivery_changes SET service = $2, team = $3, number = $4, title = $5, sha = $6, first_commit_at = $7, merged_at = $8
			WHERE id = $1`, id, o.service, o.team, c.number, c.title, sha, first, mergedAt)
		// Its first commit may have moved: so has its lead time.
		t.touch(curDep, o.repository)
	}
	if err != nil {
		return "", err
	}
	return id, t.linkChange(id, o.repository, sha, curDep, curAt)
}
