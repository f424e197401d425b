package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/paved-dev/paved/internal/admission"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

func newAuditCmd(g *globals) *cobra.Command {
	var kubeconfig, kubeContext, namespace string
	var noRecord bool
	cmd := &cobra.Command{
		Use:   "audit --kubeconfig FILE",
		Short: "Judge what already runs in a cluster: what admission would deny if it were applied today",
		Long: `List the live Pods, Services and workload controllers of a cluster and judge
each with the same policies, rollout and exceptions as the admission webhook.
What it would deny is what the cluster already runs in breach; warn-mode
violations show what enforcing a policy would block.

The results are recorded (source "audit") so that the Policies page's
enforcement preview covers the cluster too; --no-record only prints them.
Objects a controller created (a Deployment's ReplicaSets and pods) are judged
through their controller. Exit code 0 unless the audit itself fails.`,
		Args: exactArgs(0, "no arguments (use --kubeconfig)"),
	}
	format := formatFlag(cmd, "table", "json")
	cmd.Flags().StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file of the cluster (required)")
	cmd.Flags().StringVar(&kubeContext, "context", "", "kubeconfig context (default: its current context)")
	cmd.Flags().StringVarP(&namespace, "namespace", "n", "", "only this namespace")
	cmd.Flags().BoolVar(&noRecord, "no-record", false, "print the audit without recording it")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f, err := format()
		if err != nil {
			return err
		}
		if kubeconfig == "" {
			return fmt.Errorf("--kubeconfig is required: the kubeconfig file of the cluster to audit")
		}
		loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
			&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
			&clientcmd.ConfigOverrides{CurrentContext: kubeContext})
		restCfg, err := loader.ClientConfig()
		if err != nil {
			return fmt.Errorf("--kubeconfig %s: %w", kubeconfig, err)
		}
		raw, _ := loader.RawConfig()
		source := "cluster"
		if name := kubeContext; name != "" {
			source = "cluster:" + name
		} else if raw.CurrentContext != "" {
			source = "cluster:" + raw.CurrentContext
		}
		restCfg.Timeout = 30 * time.Second
		client, err := dynamic.NewForConfig(restCfg)
		if err != nil {
			return err
		}
		return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
			cat, err := app.OpenCatalogOn(ctx, cfg, db)
			if err != nil {
				return err
			}
			ps := policy.NewStore(db)
			grace, err := ps.Grace(ctx)
			if err != nil {
				return err
			}
			svc, err := policy.NewService(ctx, cfg, ps, grace)
			if err != nil {
				return err
			}
			checker := policy.Checker{Engine: svc.Engine, Rollout: svc.Rollout, Exceptions: svc.CurrentExceptions(), Index: cat.Index()}
			now := time.Now()
			res, err := admission.Audit(ctx, client, checker, cfg, admission.AuditOptions{Namespace: namespace, Source: source, Now: now})
			if err != nil {
				return err
			}
			if !noRecord {
				if _, err := ps.Record(ctx, res.Upload(), now); err != nil {
					return fmt.Errorf("recording the audit: %w", err)
				}
			}
			if f == "json" {
				return writeJSON(g.stdout, res)
			}
			return writeAudit(g.stdout, res, source, !noRecord)
		})
	}
	return cmd
}

func writeAudit(w io.Writer, res admission.AuditResult, source string, recorded bool) error {
	fmt.Fprintf(w, "%s: %d objects judged (%d left to their controllers, %d in exempt namespaces)\n\n", source, res.Objects, res.Controlled, res.Exempt)
	if len(res.Teams) == 0 {
		fmt.Fprintln(w, "Nothing running breaks a policy.")
	} else {
		rows := [][]string{{"TEAM", "WOULD DENY", "WARN", "EXCEPTED"}}
		for _, t := range res.Teams {
			rows = append(rows, []string{t.Team, fmt.Sprint(t.WouldDeny), fmt.Sprint(t.Warn), fmt.Sprint(t.Excepted)})
		}
		if err := table(w, rows); err != nil {
			return err
		}
		for _, t := range res.Teams {
			fmt.Fprintf(w, "\n%s\n", t.Team)
			for _, r := range res.Report.Results {
				if r.Team != t.Team {
					continue
				}
				action := r.Action
				if action == policy.ActionDeny {
					action = "would deny"
				}
				fmt.Fprintf(w, "  %-10s %s  %s: %s\n", action, r.Policy, r.Resource, r.Message)
			}
		}
	}
	if recorded {
		fmt.Fprintln(w, "\nRecorded as audit decisions: the Policies page's enforcement preview now includes them.")
	}
	return nil
}
