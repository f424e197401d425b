package usage

import "context"

// The summary's reads: each a few thousand rows at most, whatever the
// number of events.

// weekly returns the counts of every feature ("" for any) in the weeks
// from first to last (Mondays, inclusive).
func (s *usageStore) weekly(ctx context.Context, first, last string) (map[weekKey]weekCounts, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT week, feature, teams, users, events FROM usage_weekly
		WHERE week >= $1 AND week <= $2`, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[weekKey]weekCounts{}
	for rows.Next() {
		var k weekKey
		var c weekCounts
		if err := rows.Scan(&k.week, &k.feature, &c.teams, &c.users, &c.events); err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, rows.Err()
}

// featureTeams returns the teams that used each feature ("" for any) in
// a window that starts with week first and ends now.
func (s *usageStore) featureTeams(ctx context.Context, first string) (map[string][]string, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT feature, team FROM usage_feature_teams WHERE last_week >= $1`, first)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var f, t string
		if err := rows.Scan(&f, &t); err != nil {
			return nil, err
		}
		out[f] = append(out[f], t)
	}
	return out, rows.Err()
}

// featureActors returns how many actors used each feature ("" for any)
// in a window that starts with week first and ends now.
func (s *usageStore) featureActors(ctx context.Context, first string) (map[string]int, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT feature, COUNT(*) FROM usage_feature_actors WHERE last_week >= $1 GROUP BY feature`, first)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var f string
		var n int
		if err := rows.Scan(&f, &n); err != nil {
			return nil, err
		}
		out[f] = n
	}
	return out, rows.Err()
}

// seen returns every feature ever used with its first and last use.
func (s *usageStore) seen(ctx context.Context) (map[string]seenSpan, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT feature, first_seen, last_seen FROM usage_features`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]seenSpan{}
	for rows.Next() {
		var f string
		var sp seenSpan
		if err := rows.Scan(&f, &sp.first, &sp.last); err != nil {
			return nil, err
		}
		out[f] = sp
	}
	return out, rows.Err()
}
