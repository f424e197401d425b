package usage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/store"
)

// usageStore reads and writes the usage tables.
type usageStore struct {
	db *store.DB
}

// record is an event ready to store: its team mapped onto the catalog
// and its actor hashed.
type record struct {
	id, feature, action, team, actor string
	at                               time.Time
	properties                       string
}

// Rollup keys.
type (
	dayKey     struct{ day, feature, action, team, actor string }
	weekKey    struct{ week, feature string }
	presentKey struct{ week, feature, who string }
	featureKey struct{ feature, who string }
	seenSpan   struct{ first, last int64 }
)

// weekCounts are one week's figures for one feature.
type weekCounts struct{ teams, users, events int64 }

// dayOf and weekOf are the rollup periods of t (UTC): its date, and the
// date of the Monday of its week.
func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func weekOf(t time.Time) string { return WeekStart(t).Format(time.DateOnly) }

// WeekStart is midnight UTC of the Monday of t's week.
func WeekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// write stores recs in one transaction: the events whose id is new, and
// the rollups of exactly those. It returns how many were new.
func (s *usageStore) write(ctx context.Context, recs []record, receivedAt time.Time) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	// Within one batch the first of an id wins, as it would across
	// batches.
	seen := make(map[string]bool, len(recs))
	unique := recs[:0:0]
	for _, r := range recs {
		if !seen[r.id] {
			seen[r.id] = true
			unique = append(unique, r)
		}
	}
	// In id order, like the rollups in key order: two batches sharing ids
	// on PostgreSQL must not each wait for the other.
	slices.SortFunc(unique, func(a, b record) int { return strings.Compare(a.id, b.id) })
	recorded := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows := make([][]any, len(unique))
		for i, r := range unique {
			rows[i] = []any{r.id, r.feature, r.action, r.team, r.actor, r.at.UnixMilli(), r.properties, receivedAt.UnixMilli()}
		}
		fresh := make(map[string]bool, len(unique))
		err := s.insert(ctx, tx, "usage_events", []string{"id", "feature", "action", "team", "actor", "at", "properties", "received_at"}, rows,
			"ON CONFLICT (id) DO NOTHING RETURNING id", func(r *sql.Rows) error {
				var id string
				if err := r.Scan(&id); err != nil {
					return err
				}
				fresh[id] = true
				return nil
			})
		if err != nil {
			return err
		}
		news := unique[:0:0]
		for _, r := range unique {
			if fresh[r.id] {
				news = append(news, r)
			}
		}
		recorded = len(news)
		return s.rollUp(ctx, tx, news)
	})
	return recorded, err
}

