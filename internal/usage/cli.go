package usage

import (
	"context"
	"log/slog"
	"os"
	"os/user"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paved-dev/paved/internal/store"
	"github.com/spf13/cobra"
)

// commandTimeout bounds recording one CLI command: after it has done its
// work, a command waits no longer than this for its usage event.
const commandTimeout = time.Second

// commands are the CLI's runnable commands as features. They are a fact
// about the binary, declared once by the command line as it builds its
// tree and read by every Service, so that `paved serve` knows the
// commands nobody runs.
var commands struct {
	sync.Mutex
	features []string
}

// DeclareCommands makes every runnable, visible command under root a
// known feature, "cli." followed by its path ("cli.cost.import").
func DeclareCommands(root *cobra.Command) {
	var out []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() {
				if f, ok := commandFeature(sub); ok {
					out = append(out, f)
				}
			}
			walk(sub)
		}
	}
	walk(root)
	slices.Sort(out)
	commands.Lock()
	commands.features = slices.Compact(out)
	commands.Unlock()
}

// Commands returns the features DeclareCommands declared.
func Commands() []string {
	commands.Lock()
	defer commands.Unlock()
	return slices.Clone(commands.features)
}

// CommandFeature is the feature a command records: "cli." and its path
// below the root, joined with dots.
func CommandFeature(cmd *cobra.Command) string {
	f, _ := commandFeature(cmd)
	return f
}

func commandFeature(cmd *cobra.Command) (string, bool) {
	path := strings.Fields(cmd.CommandPath())
	if len(path) < 2 {
		return "", false
	}
	f, err := CheckFeature("cli." + strings.Join(path[1:], "."))
	return f, err == nil
}

// RecordCommand records that cmd ran against the store db, by the
// operating-system user (hashed). Call it when the command is done,
// before db is closed. It never fails the command: within a second it
// records the event or gives up, and a failure is only logged at debug
// level.
func RecordCommand(ctx context.Context, db *store.DB, cmd *cobra.Command) {
	ev, ok := CommandEvent(cmd, "")
	if !ok || db == nil {
		return
	}
	// An interrupted command is still a use.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commandTimeout)
	defer cancel()
	s := &Service{store: &usageStore{db: db}, actors: &actorHasher{db: db}, log: slog.Default(), now: time.Now}
	if _, err := s.Ingest(ctx, []Event{ev}); err != nil {
		slog.Debug("usage: recording the command failed", "command", ev.Feature, "err", err)
	}
}

// CommandEvent is the usage event of cmd run now by the operating-system
// user, for team when known: what RecordCommand stores, and what commands
// that talk to a server (paved check --report-to, paved event --server)
// post to its usage API. ok is false for a command that is no feature.
func CommandEvent(cmd *cobra.Command, team string) (ev Event, ok bool) {
	feature, ok := commandFeature(cmd)
	if !ok {
		return Event{}, false
	}
	return Event{Feature: feature, Action: "run", Team: team, Actor: osUser(), Time: time.Now()}, true
}

// osUser is who runs the command, "" when unknown.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return ""
}
