package cli

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/demo"
	"github.com/paved-dev/paved/internal/server"
	"github.com/spf13/cobra"
)

func newServeCmd(g *globals) *cobra.Command {
	var addr, tlsCert, tlsKey string
	var demoMode bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the paved server: JSON API, web UI, webhooks, metrics",
		Long: `Run the paved server.

With --demo, paved starts on a fresh temporary data directory (unless
--data-dir or --database-url is given) with a generated demo organisation,
and the UI is readable without signing in.

On first start with an empty database an admin token is printed once, or
taken from PAVED_ADMIN_TOKEN.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := g.load(cmd)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("addr") {
				cfg.Server.Addr = addr
			}
			if cmd.Flags().Changed("tls-cert") || cmd.Flags().Changed("tls-key") {
				cfg.Server.TLSCert, cfg.Server.TLSKey = tlsCert, tlsKey
				if (tlsCert == "") != (tlsKey == "") {
					return fmt.Errorf("--tls-cert and --tls-key must be given together")
				}
			}
			if demoMode && !cmd.Flags().Changed("data-dir") && os.Getenv("PAVED_DATA_DIR") == "" && cfg.DatabaseURL == "" {
				dir, err := os.MkdirTemp("", "paved-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				cfg.DataDir = dir
			}
			if demoMode && cfg.Policies == nil {
				// A rollout in progress, so the demo's Guardrails pages
				// show denials, warnings and a scheduled enforcement.
				cfg.Policies = demo.Policies(time.Now())
			}
			log := newLogger(cfg, g.stderr)
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()

			start := time.Now()
			a, err := app.Open(ctx, cfg, app.Options{Demo: demoMode, Version: version(), Logger: log})
			if err != nil {
				return err
			}
			defer a.Close()
			if demoMode {
				if err := a.LoadDemoHistory(ctx); err != nil {
					return fmt.Errorf("loading the demo history: %w", err)
				}
			}
			secret, err := a.Auth.Bootstrap(ctx, os.Getenv("PAVED_ADMIN_TOKEN"))
			if err != nil {
				return err
			}

			var tlsCfg *tls.Config
			if cfg.Server.TLSCert != "" {
				// Reloaded when the files change, as cert-manager rotates them.
				certs, err := server.NewCertReloader(cfg.Server.TLSCert, cfg.Server.TLSKey, log)
				if err != nil {
					return err
				}
				tlsCfg = certs.TLSConfig()
			}
			ln, err := net.Listen("tcp", cfg.Server.Addr)
			if err != nil {
				return fmt.Errorf("listening on %s (server.addr): %w", cfg.Server.Addr, err)
			}
			url := publicURL(ln.Addr().(*net.TCPAddr), tlsCfg != nil)
			log.Info("paved is ready", "url", url, "database", a.DB.Where, "demo", demoMode, "startup_ms", time.Since(start).Milliseconds())

			// Printed, not logged: a secret must never reach a log pipeline,
			// but the person starting paved the first time needs it.
			if secret != "" {
				fmt.Fprintf(g.stdout, "\nAn admin API token was created for this new installation. It is shown once; store it now:\n\n    %s\n\n", secret)
			}
			if demoMode {
				fmt.Fprintf(g.stdout, "paved demo is running: open %s (readable without signing in; sign in with the admin token to make changes)\n", url)
			} else {
				fmt.Fprintf(g.stdout, "paved is running: open %s\n", url)
			}

			go a.Catalog.Watch(ctx, 5*time.Second)
			go a.Policy.WatchExceptions(ctx, 5*time.Second, log)
			// Budget, forecast and anomaly checks and alert delivery; on
			// PostgreSQL one replica at a time.
			go a.Cost.RunScheduler(ctx, cost.DefaultSchedulerInterval)
			return a.Server.Run(ctx, ln, tlsCfg)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "HOST:PORT to listen on (default 127.0.0.1:8080; env PAVED_ADDR)")
	cmd.Flags().BoolVar(&demoMode, "demo", false, "load the demo organisation on a fresh temporary data directory")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM), reloaded when the file changes; needed for the admission webhooks (env PAVED_TLS_CERT)")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "the certificate's private key (PEM) (env PAVED_TLS_KEY)")
	return cmd
}

// publicURL is the address to print: a wildcard listen address is shown as
// localhost so the link works when clicked.
func publicURL(a *net.TCPAddr, tls bool) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "localhost"
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s", scheme, net.JoinHostPort(host, fmt.Sprint(a.Port)))
}

// interruptible returns a context cancelled on SIGINT/SIGTERM.
func interruptible(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
}
