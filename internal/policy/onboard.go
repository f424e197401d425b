package policy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// GraceStep is the onboarding default of policy_settings.new_teams: a new
// team gets `days` during which enforced policies only warn for it, so its
// first deploys are guided rather than blocked. Re-running onboarding keeps
// the original end date.
func GraceStep(days int, now func() time.Time) catalog.OnboardStep {
	return func(ctx context.Context, tx *sql.Tx, team catalog.Team) (catalog.OnboardAction, error) {
		a := catalog.OnboardAction{What: "policy grace period", Name: team.Name}
		var until string
		err := tx.QueryRowContext(ctx, `SELECT until_day FROM team_policy_grace WHERE team = $1`, team.Name).Scan(&until)
		switch {
		case err == nil:
			a.Change, a.Detail = catalog.Unchanged, "enforced policies warn for this team until "+until
			return a, nil
		case !errors.Is(err, sql.ErrNoRows):
			return a, err
		}
		until = now().UTC().AddDate(0, 0, days).Format(config.DateLayout)
		if _, err := tx.ExecContext(ctx, `INSERT INTO team_policy_grace (team, until_day, created_at) VALUES ($1, $2, $3)`, team.Name, until, store.Now()); err != nil {
			return a, err
		}
		a.Change, a.Detail = catalog.Created, fmt.Sprintf("enforced policies warn for this team until %s (%d days)", until, days)
		return a, nil
	}
}
