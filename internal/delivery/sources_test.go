package delivery_test

import (
	"encoding/json"
	"github.com/paved-dev/paved/internal/catalog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// TestGitLabFlow: a merge request's branch, its merge commit landing, a
// deployment, and an incident issue opened and closed, through the
// GitLab webhook with its token.
func TestGitLabFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		body := readFile(t, "gitlab/deployment.json")
		for _, tok := range []string{"", "wrong"} {
			status, out := h.post("/webhooks/gitlab", map[string]string{"X-Gitlab-Token": tok}, body)
			if status != 401 || !strings.Contains(string(out), "X-Gitlab-Token") {
				t.Errorf("token %q: %d %s", tok, status, out)
			}
		}
		if n := h.count("delivery_events", ""); n != 0 {
			t.Fatalf("rejected deliveries stored %d events", n)
		}

		const mergeSHA = "4a1d7e9b2c3f5a6b7c8d9e0f1a2b3c4d5e6f7a8b"
		h.gitlab("Push Hook", readFile(t, "gitlab/push_branch.json"), 200) // da15608 on ms-viewport, 09:12 +02:00
		h.gitlab("Merge Request Hook", readFile(t, "gitlab/merge_request_open.json"), 202)
		h.gitlab("Merge Request Hook", readFile(t, "gitlab/merge_request_merge.json"), 200)
		// The merge lands on master: the branch commit and the merge commit.
		h.gitlab("Push Hook", payload(t, "gitlab/push.json", map[string]any{"commits": []any{
			map[string]any{"id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "timestamp": "2021-04-29T09:12:00+02:00", "title": "fixed readme"},
			map[string]any{"id": mergeSHA, "timestamp": "2021-04-29T12:05:00+02:00", "title": "Merge branch 'ms-viewport' into 'master'"},
		}}), 200)
		h.gitlab("Deployment Hook", payload(t, "gitlab/deployment.json", map[string]any{"deployment_id": 16,
			"commit_url": "http://10.126.0.2:3000/root/test-deployment-webhooks/-/commit/" + mergeSHA, "status_changed_at": "2021-04-29 12:30:00 +0200"}), 200)
		h.gitlab("Issue Hook", payload(t, "gitlab/issue_incident_open.json", map[string]any{"object_attributes.created_at": "2021-04-29T11:00:00Z"}), 200)
		h.gitlab("Issue Hook", payload(t, "gitlab/issue_incident_close.json", map[string]any{"object_attributes.created_at": "2021-04-29T11:00:00Z",
			"object_attributes.closed_at": "2021-04-29T11:45:00Z"}), 200)

		changes := h.changes("gitlab-app")
		if len(changes) != 1 {
			t.Fatalf("changes = %+v, want the merge request only (its branch commit is not a direct change)", changes)
		}
		c := changes[mergeSHA]
		deps := h.deployments("gitlab-app")
		d := deps["16"]
		if c.Kind != delivery.KindMergeRequest || c.Number != 1 || c.FirstCommitAt.Format("15:04") != "07:12" || c.DeploymentID != d.ID {
			t.Errorf("merge request change = %+v (deployment %s)", c, d.ID)
		}
		if lead, ok := c.LeadTime(); !ok || lead.String() != "3h18m0s" {
			t.Errorf("lead time = %v %v, want 3h18m (07:12 first commit to 10:30 deployment, UTC)", lead, ok)
		}
		if d.Changes != 1 || d.Failure != delivery.FailureIncident || d.RecoveredAt.Format("15:04") != "11:45" || !d.Production {
			t.Errorf("deployment = %+v", d)
		}
		in := h.incidents("gitlab-app")["https://10.126.0.2:3000/root/test-deployment-webhooks#23"]
		if in.DeploymentID != d.ID || in.Link != delivery.LinkWindow || in.ResolvedAt.Format("15:04") != "11:45" {
			t.Errorf("incident = %+v", in)
		}
	})
}

