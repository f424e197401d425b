package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
)

// TestEventCommands reports a deployment, a replay of it, a rollback and
// an incident to the local store, and checks what DORA will read.
func TestEventCommands(t *testing.T) {
	dir := t.TempDir()
	d := "--data-dir=" + dir
	cat := filepath.Join(dir, "catalog.yaml")
	os.WriteFile(cat, []byte("teams: [{name: payments}]\nservices: [{name: checkout, team: payments, repository: https://github.com/example/checkout}]\n"), 0o644)
	if code, _, errOut := run(t, d, "catalog", "import", cat); code != 0 {
		t.Fatalf("catalog import: %s", errOut)
	}
	deploy := func(args ...string) (delivery.Deployment, int, string) {
		t.Helper()
		code, out, errOut := run(t, append([]string{d, "event", "deploy", "--format", "json"}, args...)...)
		var dep delivery.Deployment
		if code == 0 {
			if err := json.Unmarshal([]byte(out), &dep); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
		}
		return dep, code, errOut
	}

	first, code, errOut := deploy("--service", "checkout", "--env", "prod", "--sha", "abc1234", "--at", "2026-11-28T10:00:00Z",
		"--commit", "aaa1111@2026-11-27T09:00:00Z", "--commit", "abc1234@2026-11-28T08:00:00Z")
	if code != 0 {
		t.Fatalf("deploy: exit %d: %s", code, errOut)
	}
	if !first.Production || first.Team != "payments" || first.Changes != 2 || first.Status != delivery.StatusSuccess {
		t.Fatalf("deployment = %+v", first)
	}
	again, code, _ := deploy("--service", "checkout", "--env", "prod", "--sha", "abc1234", "--at", "2026-11-28T10:00:00Z",
		"--commit", "aaa1111@2026-11-27T09:00:00Z", "--commit", "abc1234@2026-11-28T08:00:00Z")
	if code != 0 || again.ID != first.ID {
		t.Fatalf("a replayed deploy was recorded again: %s, first %s", again.ID, first.ID)
	}
	if _, code, errOut := deploy("--service", "checkout", "--env", "prod", "--sha", "0ddba11", "--rollback", "--at", "2026-11-28T11:00:00Z"); code != 0 {
		t.Fatalf("rollback deploy: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, d, "event", "incident", "--id", "INC-1", "--service", "checkout", "--title", "5xx on /pay", "--opened-at", "2026-11-28T10:30:00Z")
	if code != 0 || !strings.Contains(out, "within the incident window") {
		t.Fatalf("incident: exit %d: %s%s", code, out, errOut)
	}

	cfg := config.Default()
	cfg.DataDir = dir
	db, c, err := app.OpenCatalog(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := delivery.NewService(cfg, c, db)
	defer svc.Close()
	deps, err := svc.Deployments(context.Background(), delivery.Filter{Service: "checkout"})
	if err != nil || len(deps) != 2 {
		t.Fatalf("deployments = %+v, %v", deps, err)
	}
	for _, dep := range deps {
		if dep.ID == first.ID && dep.Failure != delivery.FailureRolledBack {
			t.Errorf("the rolled-back deployment's failure = %q, want %q", dep.Failure, delivery.FailureRolledBack)
		}
	}
	incs, err := svc.Incidents(context.Background(), delivery.Filter{Service: "checkout"})
	if err != nil || len(incs) != 1 || incs[0].Link != delivery.LinkWindow || incs[0].DeploymentID != first.ID {
		t.Fatalf("incidents = %+v, %v", incs, err)
	}

	for _, bad := range [][]string{
		{"--service", "checkout", "--env", "prod", "--status", "maybe"},
		{"--service", "checkout", "--env", "prod", "--commit", "abc"},
		{"--service", "checkout"},
		{"--env", "prod"},
	} {
		if _, code, errOut := deploy(bad...); code != ExitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errOut)
		}
	}
}

// TestEventToServer posts events to a paved server with an ingest token,
// as a CI job does.
func TestEventToServer(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := app.Open(ctx, cfg, app.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Server.Handler())
	defer srv.Close()
	_, ingest, _ := a.Auth.Create(ctx, "ci", auth.RoleIngest)
	svc := a.Catalog.Current().Services[0]

	code, out, errOut := run(t, "event", "deploy", "--server", srv.URL, "--token", ingest, "--service", svc.Name, "--env", "prod",
		"--sha", "abc1234", "--key", "ci-run-1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var dep delivery.Deployment
	if err := json.Unmarshal([]byte(out), &dep); err != nil || dep.Service != svc.Name || !dep.Production {
		t.Fatalf("deployment = %+v (%v)", dep, err)
	}
	// The same key again is the same deployment.
	run(t, "event", "deploy", "--server", srv.URL, "--token", ingest, "--service", svc.Name, "--env", "prod", "--sha", "abc1234", "--key", "ci-run-1")
	deps, err := a.Delivery.Deployments(ctx, delivery.Filter{Service: svc.Name})
	if err != nil || len(deps) != 1 {
		t.Fatalf("deployments = %+v, %v", deps, err)
	}
	// The command's use is recorded at the server, as the team's.
	var uses int
	if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM usage_events WHERE feature = 'cli.event.deploy' AND team = $1`, svc.Team).Scan(&uses); err != nil || uses != 2 {
		t.Errorf("%d uses of cli.event.deploy recorded for %s (%v), want 2", uses, svc.Team, err)
	}
	if code, _, errOut := run(t, "event", "incident", "--server", srv.URL, "--service", svc.Name, "--title", "x"); code != ExitUsage || !strings.Contains(errOut, "PAVED_TOKEN") {
		t.Fatalf("no token: exit %d: %s", code, errOut)
	}
}
