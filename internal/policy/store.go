package policy

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Store keeps decisions, their daily rollups, the open findings, API
// exceptions and team grace periods.
type Store struct {
	db *store.DB
}

// NewStore returns the guardrails store on db.
func NewStore(db *store.DB) *Store { return &Store{db: db} }

// Upload is a check report sent to the server (paved check --report-to)
// or produced by admission.
type Upload struct {
	Source  string   `json:"source" doc:"ci, admission or audit"`
	Results []Result `json:"results"`
	// Resources lists every resource checked, violating or not, with the
	// team it belongs to, so that findings that were fixed close — and
	// only that team's: resource names repeat across repositories.
	Resources []CheckedResource `json:"resources"`
}

// CheckedResource is a resource a check looked at.
type CheckedResource struct {
	Resource string `json:"resource"`
	Team     string `json:"team"`
}

// Sources a decision can come from.
var Sources = []string{"ci", "admission", "audit"}

func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Record stores every result as a decision, adds them to the daily
// rollups and replaces the open findings of the checked resources, in one
// transaction.
func (s *Store) Record(ctx context.Context, up Upload, now time.Time) (recorded int, err error) {
	return s.RecordBatch(ctx, []TimedUpload{{Upload: up, At: now}})
}

// TimedUpload is an upload with the time its decisions were made, as the
// admission recorder queues and spools them.
type TimedUpload struct {
	Upload
	At time.Time `json:"at"`
}

// ActionMutated marks a decision of the mutating webhook (labels added);
// it is recorded as a decision but opens no finding.
const ActionMutated = "mutated"

