package cost_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// reviewNow is when the review tests run: August 2024 is complete,
// September is billed through the 18th.
var reviewNow = time.Date(2024, 9, 19, 8, 0, 0, 0, time.UTC)

// reviewLine is one resource's daily charge from..to (inclusive) in the
// review bill, with the days that cost something else.
type reviewLine struct {
	billing, currency, account, accountName string
	serviceName, resource, resourceName     string
	tags                                    string // JSON, or "" for none
	from, to                                string
	daily                                   float64
	days                                    map[string]float64
}

const (
	checkoutTags = `{"team": "payments", "service": "checkout"}`
	ledgerTags   = `{"team": "payments", "service": "ledger"}`
	searchTags   = `{"team": "search", "service": "search-api"}`
	indexerTags  = `{"team": "search", "service": "indexer"}`
)

// reviewBill is July to September 18, 2024 of three teams (see
// testdata/review/catalog.yaml). In USD, per day:
//
//   - payments: checkout 100 in July, 120 in August (400 on the 20th, a
//     spike), 130 in September plus 10 of CloudFront; ledger 35, 40, then
//     60 (300 on September 12, a spike); 5 of AWS Support, allocated by
//     rule; all in account 222-payments, where an untagged ledger replica
//     costs 20 from August.
//   - search: search-api 50, then 80 from August; indexer 10; account
//     111-shared. And 30 EUR of search-api every day in 555-eu.
//   - data-platform: pipelines 70, 50, 55, in its catalog account 444-data.
//   - the Sandbox account 333-sandbox from August: a resource tagged
//     squad=payments-squad (15), one named search-api-canary (8) and a NAT
//     gateway nobody can be guessed for (5).
var reviewBill = []reviewLine{
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon EC2", "i-checkout", "checkout", checkoutTags, "2024-07-01", "2024-07-31", 100, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon EC2", "i-checkout", "checkout", checkoutTags, "2024-08-01", "2024-08-31", 120, map[string]float64{"2024-08-20": 400}},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon EC2", "i-checkout", "checkout", checkoutTags, "2024-09-01", "2024-09-18", 130, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon CloudFront", "cf-checkout", "checkout-cdn", checkoutTags, "2024-09-01", "2024-09-18", 10, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon RDS", "db-ledger", "ledger", ledgerTags, "2024-07-01", "2024-07-31", 35, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon RDS", "db-ledger", "ledger", ledgerTags, "2024-08-01", "2024-08-31", 40, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon RDS", "db-ledger", "ledger", ledgerTags, "2024-09-01", "2024-09-18", 60, map[string]float64{"2024-09-12": 300}},
	{"payer-1", "USD", "222-payments", "payments-prod", "AWS Support", "", "", "", "2024-07-01", "2024-09-18", 5, nil},
	{"payer-1", "USD", "222-payments", "payments-prod", "Amazon RDS", "db-ledger-replica", "ledger-replica", "", "2024-08-01", "2024-09-18", 20, nil},
	{"payer-1", "USD", "111-shared", "shared-services", "Amazon OpenSearch Service", "es-search", "search", searchTags, "2024-07-01", "2024-07-31", 50, nil},
	{"payer-1", "USD", "111-shared", "shared-services", "Amazon OpenSearch Service", "es-search", "search", searchTags, "2024-08-01", "2024-09-18", 80, nil},
	{"payer-1", "USD", "111-shared", "shared-services", "AWS Lambda", "fn-indexer", "indexer", indexerTags, "2024-07-01", "2024-09-18", 10, nil},
	{"payer-1", "USD", "444-data", "data-prod", "Amazon EMR", "emr-pipelines", "pipelines", "", "2024-07-01", "2024-07-31", 70, nil},
	{"payer-1", "USD", "444-data", "data-prod", "Amazon EMR", "emr-pipelines", "pipelines", "", "2024-08-01", "2024-08-31", 50, nil},
	{"payer-1", "USD", "444-data", "data-prod", "Amazon EMR", "emr-pipelines", "pipelines", "", "2024-09-01", "2024-09-18", 55, nil},
	{"payer-1", "USD", "333-sandbox", "Sandbox", "Amazon EC2", "i-pay-test", "payments-squad-test", `{"squad": "payments-squad"}`, "2024-08-01", "2024-09-18", 15, nil},
	{"payer-1", "USD", "333-sandbox", "Sandbox", "Amazon OpenSearch Service", "es-canary", "search-api-canary", "", "2024-08-01", "2024-09-18", 8, nil},
	{"payer-1", "USD", "333-sandbox", "Sandbox", "Amazon VPC", "nat-1", "nat-gw-1", `{"env": "dev"}`, "2024-08-01", "2024-09-18", 5, nil},
	{"payer-eu", "EUR", "555-eu", "search-eu", "Amazon OpenSearch Service", "es-search-eu", "search-eu", searchTags, "2024-07-01", "2024-09-18", 30, nil},
}

