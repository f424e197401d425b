package cli

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyCommands(t *testing.T) {
	d := "--data-dir=" + t.TempDir()
	future := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"list", []string{"policy", "list"}, 0, "pss-restricted-run-as-non-root", ""},
		{"list shows configured modes", []string{"policy", "list", "--config", "testdata/check/enforce.yaml"}, 0, "warn (enforce from 2099-01-01)", ""},
		{"list json", []string{"policy", "list", "--format", "json"}, 0, `"severity": "critical"`, ""},
		{"rego tests pass", []string{"policy", "test", "../policy/testdata/conftest"}, 0, "PASS: 2/2", ""},
		{"builtin rego tests pass", []string{"policy", "test", "--builtin"}, 0, "PASS: ", ""},
		{"no tests", []string{"policy", "test", "../policy/testdata/custom"}, 2, "PASS: 0/0", "no test_* rules found"},
		{"no dir", []string{"policy", "test"}, 2, "", "expects a directory"},
		{"exception create", []string{"policy", "exception", "create", d, "--policy", "no-privileged", "--team", "payments", "--reason", "vendor image", "--approver", "ciso", "--expires", future}, 0, "created exception exc_", ""},
		{"exception unknown policy", []string{"policy", "exception", "create", d, "--policy", "nope", "--team", "payments", "--reason", "r", "--approver", "a", "--expires", future}, 2, "", `--policy "nope" is not a loaded policy`},
		{"exception without scope", []string{"policy", "exception", "create", d, "--policy", "no-privileged", "--reason", "r", "--approver", "a", "--expires", future}, 2, "", "needs a scope"},
		{"exception list", []string{"policy", "exception", "list", d}, 0, "team=payments", ""},
		{"exception revoke unknown", []string{"policy", "exception", "revoke", d, "exc_nope"}, 2, "", `exception "exc_nope" does not exist`},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, s.args...)
		if code != s.code || !strings.Contains(stdout, s.stdout) || !strings.Contains(stderr, s.stderr) {
			t.Fatalf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s", s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr)
		}
	}
}
