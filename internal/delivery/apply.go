package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/store"
)

// txn is one event being applied: the transaction, and the deployments
// whose change counts must be recounted before it ends.
type txn struct {
	ctx     context.Context
	tx      *sql.Tx
	s       *Service
	dialect store.Dialect
	now     int64
	// recount maps deployment id → repository for every deployment a
	// change was linked to or unlinked from.
	recount map[string]string
}

func (t *txn) touch(deploymentID, repository string) {
	if deploymentID != "" {
		t.recount[deploymentID] = repository
	}
}

// apply writes one event in tx: the idempotency record first (a replay
// stops there), then its operation with all the linking it implies.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, ev *event) (outcome, error) {
	t := &txn{ctx: ctx, tx: tx, s: s, dialect: s.db.Dialect, now: s.nowMS(), recount: map[string]string{}}
	state := "applied"
	if ev.ignored != "" {
		state = "ignored"
	}
	res, err := t.execResult(`INSERT INTO delivery_events (key, source, kind, outcome, repository, received_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
		ev.key, ev.source, clip(ev.kind, 200), state, ev.repository, t.now)
	if err != nil {
		return outcome{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return outcome{}, err
	} else if n == 0 {
		return outcome{duplicate: true}, nil
	}
	var out outcome
	switch {
	case ev.ignored != "":
	case ev.deploy != nil:
		out.id, err = t.applyDeploy(ev, ev.deploy)
	case ev.push != nil:
		err = t.applyPush(ev.push)
	case ev.change != nil:
		out.id, err = t.applyChange(ev.change)
	case ev.incident != nil:
		out.id, err = t.applyIncident(ev, ev.incident)
	}
	if err == nil {
		err = t.recountChanges()
	}
	if err != nil {
		return outcome{}, fmt.Errorf("applying %s %s: %w", ev.source, ev.kind, err)
	}
	return out, nil
}

// recountChanges keeps delivery_deployments.changes and lead_times equal
// to the changes linked to each deployment this event touched.
func (t *txn) recountChanges() error {
	ids := make([]string, 0, len(t.recount))
	for id := range t.recount {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var leads []int64
	var b strings.Builder
	for _, id := range ids {
		// A linked change carries its deployment's time: that narrows the
		// lookup to the index range of this one deployment.
		rows, err := t.query(`SELECT c.deployed_at - c.first_commit_at FROM delivery_changes c
			JOIN delivery_deployments d ON d.id = $1
			WHERE c.repository = $2 AND c.deployed_at = d.deployed_at AND c.deployment_id = $1`, id, t.recount[id])
		if err != nil {
			return err
		}
		leads = leads[:0]
		for rows.Next() {
			var ms int64
			if err := rows.Scan(&ms); err != nil {
				rows.Close()
				return err
			}
			leads = append(leads, ms)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.Sort(leads)
		b.Reset()
		for i, ms := range leads {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatInt(ms, 10))
		}
		if err := t.exec(`UPDATE delivery_deployments SET changes = $2, lead_times = $3 WHERE id = $1`, id, len(leads), b.String()); err != nil {
			return err
		}
	}
	return nil
}

// countUnowned records an event for an owner the catalog does not know.
func (t *txn) countUnowned(o owner) error {
	key := o.unownedKey()
	if key == "" {
		return nil
	}
	return t.exec(`INSERT INTO delivery_unowned (repository, events, first_seen, last_seen) VALUES ($1, 1, $2, $2)
		ON CONFLICT (repository) DO UPDATE SET events = delivery_unowned.events + 1, last_seen = excluded.last_seen`, key, t.now)
}

// inList renders n placeholders starting at $first: "$3, $4, $5".
func inList(first, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", first+i)
	}
	return b.String()
}

// stream is the deployments one failure/recovery and incident window
// reasons about: a service's, or for events no service owns, a
// repository's.
type stream struct {
	service, repository string
}

func (st stream) valid() bool { return st.service != "" || st.repository != "" }

// where renders the stream as a condition on a table with service and
// repository columns, its value bound to $n.
func (st stream) where(n int) (string, any) {
	if st.service != "" {
		return fmt.Sprintf("service = $%d", n), st.service
	}
	return fmt.Sprintf("service = '' AND repository = $%d", n), st.repository
}

// landed returns the landing order of a commit, ok false when it has not
// landed on the default branch (or is unknown).
func (t *txn) landed(repository, sha string) (order int64, ok bool, err error) {
	if repository == "" || sha == "" {
		return 0, false, nil
	}
	var l sql.NullInt64
	err = t.queryRow(`SELECT landed FROM delivery_commits WHERE repository = $1 AND sha = $2`, repository, sha).Scan(&l)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return l.Int64, l.Valid, err
}
