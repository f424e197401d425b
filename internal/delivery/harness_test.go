package delivery_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/server/servertest"
	"github.com/paved-dev/paved/internal/store"
)

const (
	ghSecret = "It's a Secret to Everybody"
	glToken  = "gitlab-secret-token"
	cdToken  = "cdevents-token"
)

// testCatalog owns one repository per scenario, so scenarios do not see
// each other's deployments.
const testCatalog = `
teams:
  - name: octo
  - name: acme
services:
  - {name: hello-world, team: octo, repository: "https://github.com/Codertocat/Hello-World"}
  - {name: bravo, team: acme, repository: "https://github.com/acme/bravo"}
  - {name: charlie, team: acme, repository: "https://github.com/acme/charlie"}
  - {name: delta, team: acme, repository: "https://github.com/acme/delta"}
  - {name: echo, team: acme, repository: "https://github.com/acme/echo"}
  - {name: gitlab-app, team: acme, repository: "http://10.126.0.2:3000/root/test-deployment-webhooks"}
  - {name: myapp, team: acme, repository: "https://github.com/acme/myapp"}
`

func testConfig() config.Config {
	cfg := config.Default()
	cfg.Delivery.GitHub.Secret = ghSecret
	cfg.Delivery.GitLab.Token = glToken
	cfg.Delivery.CDEvents.Token = cdToken
	cfg.Delivery.Services = map[string]config.DeliveryService{"echo": {ProductionEnvironments: []string{"live"}}}
	return cfg
}

// harness is the delivery service behind paved's real server on a real
// socket: webhooks outside auth, the API behind tokens.
type harness struct {
	t      testing.TB
	db     *store.DB
	cat    *catalog.Catalog
	svc    *delivery.Service
	srv    *httptest.Server
	tokens map[auth.Role]string
	n      atomic.Int64
}

func newHarness(t testing.TB, db *store.DB, cfg config.Config) *harness {
	t.Helper()
	return newHarnessCatalog(t, db, cfg, testCatalog)
}

func newHarnessCatalog(t testing.TB, db *store.DB, cfg config.Config, catalogYAML string) *harness {
	t.Helper()
	cat := catalogtest.Open(t, db, cfg, []byte(catalogYAML))
	svc := delivery.NewService(cfg, cat, db)
	t.Cleanup(svc.Close)
	hooks := map[string]http.Handler{}
	for _, m := range svc.Mounts() {
		hooks[m.Pattern] = m.Handler
	}
	api := servertest.Serve(t, db, server.Options{Routes: svc.Routes(), Webhooks: hooks})
	return &harness{t: t, db: db, cat: cat, svc: svc, srv: api.Srv, tokens: api.Tokens}
}

func (h *harness) post(path string, headers map[string]string, body []byte) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest("POST", h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return h.do(req)
}

func (h *harness) do(req *http.Request) (int, []byte) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, out
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// github delivers a signed GitHub event with a fresh delivery id and
// fails the test unless it is answered with want.
func (h *harness) github(event string, body []byte, want int) []byte {
	h.t.Helper()
	id := fmt.Sprintf("delivery-%d", h.n.Add(1))
	status, out := h.post("/webhooks/github", map[string]string{
		"X-GitHub-Event": event, "X-GitHub-Delivery": id, "X-Hub-Signature-256": sign(ghSecret, body), "Content-Type": "application/json",
	}, body)
	if status != want {
		h.t.Fatalf("POST /webhooks/github %s = %d %s, want %d", event, status, out, want)
	}
	return out
}

func (h *harness) gitlab(event string, body []byte, want int) []byte {
	h.t.Helper()
	status, out := h.post("/webhooks/gitlab", map[string]string{
		"X-Gitlab-Event": event, "X-Gitlab-Token": glToken, "X-Gitlab-Event-UUID": fmt.Sprintf("uuid-%d", h.n.Add(1)),
	}, body)
	if status != want {
		h.t.Fatalf("POST /webhooks/gitlab %s = %d %s, want %d", event, status, out, want)
	}
	return out
}

// api calls the JSON API with role's token.
func (h *harness) api(method, path string, role auth.Role, headers map[string]string, body []byte) (int, []byte) {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, r)
	if err != nil {
		h.t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[role])
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return h.do(req)
}

