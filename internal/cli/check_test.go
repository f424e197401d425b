package cli

import (
	"bytes"
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
	"github.com/paved-dev/paved/internal/policy"
)

func TestCheck(t *testing.T) {
	const dir = "testdata/check/"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
		stderr string
	}{
		{"warn-first by default", []string{"check", dir + "deploy.yaml"}, "", 0, "[no-privileged, critical]", ""},
		{"enforced policy denies", []string{"check", "--config", dir + "enforce.yaml", dir + "deploy.yaml"}, "", 1, "DENY     deploy.yaml:1  Deployment/checkout-prod/checkout  [no-privileged, critical]", "check failed: 1 denied"},
		{"warning names its enforcement date", []string{"check", "--config", dir + "enforce.yaml", dir + "deploy.yaml"}, "", 1, "note: will be denied from 2099-01-01", ""},
		{"fail on warn", []string{"check", "--fail-on-warn", dir + "deploy.yaml"}, "", 1, "", "warnings (--fail-on-warn)"},
		{"clean manifest", []string{"check", dir + "good.yaml"}, "", 0, "0 denied, 0 warnings", ""},
		{"team check skipped without a catalog", []string{"check", dir + "good.yaml"}, "", 0, "team-exists check was skipped", ""},
		{"catalog flags the unknown team", []string{"check", "--catalog", dir + "catalog.yaml", "--select", "ownership-labels", dir + "deploy.yaml"}, "", 0, `team "ghosts" is not in the catalog`, ""},
		{"select a set", []string{"check", "--select", "pod-security-baseline", "--format", "json", dir + "deploy.yaml"}, "", 0, `"policy": "pss-baseline-privileged"`, ""},
		{"stdin", []string{"check", "--select", "no-privileged", "-"}, mustRead(dir + "deploy.yaml"), 0, "[no-privileged, critical]", ""},
		{"dockerfile", []string{"check", "--select", "dockerfile-pinned-base", dir + "Dockerfile"}, "", 0, "FROM debian:latest uses the latest tag", ""},
		{"conftest policies run unchanged", []string{"check", "--no-builtin", "--policy", "../policy/testdata/conftest", dir + "deploy.yaml"}, "", 1, "DENY     deploy.yaml:1  Deployment/checkout-prod/checkout  [main, high]", ""},
		{"broken yaml", []string{"check", dir + "broken.yaml"}, "", 2, "", "broken.yaml:4: invalid YAML"},
		{"not kubernetes", []string{"check", dir + "notk8s.yaml"}, "", 2, "", "notk8s.yaml:1: not a Kubernetes object"},
		{"unknown policy in config", []string{"check", "--config", dir + "unknown-policy.yaml", dir + "deploy.yaml"}, "", 2, "", `unknown-policy.yaml:2: policies.no-such-policy: "no-such-policy" is not a loaded policy or set`},
		{"rego syntax error", []string{"check", "--policy", "../policy/testdata/broken", dir + "deploy.yaml"}, "", 2, "", "syntax.rego:5"},
		{"unknown select", []string{"check", "--select", "nope", dir + "deploy.yaml"}, "", 2, "", `--select "nope" names no policy or set`},
		{"bad format", []string{"check", "--format", "xml", dir + "deploy.yaml"}, "", 2, "", `--format "xml" is not valid`},
		{"no paths", []string{"check"}, "", 2, "", "expects at least one file"},
		{"missing path", []string{"check", dir + "nope.yaml"}, "", 2, "", "nope.yaml"},
		{"broken plan", []string{"check", dir + "broken-plan.json"}, "", 2, "", "broken-plan.json:1: invalid JSON"},
		{"broken terraform", []string{"check", dir + "bad.tf"}, "", 2, "", "bad.tf:2: invalid Terraform"},
		{"exception expiry not a date", []string{"check", "--config", dir + "bad-exception.yaml", dir + "good.yaml"}, "", 2, "", `bad-exception.yaml:6: exceptions[0].expires: "next week" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			root := newRoot(&out, &errOut)
			root.SetIn(strings.NewReader(tt.stdin))
			root.SetArgs(tt.args)
			code := ExitOK
			if err := root.Execute(); err != nil {
				errOut.WriteString("paved: " + err.Error())
				code = ExitUsage
				if ee, ok := err.(*exitError); ok {
					code = ee.code
				}
			}
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errOut.String(), tt.stderr) {
				t.Fatalf("paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout ∋ %q, stderr ∋ %q",
					strings.Join(tt.args, " "), code, tt.code, out.String(), errOut.String(), tt.stdout, tt.stderr)
			}
		})
	}
}

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestCheckWithServer reads the catalog and exceptions from a running
// paved and reports the results back, as CI does.
func TestCheckWithServer(t *testing.T) {
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
	_, ingest, _ := a.Auth.Create(ctx, "ci", auth.RoleEditor)
	if _, err := a.Policy.Store.CreateException(ctx, config.PolicyException{Policy: "image-tag-pinned", Team: "payments", Reason: "pinning next sprint", Approver: "lead", Expires: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := run(t, "check", "--server", srv.URL, "--token", ingest, "--report-to", srv.URL, "--format", "json", "testdata/check/deploy.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep policy.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.TeamCheck != "catalog" {
		t.Fatalf("the server's catalog was not used: %+v", rep.Summary)
	}
	var excepted, ghost bool
	for _, r := range rep.Results {
		if r.Policy == "image-tag-pinned" && r.Action == policy.ActionExcepted && r.Team == "payments" && r.Service == "checkout" {
			excepted = true
		}
		if r.Policy == "ownership-labels" && strings.Contains(r.Message, `"ghosts"`) {
			ghost = true
		}
	}
	if !excepted || !ghost {
		t.Fatalf("server exception applied: %v, unknown team flagged: %v\n%s", excepted, ghost, out)
	}
	findings, err := a.Policy.Store.Findings(ctx, "payments", "")
	if err != nil || len(findings) == 0 {
		t.Fatalf("results were not recorded as decisions: %v %v", findings, err)
	}
	if !strings.Contains(errOut, "recorded") {
		t.Fatalf("stderr: %s", errOut)
	}
	var uses int
	if err := a.DB.R.QueryRow(`SELECT COUNT(*) FROM usage_events WHERE feature = 'cli.check'`).Scan(&uses); err != nil || uses != 1 {
		t.Errorf("%d uses of cli.check recorded at the server (%v), want 1", uses, err)
	}

	// The fix closes the findings: check the corrected manifest under the
	// same resource name and report again.
	fixed := strings.ReplaceAll(mustRead("testdata/check/good.yaml"), "ledger", "checkout")
	path := filepath.Join(t.TempDir(), "deploy.yaml")
	os.WriteFile(path, []byte(fixed), 0o644)
	if code, _, errOut := run(t, "check", "--server", srv.URL, "--token", ingest, "--report-to", srv.URL, path); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	findings, _ = a.Policy.Store.Findings(ctx, "payments", "")
	for _, f := range findings {
		if f.Resource == "Deployment/checkout-prod/checkout" {
			t.Fatalf("fixed finding still open: %+v", f)
		}
	}
}
