package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newPolicyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "policy", Short: "List and test policies, and manage exceptions"}
	cmd.AddCommand(newPolicyListCmd(g), newPolicyTestCmd(g), newExceptionCmd(g))
	return cmd
}

func newPolicyListCmd(g *globals) *cobra.Command {
	var dirs []string
	cmd := &cobra.Command{Use: "list", Short: "List the loaded policies with their severity, sets and mode today", Args: exactArgs(0, "no arguments")}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().StringArrayVar(&dirs, "policy", nil, "also load custom policies from this directory")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		cfg, err := g.load(cmd)
		if err != nil {
			return err
		}
		cfg.PolicySettings.Dirs = append(cfg.PolicySettings.Dirs, dirs...)
		svc, err := policy.NewService(cmd.Context(), cfg, nil, nil)
		if err != nil {
			return err
		}
		type row struct {
			*policy.Policy
			Rollout policy.Decision `json:"rollout"`
		}
		rows := []row{}
		for _, p := range svc.Engine.Policies() {
			rows = append(rows, row{p, svc.Rollout.Mode(p, "", "", svc.Now().UTC())})
		}
		if f == "json" {
			return writeJSON(g.stdout, rows)
		}
		t := [][]string{{"ID", "SEVERITY", "MODE", "INPUTS", "SETS", "TITLE"}}
		for _, r := range rows {
			mode := r.Rollout.Mode
			if r.Rollout.EnforceFrom != "" {
				mode += " (enforce from " + r.Rollout.EnforceFrom + ")"
			}
			t = append(t, []string{r.ID, r.Severity, mode, strings.Join(r.Inputs, ","), dash(strings.Join(r.Sets, ",")), r.Title})
		}
		return table(g.stdout, t)
	}
	return cmd
}

func newPolicyTestCmd(g *globals) *cobra.Command {
	var builtin bool
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run Rego unit tests (test_* rules), as opa test does",
		Long: `Run the test_* rules in the Rego files of DIR (and its subdirectories), with
paved's library (data.paved.lib...) and built-in pack loaded so that tests
can use them. With --builtin, run the built-in pack's own tests too.
Exits 1 when a test fails.`,
	}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().BoolVar(&builtin, "builtin", false, "also run the built-in pack's tests")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if len(args) == 0 && !builtin {
			return fmt.Errorf("policy test expects a directory of Rego tests, or --builtin")
		}
		results, err := policy.RunTests(cmd.Context(), args, builtin)
		if err != nil {
			return err
		}
		failed := 0
		for _, r := range results {
			if !r.Pass {
				failed++
			}
		}
		if f == "json" {
			if err := writeJSON(g.stdout, results); err != nil {
				return err
			}
		} else {
			for _, r := range results {
				if !r.Pass {
					fmt.Fprintf(g.stdout, "FAIL %s:%d: %s.%s %s\n", r.File, r.Line, r.Package, r.Name, r.Error)
				}
			}
			fmt.Fprintf(g.stdout, "PASS: %d/%d\n", len(results)-failed, len(results))
		}
		if len(results) == 0 {
			return fmt.Errorf("no test_* rules found in %s", strings.Join(args, ", "))
		}
		if failed > 0 {
			return checkFailed("%d of %d Rego tests failed", failed, len(results))
		}
		return nil
	}
	return cmd
}

func newExceptionCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "exception", Short: "List, create and revoke time-boxed policy exceptions"}
	list := &cobra.Command{Use: "list", Short: "List exceptions from paved.yaml and the store", Args: exactArgs(0, "no arguments")}
	listFormat := formatFlag(list, "table", "json")
	team := list.Flags().String("team", "", "only this team's")
	list.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := listFormat()
		if err != nil {
			return err
		}
		return g.withGuardrails(cmd, func(ctx context.Context, svc *policy.Service) error {
			ex, err := svc.Exceptions(ctx, *team)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, policy.ExceptionList{Exceptions: ex})
			}
			rows := [][]string{{"ID", "POLICY", "SCOPE", "EXPIRES", "STATUS", "APPROVER", "REASON"}}
			for _, e := range ex {
				status := fmt.Sprintf("%d days left", e.DaysLeft)
				if e.Expired {
					status = "expired"
				}
				rows = append(rows, []string{e.ID, e.Policy, scope(e.PolicyException), e.Expires, status, e.Approver, e.Reason})
			}
			return table(g.stdout, rows)
		})
	}
	var e config.PolicyException
	create := &cobra.Command{Use: "create", Short: "Create an exception (stored; paved.yaml exceptions live in the file)", Args: exactArgs(0, "no arguments (use the flags)")}
	createFormat := formatFlag(create, "table", "json")
	fl := create.Flags()
	fl.StringVar(&e.Policy, "policy", "", "policy id (required)")
	fl.StringVar(&e.Team, "team", "", "scope: team")
	fl.StringVar(&e.Service, "service", "", "scope: service")
	fl.StringVar(&e.Namespace, "namespace", "", "scope: Kubernetes namespace")
	fl.StringVar(&e.Resource, "resource", "", "scope: resource glob, e.g. Deployment/payments/legacy-*")
	fl.StringVar(&e.Reason, "reason", "", "why (required)")
	fl.StringVar(&e.Approver, "approver", "", "who accepted the risk (required)")
	fl.StringVar(&e.Expires, "expires", "", "last day it applies, YYYY-MM-DD (required)")
	create.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := createFormat()
		if err != nil {
			return err
		}
		return g.withGuardrails(cmd, func(ctx context.Context, svc *policy.Service) error {
			if _, ok := svc.Engine.Policy(e.Policy); !ok {
				return fmt.Errorf("--policy %q is not a loaded policy; see paved policy list", e.Policy)
			}
			ex, err := svc.Store.CreateException(ctx, e)
			if err != nil {
				return err
			}
			if f == "json" {
				return writeJSON(g.stdout, ex)
			}
			fmt.Fprintf(g.stdout, "created exception %s: %s for %s until %s\n", ex.ID, ex.Policy, scope(ex.PolicyException), ex.Expires)
			return nil
		})
	}
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke an exception at once", Args: exactArgs(1, "the exception id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.withGuardrails(cmd, func(ctx context.Context, svc *policy.Service) error {
				if err := svc.Store.RevokeException(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "revoked exception %s\n", args[0])
				return nil
			})
		},
	}
	cmd.AddCommand(list, create, revoke)
	return cmd
}

func scope(e config.PolicyException) string {
	var parts []string
	for _, kv := range [][2]string{{"team", e.Team}, {"service", e.Service}, {"namespace", e.Namespace}, {"resource", e.Resource}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// withGuardrails opens the store and the policy service for one command.
func (g *globals) withGuardrails(cmd *cobra.Command, fn func(ctx context.Context, svc *policy.Service) error) error {
	return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
		svc, err := policy.NewService(ctx, cfg, policy.NewStore(db), nil)
		if err != nil {
			return err
		}
		return fn(ctx, svc)
	})
}
