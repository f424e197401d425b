package delivery

import (
	"database/sql"
	"strings"
)

// storedIncident is an incident row as linking needs it.
type storedIncident struct {
	id, service, repository, title, url, deploymentID, link string
	openedAt, resolvedAt                                    int64
}

// applyIncident opens, updates, resolves, reopens or withdraws an
// incident and links it to the deployment that caused it: the one it
// names, else its service's last successful production deployment within
// the incident window before it opened.
func (t *txn) applyIncident(ev *event, in *incidentOp) (string, error) {
	id := hashID("inc_", ev.source, "key", ev.key)
	if in.externalID != "" {
		id = hashID("inc_", ev.source, in.externalID)
	}
	var old *storedIncident
	var s storedIncident
	err := t.queryRow(`SELECT id, service, repository, title, url, deployment_id, link, opened_at, resolved_at
		FROM delivery_incidents WHERE id = $1`, id).
		Scan(&s.id, &s.service, &s.repository, &s.title, &s.url, &s.deploymentID, &s.link, &s.openedAt, &s.resolvedAt)
	switch {
	case err == sql.ErrNoRows:
		err = nil
	case err != nil:
		return "", err
	default:
		old = &s
	}

	// An update that names neither service nor repository (an API call
	// resolving an incident by its id) keeps the incident's owner.
	service, repository := in.service, in.repository
	if service == "" && repository == "" && old != nil {
		service, repository = old.service, old.repository
	} else if err := t.countUnowned(t.s.own.resolve(service, repository)); err != nil {
		return "", err
	}
	o := t.s.own.resolve(service, repository)

	if in.withdraw {
		if old == nil {
			return "", nil
		}
		if err := t.exec(`DELETE FROM delivery_incidents WHERE id = $1`, id); err != nil {
			return "", err
		}
		return id, t.remarkDeployment(old.deploymentID)
	}

	inc := storedIncident{id: id, service: o.service, repository: o.repository, title: in.title, url: in.url,
		openedAt: in.openedAt, resolvedAt: in.resolvedAt}
	if old != nil {
		if inc.title == "" {
			inc.title = old.title
		}
		if inc.url == "" {
			inc.url = old.url
		}
		// Events arrive out of order: an incident opened when it was
		// first seen open.
		if inc.openedAt == 0 || (old.openedAt != 0 && old.openedAt < inc.openedAt) {
			inc.openedAt = old.openedAt
		}
		if inc.resolvedAt == 0 && !in.reopen {
			inc.resolvedAt = old.resolvedAt
		}
	}
	if inc.openedAt == 0 {
		// Only its resolution is known (it was opened before paved
		// listened): it opened no later than that.
		inc.openedAt = inc.resolvedAt
		if inc.openedAt == 0 {
			inc.openedAt = t.now
		}
	}
	if inc.resolvedAt != 0 && inc.resolvedAt < inc.openedAt {
		inc.resolvedAt = inc.openedAt
	}

	st := stream{o.service, o.repository}
	switch {
	case in.deployment != "":
		inc.deploymentID, err = t.findDeployment(st, in.deployment, inc.openedAt)
		if err == nil && inc.deploymentID != "" {
			inc.link = LinkExplicit
		}
	case old != nil && old.link == LinkExplicit:
		inc.deploymentID, inc.link = old.deploymentID, LinkExplicit
	}
	if err != nil {
		return "", err
	}
	if inc.link == "" {
		if inc.deploymentID, err = t.windowDeployment(st, inc.openedAt); err != nil {
			return "", err
		}
		if inc.deploymentID != "" {
			inc.link = LinkWindow
		}
	}

	if old == nil {
		err = t.exec(`INSERT INTO delivery_incidents (id, source, external_id, repository, service, team, title, url, opened_at, resolved_at,
			deployment_id, link, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, ev.source, in.externalID, o.repository, o.service, o.team, inc.title, inc.url, inc.openedAt, inc.resolvedAt,
			inc.deploymentID, inc.link, t.now)
	} else {
		err = t.exec(`UPDATE delivery_incidents SET repository = $2, service = $3, team = $4, title = $5, url = $6, opened_at = $7,
			resolved_at = $8, deployment_id = $9, link = $10 WHERE id = $1`,
			id, o.repository, o.service, o.team, inc.title, inc.url, inc.openedAt, inc.resolvedAt, inc.deploymentID, inc.link)
	}
	if err != nil {
		return "", err
	}
	if old != nil && old.deploymentID != inc.deploymentID {
		if err := t.remarkDeployment(old.deploymentID); err != nil {
			return "", err
		}
	}
	return id, t.remarkDeployment(inc.deploymentID)
}

// findDeployment resolves an incident's explicit reference: a paved
// deployment id, a sender's deployment id, or a commit (at least 7 hex
// digits; the service's last production deployment of it before the
// incident opened, else its first after). "" when nothing matches.
func (t *txn) findDeployment(st stream, ref string, openedAt int64) (string, error) {
	ref = strings.TrimSpace(ref)
	var id string
	err := t.queryRow(`SELECT id FROM delivery_deployments WHERE id = $1`, ref).Scan(&id)
	if err != sql.ErrNoRows {
		return id, err
	}
	err = t.queryRow(`SELECT id FROM delivery_deployments WHERE external_id = $1 AND external_id <> ''
		ORDER BY production DESC, deployed_at DESC LIMIT 1`, ref).Scan(&id)
	if err != sql.ErrNoRows {
		return id, err
	}
	sha := strings.ToLower(ref)
	if !st.valid() || len(sha) < 7 || !isHex(sha) {
		return "", nil
	}
	cond, v := st.where(1)
	q := `SELECT id FROM delivery_deployments WHERE ` + cond + ` AND production AND sha >= $2 AND sha < $3 `
	err = t.queryRow(q+`AND deployed_at <= $4 ORDER BY deployed_at DESC, id DESC LIMIT 1`, v, sha, sha+"g", openedAt).Scan(&id)
	if err == sql.ErrNoRows {
		err = t.queryRow(q+`ORDER BY deployed_at, id LIMIT 1`, v, sha, sha+"g").Scan(&id)
	}
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id, err
}

// windowDeployment is the stream's last successful production deployment
// at most delivery.incident_window before openedAt.
func (t *txn) windowDeployment(st stream, openedAt int64) (string, error) {
	if !st.valid() {
		return "", nil
	}
	cond, v := st.where(1)
	var id string
	err := t.queryRow(`SELECT id FROM delivery_deployments WHERE `+cond+` AND production AND status = 'success'
		AND deployed_at <= $2 AND deployed_at >= $3 ORDER BY deployed_at DESC, id DESC LIMIT 1`,
		v, openedAt, openedAt-t.s.window).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id, err
}

// relinkIncidents re-links, after a production deployment at `at`
// arrived or changed, the stream's incidents opened within the window
// after it that are not linked explicitly. It returns the earliest
// deployment time whose failures may have changed (at when none moved).
func (t *txn) relinkIncidents(st stream, at int64) (int64, error) {
	cond, v := st.where(1)
	rows, err := t.query(`SELECT id, opened_at, deployment_id FROM delivery_incidents WHERE `+cond+`
		AND opened_at >= $2 AND opened_at <= $3 AND link <> 'explicit'`, v, at, at+t.s.window)
	if err != nil {
		return at, err
	}
	type inc struct {
		id, dep string
		opened  int64
	}
	var list []inc
	for rows.Next() {
		var i inc
		if err := rows.Scan(&i.id, &i.opened, &i.dep); err != nil {
			rows.Close()
			return at, err
		}
		list = append(list, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return at, err
	}
	from := at
	for _, i := range list {
		dep, err := t.windowDeployment(st, i.opened)
		if err != nil {
			return at, err
		}
		if dep == i.dep {
			continue
		}
		link := ""
		if dep != "" {
			link = LinkWindow
		}
		if err := t.exec(`UPDATE delivery_incidents SET deployment_id = $2, link = $3 WHERE id = $1`, i.id, dep, link); err != nil {
			return at, err
		}
		if i.dep != "" {
			var was int64
			if err := t.queryRow(`SELECT deployed_at FROM delivery_deployments WHERE id = $1`, i.dep).Scan(&was); err != nil && err != sql.ErrNoRows {
				return at, err
			}
			if was != 0 {
				from = min(from, was)
			}
		}
	}
	return from, nil
}
