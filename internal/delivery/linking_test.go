package delivery_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// wantChange is a change's expected link, in minutes from base (-1:
// none).
type wantChange struct {
	kind       string
	first      int
	merged     int
	deployment string // external id of the deployment, "" for none
	deployed   int
}

func checkChanges(t *testing.T, h *harness, service string, want map[string]wantChange) {
	t.Helper()
	got := h.changes(service)
	if len(got) != len(want) {
		t.Errorf("%s has %d changes, want %d: %+v", service, len(got), len(want), got)
	}
	ext := map[string]string{}
	for _, d := range h.deployments(service) {
		ext[d.ID] = d.ExternalID
	}
	for short, w := range want {
		c, ok := got[sha(short)]
		if !ok {
			t.Errorf("no change for commit %s", short)
			continue
		}
		g := wantChange{kind: c.Kind, first: minutesOf(c.FirstCommitAt), merged: minutesOf(c.MergedAt), deployment: ext[c.DeploymentID], deployed: minutesOf(c.DeployedAt)}
		if g != w {
			t.Errorf("change %s = %+v, want %+v", short, g, w)
		}
	}
}

// wantDeployment is a deployment's expected failure marking.
type wantDeployment struct {
	changes     int
	failure     string
	recovered   int    // minutes, -1 for not recovered
	recoveredBy string // external id of a deployment, or "incident"
}

func checkDeployments(t *testing.T, h *harness, service string, want map[string]wantDeployment) {
	t.Helper()
	got := h.deployments(service)
	ext := map[string]string{}
	for _, d := range got {
		ext[d.ID] = d.ExternalID
	}
	for _, in := range h.incidents(service) {
		ext[in.ID] = "incident"
	}
	for id, w := range want {
		d, ok := got[id]
		if !ok {
			t.Errorf("no deployment %s", id)
			continue
		}
		g := wantDeployment{changes: d.Changes, failure: d.Failure, recovered: minutesOf(d.RecoveredAt), recoveredBy: ext[d.RecoveredBy]}
		if g != w {
			t.Errorf("deployment %s = %+v, want %+v", id, g, w)
		}
	}
	checkLeadTimes(t, h, service)
}

// checkLeadTimes holds every deployment's lead_times, which DORA reads,
// to the lead times of the changes linked to it.
func checkLeadTimes(t *testing.T, h *harness, service string) {
	t.Helper()
	want := map[string][]int64{}
	for _, c := range h.changes(service) {
		if lead, ok := c.LeadTime(); ok {
			want[c.DeploymentID] = append(want[c.DeploymentID], lead.Milliseconds())
		}
	}
	for _, d := range h.deployments(service) {
		var stored string
		if err := h.db.R.QueryRow(`SELECT lead_times FROM delivery_deployments WHERE id = $1`, d.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		w := want[d.ID]
		slices.Sort(w)
		parts := make([]string, len(w))
		for i, ms := range w {
			parts[i] = strconv.FormatInt(ms, 10)
		}
		if got := strings.Join(parts, ","); stored != got {
			t.Errorf("deployment %s lead_times = %q, its changes say %q", d.ExternalID, stored, got)
		}
	}
}

// TestMultiMergeDeploySquash: a squash-merged and a merge-committed pull
// request and a direct commit reach production in one deployment; the
// commits of the pull requests are not changes of their own, and a
// staging deployment links nothing.
func TestMultiMergeDeploySquash(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		const repo = "bravo"
		h.ghPush(repo, "feat-a", ghCommit{"a1", 0, true}, ghCommit{"a2", 10, true})
		h.ghPush(repo, "master", ghCommit{"sa", 20, true}) // PR 1's squash commit, pushed before the merge event
		h.ghMerge(repo, 1, "sa", "feat-a", "a2", 5, 20)
		h.ghPush(repo, "master", ghCommit{"c1", 25, true}) // a direct commit
		h.ghPush(repo, "feat-b", ghCommit{"b1", 30, true})
		h.ghMerge(repo, 2, "mb", "feat-b", "b1", 31, 40) // the merge event before its push this time
		h.ghPush(repo, "master", ghCommit{"b1", 30, false}, ghCommit{"mb", 40, true})
		h.ghDeploy(repo, 50, "c1", "staging", "success", 50, nil)
		h.ghDeploy(repo, 60, "mb", "production", "success", 60, nil)

		checkChanges(t, h, repo, map[string]wantChange{
			"sa": {delivery.KindPullRequest, 0, 20, "60", 60},
			"c1": {delivery.KindCommit, 25, 25, "60", 60},
			"mb": {delivery.KindPullRequest, 30, 40, "60", 60},
		})
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"60": {changes: 3, recovered: -1},
			"50": {changes: 0, recovered: -1},
		})
		d := h.deployments(repo)
		if !d["60"].Production || d["60"].Environment != "prod" || d["50"].Production || d["50"].Environment != "staging" {
			t.Errorf("environments: %+v / %+v", d["60"], d["50"])
		}
		if n := h.count("delivery_commits", "repository = $1 AND landed IS NOT NULL", "https://github.com/acme/bravo"); n != 4 {
			t.Errorf("%d commits landed, want 4 (sa, c1, b1, mb)", n)
		}
	})
}

