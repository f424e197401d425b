package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/store"
)

const deploymentCols = `id, source, external_id, repository, service, team, environment, production, sha, status, rollback, fixes,
	deployed_at, failure, recovered_at, recovered_by, changes`

const changeCols = `id, repository, service, team, kind, number, title, sha, first_commit_at, merged_at, deployment_id, deployed_at`

const incidentCols = `id, source, external_id, repository, service, team, title, url, opened_at, resolved_at, deployment_id, link`

// Deployments lists deployments matching f, newest first.
func (s *Service) Deployments(ctx context.Context, f Filter) ([]Deployment, error) {
	where, args, limit, err := f.sql("deployed_at", true)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+deploymentCols+` FROM delivery_deployments`+where+
		` ORDER BY deployed_at DESC, id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Deployment{}
	for rows.Next() {
		d, err := scanDeployment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Changes lists changes matching f (by merge time), newest first.
func (s *Service) Changes(ctx context.Context, f Filter) ([]Change, error) {
	where, args, limit, err := f.sql("merged_at", false)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+changeCols+` FROM delivery_changes`+where+
		` ORDER BY merged_at DESC, id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Change{}
	for rows.Next() {
		var c Change
		var first, merged, deployed int64
		if err := rows.Scan(&c.ID, &c.Repository, &c.Service, &c.Team, &c.Kind, &c.Number, &c.Title, &c.SHA,
			&first, &merged, &c.DeploymentID, &deployed); err != nil {
			return nil, err
		}
		c.FirstCommitAt, c.MergedAt = store.Time(first), store.Time(merged)
		if deployed != 0 {
			c.DeployedAt = store.Time(deployed)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Incidents lists incidents matching f (by opening time), newest first.
func (s *Service) Incidents(ctx context.Context, f Filter) ([]Incident, error) {
	where, args, limit, err := f.sql("opened_at", false)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+incidentCols+` FROM delivery_incidents`+where+
		` ORDER BY opened_at DESC, id DESC LIMIT `+limit, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Incident{}
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// Unowned lists the repositories (and unknown service names) delivery
// events arrived for without an owner, most events first.
func (s *Service) Unowned(ctx context.Context) ([]Unowned, error) {
	if err := s.claimUnowned(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT repository, events, first_seen, last_seen FROM delivery_unowned
		ORDER BY events DESC, repository LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Unowned{}
	for rows.Next() {
		var u Unowned
		var first, last int64
		if err := rows.Scan(&u.Repository, &u.Events, &first, &last); err != nil {
			return nil, err
		}
		u.FirstSeen, u.LastSeen = store.Time(first), store.Time(last)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Deployment reads one deployment by paved id; an *api.Error (404) when
// there is none.
func (s *Service) Deployment(ctx context.Context, id string) (Deployment, error) {
	d, err := scanDeployment(s.db.R.QueryRowContext(ctx, `SELECT `+deploymentCols+` FROM delivery_deployments WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return d, api.NotFound("deployment %q does not exist", id)
	}
	return d, err
}

// Incident reads one incident by paved id; an *api.Error (404) when there
// is none.
func (s *Service) Incident(ctx context.Context, id string) (Incident, error) {
	in, err := scanIncident(s.db.R.QueryRowContext(ctx, `SELECT `+incidentCols+` FROM delivery_incidents WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return in, api.NotFound("incident %q does not exist", id)
	}
	return in, err
}

type scanner interface{ Scan(dest ...any) error }

func scanDeployment(r scanner) (Deployment, error) {
	var d Deployment
	var deployed, recovered int64
	err := r.Scan(&d.ID, &d.Source, &d.ExternalID, &d.Repository, &d.Service, &d.Team, &d.Environment, &d.Production, &d.SHA,
		&d.Status, &d.Rollback, &d.Fixes, &deployed, &d.Failure, &recovered, &d.RecoveredBy, &d.Changes)
	d.DeployedAt = store.Time(deployed)
	if recovered != 0 {
		d.RecoveredAt = store.Time(recovered)
	}
	return d, err
}

func scanIncident(r scanner) (Incident, error) {
	var in Incident
	var opened, resolved int64
	err := r.Scan(&in.ID, &in.Source, &in.ExternalID, &in.Repository, &in.Service, &in.Team, &in.Title, &in.URL,
		&opened, &resolved, &in.DeploymentID, &in.Link)
	in.OpenedAt = store.Time(opened)
	if resolved != 0 {
		in.ResolvedAt = store.Time(resolved)
	}
	return in, err
}

// sql renders the filter as a WHERE clause on the time column, with its
// arguments and the LIMIT. environment applies only to deployments.
func (f Filter) sql(timeCol string, withEnv bool) (string, []any, string, error) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	switch f.Team {
	case "":
	case catalog.Unowned:
		add("team = $%d", "")
	default:
		add("team = $%d", f.Team)
	}
	if f.Service != "" {
		add("service = $%d", f.Service)
	}
	if f.Environment != "" {
		if !withEnv {
			return "", nil, "", api.Invalid("environment", "only deployments are filtered by environment")
		}
		add("environment = $%d", f.Environment)
	}
	if !f.From.IsZero() {
		add(timeCol+" >= $%d", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add(timeCol+" < $%d", f.To.UnixMilli())
	}
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		return "", nil, "", api.Invalid("limit", "%d is out of range; use 1 to %d", limit, MaxLimit)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return where, args, fmt.Sprint(limit), nil
}
