package delivery

import (
	"database/sql"
	"fmt"
	"strings"
)

// applyPush records pushed commits. On the default branch they land, in
// order; elsewhere they are remembered as a branch's commits, which a
// merged pull or merge request later claims (for its first-commit time).
func (t *txn) applyPush(p *pushOp) error {
	o := t.s.own.resolve("", p.repository)
	if err := t.countUnowned(o); err != nil {
		return err
	}
	if o.repository == "" || len(p.commits) == 0 {
		return nil
	}
	if p.ref == "refs/heads/"+p.defaultBranch {
		return t.land(o, p.ref, p.commits, p.pushedAt, func(commitIn) bool { return true })
	}
	var rows [][]any
	for _, c := range p.commits {
		rows = append(rows, []any{o.repository, c.sha, c.at, p.ref})
	}
	return t.insertRows(`INSERT INTO delivery_commits (repository, sha, committed_at, ref) VALUES `, ` ON CONFLICT (repository, sha) DO NOTHING`, rows)
}

// landing is a commit landed by one event, in order.
type landing struct {
	sha   string
	known bool // the store had it before (a branch's commit, or a claimed merge commit)
	// change is the direct-commit change created for it, if any.
	change string
}

// land lands commits on the default branch in the order given, after
// everything landed before; commits already landed keep their place. A
// commit seen for the first time that the sender calls distinct (and
// direct allows) becomes a direct-commit change. Then everything that
// landing makes linkable is linked.
func (t *txn) land(o owner, ref string, commits []commitIn, mergedAt int64, direct func(commitIn) bool) error {
	known, next, deps, err := t.lookupCommits(o.repository, commits)
	if err != nil {
		return err
	}
	var landed []landing
	var changeRows, commitRows [][]any
	seen := map[string]bool{}
	for _, c := range commits {
		if seen[c.sha] {
			continue
		}
		seen[c.sha] = true
		landedBefore, isKnown := known[c.sha]
		if landedBefore {
			continue
		}
		next++
		if isKnown {
			landed = append(landed, landing{sha: c.sha, known: true})
			if err := t.exec(`UPDATE delivery_commits SET landed = $3 WHERE repository = $1 AND sha = $2`, o.repository, c.sha, next); err != nil {
				return err
			}
			continue
		}
		chg := ""
		if c.distinct && direct(c) {
			chg = changeID(c.at, o.repository, KindCommit, c.sha)
			at := mergedAt
			if at == 0 || at < c.at {
				at = c.at
			}
			changeRows = append(changeRows, []any{chg, o.repository, o.service, o.team, KindCommit, c.title, c.sha, c.at, at, t.now})
		}
		landed = append(landed, landing{sha: c.sha, change: chg})
		commitRows = append(commitRows, []any{o.repository, c.sha, c.at, ref, next, chg})
	}
	if err := t.insertRows(`INSERT INTO delivery_changes (id, repository, service, team, kind, title, sha, first_commit_at, merged_at, received_at) VALUES `,
		` ON CONFLICT (id) DO NOTHING`, changeRows); err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO delivery_commits (repository, sha, committed_at, ref, landed, change_id) VALUES `, "", commitRows); err != nil {
		return err
	}
	return t.linkLanded(o.repository, landed, deps)
}

// insertRows inserts rows with one statement per 50 rows.
func (t *txn) insertRows(head, tail string, rows [][]any) error {
	const chunk = 50
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var b strings.Builder
		b.WriteString(head)
		var args []any
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + inList(len(args)+1, len(r)) + ")")
			args = append(args, r...)
		}
		b.WriteString(tail)
		if err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// landedDeployment is a successful production deployment of a commit.
type landedDeployment struct {
	id, sha string
	at      int64
}

// lookupCommits reads, in one statement per 200 commits, which of
// commits the store has (and whether each has landed), the repository's
// last landing order, and the successful production deployments of those
// commits (which arrived before their push).
func (t *txn) lookupCommits(repository string, commits []commitIn) (map[string]bool, int64, []landedDeployment, error) {
	known := map[string]bool{}
	var next int64
	var deps []landedDeployment
	shas := make([]string, len(commits))
	for i, c := range commits {
		shas[i] = c.sha
	}
	// Rows tagged 0: a known commit; 1: the last landing order; 2: a
	// deployment of one of the commits.
	const q = `SELECT 0, sha, landed, '', 0 FROM delivery_commits WHERE repository = $1 AND sha IN (%[1]s)
		UNION ALL SELECT 1, '', (SELECT MAX(landed) FROM delivery_commits WHERE repository = $1), '', 0
		UNION ALL SELECT 2, sha, NULL, id, deployed_at FROM delivery_deployments
			WHERE repository = $1 AND sha IN (%[1]s) AND production AND status = 'success'`
	err := t.eachIn(q, repository, shas, func(rows *sql.Rows) error {
		var tag int
		var sha, id string
		var l sql.NullInt64
		var at int64
		if err := rows.Scan(&tag, &sha, &l, &id, &at); err != nil {
			return err
		}
		switch tag {
		case 0:
			known[sha] = l.Valid
		case 1:
			next = l.Int64
		case 2:
			deps = append(deps, landedDeployment{id: id, sha: sha, at: at})
		}
		return nil
	})
	return known, next, deps, err
}

// eachIn runs q (with %s for the IN list, $1 = first) for values in
// chunks and calls scan for every row.
func (t *txn) eachIn(q string, first any, values []string, scan func(*sql.Rows) error) error {
	const chunk = 200
	for start := 0; start < len(values); start += chunk {
		part := values[start:min(start+chunk, len(values))]
		args := []any{first}
		for _, v := range part {
			args = append(args, v)
		}
		rows, err := t.query(fmt.Sprintf(q, inList(2, len(part))), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// linkLanded links what landing made linkable. Commits landed now land
// after everything before, so a change whose commit just landed can only
// be in a deployment of a commit landed now, at or after it: its link is
// worked out here without a query per change. Deployments of commits
// landed now (they arrived before the push) then take older changes
// waiting for them.
func (t *txn) linkLanded(repository string, landed []landing, found []landedDeployment) error {
	if len(landed) == 0 {
		return nil
	}
	var knownShas []string
	now := map[string]bool{}
	for _, l := range landed {
		now[l.sha] = true
		if l.known {
			knownShas = append(knownShas, l.sha)
		}
	}
	earliest := map[string]landedDeployment{} // per commit, its earliest successful production deployment
	var deps []landedDeployment
	for _, d := range found {
		if !now[d.sha] {
			continue // a commit landed before: its deployment took its changes then
		}
		deps = append(deps, d)
		if e, ok := earliest[d.sha]; !ok || d.at < e.at || (d.at == e.at && d.id < e.id) {
			earliest[d.sha] = d
		}
	}
	// Changes whose own commit landed now: the direct ones just made, and
	// those that claimed a known commit (a merge commit pushed late).
	changeOf := map[string][]string{}
	for _, l := range landed {
		if l.change != "" {
			changeOf[l.sha] = append(changeOf[l.sha], l.change)
		}
	}
	err := t.eachIn(`SELECT c.id, c.sha FROM delivery_commits k JOIN delivery_changes c ON c.id = k.change_id AND c.sha = k.sha
		WHERE k.repository = $1 AND k.sha IN (%s)`, repository, knownShas, func(rows *sql.Rows) error {
		var id, sha string
		if err := rows.Scan(&id, &sha); err != nil {
			return err
		}
		changeOf[sha] = append(changeOf[sha], id)
		return nil
	})
	if err != nil {
		return err
	}
	if len(deps) == 0 {
		return nil // nothing deployed them yet
	}
	// Walk from the last landed back: best is the earliest deployment of
	// a commit landed at or after this one.
	var best *landedDeployment
	for i := len(landed) - 1; i >= 0; i-- {
		if e, ok := earliest[landed[i].sha]; ok && (best == nil || e.at < best.at || (e.at == best.at && e.id < best.id)) {
			e := e
			best = &e
		}
		if best == nil || len(changeOf[landed[i].sha]) == 0 {
			continue
		}
		if err := t.setDeployment(repository, best.id, best.at, changeOf[landed[i].sha]); err != nil {
			return err
		}
	}
	for _, d := range deps {
		if err := t.linkDeployment(d.id, repository, d.sha, d.at); err != nil {
			return err
		}
	}
	return nil
}

// setDeployment links changes (not linked yet) to a deployment.
func (t *txn) setDeployment(repository, id string, at int64, changes []string) error {
	t.touch(id, repository)
	args := []any{id, at}
	for _, c := range changes {
		args = append(args, c)
	}
	return t.exec(`UPDATE delivery_changes SET deployment_id = $1, deployed_at = $2 WHERE id IN (`+inList(3, len(changes))+`)`, args...)
}
