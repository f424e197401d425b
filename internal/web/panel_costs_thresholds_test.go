package web

import (
	"context"
	"testing"

	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// TestOutlookThresholdsFollowTheConfiguration: the team panel marks the
// thresholds paved.yaml configures, not the defaults.
func TestOutlookThresholdsFollowTheConfiguration(t *testing.T) {
	for _, tc := range []struct {
		actual []float64
		want   string
	}{
		{nil, "50%, 80% and 100%"},
		{[]float64{60, 90}, "60% and 90%"},
	} {
		db := storetest.SQLite(t)
		cfg := config.Default()
		cfg.Cost.Thresholds.Actual = tc.actual
		cat := catalogtest.Open(t, db, cfg, []byte("teams: [{name: search}]\n"))
		svc := cost.NewService(cfg, cat, db)
		if _, err := svc.SetBudget(context.Background(), cost.Budget{Team: "search", Currency: "USD", Amount: 1000}); err != nil {
			t.Fatal(err)
		}
		o, err := loadOutlook(context.Background(), svc, "search", "2026-11")
		if err != nil || o == nil {
			t.Fatal(o, err)
		}
		if o.Thresholds != tc.want {
			t.Errorf("thresholds %v: panel says %q, want %q", tc.actual, o.Thresholds, tc.want)
		}
	}
}
