package delivery

import (
	"context"
	"database/sql"
	"strings"
)

// claimUnowned gives the deliveries of repositories (and service names)
// the catalog did not know when they arrived to the service that now
// claims them: adding `repository:` to a service in the catalog is how
// someone claims an unowned repository, and its history should follow.
// It runs when the catalog has changed since the last claim: before the
// writer's next batch and when the unowned list is read.
//
// Only ownership moves; links (which changes a deployment shipped, which
// deployment an incident hit) were made per repository and stand.
func (s *Service) claimUnowned(ctx context.Context) error {
	ix := s.catalog.Index()
	if s.claimedAt.Load() == ix.Version() {
		return nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT repository FROM delivery_unowned`)
	if err != nil {
		return err
	}
	type claim struct{ key, service, team string }
	var claims []claim
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			rows.Close()
			return err
		}
		if name, ok := strings.CutPrefix(key, "service:"); ok {
			if team := ix.ServiceTeam(name); team != "" {
				claims = append(claims, claim{key, name, team})
			}
		} else if o := ix.ResolveRepository(key); o.Service != "" && o.Team != "" {
			claims = append(claims, claim{key, o.Service, o.Team})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(claims) > 0 {
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.w.lock(ctx, tx); err != nil {
				return err
			}
			for _, c := range claims {
				for _, table := range []string{"delivery_deployments", "delivery_changes", "delivery_incidents"} {
					q, args := `UPDATE `+table+` SET service = $1, team = $2 WHERE repository = $3 AND team = ''`, []any{c.service, c.team, c.key}
					if strings.HasPrefix(c.key, "service:") {
						q, args = `UPDATE `+table+` SET team = $1 WHERE service = $2 AND team = ''`, []any{c.team, c.service}
					}
					if _, err := tx.ExecContext(ctx, q, args...); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM delivery_unowned WHERE repository = $1`, c.key); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.claimedAt.Store(ix.Version())
	return nil
}