// count returns the rows of a table matching where.
func (h *harness) count(table, where string, args ...any) int {
	h.t.Helper()
	if where == "" {
		where = "1 = 1"
	}
	var n int
	if err := h.db.R.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE "+where, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// deployments returns a service's deployments keyed by external id.
func (h *harness) deployments(service string) map[string]delivery.Deployment {
	h.t.Helper()
	list, err := h.svc.Deployments(context.Background(), delivery.Filter{Service: service, Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]delivery.Deployment{}
	for _, d := range list {
		out[d.ExternalID] = d
	}
	return out
}

// changes returns a service's changes keyed by commit.
func (h *harness) changes(service string) map[string]delivery.Change {
	h.t.Helper()
	list, err := h.svc.Changes(context.Background(), delivery.Filter{Service: service, Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]delivery.Change{}
	for _, c := range list {
		out[c.SHA] = c
	}
	return out
}

func (h *harness) incidents(service string) map[string]delivery.Incident {
	h.t.Helper()
	list, err := h.svc.Incidents(context.Background(), delivery.Filter{Service: service, Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]delivery.Incident{}
	for _, in := range list {
		out[in.ExternalID] = in
	}
	return out
}

// payload loads a testdata payload and sets fields by dotted path
// ("deployment.sha"); a path ending in a list index is not supported,
// whole lists are replaced instead.
func payload(t testing.TB, file string, set map[string]any) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for path, v := range set {
		parts := strings.Split(path, ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// base is the start of every scenario's timeline.
var base = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

func rfc(minutes int) string { return at(minutes).Format(time.RFC3339) }

// sha makes a 40-digit commit id from a short readable one ("a1").
func sha(short string) string {
	return hex.EncodeToString([]byte(short)) + strings.Repeat("0", 40-2*len(short))
}

// ghRepo is the repository fields of a GitHub payload for an acme repo.
func ghRepo(name string) map[string]any {
	return map[string]any{"repository.html_url": "https://github.com/acme/" + name, "repository.full_name": "acme/" + name,
		"repository.clone_url": "https://github.com/acme/" + name + ".git"}
}

func merge(maps ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// ghCommit is a push's commit in GitHub's shape.
type ghCommit struct {
	short    string
	minutes  int
	distinct bool
}

// ghPush pushes commits to ref of an acme repository (master is the
// default branch).
func (h *harness) ghPush(repo, branch string, commits ...ghCommit) {
	h.t.Helper()
	var list []any
	for _, c := range commits {
		list = append(list, map[string]any{"id": sha(c.short), "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433", "distinct": c.distinct,
			"message": "commit " + c.short, "timestamp": rfc(c.minutes), "url": "https://github.com/acme/" + repo + "/commit/" + sha(c.short),
			"author": map[string]any{"name": "Codertocat", "email": "c@example.com", "username": "Codertocat"},
			"added":  []any{}, "removed": []any{}, "modified": []any{"README.md"}})
	}
	last := commits[len(commits)-1]
	body := payload(h.t, "github/push.json", merge(ghRepo(repo), map[string]any{
		"ref": "refs/heads/" + branch, "commits": list, "head_commit": list[len(list)-1], "after": sha(last.short),
		"repository.pushed_at": at(last.minutes).Unix(),
	}))
	h.github("push", body, http.StatusOK)
}

// ghDeploy reports a deployment status.
func (h *harness) ghDeploy(repo string, id int, short, env, state string, minutes int, deployPayload any) []byte {
	h.t.Helper()
	if deployPayload == nil {
		deployPayload = map[string]any{}
	}
	want := http.StatusOK
	if state != "success" && state != "failure" && state != "error" {
		want = http.StatusAccepted
	}
	body := payload(h.t, "github/deployment_status.json", merge(ghRepo(repo), map[string]any{
		"deployment.id": id, "deployment.sha": sha(short), "deployment.environment": env, "deployment.payload": deployPayload,
		"deployment_status.state": state, "deployment_status.environment": env, "deployment_status.created_at": rfc(minutes),
	}))
	return h.github("deployment_status", body, want)
}

// ghMerge reports a merged pull request.
func (h *harness) ghMerge(repo string, number int, mergeShort, headRef, headShort string, created, merged int) {
	h.t.Helper()
	body := payload(h.t, "github/pull_request_merged_squash.json", merge(ghRepo(repo), map[string]any{
		"number": number, "pull_request.number": number, "pull_request.merge_commit_sha": sha(mergeShort),
		"pull_request.head":       map[string]any{"ref": headRef, "sha": sha(headShort), "label": "acme:" + headRef},
		"pull_request.created_at": rfc(created), "pull_request.merged_at": rfc(merged), "pull_request.title": fmt.Sprintf("PR %d", number),
	}))
	h.github("pull_request", body, http.StatusOK)
}

// ghIssue reports an issue event; closed < 0 leaves it open.
func (h *harness) ghIssue(repo, action string, number int, labels []string, opened, closed int) {
	h.t.Helper()
	var ls []any
	for _, l := range labels {
		ls = append(ls, map[string]any{"name": l, "color": "d73a4a"})
	}
	set := merge(ghRepo(repo), map[string]any{"action": action, "issue.number": number, "issue.labels": ls, "issue.created_at": rfc(opened),
		"issue.html_url": fmt.Sprintf("https://github.com/acme/%s/issues/%d", repo, number), "issue.state": "open", "issue.closed_at": nil})
	if closed >= 0 {
		set["issue.state"], set["issue.closed_at"] = "closed", rfc(closed)
	}
	h.github("issues", payload(h.t, "github/issues_opened.json", set), http.StatusOK)
}

func minutesOf(tm time.Time) int {
	if tm.IsZero() {
		return -1
	}
	return int(tm.Sub(base) / time.Minute)
}
