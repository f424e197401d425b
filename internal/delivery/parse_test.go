package delivery

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ms(s string) int64 {
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return tm.UnixMilli()
}

const helloWorld = "https://github.com/codertocat/hello-world"

func TestParseGitHub(t *testing.T) {
	labels := []string{"incident"}
	tests := []struct {
		kind, file string
		want       event
	}{
		{"deployment_status", "github/deployment_status.json", event{source: "github", kind: "deployment_status.success", repository: helloWorld,
			deploy: &deployOp{externalID: "145988746", repository: helloWorld, environment: "production",
				sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", status: StatusSuccess, deployedAt: ms("2019-05-15T15:20:55Z")}}},
		{"push", "github/push.json", event{source: "github", kind: "push", repository: helloWorld,
			push: &pushOp{repository: helloWorld, ref: "refs/heads/master", defaultBranch: "master", pushedAt: 1557933657000,
				commits: []commitIn{
					{sha: "a10867b14bb761a232cd80139fbd4c0d33264240", at: ms("2019-05-15T15:20:30Z"), title: "Update README.md", distinct: true},
					{sha: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", at: ms("2019-05-15T15:20:41Z"), title: "Add contributing notes", distinct: true},
				}}}},
		{"pull_request", "github/pull_request_merged_squash.json", event{source: "github", kind: "pull_request.closed", repository: helloWorld,
			change: &changeOp{kind: KindPullRequest, repository: helloWorld, number: 2, title: "Update the README with new information.",
				sha: "c4295bd74fb0f4fda03689c3df3f2803b658fd85", headRef: "changes", headSHA: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
				createdAt: ms("2019-05-15T15:20:33Z"), mergedAt: ms("2019-05-15T15:21:18Z")}}},
		{"pull_request", "github/pull_request_closed_unmerged.json", event{source: "github", kind: "pull_request.closed", repository: helloWorld,
			ignored: "only merged pull requests are changes"}},
		{"issues", "github/issues_opened.json", event{source: "github", kind: "issues.opened", repository: helloWorld,
			incident: &incidentOp{externalID: helloWorld + "#1", repository: helloWorld, title: "Checkout returns 500 for every order",
				url: "https://github.com/Codertocat/Hello-World/issues/1", openedAt: ms("2019-05-15T15:22:00Z")}}},
		{"issues", "github/issues_labeled.json", event{source: "github", kind: "issues.labeled", repository: helloWorld,
			incident: &incidentOp{externalID: helloWorld + "#1", repository: helloWorld, title: "Checkout returns 500 for every order",
				url: "https://github.com/Codertocat/Hello-World/issues/1", openedAt: ms("2019-05-15T15:22:00Z")}}},
		{"issues", "github/issues_closed.json", event{source: "github", kind: "issues.closed", repository: helloWorld,
			incident: &incidentOp{externalID: helloWorld + "#1", repository: helloWorld, title: "Checkout returns 500 for every order",
				url: "https://github.com/Codertocat/Hello-World/issues/1", openedAt: ms("2019-05-15T15:22:00Z"), resolvedAt: ms("2019-05-15T16:02:00Z")}}},
		{"issues", "github/issues_opened_bug.json", event{source: "github", kind: "issues.opened", repository: helloWorld,
			ignored: "the issue is not labelled as an incident (incident)"}},
		{"ping", "github/ping.json", event{source: "github", kind: "ping", ignored: "ping: the webhook is set up"}},
		{"star", "github/ping.json", event{source: "github", kind: "star", ignored: "paved does not use star events"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseGitHub(tt.kind, readTestdata(t, tt.file), labels)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %s\nwant %s", dumpEvent(got), dumpEvent(&tt.want))
			}
		})
	}
}

func TestParseGitLab(t *testing.T) {
	const repo = "https://10.126.0.2:3000/root/test-deployment-webhooks"
	labels := []string{"incident"}
	tests := []struct {
		file string
		want event
	}{
		{"gitlab/deployment.json", event{source: "gitlab", kind: "deployment.success", repository: repo,
			deploy: &deployOp{externalID: "15", repository: repo, environment: "production", sha: "279484c09fbe69ededfced8c1bb6e6d24616b468",
				status: StatusSuccess, deployedAt: ms("2021-04-28T19:50:00Z")}}},
		{"gitlab/push.json", event{source: "gitlab", kind: "push", repository: repo,
			push: &pushOp{repository: repo, ref: "refs/heads/master", defaultBranch: "master", commits: []commitIn{
				{sha: "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", at: ms("2021-04-28T18:27:31Z"), title: "Update Catalan translation to e38cb41.", distinct: true},
				{sha: "279484c09fbe69ededfced8c1bb6e6d24616b468", at: ms("2021-04-28T19:36:29Z"), title: "Add new file", distinct: true},
			}}}},
		{"gitlab/merge_request_merge.json", event{source: "gitlab", kind: "merge_request.merge", repository: repo,
			change: &changeOp{kind: KindMergeRequest, repository: repo, number: 1, title: "MS-Viewport", sha: "4a1d7e9b2c3f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
				headRef: "ms-viewport", headSHA: "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", createdAt: ms("2021-04-29T07:23:34Z"), mergedAt: ms("2021-04-29T10:05:00Z")}}},
		{"gitlab/merge_request_open.json", event{source: "gitlab", kind: "merge_request.open", repository: repo, ignored: "only merged merge requests are changes"}},
		{"gitlab/issue_incident_open.json", event{source: "gitlab", kind: "issue.open", repository: repo,
			incident: &incidentOp{externalID: repo + "#23", repository: repo, title: "Checkout latency above SLO",
				url: "http://10.126.0.2:3000/root/test-deployment-webhooks/-/issues/23", openedAt: ms("2021-04-28T20:10:00Z")}}},
		{"gitlab/issue_incident_close.json", event{source: "gitlab", kind: "issue.close", repository: repo,
			incident: &incidentOp{externalID: repo + "#23", repository: repo, title: "Checkout latency above SLO",
				url: "http://10.126.0.2:3000/root/test-deployment-webhooks/-/issues/23", openedAt: ms("2021-04-28T20:10:00Z"), resolvedAt: ms("2021-04-28T21:40:00Z")}}},
		{"gitlab/issue_labelled_open.json", event{source: "gitlab", kind: "issue.open", repository: repo,
			incident: &incidentOp{externalID: repo + "#23", repository: repo, title: "Checkout latency above SLO",
				url: "http://10.126.0.2:3000/root/test-deployment-webhooks/-/issues/23", openedAt: ms("2021-04-28T20:10:00Z")}}},
		{"gitlab/issue_plain_open.json", event{source: "gitlab", kind: "issue.open", repository: repo,
			ignored: "the issue is neither a GitLab incident nor labelled as one (incident)"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseGitLab("", readTestdata(t, tt.file), labels)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %s\nwant %s", dumpEvent(got), dumpEvent(&tt.want))
			}
		})
	}
}

func TestParseCDEvents(t *testing.T) {
	known := func(env string) (bool, bool) { return env == "staging" || env == "prod", env == "prod" }
	deployed := ms("2023-03-20T14:27:05.315384Z")
	incident := &incidentOp{externalID: "/monitoring/prod1/incident-123", service: "myApp", title: "Response time above threshold of 100ms", openedAt: ms("2022-11-11T13:52:20.079Z")}
	tests := []struct {
		file    string
		headers map[string]string
		key     string
		want    event
	}{
		{"cdevents/v0.4/service_deployed.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.service.deployed.0.2.0", deploy: &deployOp{externalID: "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
				service: "mySubject123", environment: "test123", status: StatusSuccess, deployedAt: deployed}}},
		{"cdevents/v0.4/service_rolledback.json", nil, "/event/source/123/a2d6f5b4-9d3c-4b1e-8f7a-6c5b4a3d2e1f",
			event{source: "cdevents", kind: "dev.cdevents.service.rolledback.0.2.0", deploy: &deployOp{externalID: "/event/source/123/a2d6f5b4-9d3c-4b1e-8f7a-6c5b4a3d2e1f",
				service: "mySubject123", environment: "test123", status: StatusSuccess, rollback: true, deployedAt: ms("2023-03-20T15:02:11.104Z")}}},
		{"cdevents/v0.4/change_merged.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.change.merged.0.2.0", repository: "https://example.org/testrepo/testorg",
				change: &changeOp{kind: KindChange, repository: "https://example.org/testrepo/testorg", externalID: "mySubject123", mergedAt: deployed}}},
		{"cdevents/v0.4/incident_detected.json", nil, "/monitoring/prod1/F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708",
			event{source: "cdevents", kind: "dev.cdevents.incident.detected.0.2.0", incident: incident}},
		{"cdevents/v0.4/incident_resolved.json", nil, "/monitoring/prod1/0C1E5F3A-2B4D-4C6E-8A0B-1D3F5A7C9E2B",
			event{source: "cdevents", kind: "dev.cdevents.incident.resolved.0.2.0", incident: &incidentOp{externalID: "/monitoring/prod1/incident-123",
				service: "myApp", title: "Response time restored below 100ms", resolvedAt: ms("2022-11-11T14:31:02.512Z")}}},
		{"cdevents/v0.5/service_deployed.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.service.deployed.0.3.0", deploy: &deployOp{externalID: "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
				service: "mySubject123", environment: "test123", status: StatusSuccess, deployedAt: deployed}}},
		{"cdevents/v0.5/service_upgraded.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.service.upgraded.0.3.0-draft", deploy: &deployOp{externalID: "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
				service: "mySubject123", environment: "test123", status: StatusSuccess, deployedAt: deployed}}},
		{"cdevents/v0.5/service_rolledback.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.service.rolledback.0.3.0-draft", deploy: &deployOp{externalID: "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
				service: "mySubject123", environment: "test123", status: StatusSuccess, rollback: true, deployedAt: deployed}}},
		{"cdevents/v0.5/incident_detected.json", nil, "/monitoring/prod1/F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708",
			event{source: "cdevents", kind: "dev.cdevents.incident.detected.0.3.0", incident: incident}},
		{"cdevents/v0.5/incident_reported.json", nil, "/monitoring/prod1/F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708",
			event{source: "cdevents", kind: "dev.cdevents.incident.reported.0.3.0", incident: &incidentOp{externalID: "/monitoring/prod1/incident-123", service: "myApp",
				title: "Response time above threshold of 100ms", url: "https://my-issues.example/incidents/ticket-345", openedAt: ms("2022-11-11T13:52:20.079Z")}}},
		{"cdevents/v0.5/incident_resolved.json", nil, "/monitoring/prod1/F4BD2B55-B6F6-4F44-AF72-BD2D0E7A8708",
			event{source: "cdevents", kind: "dev.cdevents.incident.resolved.0.3.0-draft", incident: &incidentOp{externalID: "/monitoring/prod1/incident-123",
				service: "myApp", title: "Response time restored below 100ms", resolvedAt: ms("2022-11-11T13:52:20.079Z")}}},
		{"cdevents/v0.5/change_merged.json", nil, "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819",
			event{source: "cdevents", kind: "dev.cdevents.change.merged.0.3.0-draft", repository: "https://example.org/testrepo/testorg",
				change: &changeOp{kind: KindChange, repository: "https://example.org/testrepo/testorg", externalID: "mySubject123", mergedAt: deployed}}},
		// Binary mode: the CloudEvent attributes are headers; they name the key.
		{"cdevents/v0.5/service_deployed.json", map[string]string{"Ce-Id": "ce-1", "Ce-Source": "/argo/prod", "Ce-Type": "dev.cdevents.service.deployed.0.3.0", "Ce-Specversion": "1.0"},
			"/argo/prod/ce-1", event{source: "cdevents", kind: "dev.cdevents.service.deployed.0.3.0", deploy: &deployOp{externalID: "/argo/prod/ce-1",
				service: "mySubject123", environment: "test123", status: StatusSuccess, deployedAt: deployed}}},
		// Structured mode: the CDEvent is the data of a CloudEvents JSON envelope.
		{"cdevents/structured_service_deployed.json", map[string]string{"Content-Type": "application/cloudevents+json; charset=utf-8"},
			"/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819", event{source: "cdevents", kind: "dev.cdevents.service.deployed.0.3.0",
				deploy: &deployOp{externalID: "/event/source/123/271069a8-fc18-44f1-b38f-9d70a1695819", service: "mySubject123", environment: "test123",
					status: StatusSuccess, deployedAt: deployed}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, key, err := parseCDEvent(h, readTestdata(t, tt.file), known)
			if err != nil {
				t.Fatal(err)
			}
			if key != tt.key {
				t.Errorf("key = %q, want %q", key, tt.key)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %s\nwant %s", dumpEvent(got), dumpEvent(&tt.want))
			}
		})
	}
}

