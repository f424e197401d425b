package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/survey"
)

// surveyConfig defines a survey open for decades and one that closed in
// January 2020.
const surveyConfig = `
surveys:
  min_responses: 3
  definitions:
    - {id: always, title: "Always open", kind: enps, opens: 2020-01-01, closes: 2099-12-31}
    - id: enps-2020-01
      title: January 2020
      kind: enps+pulse
      opens: 2020-01-06
      closes: 2020-01-17
      teams: [payments, search]
      questions:
        - {id: better, text: "What should we do better?", type: text}
`

// seedClosedSurvey answers enps-2020-01 as if in January 2020: payments
// 10 9 6 and search 9 10, each with one free-text answer.
func seedClosedSurvey(t *testing.T, cfgPath, dataDir string) {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dataDir
	ctx := context.Background()
	db, cat, err := app.OpenCatalog(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := survey.NewService(cfg, cat, db)
	svc.SetClock(func() time.Time { return time.Date(2020, 1, 10, 12, 0, 0, 0, time.UTC) })
	if err := svc.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for team, scores := range map[string][]int{"payments": {10, 9, 6}, "search": {9, 10}} {
		tokens, err := svc.Invite(ctx, "enps-2020-01", team, len(scores)+1)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range scores {
			a := survey.Answers{Scores: map[string]int{"enps": s}, Texts: map[string]string{}}
			for _, d := range config.Dimensions {
				a.Scores[d] = 4
			}
			if i == 0 {
				a.Texts["better"] = team + " wants faster builds"
			}
			if err := svc.Submit(ctx, tokens[i], a); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestSurveyCommands(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "paved.yaml")
	if err := os.WriteFile(cfg, []byte(surveyConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	emails := filepath.Join(dir, "emails.txt")
	os.WriteFile(emails, []byte("# payments\nana@example.com\n\nben@example.com\n"), 0o644)
	badEmails := filepath.Join(dir, "bad.txt")
	os.WriteFile(badEmails, []byte("ana@example.com\n# next is wrong\nnot an address\n"), 0o644)
	data := filepath.Join(dir, "data")
	flags := []string{"--data-dir=" + data, "--config=" + cfg}
	if code, out, errOut := run(t, append([]string{"catalog", "import", "../survey/testdata/catalog.yaml"}, flags...)...); code != 0 {
		t.Fatalf("catalog import: %d\n%s%s", code, out, errOut)
	}
	seedClosedSurvey(t, cfg, data)
	link := `https://paved\.example\.com/answer/pvs_[A-Za-z0-9_-]{32}`
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string // a regular expression
		stderr string
	}{
		{"list", []string{"survey", "list"}, 0, `(?m)^always\s+Always open\s+enps\s+open\s+2020-01-01\s+2099-12-31\s+0\s+0\s+-\s+config$`, ""},
		{"list json", []string{"survey", "list", "--format", "json"}, 0, `"id": "enps-2020-01"`, ""},
		{"create", []string{"survey", "create", "--id", "pulse-next", "--title", "Next pulse", "--kind", "pulse", "--opens", "2099-01-01", "--closes", "2099-01-31", "--team", "search"}, 0,
			"survey pulse-next created: open from 2099-01-01 to 2099-01-31", ""},
		{"create again", []string{"survey", "create", "--id", "pulse-next", "--title", "Next pulse", "--opens", "2099-01-01", "--closes", "2099-01-31"}, 2, "", `a survey with id "pulse-next" exists already`},
		{"create bad", []string{"survey", "create", "--id", "Bad Id", "--kind", "nps", "--opens", "soon", "--closes", "2099-01-31"}, 2, "",
			`id: "Bad Id" is not a valid name(.|\n)*kind: "nps" is not a survey kind(.|\n)*opens: "soon" is not a day`},
		{"create unknown team", []string{"survey", "create", "--id", "x", "--title", "X", "--opens", "2099-01-01", "--closes", "2099-01-31", "--team", "ghosts"}, 2, "", `teams\[0\]: team "ghosts" does not exist`},
		{"invite", []string{"survey", "invite", "always", "--team", "payments", "--count", "3", "--base-url", "https://paved.example.com/"}, 0,
			`^` + link + `\n` + link + `\n` + link + `\n$`, "3 links for team payments; they are not shown again"},
		{"invite emails", []string{"survey", "invite", "always", "--team", "search", "--emails", emails, "--base-url", "https://paved.example.com"}, 0,
			`^ana@example\.com\t` + link + `\nben@example\.com\t` + link + `\n$`, ""},
		{"invite json", []string{"survey", "invite", "always", "--team", "search", "--count", "1", "--base-url", "https://paved.example.com", "--format", "json"}, 0, `"url": "` + link + `"`, ""},
		{"invite bad emails", []string{"survey", "invite", "always", "--team", "search", "--emails", badEmails, "--base-url", "https://paved.example.com"}, 2, "", `bad\.txt:3: "not an address" is not an email address`},
		{"invite no base url", []string{"survey", "invite", "always", "--team", "search", "--count", "1"}, 2, "", "needs --base-url, or surveys.base_url"},
		{"invite bad base url", []string{"survey", "invite", "always", "--team", "search", "--count", "1", "--base-url", "paved.example.com"}, 2, "", `--base-url: "paved.example.com" is not an http`},
		{"invite no count", []string{"survey", "invite", "always", "--team", "search"}, 2, "", "needs --team and one of --count or --emails"},
		{"invite outside audience", []string{"survey", "invite", "pulse-next", "--team", "payments", "--count", "1", "--base-url", "https://paved.example.com"}, 2, "", `team "payments" is not in the audience`},
		{"invite closed", []string{"survey", "invite", "enps-2020-01", "--team", "payments", "--count", "1", "--base-url", "https://paved.example.com"}, 2, "", "closed on 2020-01-17"},
		{"results while open", []string{"survey", "results", "always"}, 0, `(?s)Always open \(always\): open, 0 of 6 invited answered \(0%\).*payments\s+3\s+0\s+0%.*published when the survey closes on 2099-12-31`, ""},
		// k = 3: search (2) alone would be "other", so payments (3) folds in
		// with it: P 10 9 9 10, D 6 → (4 - 1) / 5 = +60 for all and other.
		{"results closed", []string{"survey", "results", "enps-2020-01"}, 0,
			`(?s)January 2020 \(enps-2020-01\): closed, 5 of 7 invited answered \(71%\).*all\s+5\s+\+60\s+4\s+0\s+1\s+-\n(other\s+5\s+\+60\s+4\s+0\s+1\s+payments, search).*Satisfaction & well-being\s+100% \(4\.00\)\s+100% \(4\.00\).*other, "What should we do better\?":\n  - payments wants faster builds\n  - search wants faster builds`, ""},
		{"results json", []string{"survey", "results", "enps-2020-01", "--format", "json"}, 0, `"published": true`, ""},
		{"results unknown", []string{"survey", "results", "nope"}, 2, "", `survey "nope" does not exist`},
		{"export", []string{"survey", "export", "enps-2020-01"}, 0,
			`^group,enps,satisfaction,performance,activity,communication,efficiency,better\n(other,(10|9|6),4,4,4,4,4,[a-z ]*\n){5}$`, ""},
		{"export open", []string{"survey", "export", "always"}, 2, "", "survey always has no published answers to export"},
		{"no args", []string{"survey", "results"}, 2, "", "expects the survey id"},
	}
	for _, s := range steps {
		code, stdout, stderr := run(t, append(s.args, flags...)...)
		if code != s.code || !regexp.MustCompile(s.stdout).MatchString(stdout) || !regexp.MustCompile(s.stderr).MatchString(stderr) {
			t.Fatalf("%s: paved %s\nexit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout =~ %q, stderr =~ %q",
				s.name, strings.Join(s.args, " "), code, s.code, stdout, stderr, s.stdout, s.stderr)
		}
	}

	out := filepath.Join(dir, "answers.csv")
	if code, _, stderr := run(t, append([]string{"survey", "export", "enps-2020-01", "--output", out}, flags...)...); code != 0 || !strings.Contains(stderr, "written to") {
		t.Fatalf("export --output: %d %s", code, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || strings.Count(string(b), "\n") != 6 {
		t.Errorf("exported file: %q, %v", b, err)
	}
	code, stdout, _ := run(t, append([]string{"survey", "results", "enps-2020-01", "--format", "json"}, flags...)...)
	var res survey.Results
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil || res.Overall.ENPS.Score != 60 {
		t.Fatalf("results json: %d %s", code, stdout)
	}
}
