package catalog

import (
	"context"
	"database/sql"
	"encoding/json"

	"slices"
	"sort"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/store"
)

// Snapshot is the whole catalog at one version.
type Snapshot struct {
	Version      int64
	Teams        []Team
	Services     []Service
	Environments []Environment
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Version returns the catalog's change counter.
func version(ctx context.Context, q querier) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT version FROM catalog_state WHERE id = 1`).Scan(&v)
	return v, err
}

func bumpVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE catalog_state SET version = version + 1 WHERE id = 1`)
	return err
}

// loadSnapshot reads the whole catalog with four queries regardless of its
// size. Inside a transaction it sees that transaction's writes.
func loadSnapshot(ctx context.Context, q querier) (Snapshot, error) {
	var s Snapshot
	var err error
	if s.Version, err = version(ctx, q); err != nil {
		return s, err
	}
	if s.Teams, err = queryTeams(ctx, q, ""); err != nil {
		return s, err
	}
	if s.Services, err = queryServices(ctx, q, "", ""); err != nil {
		return s, err
	}
	s.Environments, err = queryEnvironments(ctx, q)
	return s, err
}

const teamCols = `name, display_name, description, chat, email, members, source, created_at, updated_at`

func queryTeams(ctx context.Context, q querier, name string) ([]Team, error) {
	query := `SELECT ` + teamCols + ` FROM teams`
	var args []any
	if name != "" {
		query += ` WHERE name = $1`
		args = append(args, name)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		var t Team
		var members string
		var created, updated int64
		if err := rows.Scan(&t.Name, &t.DisplayName, &t.Description, &t.Contact.Chat, &t.Contact.Email, &members, &t.Source, &created, &updated); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(members), &t.Members); err != nil {
			return nil, err
		}
		t.CreatedAt, t.UpdatedAt = store.Time(created), store.Time(updated)
		out = append(out, t)
	}
	return out, rows.Err()
}

const serviceCols = `name, team, display_name, description, lifecycle, tier, type, repository, golden_path, source, created_at, updated_at`

