package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/survey"
	"github.com/spf13/cobra"
)

func newSurveyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "survey",
		Short: "Developer surveys: eNPS and the SPACE pulse, anonymous per team",
		Long: `Developer surveys: the eNPS question (0-10) and the SPACE pulse (one Likert
item per SPACE dimension), answered through personal invite links at
/answer/TOKEN on paved serve, no sign-in needed.

Answers are anonymous: each is stored with its team and day only, apart from
its invite. Results are published when a survey closes, per team only where at
least surveys.min_responses people answered (default 5); smaller teams are
folded together as "other" until no group, and no difference between groups,
is smaller than that.

Surveys are defined in paved.yaml (surveys.definitions, written to the store
whenever paved starts) or with paved survey create.`,
	}
	cmd.AddCommand(newSurveyListCmd(g), newSurveyCreateCmd(g), newSurveyInviteCmd(g), newSurveyResultsCmd(g), newSurveyExportCmd(g))
	return cmd
}

// withSurvey opens the store, the catalog and the survey service, with
// paved.yaml's surveys written to the store.
func (g *globals) withSurvey(cmd *cobra.Command, fn func(ctx context.Context, cfg config.Config, svc *survey.Service) error) error {
	return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
		cat, err := app.OpenCatalogOn(ctx, cfg, db)
		if err != nil {
			return err
		}
		svc := survey.NewService(cfg, cat, db)
		if err := svc.Sync(ctx); err != nil {
			return err
		}
		return fn(ctx, cfg, svc)
	})
}

func newSurveyListCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "list", Short: "Surveys with their status and response rate, the latest to close first", Args: exactArgs(0, "no arguments")}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withSurvey(cmd, func(ctx context.Context, cfg config.Config, svc *survey.Service) error {
			list, err := svc.List(ctx)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, survey.SurveyList{Surveys: list})
			}
			if len(list) == 0 {
				fmt.Fprintln(g.stdout, "no surveys; define one in paved.yaml (surveys.definitions) or with paved survey create")
				return nil
			}
			rows := [][]string{{"ID", "TITLE", "KIND", "STATUS", "OPENS", "CLOSES", "INVITED", "ANSWERED", "RATE", "SOURCE"}}
			for _, s := range list {
				rows = append(rows, []string{s.ID, s.Title, s.Kind, s.Status, s.Opens, s.Closes, strconv.Itoa(s.Invited), strconv.Itoa(s.Responses),
					surveyPct(s.Responses, s.Invited), s.Source})
			}
			return table(g.stdout, rows)
		})
	}
	return cmd
}

func newSurveyCreateCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --id ID --title TITLE --kind enps|pulse|enps+pulse --opens YYYY-MM-DD --closes YYYY-MM-DD",
		Short: "Create a survey (kept in the store; paved.yaml's surveys.definitions are the alternative kept in git)",
		Args:  exactArgs(0, "no arguments (use the flags)"),
	}
	format := formatFlag(cmd, "table", "json")
	var req survey.CreateRequest
	var question string
	cmd.Flags().StringVar(&req.ID, "id", "", "the survey's id, a slug such as enps-2026-q1 (required)")
	cmd.Flags().StringVar(&req.Title, "title", "", "the title respondents see (required)")
	cmd.Flags().StringVar(&req.Kind, "kind", config.SurveyENPS, "enps, pulse or enps+pulse")
	cmd.Flags().StringVar(&req.Opens, "opens", "", "first day answers are taken, YYYY-MM-DD UTC (required)")
	cmd.Flags().StringVar(&req.Closes, "closes", "", "last day answers are taken, YYYY-MM-DD UTC (required)")
	cmd.Flags().StringArrayVar(&req.Teams, "team", nil, "a team of the audience (repeat; default every team)")
	cmd.Flags().StringVar(&question, "question", "", "an optional free-text question")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if question != "" {
			req.Questions = []config.SurveyQuestion{{ID: "comments", Text: question, Type: config.QuestionText}}
		}
		return g.withSurvey(cmd, func(ctx context.Context, cfg config.Config, svc *survey.Service) error {
			sv, err := svc.Create(ctx, req)
			if err != nil {
				return withDetails(err)
			}
			if f == "json" {
				return writeJSON(g.stdout, sv)
			}
			fmt.Fprintf(g.stdout, "survey %s created: open from %s to %s; make invite links with paved survey invite %s --team TEAM --count N\n", sv.ID, sv.Opens, sv.Closes, sv.ID)
			return nil
		})
	}
	return cmd
}