// reviewCSV writes the lines of one billing account as a FOCUS export.
func reviewCSV(t *testing.T, billing string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodStart", "ChargeCategory", "ChargePeriodStart",
		"EffectiveCost", "ListCost", "ProviderName", "ServiceName", "SubAccountId", "SubAccountName", "ResourceId", "ResourceName", "Tags"})
	for _, l := range reviewBill {
		if l.billing != billing {
			continue
		}
		from, _ := time.Parse(time.DateOnly, l.from)
		to, _ := time.Parse(time.DateOnly, l.to)
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			v, ok := l.days[day]
			if !ok {
				v = l.daily
			}
			c := strconv.FormatFloat(v, 'f', -1, 64)
			w.Write([]string{c, l.billing, l.currency, day[:7] + "-01", "Usage", day, c, c, "AWS", l.serviceName,
				l.account, l.accountName, l.resource, l.resourceName, l.tags})
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newReviewService opens the cost service of testdata/review on db with
// the review bill imported.
func newReviewService(t *testing.T, db *store.DB) *cost.Service {
	t.Helper()
	ctx := context.Background()
	cfg, cat := catalogtest.OpenFiles(t, db, "testdata/review/paved.yaml", "testdata/review/catalog.yaml")
	svc := cost.NewService(cfg, cat, db)
	for _, billing := range []string{"payer-1", "payer-eu"} {
		if _, err := svc.Import(ctx, billing+".csv", bytes.NewReader(reviewCSV(t, billing)), cost.ImportOptions{Now: reviewNow}); err != nil {
			t.Fatalf("importing %s: %v", billing, err)
		}
	}
	return svc
}

// cents compares amounts to the cent.
func cents(v float64) int64 {
	if v < 0 {
		return int64(v*100 - 0.5)
	}
	return int64(v*100 + 0.5)
}

func spendIn(t *testing.T, rev cost.Review, currency string) cost.ReviewSpend {
	t.Helper()
	for _, s := range rev.Spend {
		if s.Currency == currency {
			return s
		}
	}
	t.Fatalf("the review has no %s spend: %+v", currency, rev.Spend)
	return cost.ReviewSpend{}
}

func TestReviewOrganisation(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newReviewService(t, db)
		rev, err := svc.ReviewAt(context.Background(), "2024-08", "", reviewNow)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Current || rev.Partial || rev.Through != "2024-08-31" || rev.Previous != "2024-07" || rev.MoversBy != "team" {
			t.Errorf("review of August = current %v, partial %v, through %s, previous %s, movers by %s", rev.Current, rev.Partial, rev.Through, rev.Previous, rev.MoversBy)
		}

		// Spend per currency, USD first: never added together.
		if len(rev.Spend) != 2 || rev.Spend[0].Currency != "USD" || rev.Spend[1].Currency != "EUR" {
			t.Fatalf("spend = %+v", rev.Spend)
		}
		usd := spendIn(t, rev, "USD")
		if cents(usd.Spend) != 1122300 || cents(usd.Previous) != 837000 || cents(usd.Change) != 285300 || usd.ChangePct == nil || usd.Forecast != nil {
			t.Errorf("USD spend = %+v", usd)
		}
		if b := usd.Budget; b == nil || cents(b.Amount) != 1050000 || cents(b.Spend) != 973500 || b.Budgets != 3 || b.Over != 1 || b.AtRisk != 0 {
			t.Errorf("USD budgets together = %+v", b)
		}
		if eur := spendIn(t, rev, "EUR"); cents(eur.Spend) != 93000 || cents(eur.Change) != 0 || eur.Budget != nil {
			t.Errorf("EUR spend = %+v", eur)
		}

		// Teams that moved, with the services behind them; search's EUR
		// spend did not move and is no mover.
		type mover struct {
			name   string
			change int64
			behind []string
		}
		want := []mover{{"payments", 105500, []string{"checkout", "ledger"}}, {"search", 93000, []string{"search-api"}}, {"data-platform", -62000, []string{"pipelines"}}}
		if len(rev.Movers) != len(want) || rev.MoversTotal != len(want) {
			t.Fatalf("movers = %+v", rev.Movers)
		}
		for i, w := range want {
			m := rev.Movers[i]
			var behind []string
			for _, c := range m.Behind {
				behind = append(behind, c.Name)
			}
			if m.Name != w.name || cents(m.Change) != w.change || m.Currency != "USD" || !slices.Equal(behind, w.behind) {
				t.Errorf("mover %d = %s %.2f %s behind %v, want %+v", i, m.Name, m.Change, m.Currency, behind, w)
			}
		}

		// The checkout spike, for the team and the service.
		if rev.AnomaliesTotal != 2 || len(rev.Anomalies) != 2 {
			t.Fatalf("anomalies = %+v", rev.Anomalies)
		}
		for _, a := range rev.Anomalies {
			if a.Team != "payments" || a.Day != "2024-08-20" || a.Direction != cost.Spike || cents(a.Impact) != 28000 {
				t.Errorf("anomaly = %+v", a)
			}
		}

		// Coverage per account, with its band.
		if rev.Coverage == nil || len(rev.Coverage.Overall) != 2 || rev.Allocation != nil {
			t.Fatalf("coverage = %+v, allocation = %+v", rev.Coverage, rev.Allocation)
		}
		bands := map[string]string{}
		for _, r := range rev.Coverage.Rows {
			bands[r.Account] = r.Band
		}
		if bands["222-payments"] != "walk" || bands["333-sandbox"] != "crawl" || bands["444-data"] != "run" {
			t.Errorf("bands = %v", bands)
		}

		// The unallocated list, each with the owner suggested and why.
		suggested := map[string]string{}
		for _, r := range rev.Unallocated.Resources {
			suggested[r.ResourceID] = "-"
			if r.Suggested != nil {
				suggested[r.ResourceID] = r.Suggested.Team + " by " + r.Suggested.Via + ": " + r.Suggested.Reason
			}
		}
		for id, want := range map[string]string{
			"db-ledger-replica": "payments by account: owns 100.0% of the allocated USD spend in account 222-payments",
			"i-pay-test":        "payments by tag: tag squad=payments-squad is close to team payments",
			"es-canary":         `search by name: resource name "search-api-canary" is close to service search-api of team search`,
			"nat-1":             "-",
		} {
			if suggested[id] != want {
				t.Errorf("suggestion for %s = %q, want %q", id, suggested[id], want)
			}
		}
		if len(rev.Unallocated.Accounts) != 2 || rev.Unallocated.MoreAccounts || rev.Unallocated.MoreResources {
			t.Errorf("unallocated accounts = %+v", rev.Unallocated)
		}

		// Budgets: team-wide ones, over first.
		var budgets []string
		for _, b := range rev.Budgets {
			budgets = append(budgets, b.Team+":"+b.Status)
		}
		if !slices.Equal(budgets, []string{"search:over", "payments:ok", "data-platform:ok"}) {
			t.Errorf("budgets = %v", budgets)
		}
	})
}

