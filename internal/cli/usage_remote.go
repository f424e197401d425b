package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paved-dev/paved/internal/usage"
	"github.com/spf13/cobra"
)

// postUsage records at a paved server that cmd ran, as commands on a
// local store record it there (usage.RecordCommand): commands run in CI
// against a server are how most people use paved's CLI. It never fails
// the command: within a second the event is posted or given up, and a
// failure is only logged at debug level.
func postUsage(ctx context.Context, server, token string, cmd *cobra.Command, team string) {
	ev, ok := usage.CommandEvent(cmd, team)
	if !ok || server == "" || token == "" {
		return
	}
	body, err := json.Marshal(usage.EventInput{Feature: ev.Feature, Action: ev.Action, Team: ev.Team, Actor: ev.Actor, Time: ev.Time.UTC().Format(time.RFC3339)})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(server, "/")+"/api/v1/usage", bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if err := apiDo(req, token, nil); err != nil {
		slog.Debug("usage: posting the command failed", "command", ev.Feature, "err", err)
	}
}
