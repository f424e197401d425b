package dora

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
)

// The store tests and the benchmark write the delivery tables directly,
// as ingest would leave them, so that they test reading and aggregating
// and nothing else.

var deploymentCols = []string{"id", "source", "repository", "service", "team", "environment", "production", "sha", "status",
	"rollback", "fixes", "deployed_at", "failure", "recovered_at", "recovered_by", "changes", "lead_times", "received_at"}

var changeCols = []string{"id", "repository", "service", "team", "kind", "number", "title", "sha",
	"first_commit_at", "merged_at", "deployment_id", "deployed_at", "received_at"}

var incidentCols = []string{"id", "source", "service", "team", "title", "opened_at", "resolved_at", "deployment_id", "link", "received_at"}

// deploymentRow is a deployment's row; leadTimes are its changes' lead
// times as ingest keeps them (see leadTimes).
func deploymentRow(d delivery.Deployment, leadTimes string) []any {
	var recovered int64
	if !d.RecoveredAt.IsZero() {
		recovered = d.RecoveredAt.UnixMilli()
	}
	return []any{d.ID, "api", d.Repository, d.Service, d.Team, d.Environment, d.Production, d.SHA, d.Status,
		d.Rollback, d.Fixes, d.DeployedAt.UnixMilli(), d.Failure, recovered, d.RecoveredBy, int64(d.Changes), leadTimes, d.DeployedAt.UnixMilli()}
}

// leadTimes is what ingest keeps in delivery_deployments.lead_times: per
// deployment, its linked changes' lead times in milliseconds, ascending.
func leadTimes(changes []delivery.Change) map[string]string {
	ms := map[string][]int64{}
	for _, c := range changes {
		if lead, ok := c.LeadTime(); ok {
			ms[c.DeploymentID] = append(ms[c.DeploymentID], lead.Milliseconds())
		}
	}
	out := map[string]string{}
	for id, list := range ms {
		slices.Sort(list)
		parts := make([]string, len(list))
		for i, v := range list {
			parts[i] = strconv.FormatInt(v, 10)
		}
		out[id] = strings.Join(parts, ",")
	}
	return out
}

func changeRow(c delivery.Change) []any {
	var deployed int64
	if !c.DeployedAt.IsZero() {
		deployed = c.DeployedAt.UnixMilli()
	}
	return []any{c.ID, c.Repository, c.Service, c.Team, c.Kind, c.Number, c.Title, c.SHA,
		c.FirstCommitAt.UnixMilli(), c.MergedAt.UnixMilli(), c.DeploymentID, deployed, c.MergedAt.UnixMilli()}
}

func incidentRow(in delivery.Incident) []any {
	var resolved int64
	if !in.ResolvedAt.IsZero() {
		resolved = in.ResolvedAt.UnixMilli()
	}
	return []any{in.ID, "api", in.Service, in.Team, in.Title, in.OpenedAt.UnixMilli(), resolved, in.DeploymentID, in.Link, in.OpenedAt.UnixMilli()}
}

// insertEvents writes events into the delivery tables in one transaction.
func insertEvents(t testing.TB, db *store.DB, deps []delivery.Deployment, changes []delivery.Change, incidents []delivery.Incident) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		var rows [][]any
		leads := leadTimes(changes)
		for _, d := range deps {
			rows = append(rows, deploymentRow(d, leads[d.ID]))
		}
		if err := insertRows(tx, "delivery_deployments", deploymentCols, rows); err != nil {
			return err
		}
		rows = nil
		for _, c := range changes {
			rows = append(rows, changeRow(c))
		}
		if err := insertRows(tx, "delivery_changes", changeCols, rows); err != nil {
			return err
		}
		rows = nil
		for _, in := range incidents {
			rows = append(rows, incidentRow(in))
		}
		return insertRows(tx, "delivery_incidents", incidentCols, rows)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// insertRows writes rows with multi-row INSERTs of a few thousand
// parameters each, well under both engines' limits.
func insertRows(tx *sql.Tx, table string, cols []string, rows [][]any) error {
	per := max(1, 8000/len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, n*len(cols))
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "$%d", len(args)+1)
				args = append(args, r[j])
			}
			b.WriteByte(')')
		}
		if _, err := tx.Exec(b.String(), args...); err != nil {
			return fmt.Errorf("inserting into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}