func TestReviewTeam(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		svc := newReviewService(t, db)
		rev, err := svc.ReviewAt(context.Background(), "2024-09", "payments", reviewNow)
		if err != nil {
			t.Fatal(err)
		}
		// September runs: it is compared with the same days of August
		// and forecast to its end.
		if !rev.Current || !rev.Partial || rev.Through != "2024-09-18" || rev.PreviousThrough != "2024-08-18" || rev.TeamName != "Payments" || rev.MoversBy != "service" {
			t.Errorf("review = current %v, partial %v, through %s against %s, team %q, movers by %s",
				rev.Current, rev.Partial, rev.Through, rev.PreviousThrough, rev.TeamName, rev.MoversBy)
		}
		if len(rev.Spend) != 1 {
			t.Fatalf("spend = %+v", rev.Spend)
		}
		usd := rev.Spend[0]
		if cents(usd.Spend) != 393000 || cents(usd.Previous) != 297000 || cents(usd.PreviousMonth) != 539500 || usd.Forecast == nil || *usd.Forecast <= usd.Spend {
			t.Errorf("USD spend = %+v", usd)
		}
		if b := usd.Budget; b == nil || cents(b.Amount) != 600000 || b.Budgets != 1 {
			t.Errorf("USD budget = %+v", b)
		}

		// Services that moved, with the cloud services behind them; AWS
		// Support (no service) did not move.
		if len(rev.Movers) != 2 {
			t.Fatalf("movers = %+v", rev.Movers)
		}
		ledger, checkout := rev.Movers[0], rev.Movers[1]
		if ledger.Name != "ledger" || cents(ledger.Change) != 60000 || len(ledger.Behind) != 1 || ledger.Behind[0].Name != "Amazon RDS" {
			t.Errorf("first mover = %+v", ledger)
		}
		if checkout.Name != "checkout" || cents(checkout.Change) != 36000 || len(checkout.Behind) != 2 ||
			checkout.Behind[0].Name != "Amazon CloudFront" || checkout.Behind[1].Name != "Amazon EC2" || checkout.Behind[0].Previous != 0 {
			t.Errorf("second mover = %+v", checkout)
		}

		if rev.AnomaliesTotal != 2 {
			t.Errorf("anomalies = %+v", rev.Anomalies)
		}
		for _, a := range rev.Anomalies {
			if a.Team != "payments" || a.Day != "2024-09-12" || (a.Service != "" && a.Service != "ledger") {
				t.Errorf("anomaly = %+v", a)
			}
		}

		// How the team's spend was allocated to it, instead of coverage.
		if rev.Coverage != nil || len(rev.Allocation) != 2 {
			t.Fatalf("coverage = %+v, allocation = %+v", rev.Coverage, rev.Allocation)
		}
		if a := rev.Allocation[0]; a.Method != cost.ByTag || a.Rule != "" || cents(a.EffectiveCost) != 384000 {
			t.Errorf("allocation by tag = %+v", a)
		}
		if a := rev.Allocation[1]; a.Method != cost.ByRule || a.Rule != "support-to-payments" || cents(a.EffectiveCost) != 9000 || cents(a.Share*100) != 229 {
			t.Errorf("allocation by rule = %+v", a)
		}

		// Only the unallocated spend that is probably the team's.
		var ids []string
		for _, r := range rev.Unallocated.Resources {
			ids = append(ids, r.ResourceID)
		}
		if !slices.Equal(ids, []string{"db-ledger-replica", "i-pay-test"}) || len(rev.Unallocated.Accounts) != 1 || rev.Unallocated.Accounts[0].Account != "222-payments" {
			t.Errorf("unallocated = %v, accounts %+v", ids, rev.Unallocated.Accounts)
		}

		// Every budget of the team, per scope.
		if len(rev.Budgets) != 2 {
			t.Fatalf("budgets = %+v", rev.Budgets)
		}
		for _, b := range rev.Budgets {
			if b.Team != "payments" || b.Forecast < b.MonthToDate {
				t.Errorf("budget = %+v", b)
			}
		}
	})
}

