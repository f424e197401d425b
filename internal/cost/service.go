package cost

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/store"
)

// Service is FinOps on one store: imports, and the reports on them.
type Service struct {
	cfg     config.Config
	catalog *catalog.Catalog
	store   *costStore
	// alerting holds the import hooks, the scheduler and the metrics cache (scheduler.go).
	alerting alerting
}

// NewService returns the cost service for cfg's rules, the catalog's
// ownership and db.
func NewService(cfg config.Config, cat *catalog.Catalog, db *store.DB) *Service {
	return &Service{cfg: cfg, catalog: cat, store: &costStore{db: db}}
}

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "imp_" + hex.EncodeToString(b)
}

// ActualThresholds are the percentages of a budget whose crossing by the
// month's actual spend alerts, as paved.yaml configures them.
func (s *Service) ActualThresholds() []float64 { return s.cfg.Cost.Thresholds.ActualOrDefault() }