// TestCDEventsFlow: binary and structured CloudEvents, a change.merged,
// a deployment naming its commit by purl, a rollback, and an incident
// detected and resolved.
func TestCDEventsFlow(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		send := func(headers map[string]string, body []byte, want int) []byte {
			t.Helper()
			if headers == nil {
				headers = map[string]string{}
			}
			if _, ok := headers["Authorization"]; !ok {
				headers["Authorization"] = "Bearer " + cdToken
			}
			status, out := h.post("/webhooks/cdevents", headers, body)
			if status != want {
				t.Fatalf("POST /webhooks/cdevents = %d %s, want %d", status, out, want)
			}
			return out
		}
		binary := func(id, typ string) map[string]string {
			return map[string]string{"Ce-Id": id, "Ce-Source": "/argo/prod", "Ce-Type": typ, "Ce-Specversion": "1.0", "Content-Type": "application/json"}
		}
		for _, auth := range []string{"", "Bearer nope", "Basic " + cdToken} {
			status, _ := h.post("/webhooks/cdevents", map[string]string{"Authorization": auth}, readFile(t, "cdevents/v0.5/service_deployed.json"))
			if status != 401 {
				t.Errorf("Authorization %q = %d, want 401", auth, status)
			}
		}

		// A commit pushed straight to main, via the API's deployment commits
		// list, then a v0.4 change.merged with its commit in customData.
		status, out := h.api("POST", "/api/v1/deployments", "ingest", nil, []byte(`{"service": "myapp", "environment": "staging", "sha": "`+sha("m1")+`",
			"deployed_at": "`+rfc(5)+`", "commits": [{"sha": "`+sha("m0")+`", "timestamp": "`+rfc(0)+`"}, {"sha": "`+sha("m1")+`", "timestamp": "`+rfc(2)+`"}]}`))
		if status != 201 {
			t.Fatalf("staging deployment = %d %s", status, out)
		}
		send(nil, payload(t, "cdevents/v0.4/change_merged.json", map[string]any{"context.id": "cm-1", "context.timestamp": rfc(20),
			"subject.id": "17", "subject.content.repository": map[string]any{"id": "acme/myapp", "source": "https://github.com"},
			"customData": map[string]any{"mergeCommitSha": sha("m2"), "firstCommitAt": rfc(10)}}), 200)
		// The merge commit lands through the API, as pushes do not reach paved here.
		status, out = h.api("POST", "/api/v1/deployments", "ingest", nil, []byte(`{"service": "myapp", "environment": "staging", "sha": "`+sha("m2")+`",
			"deployed_at": "`+rfc(25)+`", "commits": [{"sha": "`+sha("m2")+`", "timestamp": "`+rfc(20)+`"}]}`))
		if status != 201 {
			t.Fatalf("staging deployment = %d %s", status, out)
		}

		// Binary mode, v0.5: production deployment of m2 by its purl.
		send(binary("dep-1", "dev.cdevents.service.deployed.0.3.0"), payload(t, "cdevents/v0.5/service_deployed.json", map[string]any{
			"context.timestamp": rfc(30), "subject.id": "production/myapp", "subject.content.environment": map[string]any{"id": "production"},
			"subject.content.artifactId": "pkg:github/acme/myapp@" + sha("m2")}), 200)
		// Replayed with the same ce-source/ce-id: a duplicate.
		out = send(binary("dep-1", "dev.cdevents.service.deployed.0.3.0"), payload(t, "cdevents/v0.5/service_deployed.json", nil), 200)
		if !strings.Contains(string(out), `"duplicate": true`) {
			t.Errorf("replay = %s", out)
		}
		// Structured mode, v0.5: a later deployment, then a rollback (v0.4).
		send(map[string]string{"Content-Type": "application/cloudevents+json"}, payload(t, "cdevents/structured_service_deployed.json", map[string]any{
			"id": "dep-2", "source": "/argo/prod", "data": map[string]any{"context": map[string]any{"specversion": "0.5.0", "id": "dep-2", "source": "/argo/prod",
				"type": "dev.cdevents.service.deployed.0.3.0", "timestamp": rfc(60)},
				"subject": map[string]any{"id": "myapp", "content": map[string]any{"environment": map[string]any{"id": "prod"},
					"artifactId": "pkg:github/acme/myapp@" + sha("m3")}}}}), 200)
		send(nil, payload(t, "cdevents/v0.4/service_rolledback.json", map[string]any{"context.id": "rb-1", "context.timestamp": rfc(75),
			"subject.id": "myapp", "subject.content.environment": map[string]any{"id": "prod"},
			"subject.content.artifactId": "pkg:github/acme/myapp@" + sha("m2")}), 200)
		// An incident of myapp detected at 65 naming commit m3, resolved at 80.
		send(nil, payload(t, "cdevents/v0.5/incident_detected.json", map[string]any{"context.id": "inc-d", "context.timestamp": rfc(65),
			"subject.content.service": map[string]any{"id": "myapp"}, "subject.content.environment": map[string]any{"id": "prod"},
			"subject.content.artifactId": "pkg:github/acme/myapp@" + sha("m3")}), 200)
		send(nil, payload(t, "cdevents/v0.4/incident_resolved.json", map[string]any{"context.id": "inc-r", "context.timestamp": rfc(80),
			"subject.content.service": map[string]any{"id": "myapp"}, "subject.content.environment": map[string]any{"id": "prod"}}), 200)
		// Not used: acknowledged.
		out = send(binary("b-1", "dev.cdevents.build.started.0.2.0"), []byte(`{"context": {"id": "b-1", "type": "dev.cdevents.build.started.0.2.0",
			"timestamp": "2024-05-01T10:00:00Z"}, "subject": {"id": "build-1"}}`), 202)
		if !strings.Contains(string(out), "paved does not use build.started events") {
			t.Errorf("build.started = %s", out)
		}

		deps := h.deployments("myapp")
		var prod1, prod2, rollback delivery.Deployment
		for _, d := range deps {
			switch {
			case d.ExternalID == "/argo/prod/dep-1":
				prod1 = d
			case d.ExternalID == "/argo/prod/dep-2":
				prod2 = d
			case d.Rollback:
				rollback = d
			}
		}
		if prod1.SHA != sha("m2") || !prod1.Production || prod1.Repository != "https://github.com/acme/myapp" || prod1.Changes != 3 {
			t.Errorf("first production deployment = %+v, want m2 with 3 changes (m0, m1, the change.merged)", prod1)
		}
		if prod2.Failure != delivery.FailureRolledBack || !prod2.RecoveredAt.Equal(at(75)) || prod2.RecoveredBy != rollback.ID {
			t.Errorf("rolled back deployment = %+v (rollback %s)", prod2, rollback.ID)
		}
		changes := h.changes("myapp")
		cm := changes[sha("m2")]
		if cm.Kind != delivery.KindChange || cm.Number != 17 || !cm.FirstCommitAt.Equal(at(10)) || cm.DeploymentID != prod1.ID || len(changes) != 3 {
			t.Errorf("change.merged = %+v; changes %+v", cm, changes)
		}
		in := h.incidents("myapp")["/monitoring/prod1/incident-123"]
		if in.DeploymentID != prod2.ID || in.Link != delivery.LinkExplicit || !in.ResolvedAt.Equal(at(80)) || !in.OpenedAt.Equal(at(65)) {
			t.Errorf("incident = %+v, want explicit link to %s", in, prod2.ID)
		}
	})
}