// RecordBatch records several uploads, in order, in one transaction: the
// admission recorder writes what queued up while the previous batch was
// being written, so a busy cluster costs one transaction per batch, not
// per request.
func (s *Store) RecordBatch(ctx context.Context, batch []TimedUpload) (recorded int, err error) {
	for _, up := range batch {
		if !slices.Contains(Sources, up.Source) {
			return 0, api.Invalid("source", "%q is not a source; use %s", up.Source, strings.Join(Sources, ", "))
		}
		for i, r := range up.Results {
			if r.Policy == "" || r.Action == "" || r.Resource.String() == "" {
				return 0, api.Invalid(fmt.Sprintf("results[%d]", i), "policy, action and resource are required")
			}
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, up := range batch {
			if err := recordTx(ctx, tx, up.Upload, up.At); err != nil {
				return err
			}
			recorded += len(up.Results)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return recorded, nil
}

func recordTx(ctx context.Context, tx *sql.Tx, up Upload, now time.Time) error {
	at := now.UTC().UnixMilli()
	day := now.UTC().Format(config.DateLayout)
	for _, r := range up.Results {
		team := r.Team
		if team == "" {
			team = "unowned"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_decisions (id, at, source, team, service, environment, policy, severity, resource, file, line, action, message)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			newID("dec_"), at, up.Source, team, r.Service, r.Environment, r.Policy, r.Severity, r.Resource.String(), r.File, r.Line, r.Action, r.Message); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_decision_days (day, policy, team, action, count) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (day, policy, team, action) DO UPDATE SET count = policy_decision_days.count + 1`,
			day, r.Policy, team, r.Action); err != nil {
			return err
		}
	}
	// Findings: what the latest check of a resource found is what is open
	// for it now. A mutation says nothing about what is open.
	var results []Result
	for _, r := range up.Results {
		if r.Action != ActionMutated {
			results = append(results, r)
		}
	}
	checked := append([]CheckedResource{}, up.Resources...)
	for _, r := range results {
		checked = append(checked, CheckedResource{Resource: r.Resource.String(), Team: r.Team})
	}
	seen := map[CheckedResource]bool{}
	for _, c := range checked {
		if c.Team == "" {
			c.Team = "unowned"
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM policy_findings WHERE resource = $1 AND source = $2 AND team = $3`, c.Resource, up.Source, c.Team); err != nil {
			return err
		}
	}
	for _, r := range results {
		team := r.Team
		if team == "" {
			team = "unowned"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_findings (policy, resource, source, team, service, environment, severity, action, mode, rule, message, file, line, first_seen, last_seen)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
			ON CONFLICT (policy, resource, source, team) DO UPDATE SET message = excluded.message, action = excluded.action, mode = excluded.mode, rule = excluded.rule, last_seen = excluded.last_seen`,
			r.Policy, r.Resource.String(), up.Source, team, r.Service, r.Environment, r.Severity, r.Action, r.Mode, r.Rule, r.Message, r.File, r.Line, at); err != nil {
			return err
		}
	}
	return nil
}

// Finding is an open violation: the latest check of its resource found it.
type Finding struct {
	Policy      string    `json:"policy"`
	Resource    string    `json:"resource"`
	Source      string    `json:"source"`
	Team        string    `json:"team"`
	Service     string    `json:"service,omitempty"`
	Environment string    `json:"environment,omitempty"`
	Severity    string    `json:"severity"`
	Action      string    `json:"action"`
	Mode        string    `json:"mode"`
	Rule        string    `json:"rule,omitempty"`
	Message     string    `json:"message"`
	File        string    `json:"file,omitempty"`
	Line        int       `json:"line,omitempty"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
}

// Findings lists open findings, optionally for one team and/or policy.
func (s *Store) Findings(ctx context.Context, team, policyID string) ([]Finding, error) {
	q := `SELECT policy, resource, source, team, service, environment, severity, action, mode, rule, message, file, line, first_seen, last_seen FROM policy_findings WHERE 1 = 1`
	var args []any
	if team != "" {
		args = append(args, team)
		q += fmt.Sprintf(" AND team = $%d", len(args))
	}
	if policyID != "" {
		args = append(args, policyID)
		q += fmt.Sprintf(" AND policy = $%d", len(args))
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY team, policy, resource`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Finding{}
	for rows.Next() {
		var f Finding
		var first, last int64
		if err := rows.Scan(&f.Policy, &f.Resource, &f.Source, &f.Team, &f.Service, &f.Environment, &f.Severity, &f.Action, &f.Mode, &f.Rule, &f.Message, &f.File, &f.Line, &first, &last); err != nil {
			return nil, err
		}
		f.FirstSeen, f.LastSeen = store.Time(first), store.Time(last)
		out = append(out, f)
	}
	return out, rows.Err()
}

// DayCount is one cell of the daily rollup.
type DayCount struct {
	Day    string `json:"day"`
	Policy string `json:"policy"`
	Team   string `json:"team"`
	Action string `json:"action"`
	Count  int    `json:"count"`
}

// Days returns the rollup from the given day on, optionally for one team
// and/or policy.
func (s *Store) Days(ctx context.Context, from time.Time, team, policyID string) ([]DayCount, error) {
	q := `SELECT day, policy, team, action, count FROM policy_decision_days WHERE day >= $1`
	args := []any{from.UTC().Format(config.DateLayout)}
	if team != "" {
		args = append(args, team)
		q += fmt.Sprintf(" AND team = $%d", len(args))
	}
	if policyID != "" {
		args = append(args, policyID)
		q += fmt.Sprintf(" AND policy = $%d", len(args))
	}
	rows, err := s.db.R.QueryContext(ctx, q+` ORDER BY day, policy, team, action`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DayCount{}
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Day, &d.Policy, &d.Team, &d.Action, &d.Count); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateException stores an exception made through the API or CLI.
func (s *Store) CreateException(ctx context.Context, e config.PolicyException) (Exception, error) {
	ex, err := NewException(newID("exc_"), "api", e)
	if err != nil {
		return ex, api.Invalid("", "%v", err)
	}
	ex.CreatedAt = time.Now().UTC().Truncate(time.Millisecond) // when it was made, not the judged day
	_, err = s.db.W.ExecContext(ctx, `INSERT INTO policy_exceptions (id, policy, team, service, namespace, resource, reason, approver, expires, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		ex.ID, e.Policy, e.Team, e.Service, e.Namespace, e.Resource, e.Reason, e.Approver, e.Expires, ex.CreatedAt.UnixMilli())
	return ex, err
}

// Exceptions lists the stored, unrevoked exceptions (expired ones too:
// they show as expired rather than vanishing).
func (s *Store) Exceptions(ctx context.Context) ([]Exception, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id, policy, team, service, namespace, resource, reason, approver, expires, created_at
		FROM policy_exceptions WHERE revoked_at IS NULL ORDER BY expires, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Exception{}
	for rows.Next() {
		var e config.PolicyException
		var id string
		var created int64
		if err := rows.Scan(&id, &e.Policy, &e.Team, &e.Service, &e.Namespace, &e.Resource, &e.Reason, &e.Approver, &e.Expires, &created); err != nil {
			return nil, err
		}
		ex, err := NewException(id, "api", e)
		if err != nil {
			return nil, fmt.Errorf("stored exception %s: %w", id, err)
		}
		ex.CreatedAt = store.Time(created)
		out = append(out, ex)
	}
	return out, rows.Err()
}

// RevokeException stops an API exception from applying at once.
func (s *Store) RevokeException(ctx context.Context, id string) error {
	res, err := s.db.W.ExecContext(ctx, `UPDATE policy_exceptions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, id, store.Now())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return api.NotFound("exception %q does not exist or was already revoked (exceptions from paved.yaml are removed by editing the file)", id)
	}
	return nil
}

// Grace returns every team's onboarding grace period end.
func (s *Store) Grace(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT team, until_day FROM team_policy_grace`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var team, until string
		if err := rows.Scan(&team, &until); err != nil {
			return nil, err
		}
		if t, err := config.ParseDate(until); err == nil {
			out[team] = t
		}
	}
	return out, rows.Err()
}