// TestOutOfOrder: a push arriving after the deployment of its commits,
// an older deployment arriving after a newer one, and a later failure
// status of a deployment that had changes.
func TestOutOfOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		const repo = "bravo"
		h.ghDeploy(repo, 200, "x2", "production", "success", 100, nil)
		checkDeployments(t, h, repo, map[string]wantDeployment{"200": {changes: 0, recovered: -1}})

		// Pushed together at 95: both merged then.
		h.ghPush(repo, "master", ghCommit{"x1", 90, true}, ghCommit{"x2", 95, true})
		checkChanges(t, h, repo, map[string]wantChange{
			"x1": {delivery.KindCommit, 90, 95, "200", 100},
			"x2": {delivery.KindCommit, 95, 95, "200", 100},
		})
		checkDeployments(t, h, repo, map[string]wantDeployment{"200": {changes: 2, recovered: -1}})

		// An earlier deployment of x1 arrives late: x1 reached production with it.
		h.ghDeploy(repo, 199, "x1", "production", "success", 80, nil)
		checkChanges(t, h, repo, map[string]wantChange{
			"x1": {delivery.KindCommit, 90, 95, "199", 80},
			"x2": {delivery.KindCommit, 95, 95, "200", 100},
		})
		checkDeployments(t, h, repo, map[string]wantDeployment{"199": {changes: 1, recovered: -1}, "200": {changes: 1, recovered: -1}})

		// A later status says 200 failed after all: x2 is not in production.
		h.ghDeploy(repo, 200, "x2", "production", "failure", 101, nil)
		checkChanges(t, h, repo, map[string]wantChange{
			"x1": {delivery.KindCommit, 90, 95, "199", 80},
			"x2": {delivery.KindCommit, 95, 95, "", -1},
		})
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"199": {changes: 1, recovered: -1},
			"200": {changes: 0, failure: delivery.FailureFailed, recovered: -1},
		})
		if n := h.count("delivery_deployments", "repository = $1", "https://github.com/acme/bravo"); n != 2 {
			t.Errorf("%d deployments, want 2: a later status updates its deployment", n)
		}

		// The next successful deployment ships x2 and recovers 200.
		h.ghPush(repo, "master", ghCommit{"x3", 110, true})
		h.ghDeploy(repo, 201, "x3", "production", "success", 120, nil)
		checkChanges(t, h, repo, map[string]wantChange{
			"x1": {delivery.KindCommit, 90, 95, "199", 80},
			"x2": {delivery.KindCommit, 95, 95, "201", 120},
			"x3": {delivery.KindCommit, 110, 110, "201", 120},
		})
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"200": {changes: 0, failure: delivery.FailureFailed, recovered: 120, recoveredBy: "201"},
			"201": {changes: 2, recovered: -1},
		})
	})
}

