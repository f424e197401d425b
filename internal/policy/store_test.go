package policy_test

import (
	"context"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

func result(team, name, action string) policy.Result {
	return policy.Result{Policy: "no-privileged", Title: "t", Severity: "critical", Action: action, Mode: "warn", Rule: "deny",
		Message: "privileged", File: "deploy.yaml", Line: 3, Team: team,
		Resource: policy.Resource{Kind: "Deployment", Namespace: "shop", Name: name}}
}

func TestRecordFindingsAndRollups(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := policy.NewStore(db)
		day := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		up := policy.Upload{Source: "ci", Results: []policy.Result{result("payments", "web", "warn"), result("growth", "web", "deny")},
			Resources: []policy.CheckedResource{{Resource: "Deployment/shop/api", Team: "payments"}}}
		if n, err := s.Record(ctx, up, day); err != nil || n != 2 {
			t.Fatalf("record: %d %v", n, err)
		}
		// The same check again the same day: two more decisions, the same
		// two open findings.
		s.Record(ctx, up, day.Add(time.Hour))
		fs, _ := s.Findings(ctx, "", "")
		if len(fs) != 2 {
			t.Fatalf("findings = %+v", fs)
		}
		days, _ := s.Days(ctx, day.AddDate(0, 0, -1), "payments", "")
		if len(days) != 1 || days[0].Count != 2 || days[0].Action != "warn" {
			t.Fatalf("rollup = %+v", days)
		}
		// payments fixes its Deployment/shop/web; growth's same-named
		// resource stays open.
		fixed := policy.Upload{Source: "ci", Resources: []policy.CheckedResource{{Resource: "Deployment/shop/web", Team: "payments"}}}
		if _, err := s.Record(ctx, fixed, day.AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
		fs, _ = s.Findings(ctx, "", "")
		if len(fs) != 1 || fs[0].Team != "growth" {
			t.Fatalf("after the fix: %+v", fs)
		}
		if _, err := s.Record(ctx, policy.Upload{Source: "cron"}, day); err == nil {
			t.Fatal("accepted an unknown source")
		}
		bad := policy.Upload{Source: "ci", Results: []policy.Result{{Policy: "x"}}}
		if n, err := s.Record(ctx, bad, day); err == nil || n != 0 {
			t.Fatalf("accepted a result without action/resource: %d %v", n, err)
		}
	})
}

func TestStoredExceptions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := policy.NewStore(db)
		ex, err := s.CreateException(ctx, config.PolicyException{Policy: "no-privileged", Team: "payments", Reason: "vendor", Approver: "ciso", Expires: "2027-01-31"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateException(ctx, config.PolicyException{Policy: "no-privileged", Reason: "r", Approver: "a", Expires: "2027-01-31"}); !api.IsInputError(err) {
			t.Fatalf("exception without scope: %v", err)
		}
		if _, err := s.CreateException(ctx, config.PolicyException{Policy: "no-privileged", Team: "x", Reason: "r", Approver: "a", Expires: "31/01/2027"}); !api.IsInputError(err) {
			t.Fatalf("exception with a bad date: %v", err)
		}
		list, _ := s.Exceptions(ctx)
		if len(list) != 1 || list[0].ID != ex.ID {
			t.Fatalf("list = %+v", list)
		}
		if list[0].Expired(time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)) || !list[0].Expired(time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatal("an exception applies through its expiry day and not after")
		}
		if err := s.RevokeException(ctx, ex.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeException(ctx, ex.ID); !api.IsNotFound(err) {
			t.Fatalf("second revoke: %v", err)
		}
		list, _ = s.Exceptions(ctx)
		if len(list) != 0 {
			t.Fatalf("revoked exception still listed: %+v", list)
		}
	})
}
