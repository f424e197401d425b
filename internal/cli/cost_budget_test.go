package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCostBudgetCommands(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer hook.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "paved.yaml")
	err := os.WriteFile(cfg, []byte(`
ownership:
  team_keys: [business_unit, team]
  service_keys: [application, service]
cost:
  budgets:
    teams:
      peoriadata: {amount: 10}
  alerts:
    webhooks:
      - {team: "*", url: "`+hook.URL+`/hook", format: json}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"--data-dir=" + filepath.Join(dir, "data"), "--config=" + cfg}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"catalog", []string{"catalog", "import", "../cost/testdata/catalog.yaml"}, 0, "created   team peoriadata", ""},
		{"import", []string{"cost", "import", "../../../shared/data/focus/focus_sample.csv"}, 0, "rows: 1000 read", ""},
		{"set", []string{"cost", "budget", "set", "--team", "tempeai", "--amount", "50"}, 0, "budget of team tempeai set to 50.00 USD a month", ""},
		{"set a service's", []string{"cost", "budget", "set", "--team", "tempeai", "--service", "zoommapmax", "--amount", "20", "--format", "json"}, 0, `"service": "zoommapmax"`, ""},
		{"set without amount", []string{"cost", "budget", "set", "--team", "tempeai"}, 2, "", "needs --team and --amount"},
		{"set zero", []string{"cost", "budget", "set", "--team", "tempeai", "--amount", "0"}, 2, "", "amount: 0 is not a budget"},
		{"set unknown team", []string{"cost", "budget", "set", "--team", "ghosts", "--amount", "1"}, 2, "", `team "ghosts" does not exist`},
		{"set paved.yaml's", []string{"cost", "budget", "set", "--team", "peoriadata", "--amount", "5"}, 2, "", "set in paved.yaml"},
		{"list", []string{"cost", "budget", "list", "--month", "2024-09"}, 0, "peoriadata  -", ""},
		{"list status", []string{"cost", "budget", "list", "--month", "2024-09", "--team", "tempeai"}, 0, "service=zoommapmax", ""},
		{"list json", []string{"cost", "budget", "list", "--month", "2024-09", "--format", "json"}, 0, `"status": "over"`, ""},
		{"list bad month", []string{"cost", "budget", "list", "--month", "September"}, 2, "", `month: "September" is not a month`},
		{"no alerts yet", []string{"cost", "alerts"}, 0, "no alerts", ""},
		// The sample is from 2024: nothing is due this month.
		{"check", []string{"cost", "check"}, 0, "no new alerts\ndelivery: 0 delivered, 0 to retry, 0 failed", ""},
		{"check json", []string{"cost", "check", "--format", "json"}, 0, `"ran": true`, ""},
		{"alerts bad month", []string{"cost", "alerts", "--month", "2024-13"}, 2, "", "is not a month"},
		{"delete", []string{"cost", "budget", "delete", "--team", "tempeai", "--service", "zoommapmax"}, 0, "budget of team tempeai (service zoommapmax) removed", ""},
		{"delete again", []string{"cost", "budget", "delete", "--team", "tempeai", "--service", "zoommapmax"}, 2, "", "no stored service=zoommapmax budget"},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, append(s.args, flags...)...)
		if code != s.code || !strings.Contains(stdout, s.stdout) || !strings.Contains(stderr, s.stderr) {
			t.Fatalf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout ∋ %q, stderr ∋ %q",
				s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr, s.stdout, s.stderr)
		}
	}
}
