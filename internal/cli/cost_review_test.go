package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCostReviewCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "paved.yaml")
	err := os.WriteFile(cfg, []byte(`
ownership:
  team_keys: [business_unit, team]
  service_keys: [application, service]
cost:
  budgets:
    teams:
      peoriadata: {amount: 100000}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "review.html")
	flags := []string{"--data-dir=" + filepath.Join(dir, "data"), "--config=" + cfg}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"catalog", []string{"catalog", "import", "../cost/testdata/catalog.yaml"}, 0, nil, ""},
		{"import", []string{"cost", "import", "../../../shared/data/focus/focus_sample.csv"}, 0, nil, ""},
		{"organisation", []string{"cost", "review", "--month", "2024-09"}, 0,
			[]string{"# FinOps review: September 2024\n", "## Spend\n", "| USD |", "## Top movers\n\nAugust 2024 has no billing data to compare with.",
				"## Allocation coverage\n", "## Unallocated spend\n", "| peoriadata | 100,000.00 USD |"}, ""},
		{"team to a file", []string{"cost", "review", "--month", "2024-09", "--team", "peoriadata", "--format", "html", "--out", out}, 0,
			[]string{"wrote the FinOps review of team peoriadata for 2024-09 to " + out}, ""},
		{"bad month", []string{"cost", "review", "--month", "2024-9"}, 2, nil, `month: "2024-9" is not a month; use YYYY-MM`},
		{"unknown team", []string{"cost", "review", "--month", "2024-09", "--team", "ghosts"}, 2, nil, `team "ghosts" is not in the catalog and has no costs`},
		{"bad format", []string{"cost", "review", "--month", "2024-09", "--format", "pdf"}, 2, nil, `--format "pdf" is not valid; use one of md, html`},
		{"arguments", []string{"cost", "review", "2024-09"}, 2, nil, "expects no arguments (use the flags)"},
	}
	for _, s := range steps {
		var stdout, stderr bytes.Buffer
		code := ExecuteContext(context.Background(), append(s.args, flags...), &stdout, &stderr)
		ok := code == s.code && strings.Contains(stderr.String(), s.stderr)
		for _, want := range s.stdout {
			ok = ok && strings.Contains(stdout.String(), want)
		}
		if !ok {
			t.Fatalf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout ∋ %q, stderr ∋ %q",
				s.name, strings.Join(s.args, " "), code, s.code, stdout.String(), stderr.String(), s.stdout, s.stderr)
		}
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!doctype html>", "<title>FinOps review of Peoria Data: September 2024</title>", "<style>", `<section id="allocation">`} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
	if bytes.Contains(html, []byte("<script")) || bytes.Contains(html, []byte("<link")) {
		t.Errorf("%s is not standalone", out)
	}
}