func TestPurlRepo(t *testing.T) {
	tests := []struct{ purl, repo, sha string }{
		{"pkg:github/Codertocat/Hello-World@f95f852bd8fca8fcc58a9a2d6c842781e32a215e", helloWorld, "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"},
		{"pkg:gitlab/group/sub/project@279484c0", "https://gitlab.com/group/sub/project", "279484c0"},
		{"pkg:git/github.com/example/myapp@abc123def", "https://github.com/example/myapp", "abc123def"},
		{"pkg:github/org/repo@v1.2.3", "https://github.com/org/repo", ""},
		{"pkg:generic/app@1.0?vcs_url=git%2Bhttps://github.com/org/app@0123456789abcdef", "https://github.com/org/app", "0123456789abcdef"},
		{"pkg:oci/myapp@sha256%3A0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427", "", ""},
		{"not a purl", "", ""},
	}
	for _, tt := range tests {
		repo, sha := purlRepo(tt.purl)
		if repo != tt.repo || sha != tt.sha {
			t.Errorf("purlRepo(%q) = %q, %q; want %q, %q", tt.purl, repo, sha, tt.repo, tt.sha)
		}
	}
}

// TestParseBadInput checks that malformed deliveries are 400s naming the
// field at fault, and that unknown versions and events are acknowledged.
func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"not json", func() error { _, err := parseGitHub("push", []byte("{"), nil); return err }, "not valid JSON"},
		{"empty", func() error { _, err := parseGitHub("push", nil, nil); return err }, "the body is empty"},
		{"wrong type", func() error { _, err := parseGitHub("push", []byte(`{"ref": 5}`), nil); return err }, "ref: expected a string, got JSON number"},
		{"no event header", func() error { _, err := parseGitHub("", []byte(`{}`), nil); return err }, "X-GitHub-Event: is missing"},
		{"no deployment", func() error {
			_, err := parseGitHub("deployment_status", []byte(`{"deployment_status": {"state": "success"}}`), nil)
			return err
		}, "deployment: is missing"},
		{"bad sha", func() error {
			_, err := parseGitHub("deployment_status", []byte(`{"deployment": {"id": 1, "sha": "xyz", "environment": "prod"},
				"deployment_status": {"state": "success", "created_at": "2024-01-01T00:00:00Z"}, "repository": {"html_url": "https://github.com/a/b"}}`), nil)
			return err
		}, `deployment.sha: "xyz" is not a commit id`},
		{"bad commit time", func() error {
			_, err := parseGitHub("push", []byte(`{"ref": "refs/heads/main", "repository": {"html_url": "https://github.com/a/b", "default_branch": "main"},
				"commits": [{"id": "abcdef1", "timestamp": "yesterday"}]}`), nil)
			return err
		}, `commits[0].timestamp: "yesterday" is not a time`},
		{"gitlab no kind", func() error { _, err := parseGitLab("", []byte(`{}`), nil); return err }, "object_kind: is missing"},
		{"cdevents no type", func() error {
			_, _, err := parseCDEvent(http.Header{}, []byte(`{"context": {"id": "1"}}`), nil)
			return err
		}, "context.type: is missing"},
		{"cdevents batch", func() error {
			h := http.Header{"Content-Type": {"application/cloudevents-batch+json"}}
			_, _, err := parseCDEvent(h, []byte(`[]`), nil)
			return err
		}, "send one event per request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	ev, _, err := parseCDEvent(http.Header{}, []byte(`{"context": {"id": "1", "source": "s", "type": "dev.cdevents.service.deployed.1.0.0"}}`), nil)
	if err != nil || !strings.Contains(ev.ignored, "version 1.0.0 is not supported") {
		t.Errorf("a 1.x CDEvent: %+v, %v", ev, err)
	}
	ev, _, err = parseCDEvent(http.Header{}, []byte(`{"context": {"id": "1", "source": "s", "type": "dev.cdevents.build.started.0.2.0", "timestamp": "2024-01-01T00:00:00Z"}}`), nil)
	if err != nil || ev.ignored != "paved does not use build.started events" {
		t.Errorf("build.started: %+v, %v", ev, err)
	}
	known := func(env string) (bool, bool) { return env == "staging", false }
	ev, _, err = parseCDEvent(http.Header{}, []byte(`{"context": {"id": "1", "source": "s", "type": "dev.cdevents.incident.detected.0.3.0", "timestamp": "2024-01-01T00:00:00Z"},
		"subject": {"id": "i1", "content": {"environment": {"id": "staging"}}}}`), known)
	if err != nil || ev.ignored != `environment "staging" is not production` {
		t.Errorf("staging incident: %+v, %v", ev, err)
	}
}

func dumpEvent(e *event) string {
	s := fmt.Sprintf("{source:%s kind:%s repo:%s ignored:%q", e.source, e.kind, e.repository, e.ignored)
	if e.deploy != nil {
		s += fmt.Sprintf(" deploy:%+v", *e.deploy)
	}
	if e.push != nil {
		s += fmt.Sprintf(" push:%+v", *e.push)
	}
	if e.change != nil {
		s += fmt.Sprintf(" change:%+v", *e.change)
	}
	if e.incident != nil {
		s += fmt.Sprintf(" incident:%+v", *e.incident)
	}
	return s + "}"
}
