package catalog

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Catalog is the ownership model backed by the store, with an in-memory
// Index kept current for the hot resolution paths.
type Catalog struct {
	db    *store.DB
	own   config.Ownership
	index atomic.Pointer[Index]

	mu      sync.Mutex // serialises index rebuilds
	onboard []OnboardStep
}

// New opens the catalog on db and builds the first index.
func New(ctx context.Context, db *store.DB, own config.Ownership) (*Catalog, error) {
	c := &Catalog{db: db, own: own}
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Index returns the current resolution index. It never blocks.
func (c *Catalog) Index() *Index { return c.index.Load() }

// Current returns the whole catalog as of the current index: the same
// read the index was built from, so pages that show all of it cost no
// query. Callers share it and must not modify it. Writes through this
// process show at once; writes by other replicas once Watch sees them.
func (c *Catalog) Current() *Snapshot { return c.index.Load().snap }

// Snapshot reads the whole catalog from the store.
func (c *Catalog) Snapshot(ctx context.Context) (Snapshot, error) {
	return loadSnapshot(ctx, c.db.R)
}

// Refresh rebuilds the index if the stored catalog changed since it was
// built (by this process or another replica).
func (c *Catalog) Refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := version(ctx, c.db.R)
	if err != nil {
		return err
	}
	if cur := c.index.Load(); cur != nil && cur.version == v {
		return nil
	}
	snap, err := loadSnapshot(ctx, c.db.R)
	if err != nil {
		return err
	}
	c.index.Store(NewIndex(snap, c.own))
	return nil
}

// Watch refreshes the index every interval until ctx ends, so replicas
// sharing PostgreSQL see each other's catalog writes.
func (c *Catalog) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
				slog.Warn("catalog refresh failed", "err", err)
			}
		}
	}
}

// write runs fn in a transaction that bumps the catalog version, then
// rebuilds the index.
func (c *Catalog) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpVersion(ctx, tx)
	})
	if err != nil {
		return err
	}
	return c.Refresh(ctx)
}

// Teams lists every team.
func (c *Catalog) Teams(ctx context.Context) ([]Team, error) { return queryTeams(ctx, c.db.R, "") }

// Team returns one team or a NotFound error.
func (c *Catalog) Team(ctx context.Context, name string) (Team, error) {
	ts, err := queryTeams(ctx, c.db.R, name)
	if err != nil {
		return Team{}, err
	}
	if len(ts) == 0 {
		return Team{}, api.NotFound("team %q does not exist", name)
	}
	return ts[0], nil
}

// Services lists services, all or one team's.
func (c *Catalog) Services(ctx context.Context, team string) ([]Service, error) {
	return queryServices(ctx, c.db.R, "", team)
}

// Service returns one service or a NotFound error.
func (c *Catalog) Service(ctx context.Context, name string) (Service, error) {
	ss, err := queryServices(ctx, c.db.R, name, "")
	if err != nil {
		return Service{}, err
	}
	if len(ss) == 0 {
		return Service{}, api.NotFound("service %q does not exist", name)
	}
	return ss[0], nil
}

// Environments lists every environment, production last.
func (c *Catalog) Environments(ctx context.Context) ([]Environment, error) {
	return queryEnvironments(ctx, c.db.R)
}

// PutTeam creates or replaces a team. With mustCreate it fails with
// Conflict when the team exists.
func (c *Catalog) PutTeam(ctx context.Context, t Team, mustCreate bool) (Change, error) {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return "", err
	}
	if t.Source == "" {
		t.Source = "api"
	}
	var change Change
	err := c.write(ctx, func(tx *sql.Tx) error {
		old, err := queryTeams(ctx, tx, t.Name)
		if err != nil {
			return err
		}
		var prev *Team
		if len(old) > 0 {
			if mustCreate {
				return api.Conflict("team %q already exists", t.Name)
			}
			prev = &old[0]
		}
		change, err = writeTeam(ctx, tx, t, prev, store.Now())
		return err
	})
	return change, err
}

// DeleteTeam removes a team that owns no services.
func (c *Catalog) DeleteTeam(ctx context.Context, name string) error {
	return c.write(ctx, func(tx *sql.Tx) error { return deleteTeam(ctx, tx, name) })
}

// PutService creates or replaces a service. Its team must exist and its
// namespaces and accounts must name known environments.
func (c *Catalog) PutService(ctx context.Context, s Service, mustCreate bool) (Change, error) {
	s.Normalize()
	if s.Source == "" {
		s.Source = "api"
	}
	var change Change
	err := c.write(ctx, func(tx *sql.Tx) error {
		envs, err := queryEnvironments(ctx, tx)
		if err != nil {
			return err
		}
		if err := s.Validate(envSet(envs)); err != nil {
			return err
		}
		if teams, err := queryTeams(ctx, tx, s.Team); err != nil {
			return err
		} else if len(teams) == 0 {
			return api.Invalid("team", "team %q does not exist; create it first (paved team onboard %s)", s.Team, s.Team)
		}
		old, err := queryServices(ctx, tx, s.Name, "")
		if err != nil {
			return err
		}
		var prev *Service
		if len(old) > 0 {
			if mustCreate {
				return api.Conflict("service %q already exists", s.Name)
			}
			prev = &old[0]
		}
		change, err = writeService(ctx, tx, s, prev, store.Now())
		return err
	})
	return change, err
}

// DeleteService removes a service with its namespaces and accounts.
func (c *Catalog) DeleteService(ctx context.Context, name string) error {
	return c.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_namespaces WHERE service = $1`, name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM service_accounts WHERE service = $1`, name); err != nil {
			return err
		}
		return deleteRow(ctx, tx, `DELETE FROM services WHERE name = $1`, name, "service")
	})
}

// PutEnvironment creates or updates an environment.
func (c *Catalog) PutEnvironment(ctx context.Context, e Environment, mustCreate bool) (Change, error) {
	if err := e.Validate(); err != nil {
		return "", err
	}
	var change Change
	err := c.write(ctx, func(tx *sql.Tx) error {
		envs, err := queryEnvironments(ctx, tx)
		if err != nil {
			return err
		}
		var prev *Environment
		for i := range envs {
			if envs[i].Name == e.Name {
				if mustCreate {
					return api.Conflict("environment %q already exists", e.Name)
				}
				prev = &envs[i]
			}
		}
		change, err = writeEnvironment(ctx, tx, e, prev, store.Now())
		return err
	})
	return change, err
}

// DeleteEnvironment removes an environment no namespace or account uses.
func (c *Catalog) DeleteEnvironment(ctx context.Context, name string) error {
	return c.write(ctx, func(tx *sql.Tx) error { return deleteEnvironment(ctx, tx, name) })
}

// SyncEnvironments makes sure every environment in paved.yaml exists with
// the configured production flag. Environments added through the API are
// left alone.
func (c *Catalog) SyncEnvironments(ctx context.Context, envs []config.Environment) error {
	doc := Document{}
	for _, e := range envs {
		doc.Environments = append(doc.Environments, Environment{Name: e.Name, Production: e.Production})
	}
	_, err := c.Apply(ctx, doc, ApplyOptions{})
	return err
}

func envSet(envs []Environment) map[string]bool {
	m := make(map[string]bool, len(envs))
	for _, e := range envs {
		m[e.Name] = true
	}
	return m
}
