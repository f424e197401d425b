// Package cli implements the paved command line: one file per command
// group. Commands parse flags and call the capability packages; they hold
// no logic of their own beyond presentation.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/usage"
	"github.com/paved-dev/paved/internal/yamlfile"
	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	ExitOK    = 0
	ExitCheck = 1 // a policy or gate check failed
	ExitUsage = 2 // usage, input or environment error
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exitError carries a specific exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// checkFailed returns an error that exits with ExitCheck.
func checkFailed(format string, args ...any) error {
	return &exitError{code: ExitCheck, err: fmt.Errorf(format, args...)}
}

// globals are the flags every command shares.
type globals struct {
	configPath  string
	dataDir     string
	databaseURL string
	stdout      io.Writer
	stderr      io.Writer
}

// load reads paved.yaml and applies the global flags over it (flags beat
// PAVED_* variables, which beat the file).
func (g *globals) load(cmd *cobra.Command) (config.Config, error) {
	path := g.configPath
	if path == "" {
		if _, err := os.Stat("paved.yaml"); err == nil {
			path = "paved.yaml"
		}
	}
	cfg, err := config.Load(path)
	if err != nil {
		return cfg, err
	}
	if cmd.Flags().Changed("data-dir") {
		cfg.DataDir = g.dataDir
	}
	if cmd.Flags().Changed("database-url") {
		cfg.DatabaseURL = g.databaseURL
	}
	return cfg, nil
}

// withStore loads the configuration and opens the migrated store for one
// command, closing it when fn returns.
func (g *globals) withStore(cmd *cobra.Command, fn func(ctx context.Context, cfg config.Config, db *store.DB) error) error {
	cfg, err := g.load(cmd)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible(cmd)
	defer cancel()
	db, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	defer usage.RecordCommand(ctx, db, cmd)
	return fn(ctx, cfg, db)
}

// withCatalog loads the configuration, opens the store and the catalog for
// one command, and closes them when fn returns.
func (g *globals) withCatalog(cmd *cobra.Command, fn func(ctx context.Context, cat *catalog.Catalog) error) error {
	cfg, err := g.load(cmd)
	if err != nil {
		return err
	}
	ctx, cancel := interruptible(cmd)
	defer cancel()
	db, cat, err := app.OpenCatalog(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	defer usage.RecordCommand(ctx, db, cmd)
	return fn(ctx, cat)
}

// Execute runs the command line and returns the process exit code.
func Execute(args []string, stdout, stderr io.Writer) int {
	return ExecuteContext(context.Background(), args, stdout, stderr)
}

// ExecuteContext is Execute with a context whose cancellation stops a
// running server as SIGTERM would.
func ExecuteContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, "paved: "+indent(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitUsage
}

// indent keeps multi-line error lists readable under the "paved:" prefix.
func indent(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	return "\n  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "paved",
		Short: "paved: guardrails, owned costs and measured developer experience for your platform",
		Long: `paved is the control plane a platform team runs when its internal developer
platform outgrows its first teams. Every policy result, dollar, deployment and
survey answer lands on the team that owns it.

Start the demo:  paved serve --demo
Exit codes:      0 ok, 1 a check failed, 2 usage, input or environment error`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nrun '%s --help' for usage", err, c.CommandPath())
	})
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "path to paved.yaml (default: ./paved.yaml when present)")
	pf.StringVar(&g.dataDir, "data-dir", "", "directory for the embedded SQLite database (default \"data\"; env PAVED_DATA_DIR)")
	pf.StringVar(&g.databaseURL, "database-url", "", "postgres:// URL; when set, PostgreSQL is used instead of SQLite (env PAVED_DATABASE_URL)")

	root.AddCommand(
		newServeCmd(g),
		newMigrateCmd(g),
		newVersionCmd(g),
		newConfigCmd(g),
		newCatalogCmd(g),
		newTeamCmd(g),
		newServiceCmd(g),
		newTokenCmd(g),
		newCheckCmd(g),
		newPolicyCmd(g),
		newCostCmd(g),
		newDoraCmd(g),
		newSurveyCmd(g),
		newEventCmd(g),
		newAuditCmd(g),
		newAdmissionCmd(g),
	)
	usage.DeclareCommands(root)
	return root
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// isInput reports whether err is the user's to fix, for messages.
func isInput(err error) bool {
	var ye yamlfile.Errors
	var ye1 yamlfile.Error
	return api.IsInputError(err) || errors.As(err, &ye) || errors.As(err, &ye1)
}

// exactArgs is cobra.ExactArgs with a message that names what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%s expects %s; got %d argument(s)\nusage: %s", cmd.CommandPath(), what, len(args), cmd.UseLine())
		}
		return nil
	}
}