// withDetails lists every problem of an *api.Error that has several.
func withDetails(err error) error {
	var e *api.Error
	if errors.As(err, &e) && len(e.Details) > 1 {
		return &api.Error{Status: e.Status, Code: e.Code, Message: e.Message + "\n" + strings.Join(e.Details[1:], "\n"), Field: e.Field}
	}
	return err
}

func newSurveyInviteCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invite SURVEY --team TEAM (--count N | --emails FILE)",
		Short: "Make personal invite links for a team's members and print them (paved sends no mail)",
		Long: `Make personal invite links, one per person, for members of one team of the
survey's audience, and print them. Only a hash of each link's token is stored:
the links are shown this once. With --emails, each address (one per line of
FILE; blank lines and # comments are skipped) is printed beside its link for a
mail merge; the addresses are not stored.

Links start with --base-url, else paved.yaml's surveys.base_url.`,
		Args: exactArgs(1, "the survey id"),
	}
	format := formatFlag(cmd, "table", "json")
	team := cmd.Flags().String("team", "", "the team the people invited belong to (required)")
	count := cmd.Flags().Int("count", 0, "how many links to make")
	emailsFile := cmd.Flags().String("emails", "", "a file of email addresses, one per line: one link each")
	baseURL := cmd.Flags().String("base-url", "", "where respondents reach paved, e.g. https://paved.example.com (default surveys.base_url)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if *team == "" || (*count == 0) == (*emailsFile == "") {
			return fmt.Errorf("survey invite needs --team and one of --count or --emails\nusage: %s", cmd.UseLine())
		}
		var emails []string
		if *emailsFile != "" {
			if emails, err = readEmails(*emailsFile); err != nil {
				return err
			}
		}
		return g.withSurvey(cmd, func(ctx context.Context, cfg config.Config, svc *survey.Service) error {
			base := *baseURL
			if base == "" {
				base = cfg.Surveys.BaseURL
			}
			if base == "" {
				return fmt.Errorf("survey invite needs --base-url, or surveys.base_url in paved.yaml: the URL respondents reach paved at, e.g. https://paved.example.com")
			}
			if err := survey.CheckBaseURL("--base-url", base); err != nil {
				return err
			}
			n := *count
			if emails != nil {
				n = len(emails)
			}
			tokens, err := svc.Invite(ctx, args[0], *team, n)
			if err != nil {
				return err
			}
			out := survey.InviteList{Survey: args[0], Team: *team, Links: make([]survey.InviteLink, len(tokens))}
			for i, t := range tokens {
				out.Links[i].URL = survey.Link(base, t)
				if emails != nil {
					out.Links[i].Email = emails[i]
				}
			}
			if f == "json" {
				return writeJSON(g.stdout, out)
			}
			for _, l := range out.Links {
				if l.Email != "" {
					fmt.Fprintf(g.stdout, "%s\t%s\n", l.Email, l.URL)
				} else {
					fmt.Fprintln(g.stdout, l.URL)
				}
			}
			fmt.Fprintf(g.stderr, "%d links for team %s; they are not shown again\n", len(out.Links), *team)
			return nil
		})
	}
	return cmd
}

// readEmails reads one address per line, naming the file and line of a
// bad one.
func readEmails(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, errors.Unwrap(err))
	}
	var emails []string
	var lines []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		emails = append(emails, line)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(emails) == 0 {
		return nil, fmt.Errorf("%s: no email addresses; write one per line", path)
	}
	if err := survey.CheckEmails("emails", emails); err != nil {
		var e *api.Error
		if errors.As(err, &e) {
			var i int
			if _, scanErr := fmt.Sscanf(e.Field, "emails[%d]", &i); scanErr == nil && i < len(lines) {
				return nil, fmt.Errorf("%s:%d: %s", path, lines[i], e.Message)
			}
			return nil, fmt.Errorf("%s: %s", path, e.Message)
		}
		return nil, err
	}
	return emails, nil
}

func newSurveyResultsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "results SURVEY", Short: "A survey's participation and, once closed, its eNPS and SPACE scores per team", Args: exactArgs(1, "the survey id")}
	format := formatFlag(cmd, "table", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		return g.withSurvey(cmd, func(ctx context.Context, cfg config.Config, svc *survey.Service) error {
			res, err := svc.Results(ctx, args[0])
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, res)
			}
			return writeResults(g.stdout, res)
		})
	}
	return cmd
}

func writeResults(w io.Writer, res survey.Results) error {
	fmt.Fprintf(w, "%s (%s): %s, %d of %d invited answered (%s)\n\n", res.Survey.Title, res.Survey.ID, res.Status, res.Responses, res.Invited, surveyPct(res.Responses, res.Invited))
	rows := [][]string{{"TEAM", "INVITED", "ANSWERED", "RATE"}}
	for _, p := range res.Participation {
		rows = append(rows, []string{p.Team, strconv.Itoa(p.Invited), strconv.Itoa(p.Responses), surveyPct(p.Responses, p.Invited)})
	}
	if err := table(w, rows); err != nil {
		return err
	}
	if !res.Published {
		fmt.Fprintf(w, "\n%s\n", res.Note)
		return nil
	}
	groups := append([]survey.Group{*res.Overall}, res.Groups...)
	if res.Overall.ENPS != nil {
		fmt.Fprintln(w)
		rows = [][]string{{"GROUP", "ANSWERS", "ENPS", "PROMOTERS", "PASSIVES", "DETRACTORS", "TEAMS"}}
		for _, gr := range groups {
			e := gr.ENPS
			teams := "-"
			if gr.Name == survey.OtherGroup {
				teams = strings.Join(gr.Teams, ", ")
			}
			rows = append(rows, []string{gr.Name, strconv.Itoa(gr.Responses), enpsSigned(e.Score), strconv.Itoa(e.Promoters), strconv.Itoa(e.Passives), strconv.Itoa(e.Detractors), teams})
		}
		if err := table(w, rows); err != nil {
			return err
		}
	}
	if len(res.Overall.Dimensions) > 0 {
		fmt.Fprintln(w, "\nSPACE: share of favourable answers (4-5), mean from 1 to 5")
		header := []string{"DIMENSION"}
		for _, gr := range groups {
			header = append(header, strings.ToUpper(gr.Name))
		}
		rows = [][]string{header}
		for i, d := range res.Overall.Dimensions {
			row := []string{d.Label}
			for _, gr := range groups {
				gd := gr.Dimensions[i]
				row = append(row, fmt.Sprintf("%.0f%% (%.2f)", gd.Favourable*100, gd.Mean))
			}
			rows = append(rows, row)
		}
		if err := table(w, rows); err != nil {
			return err
		}
	}
	for _, gr := range res.Groups {
		for _, t := range gr.Texts {
			fmt.Fprintf(w, "\n%s, %q:\n", gr.Name, t.Text)
			for _, a := range t.Answers {
				fmt.Fprintf(w, "  - %s\n", strings.ReplaceAll(a, "\n", "\n    "))
			}
		}
	}
	return nil
}

func newSurveyExportCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export SURVEY [--output FILE]",
		Short: "A closed survey's anonymised answers as CSV, small teams as \"other\"",
		Args:  exactArgs(1, "the survey id"),
	}
	output := cmd.Flags().String("output", "", "write to FILE instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return g.withSurvey(cmd, func(ctx context.Context, cfg config.Config, svc *survey.Service) error {
			var buf bytes.Buffer
			if err := svc.Export(ctx, args[0], &buf); err != nil {
				return err
			}
			if *output == "" {
				_, err := g.stdout.Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(*output, buf.Bytes(), 0o600); err != nil {
				return fmt.Errorf("writing %s: %w", *output, err)
			}
			fmt.Fprintf(g.stderr, "answers of %s written to %s\n", args[0], *output)
			return nil
		})
	}
	return cmd
}

// surveyPct prints n of total as a whole percentage.
func surveyPct(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", float64(n)*100/float64(total))
}

// enpsSigned prints an eNPS with its sign.
func enpsSigned(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v > 0 {
		return "+" + s
	}
	return s
}
