package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// surveyStore reads and writes the survey tables.
type surveyStore struct {
	db *store.DB
}

// errUsed is what submit returns when the invite was used meanwhile.
var errUsed = errors.New("invite already used")

const surveyColumns = `id, title, kind, opens_on, closes_on, teams, questions, source, created_at`

type scanner interface{ Scan(...any) error }

func scanSurvey(row scanner) (Survey, error) {
	var d config.SurveyDefinition
	var teams, extra, source string
	var created int64
	if err := row.Scan(&d.ID, &d.Title, &d.Kind, &d.Opens, &d.Closes, &teams, &extra, &source, &created); err != nil {
		return Survey{}, err
	}
	if err := json.Unmarshal([]byte(teams), &d.Teams); err != nil {
		return Survey{}, fmt.Errorf("survey %s: reading its teams: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(extra), &d.Questions); err != nil {
		return Survey{}, fmt.Errorf("survey %s: reading its questions: %w", d.ID, err)
	}
	return fromDefinition(d, source, store.Time(created)), nil
}

// get returns a survey, or sql.ErrNoRows.
func (s *surveyStore) get(ctx context.Context, id string) (Survey, error) {
	return scanSurvey(s.db.R.QueryRowContext(ctx, `SELECT `+surveyColumns+` FROM surveys WHERE id = $1`, id))
}

// list returns every survey, the latest to close first.
func (s *surveyStore) list(ctx context.Context) ([]Survey, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+surveyColumns+` FROM surveys ORDER BY closes_on DESC, opens_on DESC, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Survey{}
	for rows.Next() {
		sv, err := scanSurvey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// insert adds a new survey; it reports false when the id is taken.
func (s *surveyStore) insert(ctx context.Context, sv Survey) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, `INSERT INTO surveys (`+surveyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO NOTHING`,
		sv.ID, sv.Title, sv.Kind, sv.Opens, sv.Closes, jsonText(sv.Teams), jsonText(sv.Extra), sv.Source, sv.CreatedAt.UnixMilli())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// update rewrites a survey's definition and source.
func (s *surveyStore) update(ctx context.Context, sv Survey) error {
	_, err := s.db.W.ExecContext(ctx, `UPDATE surveys SET title = $2, kind = $3, opens_on = $4, closes_on = $5, teams = $6, questions = $7, source = $8
		WHERE id = $1`, sv.ID, sv.Title, sv.Kind, sv.Opens, sv.Closes, jsonText(sv.Teams), jsonText(sv.Extra), sv.Source)
	return err
}

// responseCount counts a survey's answers.
func (s *surveyStore) responseCount(ctx context.Context, id string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1`, id).Scan(&n)
	return n, err
}

// participation counts invites and answers per team.
func (s *surveyStore) participation(ctx context.Context, id string) ([]TeamParticipation, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT team, COUNT(*), SUM(CASE WHEN used_on <> '' THEN 1 ELSE 0 END)
		FROM survey_invites WHERE survey_id = $1 GROUP BY team ORDER BY team`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TeamParticipation{}
	for rows.Next() {
		var p TeamParticipation
		if err := rows.Scan(&p.Team, &p.Invited, &p.Responses); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// totals counts invites and answers per survey.
func (s *surveyStore) totals(ctx context.Context) (map[string]TeamParticipation, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT survey_id, COUNT(*), SUM(CASE WHEN used_on <> '' THEN 1 ELSE 0 END)
		FROM survey_invites GROUP BY survey_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]TeamParticipation{}
	for rows.Next() {
		var id string
		var p TeamParticipation
		if err := rows.Scan(&id, &p.Invited, &p.Responses); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}

// insertInvites stores the hashes of new invites of one team.
func (s *surveyStore) insertInvites(ctx context.Context, id, team, day string, hashes []string) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO survey_invites (token_hash, survey_id, team, created_on) VALUES ($1, $2, $3, $4)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, h := range hashes {
			if _, err := stmt.ExecContext(ctx, h, id, team, day); err != nil {
				return err
			}
		}
		return nil
	})
}

// invite is an invite as stored.
type invite struct {
	surveyID, team, usedOn string
}

// lookup finds an invite by its token's hash, or sql.ErrNoRows.
func (s *surveyStore) lookup(ctx context.Context, hash string) (invite, error) {
	var inv invite
	err := s.db.R.QueryRowContext(ctx, `SELECT survey_id, team, used_on FROM survey_invites WHERE token_hash = $1`, hash).
		Scan(&inv.surveyID, &inv.team, &inv.usedOn)
	return inv, err
}

// submit marks the invite used and stores the answer in one transaction.
// Only an invite still unused is marked, so of two submissions racing
// with one link exactly one stores its answer; the other gets errUsed.
func (s *surveyStore) submit(ctx context.Context, hash string, inv invite, day string, a Answers) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE survey_invites SET used_on = $1 WHERE token_hash = $2 AND used_on = ''`, day, hash)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return errUsed
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_responses (id, survey_id, team, day, answers) VALUES ($1, $2, $3, $4, $5)`,
			newID(), inv.surveyID, inv.team, day, jsonText(a))
		return err
	})
}

// Response is one stored answer: its team and what was answered. It
// carries nothing that leads back to an invite.
type Response struct {
	Team    string
	Answers Answers
}

// responses returns a survey's answers in the order of their random ids,
// which is no order at all: not the order they came in.
func (s *surveyStore) responses(ctx context.Context, id string) ([]Response, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT team, answers FROM survey_responses WHERE survey_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Response
	for rows.Next() {
		var r Response
		var raw string
		if err := rows.Scan(&r.Team, &raw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(raw), &r.Answers); err != nil {
			return nil, fmt.Errorf("survey %s: reading an answer: %w", id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
