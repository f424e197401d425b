package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// run executes paved in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	d := "--data-dir=" + dir
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring expected on stdout
		stderr string // substring expected on stderr
	}{
		{"version", []string{"version"}, 0, "paved ", ""},
		{"version json", []string{"version", "--format", "json"}, 0, `"version"`, ""},
		{"bad format", []string{"version", "--format", "xml"}, 2, "", `--format "xml" is not valid; use one of table, json`},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"team", "list", "--colour"}, 2, "", "unknown flag: --colour"},
		{"config valid", []string{"config", "validate", "--config", "testdata/paved.yaml"}, 0, "testdata/paved.yaml is valid", ""},
		{"config invalid", []string{"config", "validate", "--config", "testdata/bad-paved.yaml"}, 2, `bad-paved.yaml:2: server.adress: unknown key "adress"`, "has 2 problem(s)"},
		{"config invalid json", []string{"config", "validate", "--config", "testdata/bad-paved.yaml", "--format", "json"}, 2, `"valid": false`, ""},
		{"migrate", []string{"migrate", d}, 0, "migrated from schema version 0", ""},
		{"migrate again", []string{"migrate", d}, 0, "up to date", ""},
		{"import", []string{"catalog", "import", d, "../catalog/testdata/backstage"}, 0, "created   service checkout", ""},
		{"import again", []string{"catalog", "import", d, "../catalog/testdata/backstage", "--format", "json"}, 0, `"changes": []`, ""},
		{"import bad", []string{"catalog", "import", d, "../catalog/testdata/bad"}, 2, "", "testdata/bad/backstage.yaml:13 (document 2): spec.owner"},
		{"import missing file", []string{"catalog", "import", d, "nope.yaml"}, 2, "", "nope.yaml: cannot read: no such file or directory"},
		{"import no args", []string{"catalog", "import", d}, 2, "", "expects at least one file"},
		{"onboard", []string{"team", "onboard", d, "growth", "--display", "Growth", "--contact", "#growth", "--contact", "growth@example.com"}, 0, "created   team growth", ""},
		{"onboard again", []string{"team", "onboard", d, "growth"}, 0, "unchanged team growth", ""},
		{"onboard bad name", []string{"team", "onboard", d, "Growth Team"}, 2, "", `name: "Growth Team" is not a valid name`},
		{"onboard no name", []string{"team", "onboard", d}, 2, "", "expects the team name"},
		{"team list", []string{"team", "list", d}, 0, "growth", ""},
		{"service list", []string{"service", "list", d, "--team", "payments"}, 0, "checkout", ""},
		{"service list unknown team", []string{"service", "list", d, "--team", "ghosts"}, 2, "", `team "ghosts" does not exist`},
		{"token bad role", []string{"token", "create", d, "--name", "x", "--role", "root"}, 2, "", `"root" is not a role`},
		{"token no name", []string{"token", "create", d}, 2, "", "a name is required"},
		{"revoke unknown", []string{"token", "revoke", d, "tok_nope"}, 2, "", `token "tok_nope" does not exist`},
		{"unreachable postgres", []string{"team", "list", "--database-url", "postgres://u:hunter2@127.0.0.1:1/x?connect_timeout=1"}, 2, "", "cannot reach PostgreSQL at postgres://u@127.0.0.1:1/x"},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, s.args...)
		if code != s.code || !strings.Contains(stdout, s.stdout) || !strings.Contains(stderr, s.stderr) {
			t.Fatalf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout ∋ %q, stderr ∋ %q",
				s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr, s.stdout, s.stderr)
		}
		if strings.Contains(stdout+stderr, "hunter2") {
			t.Fatalf("%s: output leaks a password", s.name)
		}
	}
}

func TestTokenLifecycle(t *testing.T) {
	d := "--data-dir=" + t.TempDir()
	code, out, _ := run(t, "token", "create", d, "--name", "ci", "--role", "ingest", "--format", "json")
	if code != 0 {
		t.Fatal(out)
	}
	var created struct {
		Token  struct{ ID string }
		Secret string
	}
	json.Unmarshal([]byte(out), &created)
	if !strings.HasPrefix(created.Secret, "pvd_") || created.Token.ID == "" {
		t.Fatalf("create printed %s", out)
	}
	_, out, _ = run(t, "token", "list", d)
	if !strings.Contains(out, created.Token.ID) || !strings.Contains(out, "active") || strings.Contains(out, created.Secret) {
		t.Fatalf("list: %s", out)
	}
	if code, _, errOut := run(t, "token", "revoke", d, created.Token.ID); code != 0 {
		t.Fatal(errOut)
	}
	_, out, _ = run(t, "token", "list", d)
	if !strings.Contains(out, "revoked") {
		t.Fatalf("list after revoke: %s", out)
	}
}

// syncBuffer lets the test read what a running server prints.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDemo runs the README's first command as a newcomer would and
// checks that it prints a URL that serves the demo organisation, prints an
// admin token that works, and shuts down cleanly when cancelled.
func TestServeDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- ExecuteContext(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0"}, &out, &errOut)
	}()

	urlRE := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)`)
	var base string
	deadline := time.Now().Add(20 * time.Second)
	for base == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	secret := regexp.MustCompile(`pvd_[A-Za-z0-9_-]+`).FindString(out.String())
	if secret == "" {
		t.Fatalf("no admin token printed:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), secret) {
		t.Fatal("the admin token reached the log")
	}

	get := func(path, token string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/readyz", ""); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	code, body := get("/api/v1/teams", secret)
	if code != 200 || strings.Count(body, `"display_name"`) < 10 {
		t.Fatalf("demo teams: %d %s", code, body[:min(len(body), 200)])
	}
	// The demo's month of CI history went through the real checks.
	code, body = get("/api/v1/policies", secret)
	var pl struct {
		Policies []struct {
			Open struct{ Deny, Warn, Excepted int }
		}
	}
	json.Unmarshal([]byte(body), &pl)
	open := map[string]int{}
	for _, p := range pl.Policies {
		open["deny"] += p.Open.Deny
		open["warn"] += p.Open.Warn
		open["excepted"] += p.Open.Excepted
	}
	if code != 200 || open["deny"] == 0 || open["warn"] == 0 || open["excepted"] == 0 {
		t.Fatalf("demo guardrails history: %d %v", code, open)
	}
	if code, _ := get("/", ""); code != 200 {
		t.Fatalf("demo UI is not readable without signing in: %d", code)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d after shutdown: %s", code, errOut.String())
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not shut down")
	}
	sc := bufio.NewScanner(strings.NewReader(errOut.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "level=ERROR") {
			t.Errorf("error logged: %s", sc.Text())
		}
	}
}
