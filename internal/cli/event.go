package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/delivery"
	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

func newEventCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "event",
		Short: "Report deployments and incidents from any CI system",
		Long: `Report a deployment or an incident to paved, for CI and incident tools that do
not send GitHub, GitLab or CDEvents webhooks. With --server (env PAVED_SERVER)
the event is posted to a paved server with an ingest token (--token or
PAVED_TOKEN); without it, it is written to the local store.

Every event is idempotent: --key (or, without it, the event itself) makes a
retried call count once.`,
	}
	cmd.AddCommand(newEventDeployCmd(g), newEventIncidentCmd(g))
	return cmd
}

// eventTarget is where an event goes: a server, or the local store.
type eventTarget struct {
	server, token string
	format        func() (string, error)
}

func (t *eventTarget) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.server, "server", os.Getenv("PAVED_SERVER"), "paved server URL to post the event to (env PAVED_SERVER); the local store when empty")
	cmd.Flags().StringVar(&t.token, "token", os.Getenv("PAVED_TOKEN"), "ingest, editor or admin API token for --server (env PAVED_TOKEN)")
	t.format = formatFlag(cmd, "table", "json")
}

// post sends body to path on the server and decodes the answer into out.
func (t *eventTarget) post(ctx context.Context, path, key string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(t.server, "/")+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return apiDo(req, t.token, out)
}

// withDelivery opens the store, the catalog and the delivery service.
func (g *globals) withDelivery(cmd *cobra.Command, fn func(ctx context.Context, svc *delivery.Service) error) error {
	return g.withStore(cmd, func(ctx context.Context, cfg config.Config, db *store.DB) error {
		cat, err := app.OpenCatalogOn(ctx, cfg, db)
		if err != nil {
			return err
		}
		svc := delivery.NewService(cfg, cat, db)
		defer svc.Close()
		return fn(ctx, svc)
	})
}

// parseEventTime reads a flag's time: RFC 3339, or a date (midnight UTC).
func parseEventTime(flag, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--%s %q is not a time; use RFC 3339 (2026-11-29T14:05:00Z) or a date (2026-11-29)", flag, v)
}