func TestReviewInputs(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newReviewService(t, db)
	ctx := context.Background()
	for _, tc := range []struct {
		name, month, team string
		status            int
		msg               string
	}{
		{"not a month", "September", "", 422, `month: "September" is not a month; use YYYY-MM`},
		{"month 13", "2024-13", "", 422, "is not a month"},
		{"unknown team", "2024-09", "ghosts", 404, `team "ghosts" is not in the catalog and has no costs`},
		{"unallocated is no team", "2024-09", "unallocated", 422, "is the spend no team owns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.ReviewAt(ctx, tc.month, tc.team, reviewNow)
			e, ok := err.(*api.Error)
			if !ok || e.Status != tc.status || !bytes.Contains([]byte(err.Error()), []byte(tc.msg)) {
				t.Fatalf("ReviewAt(%q, %q) = %v, want %d %q", tc.month, tc.team, err, tc.status, tc.msg)
			}
		})
	}

	// A month without data is an empty review, not an error; the
	// budgets are still there, with nothing spent against them.
	rev, err := svc.ReviewAt(ctx, "2023-01", "", reviewNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev.Spend) != 1 || rev.Spend[0].Spend != 0 || rev.Spend[0].Budget == nil || rev.HasPrevious || len(rev.Movers) != 0 || rev.Through != "" || len(rev.Unallocated.Resources) != 0 || len(rev.Budgets) != 3 {
		t.Errorf("review of a month without data = %+v", rev)
	}
}
