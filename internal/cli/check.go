package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/policy/input"
	"github.com/spf13/cobra"
)

// checkFlags are the options of `paved check`.
type checkFlags struct {
	policyDirs []string
	selectIDs  []string
	env, team  string
	failOnWarn bool
	noBuiltin  bool
	server     string
	token      string
	catalogs   []string
	reportTo   string
	format     string
}

func newCheckCmd(g *globals) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check PATH...|-",
		Short: "Check Kubernetes manifests, Terraform plans and modules, and Dockerfiles against the policies",
		Long: `Check files against the built-in guardrails and your own Rego policies: the CI gate.

PATH is a file or directory (searched for Kubernetes YAML/JSON, Terraform plan
JSON from 'terraform show -json', .tf modules and Dockerfiles), or - for
manifests on stdin (helm template ... | paved check -).

Each violation's action comes from the rollout in paved.yaml (policies:
mode off|warn|enforce, enforce_from, per-environment and per-team overrides)
and from exceptions. Exit codes: 0 nothing denied, 1 something denied (or
warned, with --fail-on-warn), 2 usage or input error.

The team-exists check needs the catalog: from the store (--data-dir,
--database-url), a paved server (--server URL --token T) or catalog files
(--catalog PATH).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("check expects at least one file, directory or - for stdin")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.check(cmd, args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.policyDirs, "policy", nil, "directory or file of custom Rego policies (conftest-style or with paved metadata); repeatable")
	fl.StringSliceVar(&f.selectIDs, "select", nil, "only these policies or sets, comma-separated (e.g. pod-security-restricted)")
	fl.StringVar(&f.env, "env", "", "environment the files deploy to (decides per-environment rollouts)")
	fl.StringVar(&f.team, "team", "", "team that owns the files (overrides ownership resolution)")
	fl.BoolVar(&f.failOnWarn, "fail-on-warn", false, "exit 1 on warnings too")
	fl.BoolVar(&f.noBuiltin, "no-builtin", false, "run only the --policy policies")
	fl.StringVar(&f.server, "server", "", "paved server URL to read the catalog and exceptions from")
	fl.StringVar(&f.token, "token", os.Getenv("PAVED_TOKEN"), "API token for --server and --report-to (env PAVED_TOKEN)")
	fl.StringArrayVar(&f.catalogs, "catalog", nil, "catalog files or directories (Backstage or paved YAML) for the team-exists check")
	fl.StringVar(&f.reportTo, "report-to", "", "paved server URL to record the results as decisions")
	fl.StringVar(&f.format, "format", "table", "output format: "+strings.Join(policy.Formats, "|"))
	return cmd
}

func (g *globals) check(cmd *cobra.Command, args []string, f checkFlags) error {
	// A check is a short-lived batch job that builds large input trees:
	// collecting garbage less often nearly halves the time on big plans.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if !contains(policy.Formats, f.format) {
		return fmt.Errorf("--format %q is not valid; use one of %s", f.format, strings.Join(policy.Formats, ", "))
	}
	cfg, err := g.load(cmd)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible(cmd)
	defer cancel()

	src, err := g.checkSources(ctx, cmd, cfg, f)
	if err != nil {
		return err
	}
	engine, err := policy.NewEngine(ctx, policy.Options{NoBuiltin: f.noBuiltin, Dirs: f.policyDirs, Select: f.selectIDs, Data: policy.Data(cfg, src.snap)})
	if err != nil {
		return err
	}
	all := engine.Policies()
	rollout, err := policy.NewRollout(cfg, all, src.grace)
	if err != nil {
		return err
	}
	exceptions, err := policy.ConfigExceptions(cfg)
	if err != nil {
		return err
	}
	exceptions = append(exceptions, src.exceptions...)

	var docs []policy.Document
	for _, p := range args {
		var ds []policy.Document
		if p == "-" {
			ds, err = input.Read("-", cmd.InOrStdin())
		} else {
			ds, err = input.ReadPath(p)
		}
		if err != nil {
			return err
		}
		docs = append(docs, ds...)
	}
	checker := &policy.Checker{Engine: engine, Rollout: rollout, Exceptions: exceptions}
	if src.snap != nil {
		checker.Index = catalog.NewIndex(*src.snap, cfg.Ownership)
	}
	rep, err := checker.Check(ctx, docs, policy.CheckOptions{Env: f.env, Team: f.team, Now: time.Now(), Files: countFiles(docs)})
	if err != nil {
		return err
	}
	if err := policy.Write(g.stdout, rep, f.format, version()); err != nil {
		return err
	}
	if f.reportTo != "" {
		if err := reportTo(ctx, f.reportTo, f.token, rep); err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "recorded %d results at %s\n", len(rep.Results), f.reportTo)
		postUsage(ctx, f.reportTo, f.token, cmd, f.team)
	}
	if rep.Failed(f.failOnWarn) {
		what := fmt.Sprintf("%d denied", rep.Summary.Deny)
		if f.failOnWarn {
			what += fmt.Sprintf(", %d warnings (--fail-on-warn)", rep.Summary.Warn)
		}
		return checkFailed("check failed: %s", what)
	}
	return nil
}

func countFiles(docs []policy.Document) int {
	seen := map[string]bool{}
	for _, d := range docs {
		seen[d.File] = true
	}
	return len(seen)
}

// checkSource is what `paved check` knows beyond the files: the catalog,
// onboarding grace periods and exceptions made through the API.
type checkSource struct {
	snap       *catalog.Snapshot
	grace      map[string]time.Time
	exceptions []policy.Exception
}

func (g *globals) checkSources(ctx context.Context, cmd *cobra.Command, cfg config.Config, f checkFlags) (checkSource, error) {
	var src checkSource
	envs := make([]catalog.Environment, 0, len(cfg.Environments))
	for _, e := range cfg.Environments {
		envs = append(envs, catalog.Environment{Name: e.Name, Production: e.Production})
	}
	switch {
	case len(f.catalogs) > 0:
		doc, err := catalog.ReadFiles(f.catalogs)
		if err != nil {
			return src, err
		}
		snap, err := doc.Snapshot(envs)
		if err != nil {
			return src, err
		}
		src.snap = &snap
	case f.server != "":
		return fetchSources(ctx, f.server, f.token)
	case cmd.Flags().Changed("data-dir") || cmd.Flags().Changed("database-url") || os.Getenv("PAVED_DATA_DIR") != "" || cfg.DatabaseURL != "":
		db, cat, err := app.OpenCatalog(ctx, cfg)
		if err != nil {
			return src, err
		}
		defer db.Close()
		src.snap = cat.Current()
		ps := policy.NewStore(db)
		if src.grace, err = ps.Grace(ctx); err != nil {
			return src, err
		}
		if src.exceptions, err = ps.Exceptions(ctx); err != nil {
			return src, err
		}
	}
	return src, nil
}

// fetchSources reads the catalog and exceptions from a paved server.
func fetchSources(ctx context.Context, server, token string) (checkSource, error) {
	var src checkSource
	var teams catalog.TeamList
	var services catalog.ServiceList
	var envs catalog.EnvironmentList
	var exc policy.ExceptionList
	for path, into := range map[string]any{"/api/v1/teams": &teams, "/api/v1/services": &services, "/api/v1/environments": &envs, "/api/v1/exceptions": &exc} {
		if err := apiGet(ctx, server, token, path, into); err != nil {
			return src, err
		}
	}
	src.snap = &catalog.Snapshot{Teams: teams.Teams, Services: services.Services, Environments: envs.Environments}
	for _, e := range exc.Exceptions {
		ex, err := policy.NewException(e.ID, e.Source, e.PolicyException)
		if err == nil && e.Source == "api" {
			src.exceptions = append(src.exceptions, ex)
		}
	}
	return src, nil
}

func apiGet(ctx context.Context, server, token, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimRight(server, "/")+path, nil)
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	return apiDo(req, token, into)
}

func apiDo(req *http.Request, token string, into any) error {
	if token == "" {
		return fmt.Errorf("%s needs an API token: pass --token or set PAVED_TOKEN", req.URL.Host)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("calling %s %s: %w", req.Method, req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if resp.StatusCode >= 300 {
		var eb struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(body, &eb)
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Redacted(), resp.Status, firstNonEmpty(eb.Error.Message, strings.TrimSpace(string(body))))
	}
	if into == nil {
		return nil
	}
	return json.Unmarshal(body, into)
}

func reportTo(ctx context.Context, server, token string, rep policy.Report) error {
	up := policy.Upload{Source: "ci", Results: rep.Results}
	for _, c := range rep.Checked {
		up.Resources = append(up.Resources, policy.CheckedResource{Resource: c.Resource.String(), Team: c.Team})
	}
	body, _ := json.Marshal(up)
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(server, "/")+"/api/v1/decisions", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--report-to: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	return apiDo(req, token, nil)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