func newEventDeployCmd(g *globals) *cobra.Command {
	var t eventTarget
	var in delivery.DeploymentInput
	var at string
	var commits []string
	cmd := &cobra.Command{
		Use:   "deploy --service S --env E --sha SHA [--status success|failure]",
		Short: "Report a deployment",
		Long: `Report a deployment of a service to an environment. Production deployments
count for DORA. --rollback marks the service's previous production deployment
rolled back; --fixes names the deployment this one fixes (a paved id, the
sender's id or its commit). Both make the deployment unplanned (rework).

--commit SHA@TIME (repeatable, oldest first) lists the commits the deployment
contains, for CI systems whose pushes paved does not receive: each unknown
commit becomes a change whose lead time ends at this deployment.`,
		Example: `  paved event deploy --service checkout --env prod --sha 4f2a9c1 --status success
  paved event deploy --service checkout --env prod --sha 9e0b7d2 --rollback
  paved event deploy --service checkout --env prod --sha 77c1e0a --fixes 4f2a9c1 \
    --commit 77c1e0a@2026-11-29T09:12:00Z --server https://paved.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := t.format()
			if err != nil {
				return err
			}
			if in.Service == "" && in.Repository == "" {
				return fmt.Errorf("deploy needs --service (or --repository)")
			}
			if in.Environment == "" {
				return fmt.Errorf("deploy needs --env, the environment deployed to")
			}
			if in.Status != delivery.StatusSuccess && in.Status != delivery.StatusFailure {
				return fmt.Errorf("--status %q is not valid; use success or failure", in.Status)
			}
			if in.DeployedAt, err = parseEventTime("at", at); err != nil {
				return err
			}
			for _, c := range commits {
				sha, ts, ok := strings.Cut(c, "@")
				when, err := parseEventTime("commit", ts)
				if !ok || sha == "" || err != nil || when.IsZero() {
					return fmt.Errorf("--commit %q is not SHA@TIME, e.g. 4f2a9c1@2026-11-29T09:12:00Z", c)
				}
				in.Commits = append(in.Commits, delivery.CommitInput{SHA: sha, Timestamp: when})
			}
			var d delivery.Deployment
			if t.server != "" {
				var receipt delivery.DeploymentReceipt
				err = t.post(cmd.Context(), "/api/v1/deployments", in.Key, in, &receipt)
				d = receipt.Deployment
				if err == nil {
					postUsage(cmd.Context(), t.server, t.token, cmd, d.Team)
				}
			} else {
				err = g.withDelivery(cmd, func(ctx context.Context, svc *delivery.Service) error {
					d, err = svc.RecordDeployment(ctx, in)
					return err
				})
			}
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(g.stdout, d)
			}
			return printDeployment(g, d)
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Service, "service", "", "catalog service deployed")
	f.StringVar(&in.Repository, "repository", "", "repository URL, to find the service by when --service is not given")
	f.StringVar(&in.Environment, "env", "", "environment deployed to (e.g. prod)")
	f.StringVar(&in.SHA, "sha", "", "commit deployed")
	f.StringVar(&in.Status, "status", delivery.StatusSuccess, "success or failure")
	f.BoolVar(&in.Rollback, "rollback", false, "this deployment rolls the previous one back")
	f.StringVar(&in.Fixes, "fixes", "", "the deployment this one fixes: a paved id, the sender's id or its commit")
	f.StringVar(&in.ExternalID, "id", "", "your id for the deployment; reporting it again updates it")
	f.StringVar(&in.Key, "key", "", "idempotency key (default: the event itself)")
	f.StringVar(&at, "at", "", "when it was deployed (RFC 3339 or a date; default now)")
	f.StringArrayVar(&commits, "commit", nil, "a commit it contains as SHA@TIME; repeatable, oldest first")
	t.flags(cmd)
	return cmd
}

func printDeployment(g *globals, d delivery.Deployment) error {
	prod := "not production"
	if d.Production {
		prod = "production"
	}
	fmt.Fprintf(g.stdout, "recorded deployment %s: %s to %s (%s), %s, %s\n", d.ID, dash(d.Service), d.Environment, prod, d.Status, d.DeployedAt.Format(time.RFC3339))
	if d.Service == "" {
		fmt.Fprintf(g.stdout, "  the catalog has no service for it: it is listed as unowned until a service claims %s\n", dash(d.Repository))
	}
	if d.Rollback {
		fmt.Fprintln(g.stdout, "  a rollback: unplanned, and the previous production deployment counts as failed")
	}
	if d.Fixes != "" {
		fmt.Fprintf(g.stdout, "  fixes %s: unplanned, and that deployment counts as failed\n", d.Fixes)
	}
	fmt.Fprintf(g.stdout, "  changes shipped: %d\n", d.Changes)
	return nil
}

func newEventIncidentCmd(g *globals) *cobra.Command {
	var t eventTarget
	var in delivery.IncidentInput
	var opened, resolved string
	cmd := &cobra.Command{
		Use:   "incident --service S --title T [--deployment D] | --id ID --resolved-at TIME",
		Short: "Report or resolve a production incident",
		Long: `Report a production incident. It is linked to the deployment --deployment names
(a paved id, the sender's id or a commit), else to the service's last production
deployment within delivery.incident_window (24 h by default) before it opened;
that deployment then counts as failed. Report it again with the same --id and
--resolved-at to resolve it: the resolution ends the deployment's recovery time.`,
		Example: `  paved event incident --id INC-42 --service checkout --title "5xx on /pay" --opened-at 2026-11-29T10:02:00Z
  paved event incident --id INC-42 --resolved-at 2026-11-29T10:47:00Z`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := t.format()
			if err != nil {
				return err
			}
			if in.Service == "" && in.Repository == "" && in.ExternalID == "" {
				return fmt.Errorf("incident needs --service (or --repository) for a new incident, or --id to update one")
			}
			if in.OpenedAt, err = parseEventTime("opened-at", opened); err != nil {
				return err
			}
			if in.ResolvedAt, err = parseEventTime("resolved-at", resolved); err != nil {
				return err
			}
			var inc delivery.Incident
			if t.server != "" {
				var receipt delivery.IncidentReceipt
				err = t.post(cmd.Context(), "/api/v1/incidents", in.Key, in, &receipt)
				inc = receipt.Incident
				if err == nil {
					postUsage(cmd.Context(), t.server, t.token, cmd, inc.Team)
				}
			} else {
				err = g.withDelivery(cmd, func(ctx context.Context, svc *delivery.Service) error {
					inc, err = svc.RecordIncident(ctx, in)
					return err
				})
			}
			if err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(g.stdout, inc)
			}
			state := "open"
			if !inc.ResolvedAt.IsZero() {
				state = "resolved " + inc.ResolvedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(g.stdout, "recorded incident %s on %s: %s (%s)\n", inc.ID, dash(inc.Service), dash(inc.Title), state)
			switch inc.Link {
			case delivery.LinkExplicit:
				fmt.Fprintf(g.stdout, "  caused by deployment %s (named by the event)\n", inc.DeploymentID)
			case delivery.LinkWindow:
				fmt.Fprintf(g.stdout, "  caused by deployment %s (the service's last production deployment within the incident window)\n", inc.DeploymentID)
			default:
				fmt.Fprintln(g.stdout, "  linked to no deployment: none named, and none of the service's within the incident window")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.ExternalID, "id", "", "your id for the incident (e.g. INC-42); reporting it again updates it")
	f.StringVar(&in.Service, "service", "", "catalog service affected")
	f.StringVar(&in.Repository, "repository", "", "repository URL, to find the service by when --service is not given")
	f.StringVar(&in.Title, "title", "", "what happened")
	f.StringVar(&in.URL, "url", "", "link to the incident")
	f.StringVar(&in.Deployment, "deployment", "", "the deployment that caused it: a paved id, the sender's id or a commit")
	f.StringVar(&in.Key, "key", "", "idempotency key (default: the event itself)")
	f.StringVar(&opened, "opened-at", "", "when it opened (RFC 3339 or a date; default now)")
	f.StringVar(&resolved, "resolved-at", "", "when it was resolved (RFC 3339 or a date)")
	t.flags(cmd)
	return cmd
}
