package cost_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paved-dev/paved/internal/cost/reviewdoc"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/review/golden")

// TestReviewDocuments renders the organisation's review of a closed month
// and a team's review of the running month, in both formats, from the
// review bill at a fixed time. Every engine must give the same documents.
func TestReviewDocuments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newReviewService(t, db)
		for _, tc := range []struct{ name, month, team string }{
			{"org-2024-08", "2024-08", ""},
			{"payments-2024-09", "2024-09", "payments"},
		} {
			rev, err := svc.ReviewAt(context.Background(), tc.month, tc.team, reviewNow)
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{reviewdoc.FormatMarkdown, reviewdoc.FormatHTML} {
				var b bytes.Buffer
				if err := reviewdoc.Write(&b, rev, format); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "review", "golden", tc.name+"."+format)
				if *update && t.Name() == "TestReviewDocuments/sqlite" {
					if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update)", err)
				}
				if b.String() != string(want) {
					t.Errorf("%s differs from %s (run with -update to accept):\n%s", tc.name+"."+format, golden, b.String())
				}
			}
		}
	})
}
