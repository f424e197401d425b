package delivery_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// benchRepos is how many catalog repositories the benchmark's deliveries
// spread over.
const benchRepos = 50

// benchCatalog owns benchRepos services, bench-0 … bench-49.
func benchCatalog() string {
	var b strings.Builder
	b.WriteString("teams: [{name: bench}]\nservices:\n")
	for i := 0; i < benchRepos; i++ {
		fmt.Fprintf(&b, "  - {name: bench-%d, team: bench, repository: \"https://github.com/acme/bench-%d\"}\n", i, i)
	}
	return b.String()
}

// template is a payload with fixed-width placeholders that each delivery
// overwrites in place: cheap enough that the client does not eat the
// server's CPU.
type template struct {
	body  []byte
	holes map[string][]int // placeholder → offsets
}

func newTemplate(b *testing.B, body []byte, placeholders ...string) template {
	tpl := template{body: body, holes: map[string][]int{}}
	for _, p := range placeholders {
		for off := 0; ; {
			i := bytes.Index(body[off:], []byte(p))
			if i < 0 {
				break
			}
			tpl.holes[p] = append(tpl.holes[p], off+i)
			off += i + len(p)
		}
		if len(tpl.holes[p]) == 0 {
			b.Fatalf("placeholder %s not in template", p)
		}
	}
	return tpl
}

func (tpl template) fill(values map[string]string) []byte {
	out := append([]byte(nil), tpl.body...)
	for p, offs := range tpl.holes {
		v := values[p]
		for _, off := range offs {
			copy(out[off:off+len(p)], v)
		}
	}
	return out
}

// BenchmarkGitHubWebhook measures signed GitHub deliveries through paved's
// real server on a real socket into SQLite (and PostgreSQL when
// PAVED_TEST_POSTGRES_URL is set): a realistic mix of three
// pushes of two commits to main for every successful production
// deployment (of the last commit pushed), spread over 50 repositories,
// from many concurrent senders.
func BenchmarkGitHubWebhook(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchGitHubWebhook(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchGitHubWebhook(b, storetest.Postgres(b)) })
}

func benchGitHubWebhook(b *testing.B, db *store.DB) {
	cfg := testConfig()
	h := newHarnessCatalog(b, db, cfg, benchCatalog())

	// Placeholders: 40-hex commit ids, a 12-digit deployment id, the repo
	// number padded to 2 digits.
	const (
		sha1  = "1111111111111111111111111111111111111111"
		sha2  = "2222222222222222222222222222222222222222"
		depID = "999999999999"
		repo  = "bench-RR"
		ts1   = "2024-05-01T10:00:01Z"
		ts2   = "2024-05-01T10:00:02Z"
	)
	commit := func(id, ts string) map[string]any {
		return map[string]any{"id": id, "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433", "distinct": true,
			"message": "Fix the spelling of commit in the README", "timestamp": ts, "url": "https://github.com/acme/" + repo + "/commit/" + id,
			"author":    map[string]any{"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "username": "Codertocat"},
			"committer": map[string]any{"name": "GitHub", "email": "noreply@github.com", "username": "web-flow"},
			"added":     []any{}, "removed": []any{}, "modified": []any{"README.md"}}
	}
	repoFields := map[string]any{"repository.html_url": "https://github.com/acme/" + repo, "repository.full_name": "acme/" + repo,
		"repository.clone_url": "https://github.com/acme/" + repo + ".git", "repository.name": repo}
	push := newTemplate(b, payload(b, "github/push.json", merge(repoFields, map[string]any{
		"ref": "refs/heads/master", "after": sha2, "commits": []any{commit(sha1, ts1), commit(sha2, ts2)}, "head_commit": commit(sha2, ts2),
	})), sha1, sha2, repo, ts1, ts2)
	deploy := newTemplate(b, payload(b, "github/deployment_status.json", merge(repoFields, map[string]any{
		"deployment.id": 999999999999, "deployment.sha": sha2, "deployment.environment": "production",
		"deployment_status.environment": "production", "deployment_status.created_at": ts2,
	})), sha2, repo, depID, ts2)
	b.ReportMetric(float64(len(push.body)), "push-bytes")
	b.ReportMetric(float64(len(deploy.body)), "deploy-bytes")

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	var seq atomic.Int64
	var failed atomic.Int64
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	send := func(event string, body []byte) {
		req, _ := http.NewRequest("POST", h.srv.URL+"/webhooks/github", bytes.NewReader(body))
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("bench-%d", seq.Add(1)))
		req.Header.Set("X-Hub-Signature-256", sign(ghSecret, body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			failed.Add(1)
			return
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			if failed.Add(1) == 1 {
				b.Logf("%s answered %d: %s", event, resp.StatusCode, out)
			}
		}
	}

	var n atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	began := time.Now()
	cpuBefore := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			r := fmt.Sprintf("bench-%02d", i%benchRepos)
			if i%4 != 0 {
				t := start.Add(time.Duration(i) * time.Second)
				send("push", push.fill(map[string]string{
					sha1: fmt.Sprintf("%040x", 2*i), sha2: fmt.Sprintf("%040x", 2*i+1), repo: r,
					ts1: t.Format(time.RFC3339), ts2: t.Add(time.Second).Format(time.RFC3339),
				}))
				continue
			}
			// Deploy the last commit pushed by delivery i-1, to its repository.
			r = fmt.Sprintf("bench-%02d", (i-1)%benchRepos)
			t := start.Add(time.Duration(i) * time.Second)
			send("deployment_status", deploy.fill(map[string]string{
				sha2: fmt.Sprintf("%040x", 2*(i-1)+1), repo: r, depID: fmt.Sprintf("1%011d", i), ts2: t.Format(time.RFC3339),
			}))
		}
	})
	elapsed := time.Since(began)
	cpu := cpuTime() - cpuBefore
	b.StopTimer()
	if f := failed.Load(); f > 0 {
		b.Fatalf("%d of %d deliveries failed", f, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	// CPU per delivery (server and client together) says what the
	// machine could do with its cores to itself.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/delivery")
	batches, events := h.svc.BatchStats()
	b.ReportMetric(float64(events)/float64(batches), "events/batch")
	if got := h.count("delivery_events", ""); got < b.N {
		b.Fatalf("%d events stored for %d deliveries", got, b.N)
	}
	// The mix must exercise linking, not only inserts.
	if b.N >= 100 && h.count("delivery_changes", "deployment_id <> ''") == 0 {
		b.Fatal("no change was linked to a deployment")
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