// TestRollbackAndFix: failure marking from a rollback, a fix naming a
// GitHub deployment id, and a fix naming a commit.
func TestRollbackAndFix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		const repo = "charlie"
		h.ghDeploy(repo, 3001, "aaa", "production", "success", 0, nil)
		h.ghDeploy(repo, 3002, "bbb", "production", "success", 60, nil)
		h.ghDeploy(repo, 3003, "aaa", "production", "success", 90, map[string]any{"rollback": true})
		h.ghDeploy(repo, 3004, "ddd", "production", "in_progress", 140, nil) // not an outcome: acknowledged only
		h.ghDeploy(repo, 3004, "ddd", "production", "failure", 150, nil)
		h.ghDeploy(repo, 3005, "eee", "production", "success", 170, map[string]any{"fixes": "3004"})
		h.ghDeploy(repo, 3006, "fff", "production", "success", 200, nil)
		// The payload may be a JSON string, as the GitHub API allows.
		h.ghDeploy(repo, 3007, "ggg", "production", "success", 230, `{"fixes": "`+sha("fff")[:10]+`"}`)

		checkDeployments(t, h, repo, map[string]wantDeployment{
			"3001": {recovered: -1},
			"3002": {failure: delivery.FailureRolledBack, recovered: 90, recoveredBy: "3003"},
			"3003": {recovered: -1},
			"3004": {failure: delivery.FailureFailed, recovered: 170, recoveredBy: "3005"},
			"3005": {recovered: -1},
			"3006": {failure: delivery.FailureFixed, recovered: 230, recoveredBy: "3007"},
			"3007": {recovered: -1},
		})
		d := h.deployments(repo)
		if !d["3003"].Rollback || d["3005"].Fixes != "3004" || !d["3005"].Unplanned() || d["3002"].Unplanned() {
			t.Errorf("unplanned work not recorded: %+v %+v", d["3003"], d["3005"])
		}
		if n := h.count("delivery_events", "kind = 'deployment_status.in_progress' AND outcome = 'ignored'"); n != 1 {
			t.Errorf("in_progress recorded %d times as ignored, want 1", n)
		}

		// A rollback arriving before the deployment it rolls back (out
		// of order) still marks it once that arrives.
		h.ghDeploy(repo, 3010, "hhh", "production", "success", 300, map[string]any{"rollback": true})
		h.ghDeploy(repo, 3009, "iii", "production", "success", 280, nil)
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"3009": {failure: delivery.FailureRolledBack, recovered: 300, recoveredBy: "3010"},
			"3007": {recovered: -1},
		})
	})
}