// rollUp adds recs to the rollups: daily counts; per week the teams and
// actors present, and the counts of those and of events; per feature the
// last week of each team and actor; and each feature's first and last
// use. Rows go in key order so that concurrent writers on PostgreSQL lock
// them in the same order and cannot deadlock.
func (s *usageStore) rollUp(ctx context.Context, tx *sql.Tx, recs []record) error {
	if len(recs) == 0 {
		return nil
	}
	daily := map[dayKey]int64{}
	weekly := map[weekKey]*weekCounts{}
	teams, actors := map[presentKey]bool{}, map[presentKey]bool{}
	teamLast, actorLast := map[featureKey]string{}, map[featureKey]string{}
	features := map[string]seenSpan{}
	for _, r := range recs {
		day, week := dayOf(r.at), weekOf(r.at)
		daily[dayKey{day, r.feature, r.action, r.team, r.actor}]++
		// Feature "" is the platform as a whole.
		for _, f := range []string{r.feature, ""} {
			wk := weekKey{week, f}
			if weekly[wk] == nil {
				weekly[wk] = &weekCounts{}
			}
			weekly[wk].events++
			if r.team != "" {
				teams[presentKey{week, f, r.team}] = true
				teamLast[featureKey{f, r.team}] = max(teamLast[featureKey{f, r.team}], week)
			}
			if r.actor != "" {
				actors[presentKey{week, f, r.actor}] = true
				actorLast[featureKey{f, r.actor}] = max(actorLast[featureKey{f, r.actor}], week)
			}
		}
		ms := r.at.UnixMilli()
		if sp, ok := features[r.feature]; ok {
			features[r.feature] = seenSpan{min(sp.first, ms), max(sp.last, ms)}
		} else {
			features[r.feature] = seenSpan{ms, ms}
		}
	}

	dk := mapKeys(daily, func(a, b dayKey) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.feature, b.feature), strings.Compare(a.action, b.action),
			strings.Compare(a.team, b.team), strings.Compare(a.actor, b.actor))
	})
	rows := make([][]any, len(dk))
	for i, k := range dk {
		rows[i] = []any{k.day, k.feature, k.action, k.team, k.actor, daily[k]}
	}
	if err := s.insert(ctx, tx, "usage_daily", []string{"day", "feature", "action", "team", "actor", "events"}, rows,
		"ON CONFLICT (day, feature, action, team, actor) DO UPDATE SET events = usage_daily.events + excluded.events", nil); err != nil {
		return err
	}

	// A presence row inserted now is a team or actor new to that week
	// and feature: one more in its count. One already there (from an
	// earlier batch, or a concurrent one on PostgreSQL, which waits for
	// it) is not returned, so nobody is counted twice.
	present := func(table, column string, set map[presentKey]bool, count func(*weekCounts)) error {
		keys := mapKeys(set, comparePresent)
		rows := make([][]any, len(keys))
		for i, k := range keys {
			rows[i] = []any{k.week, k.feature, k.who}
		}
		return s.insert(ctx, tx, table, []string{"week", "feature", column}, rows,
			"ON CONFLICT (week, feature, "+column+") DO NOTHING RETURNING week, feature", func(r *sql.Rows) error {
				var k weekKey
				if err := r.Scan(&k.week, &k.feature); err != nil {
					return err
				}
				count(weekly[k])
				return nil
			})
	}
	if err := present("usage_weekly_teams", "team", teams, func(c *weekCounts) { c.teams++ }); err != nil {
		return err
	}
	if err := present("usage_weekly_actors", "actor", actors, func(c *weekCounts) { c.users++ }); err != nil {
		return err
	}

	wk := mapKeys(weekly, func(a, b weekKey) int {
		return cmp.Or(strings.Compare(a.week, b.week), strings.Compare(a.feature, b.feature))
	})
	rows = make([][]any, len(wk))
	for i, k := range wk {
		c := weekly[k]
		rows[i] = []any{k.week, k.feature, c.teams, c.users, c.events}
	}
	if err := s.insert(ctx, tx, "usage_weekly", []string{"week", "feature", "teams", "users", "events"}, rows,
		`ON CONFLICT (week, feature) DO UPDATE SET teams = usage_weekly.teams + excluded.teams,
			users = usage_weekly.users + excluded.users, events = usage_weekly.events + excluded.events`, nil); err != nil {
		return err
	}

	last := func(table, column string, m map[featureKey]string) error {
		keys := mapKeys(m, func(a, b featureKey) int {
			return cmp.Or(strings.Compare(a.feature, b.feature), strings.Compare(a.who, b.who))
		})
		rows := make([][]any, len(keys))
		for i, k := range keys {
			rows[i] = []any{k.feature, k.who, m[k]}
		}
		return s.insert(ctx, tx, table, []string{"feature", column, "last_week"}, rows,
			"ON CONFLICT (feature, "+column+") DO UPDATE SET last_week = CASE WHEN excluded.last_week > "+table+".last_week THEN excluded.last_week ELSE "+table+".last_week END", nil)
	}
	if err := last("usage_feature_teams", "team", teamLast); err != nil {
		return err
	}
	if err := last("usage_feature_actors", "actor", actorLast); err != nil {
		return err
	}

	fk := mapKeys(features, strings.Compare)
	rows = make([][]any, len(fk))
	for i, f := range fk {
		rows[i] = []any{f, features[f].first, features[f].last}
	}
	return s.insert(ctx, tx, "usage_features", []string{"feature", "first_seen", "last_seen"}, rows,
		`ON CONFLICT (feature) DO UPDATE SET
			first_seen = CASE WHEN excluded.first_seen < usage_features.first_seen THEN excluded.first_seen ELSE usage_features.first_seen END,
			last_seen = CASE WHEN excluded.last_seen > usage_features.last_seen THEN excluded.last_seen ELSE usage_features.last_seen END`, nil)
}

func comparePresent(a, b presentKey) int {
	return cmp.Or(strings.Compare(a.week, b.week), strings.Compare(a.feature, b.feature), strings.Compare(a.who, b.who))
}

func mapKeys[K comparable, V any](m map[K]V, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compare)
	return keys
}

// maxParams bounds the placeholders of one statement, well within
// SQLite's and PostgreSQL's limits.
const maxParams = 4000

// insert writes rows into table's columns, many rows per statement, each
// statement ending with suffix (an ON CONFLICT clause). When scan is
// given the statements are queries (suffix has RETURNING) and scan reads
// each row they return. SQLite gets ? placeholders: it looks $N names up
// one by one, which makes a statement of thousands of them slow to
// prepare.
func (s *usageStore) insert(ctx context.Context, tx *sql.Tx, table string, columns []string, rows [][]any, suffix string, scan func(*sql.Rows) error) error {
	per := max(maxParams/len(columns), 1)
	for len(rows) > 0 {
		chunk := rows[:min(per, len(rows))]
		rows = rows[len(chunk):]
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(columns))
		for i, row := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					b.WriteByte(',')
				}
				args = append(args, v)
				if s.db.Dialect == store.Postgres {
					fmt.Fprintf(&b, "$%d", len(args))
				} else {
					b.WriteByte('?')
				}
			}
			b.WriteByte(')')
		}
		b.WriteString(" " + suffix)
		if scan == nil {
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return fmt.Errorf("writing %s: %w", table, err)
			}
			continue
		}
		rs, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
		for rs.Next() {
			if err := scan(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := rs.Close(); err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return fmt.Errorf("writing %s: %w", table, err)
		}
	}
	return nil
}

// prune deletes the events received before cutoff; their rollups stay.
func (s *usageStore) prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.W.ExecContext(ctx, `DELETE FROM usage_events WHERE received_at < $1`, cutoff.UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