// TestUnowned: events for a repository and a service the catalog does not
// know are stored without an owner and counted.
func TestUnowned(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		h := newHarness(t, db, testConfig())
		h.ghPush("mystery", "master", ghCommit{"u1", 0, true})
		h.ghDeploy("mystery", 9001, "u1", "production", "success", 10, nil)
		status, out := h.api("POST", "/api/v1/deployments", "ingest", nil, []byte(`{"service": "Ghost Service", "environment": "prod"}`))
		if status != 201 {
			t.Fatalf("%d %s", status, out)
		}
		list, err := h.svc.Unowned(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"https://github.com/acme/mystery": 2, "service:ghost-service": 1}
		if len(list) != len(want) {
			t.Errorf("unowned = %+v", list)
		}
		for _, u := range list {
			if want[u.Repository] != u.Events {
				t.Errorf("unowned %s counted %d, want %d", u.Repository, u.Events, want[u.Repository])
			}
		}
		deps, _ := h.svc.Deployments(t.Context(), delivery.Filter{Team: "unowned"})
		if len(deps) != 2 {
			t.Errorf("unowned deployments = %+v", deps)
		}
		for _, d := range deps {
			if d.Team != "" {
				t.Errorf("deployment %+v has a team", d)
			}
		}
		c := h.changes("")[sha("u1")]
		if c.Service != "" || c.Repository != "https://github.com/acme/mystery" || c.DeploymentID == "" {
			t.Errorf("unowned change = %+v", c)
		}
		var body struct{ Unowned []delivery.Unowned }
		h.getJSON("/api/v1/delivery/unowned", &body)
		if len(body.Unowned) != 2 || body.Unowned[0].Repository != "https://github.com/acme/mystery" {
			t.Errorf("GET unowned = %+v", body)
		}

		// Someone claims the repository by giving a service its URL, and
		// the ghost service by creating it: their history follows.
		ctx := t.Context()
		if _, err := h.cat.PutService(ctx, catalog.Service{Name: "mystery", Team: "octo", Repository: "https://github.com/acme/mystery"}, true); err != nil {
			t.Fatal(err)
		}
		if _, err := h.cat.PutService(ctx, catalog.Service{Name: "ghost-service", Team: "octo"}, true); err != nil {
			t.Fatal(err)
		}
		if list, err := h.svc.Unowned(ctx); err != nil || len(list) != 0 {
			t.Fatalf("unowned after claiming = %+v, %v", list, err)
		}
		deps, _ = h.svc.Deployments(ctx, delivery.Filter{Team: "octo"})
		services := map[string]int{}
		for _, d := range deps {
			services[d.Service]++
		}
		if services["mystery"] != 1 || services["ghost-service"] != 1 {
			t.Errorf("claimed deployments by service = %v", services)
		}
		if c := h.changes("")[sha("u1")]; c.Service != "mystery" || c.Team != "octo" {
			t.Errorf("claimed change = %+v", c)
		}
	})
}

func (h *harness) getJSON(path string, v any) {
	h.t.Helper()
	status, out := h.api("GET", path, "viewer", nil, nil)
	if status != http.StatusOK {
		h.t.Fatalf("GET %s = %d %s", path, status, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		h.t.Fatalf("GET %s: %v\n%s", path, err, out)
	}
}

// TestIncidentWindowSetting: the UI shows the configured window.
func TestIncidentWindowSetting(t *testing.T) {
	cfg := testConfig()
	cfg.Delivery.IncidentWindow = "36h"
	h := newHarness(t, storetest.SQLite(t), cfg)
	if got := h.svc.IncidentWindow(); got != 36*time.Hour {
		t.Errorf("IncidentWindow = %v, want 36h", got)
	}
}