// queryServices returns services filtered by name or team ("" = any), with
// their namespaces and accounts.
func queryServices(ctx context.Context, q querier, name, team string) ([]Service, error) {
	where, args := "", []any{}
	switch {
	case name != "":
		where, args = ` WHERE name = $1`, append(args, name)
	case team != "":
		where, args = ` WHERE team = $1`, append(args, team)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+serviceCols+` FROM services`+where+` ORDER BY name`, args...)
	if err != nil {
		return nil, err
	}
	var out []Service
	index := map[string]int{}
	for rows.Next() {
		var s Service
		var created, updated int64
		if err := rows.Scan(&s.Name, &s.Team, &s.DisplayName, &s.Description, &s.Lifecycle, &s.Tier, &s.Type, &s.Repository, &s.GoldenPath, &s.Source, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		s.CreatedAt, s.UpdatedAt = store.Time(created), store.Time(updated)
		index[s.Name] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}

	// Children: one query each, joined in Go, filtered the same way.
	childWhere := ""
	switch {
	case name != "":
		childWhere = ` WHERE service = $1`
	case team != "":
		childWhere = ` WHERE service IN (SELECT name FROM services WHERE team = $1)`
	}
	nsRows, err := q.QueryContext(ctx, `SELECT service, namespace, environment FROM service_namespaces`+childWhere+` ORDER BY service, namespace`, args...)
	if err != nil {
		return nil, err
	}
	for nsRows.Next() {
		var svc string
		var ns Namespace
		if err := nsRows.Scan(&svc, &ns.Name, &ns.Environment); err != nil {
			nsRows.Close()
			return nil, err
		}
		if i, ok := index[svc]; ok {
			out[i].Namespaces = append(out[i].Namespaces, ns)
		}
	}
	nsRows.Close()
	acRows, err := q.QueryContext(ctx, `SELECT service, account, provider, environment FROM service_accounts`+childWhere+` ORDER BY service, account`, args...)
	if err != nil {
		return nil, err
	}
	defer acRows.Close()
	for acRows.Next() {
		var svc string
		var a CloudAccount
		if err := acRows.Scan(&svc, &a.ID, &a.Provider, &a.Environment); err != nil {
			return nil, err
		}
		if i, ok := index[svc]; ok {
			out[i].CloudAccounts = append(out[i].CloudAccounts, a)
		}
	}
	return out, acRows.Err()
}

func queryEnvironments(ctx context.Context, q querier) ([]Environment, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, production, created_at, updated_at FROM environments ORDER BY production, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Environment
	for rows.Next() {
		var e Environment
		var created, updated int64
		if err := rows.Scan(&e.Name, &e.Production, &created, &updated); err != nil {
			return nil, err
		}
		e.CreatedAt, e.UpdatedAt = store.Time(created), store.Time(updated)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Change says what a write did to one entity.
type Change string

const (
	Created   Change = "created"
	Updated   Change = "updated"
	Unchanged Change = "unchanged"
)

// writeTeam inserts or updates t, given the stored version (nil if none).
func writeTeam(ctx context.Context, tx *sql.Tx, t Team, old *Team, now int64) (Change, error) {
	members, _ := json.Marshal(nonNil(t.Members))
	if old == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO teams (`+teamCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			t.Name, t.DisplayName, t.Description, t.Contact.Chat, t.Contact.Email, string(members), t.Source, now)
		return Created, err
	}
	if sameTeam(*old, t) {
		return Unchanged, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE teams SET display_name = $2, description = $3, chat = $4, email = $5, members = $6, source = $7, updated_at = $8 WHERE name = $1`,
		t.Name, t.DisplayName, t.Description, t.Contact.Chat, t.Contact.Email, string(members), t.Source, now)
	return Updated, err
}

func sameTeam(a, b Team) bool {
	return a.DisplayName == b.DisplayName && a.Description == b.Description && a.Contact == b.Contact &&
		slices.Equal(a.Members, b.Members) && a.Source == b.Source
}

// writeService inserts or updates s and replaces its namespaces and
// accounts, given the stored version (nil if none).
func writeService(ctx context.Context, tx *sql.Tx, s Service, old *Service, now int64) (Change, error) {
	change := Created
	if old != nil {
		if sameService(*old, s) {
			return Unchanged, nil
		}
		change = Updated
		if _, err := tx.ExecContext(ctx, `UPDATE services SET team = $2, display_name = $3, description = $4, lifecycle = $5, tier = $6, type = $7, repository = $8, golden_path = $9, source = $10, updated_at = $11 WHERE name = $1`,
			s.Name, s.Team, s.DisplayName, s.Description, s.Lifecycle, s.Tier, s.Type, s.Repository, s.GoldenPath, s.Source, now); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_namespaces WHERE service = $1`, s.Name); err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_accounts WHERE service = $1`, s.Name); err != nil {
			return "", err
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO services (`+serviceCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		s.Name, s.Team, s.DisplayName, s.Description, s.Lifecycle, s.Tier, s.Type, s.Repository, s.GoldenPath, s.Source, now); err != nil {
		return "", err
	}
	for _, ns := range s.Namespaces {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_namespaces (service, namespace, environment) VALUES ($1, $2, $3)`, s.Name, ns.Name, ns.Environment); err != nil {
			return "", err
		}
	}
	for _, a := range s.CloudAccounts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_accounts (service, account, provider, environment) VALUES ($1, $2, $3, $4)`, s.Name, a.ID, a.Provider, a.Environment); err != nil {
			return "", err
		}
	}
	return change, nil
}

func sameService(a, b Service) bool {
	sortChildren(&a)
	sortChildren(&b)
	return a.Team == b.Team && a.DisplayName == b.DisplayName && a.Description == b.Description &&
		a.Lifecycle == b.Lifecycle && a.Tier == b.Tier && a.Type == b.Type && a.Repository == b.Repository &&
		a.GoldenPath == b.GoldenPath && a.Source == b.Source &&
		slices.Equal(a.Namespaces, b.Namespaces) && slices.Equal(a.CloudAccounts, b.CloudAccounts)
}

// sortChildren orders namespaces and accounts as the store returns them.
func sortChildren(s *Service) {
	s.Namespaces = slices.Clone(s.Namespaces)
	s.CloudAccounts = slices.Clone(s.CloudAccounts)
	sort.Slice(s.Namespaces, func(i, j int) bool { return s.Namespaces[i].Name < s.Namespaces[j].Name })
	sort.Slice(s.CloudAccounts, func(i, j int) bool { return s.CloudAccounts[i].ID < s.CloudAccounts[j].ID })
}

func writeEnvironment(ctx context.Context, tx *sql.Tx, e Environment, old *Environment, now int64) (Change, error) {
	if old == nil {
		_, err := tx.ExecContext(ctx, `INSERT INTO environments (name, production, created_at, updated_at) VALUES ($1, $2, $3, $3)`, e.Name, e.Production, now)
		return Created, err
	}
	if old.Production == e.Production {
		return Unchanged, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE environments SET production = $2, updated_at = $3 WHERE name = $1`, e.Name, e.Production, now)
	return Updated, err
}

func deleteTeam(ctx context.Context, tx *sql.Tx, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM services WHERE team = $1`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return api.Conflict("team %q still owns %d services; move or delete them first", name, n)
	}
	return deleteRow(ctx, tx, `DELETE FROM teams WHERE name = $1`, name, "team")
}

func deleteRow(ctx context.Context, tx *sql.Tx, query, name, what string) error {
	res, err := tx.ExecContext(ctx, query, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return api.NotFound("%s %q does not exist", what, name)
	}
	return nil
}

func deleteEnvironment(ctx context.Context, tx *sql.Tx, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM service_namespaces WHERE environment = $1) + (SELECT COUNT(*) FROM service_accounts WHERE environment = $1)`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return api.Conflict("environment %q is used by %d namespaces or accounts; change them first", name, n)
	}
	return deleteRow(ctx, tx, `DELETE FROM environments WHERE name = $1`, name, "environment")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func sortStrings(s []string) { sort.Strings(s) }