// TestIncidentLinks: window links, an explicit link through the API, an
// incident with no deployment in its window, and one linked later when
// an out-of-order deployment arrives; a staging deployment never takes
// an incident.
func TestIncidentLinks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		const repo = "delta"
		h.ghDeploy(repo, 4001, "d1", "production", "success", 0, nil)
		h.ghDeploy(repo, 4002, "d2", "production", "success", 120, nil)
		h.ghIssue(repo, "opened", 7, []string{"bug", "Incident"}, 180, -1)
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"4001": {recovered: -1},
			"4002": {failure: delivery.FailureIncident, recovered: -1},
		})
		h.ghIssue(repo, "closed", 7, []string{"bug", "Incident"}, 180, 240)
		checkDeployments(t, h, repo, map[string]wantDeployment{"4002": {failure: delivery.FailureIncident, recovered: 240, recoveredBy: "incident"}})

		// Explicit: the API names GitHub deployment 4001.
		status, body := h.api("POST", "/api/v1/incidents", "ingest", nil,
			[]byte(`{"service": "delta", "external_id": "INC-9", "title": "Login loop", "opened_at": "`+rfc(300)+`", "deployment": "4001"}`))
		if status != 201 {
			t.Fatalf("POST /api/v1/incidents = %d %s", status, body)
		}
		checkDeployments(t, h, repo, map[string]wantDeployment{"4001": {failure: delivery.FailureIncident, recovered: -1}})

		// Nothing deployed within 24 h before it: no link.
		h.ghIssue(repo, "opened", 8, []string{"incident"}, 30*60, -1)
		// A production deployment 29 h in arrives late and takes it; a
		// staging one after it does not.
		h.ghDeploy(repo, 4003, "d3", "production", "success", 29*60, nil)
		h.ghDeploy(repo, 4004, "d4", "staging", "success", 29*60+30, nil)

		incs := h.incidents(repo)
		deps := h.deployments(repo)
		want := map[string]struct{ deployment, link string }{
			"https://github.com/acme/delta#7": {"4002", delivery.LinkWindow},
			"INC-9":                           {"4001", delivery.LinkExplicit},
			"https://github.com/acme/delta#8": {"4003", delivery.LinkWindow},
		}
		ext := map[string]string{}
		for _, d := range deps {
			ext[d.ID] = d.ExternalID
		}
		if len(incs) != len(want) {
			t.Errorf("incidents = %+v", incs)
		}
		for id, w := range want {
			in := incs[id]
			if ext[in.DeploymentID] != w.deployment || in.Link != w.link {
				t.Errorf("incident %s linked to %q by %q, want %q by %q", id, ext[in.DeploymentID], in.Link, w.deployment, w.link)
			}
		}
		if in := incs["INC-9"]; in.Title != "Login loop" || in.Team != "acme" || in.Source != delivery.SourceAPI {
			t.Errorf("API incident = %+v", in)
		}

		// Resolving through the API by its id only keeps its owner.
		status, body = h.api("POST", "/api/v1/incidents", "ingest", nil, []byte(`{"external_id": "INC-9", "resolved_at": "`+rfc(330)+`"}`))
		if status != 201 {
			t.Fatalf("resolve = %d %s", status, body)
		}
		checkDeployments(t, h, repo, map[string]wantDeployment{
			"4001": {failure: delivery.FailureIncident, recovered: 330, recoveredBy: "incident"},
			"4003": {failure: delivery.FailureIncident, recovered: -1},
			"4004": {recovered: -1},
		})
		if in := h.incidents(repo)["INC-9"]; in.Service != "delta" || minutesOf(in.ResolvedAt) != 330 {
			t.Errorf("resolved incident = %+v", in)
		}

		// Removing the label withdraws incident 8: 4003 is no longer failed.
		body = payload(t, "github/issues_labeled.json", merge(ghRepo(repo), map[string]any{"action": "unlabeled", "issue.number": 8,
			"issue.labels": []any{}, "label": map[string]any{"name": "incident"}, "issue.created_at": rfc(30 * 60)}))
		h.github("issues", body, 200)
		checkDeployments(t, h, repo, map[string]wantDeployment{"4003": {recovered: -1}})
	})
}

// TestProductionOverride: delivery.services.echo.production_environments
// makes "live" production for echo only.
func TestProductionOverride(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		h.ghPush("echo", "master", ghCommit{"e1", 0, true})
		h.ghDeploy("echo", 5001, "e1", "prod", "success", 10, nil)
		h.ghDeploy("echo", 5002, "e1", "live", "success", 20, nil)
		d := h.deployments("echo")
		if d["5001"].Production || !d["5002"].Production {
			t.Errorf("echo: prod production=%v, live production=%v; want false, true", d["5001"].Production, d["5002"].Production)
		}
		checkChanges(t, h, "echo", map[string]wantChange{"e1": {delivery.KindCommit, 0, 0, "5002", 20}})
	})
}
