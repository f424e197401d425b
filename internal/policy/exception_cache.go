package policy

import (
	"context"
	"log/slog"
	"time"
)

// Admission judges requests from memory: it must never wait on the
// database. The service keeps the exceptions (paved.yaml's and the
// store's) in memory, reloads them when this replica creates or revokes
// one, and every few seconds for changes made through other replicas.

// CurrentExceptions returns the exceptions as last loaded; nil until
// RefreshExceptions first succeeds (then only paved.yaml's apply).
func (s *Service) CurrentExceptions() []Exception {
	if p := s.exceptions.Load(); p != nil {
		return *p
	}
	return s.ConfigExceptions
}

// RefreshExceptions reloads the stored exceptions.
func (s *Service) RefreshExceptions(ctx context.Context) error {
	all, err := s.AllExceptions(ctx)
	if err != nil {
		return err
	}
	s.exceptions.Store(&all)
	return nil
}

// WatchExceptions refreshes the exceptions every interval until ctx ends.
// A failed refresh keeps the previous list: a database hiccup must not
// make exceptions vanish from admission.
func (s *Service) WatchExceptions(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.RefreshExceptions(ctx); err != nil && ctx.Err() == nil {
				log.Warn("refreshing policy exceptions; keeping the previous list", "err", err)
			}
		}
	}
}
