package delivery

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Service is delivery ingest on one store: the webhooks, the JSON API and
// the Go API the CLI calls, all writing through one group-committing
// writer that links as it goes.
type Service struct {
	cfg     config.Config
	catalog *catalog.Catalog
	db      *store.DB
	w       *writer
	stmts   *stmtCache
	own     *ownership
	// window is delivery.incident_window in milliseconds.
	window int64
	// ghLabels and glLabels are the incident labels, lower-cased.
	ghLabels, glLabels []string
	now                func() time.Time
	// claimedAt is the catalog version unowned deliveries were last
	// claimed at (claim.go).
	claimedAt atomic.Int64
}

// NewService returns the delivery service for cfg's settings, the
// catalog's ownership and db. Close stops its writer.
func NewService(cfg config.Config, cat *catalog.Catalog, db *store.DB) *Service {
	s := &Service{
		cfg:      cfg,
		catalog:  cat,
		db:       db,
		own:      newOwnership(cfg, cat),
		window:   cfg.Delivery.IncidentWindowOrDefault().Milliseconds(),
		ghLabels: lower(cfg.Delivery.GitHub.LabelsOrDefault()),
		glLabels: lower(cfg.Delivery.GitLab.LabelsOrDefault()),
		stmts:    newStmtCache(db),
		now:      time.Now,
	}
	s.w = newWriter(db, s.apply, func(ctx context.Context) {
		s.stmts.prepare(ctx)
		if err := s.claimUnowned(ctx); err != nil {
			slog.Warn("claiming unowned deliveries failed; retrying before the next batch", "err", err)
		}
	})
	return s
}

// Close stops accepting events and waits for those queued to be written.
func (s *Service) Close() {
	s.w.close()
	s.stmts.close()
}

// IncidentWindow is how long before an incident opened a deployment of its
// service may be to be linked to it (delivery.incident_window).
func (s *Service) IncidentWindow() time.Duration { return time.Duration(s.window) * time.Millisecond }

func (s *Service) nowMS() int64 { return s.now().UTC().UnixMilli() }

func lower(list []string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = strings.ToLower(strings.TrimSpace(v))
	}
	return out
}
