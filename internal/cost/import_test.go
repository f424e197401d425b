package cost_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"github.com/paved-dev/paved/internal/catalog/catalogtest"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

const sample = "../../../shared/data/focus/focus_sample.csv"

func newService(t *testing.T, db *store.DB) *cost.Service {
	t.Helper()
	cfg, cat := catalogtest.OpenFiles(t, db, "testdata/paved.yaml", "testdata/catalog.yaml")
	return cost.NewService(cfg, cat, db)
}

// independentTotals sums the sample's cost columns per currency straight
// from encoding/csv: the check the importer's totals must match.
func independentTotals(t *testing.T, path string) map[string]cost.Totals {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	num := func(s string) float64 {
		if s == "NULL" || s == "" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("sample value %q: %v", s, err)
		}
		return v
	}
	out := map[string]cost.Totals{}
	for _, r := range recs[1:] {
		c := r[idx["BillingCurrency"]]
		tot := out[c]
		tot.Billed += num(r[idx["BilledCost"]])
		tot.Effective += num(r[idx["EffectiveCost"]])
		tot.List += num(r[idx["ListCost"]])
		out[c] = tot
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func importPath(t *testing.T, svc *cost.Service, path string, opts cost.ImportOptions) (cost.Import, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	}
	return svc.Import(context.Background(), path, bytes.NewReader(data), opts)
}

func TestImportRealSample(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := newService(t, db)
		want := independentTotals(t, sample)
		imp, err := importPath(t, svc, sample, cost.ImportOptions{ImportedBy: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if imp.RowsRead != 1000 || imp.RowsImported != 1000 || imp.RowsRejected != 0 || imp.FOCUSVersion != "1.0" {
			t.Fatalf("import = %+v", imp)
		}
		for c, w := range want {
			got := imp.Totals[c]
			if !near(got.Billed, w.Billed) || !near(got.Effective, w.Effective) || !near(got.List, w.List) {
				t.Errorf("%s totals = %+v, independent = %+v", c, got, w)
			}
		}
		if imp.Normalised["null_strings"] == 0 || imp.Normalised["space_datetimes"] == 0 || imp.Normalised["tag_keys_trimmed"] != 23 {
			t.Errorf("normalised = %v", imp.Normalised)
		}

		// Every dollar lands somewhere exactly once: the report by team,
		// allocated and unallocated alike, adds up to the file, per month.
		total := map[string]float64{}
		for _, month := range []string{"2024-08", "2024-09", "2024-10"} {
			rep, err := svc.Report(ctx, month, "team", "")
			if err != nil {
				t.Fatal(err)
			}
			for c, tt := range rep.Totals {
				total[c] += tt.Effective
			}
		}
		if !near(total["USD"], want["USD"].Effective) {
			t.Errorf("report total %v, file total %v", total["USD"], want["USD"].Effective)
		}

		rep, err := svc.Report(ctx, "2024-09", "allocation", "")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range rep.Rows {
			seen[r.Key] = true
		}
		for _, k := range []string{"tag", "account", "rule:databases-to-platform", "shared:queues", "unallocated"} {
			if !seen[k] {
				t.Errorf("no %q allocation in %v", k, rep.Rows)
			}
		}
		byTeam, err := svc.Report(ctx, "2024-09", "team", "")
		if err != nil {
			t.Fatal(err)
		}
		teams := map[string]bool{}
		for _, r := range byTeam.Rows {
			teams[r.Key] = true
		}
		for _, tm := range []string{"peoriadata", "tempeai", "platform", "unallocated"} {
			if !teams[tm] {
				t.Errorf("team %s missing from %v", tm, byTeam.Rows)
			}
		}

		// Re-importing replaces: totals stay, the record says what it replaced.
		again, err := importPath(t, svc, sample, cost.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Replaced) != 1 || again.Replaced[0] != imp.ID {
			t.Errorf("replaced = %v, want [%s]", again.Replaced, imp.ID)
		}
		rep2, err := svc.Report(ctx, "2024-09", "team", "")
		if err != nil {
			t.Fatal(err)
		}
		if !near(rep2.Totals["USD"].Effective, byTeam.Totals["USD"].Effective) {
			t.Errorf("re-import changed the total: %v then %v", byTeam.Totals["USD"].Effective, rep2.Totals["USD"].Effective)
		}
		imps, err := svc.Imports(ctx)
		if err != nil || len(imps) != 2 || imps[0].Checksum == "" {
			t.Fatalf("imports = %+v, %v", imps, err)
		}

		cov, err := svc.Coverage(ctx, "2024-09")
		if err != nil || len(cov.Overall) != 1 {
			t.Fatalf("coverage = %+v, %v", cov, err)
		}
		if s := cov.Overall[0].Share; s <= 0 || s >= 1 {
			t.Errorf("overall coverage %v: the sample has allocated and unallocated spend", s)
		}
		un, err := svc.Unallocated(ctx, "2024-09", 10)
		if err != nil || len(un.Resources) == 0 || len(un.Accounts) == 0 {
			t.Fatalf("unallocated = %+v, %v", un, err)
		}
		for i := 1; i < len(un.Resources); i++ {
			if un.Resources[i].EffectiveCost > un.Resources[i-1].EffectiveCost {
				t.Errorf("unallocated resources not largest first")
			}
		}
	})
}

const header = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargePeriodEnd,ChargePeriodStart,EffectiveCost,ListCost,ProviderName,PublisherName,InvoiceIssuerName,ServiceCategory,ServiceName,SubAccountId,SubAccountName,ResourceId,Tags\n"

func row(billed, currency, start, eff, tags string) string {
	return billed + ",acct,Acct," + currency + ",2024-10-01,2024-09-01,Usage,,thing,2024-09-02," + start + "," + eff + "," + billed + ",AWS,AWS,AWS,Compute,Amazon EC2,111,Team acct,i-1," + tags + "\n"
}

// truncatedGzip compresses data and cuts the stream short.
func truncatedGzip(data string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(data))
	zw.Close()
	return b.String()[:b.Len()/2]
}

func TestImportBadInput(t *testing.T) {
	db := storetest.SQLite(t)
	svc := newService(t, db)
	ctx := context.Background()
	good := row("10", "USD", "2024-09-01", "9", `"{""business_unit"": ""PeoriaData""}"`)
	tests := []struct {
		name    string
		data    string
		opts    cost.ImportOptions
		wantErr string
		check   func(t *testing.T, imp cost.Import)
	}{
		{name: "bad number fails the import with file:line:column", data: header + good + row("ten", "USD", "2024-09-01", "9", ""),
			wantErr: "bad.csv:3: column BilledCost"},
		{name: "skip-invalid records the rejected line", data: header + good + row("ten", "USD", "2024-09-01", "9", ""),
			opts: cost.ImportOptions{SkipInvalid: true}, check: func(t *testing.T, imp cost.Import) {
				if imp.RowsRejected != 1 || len(imp.RejectedLines) != 1 || imp.RejectedLines[0] != 3 || imp.Totals["USD"].Billed != 10 {
					t.Errorf("import = %+v", imp)
				}
			}},
		{name: "header only", data: header, wantErr: "no billing rows"},
		{name: "future charges are rejected", data: header + row("5", "USD", "2031-01-01", "5", ""), wantErr: "is in the future"},
		{name: "credits are kept and currencies never mixed", data: header + good + row("-4", "USD", "2024-09-01", "-4", "") + row("7", "EUR", "2024-09-01", "6", ""),
			check: func(t *testing.T, imp cost.Import) {
				if imp.Totals["USD"].Effective != 5 || imp.Totals["EUR"].Effective != 6 {
					t.Errorf("totals = %+v", imp.Totals)
				}
			}},
		{name: "missing required columns are named", data: "BilledCost,BillingCurrency\n1,USD\n", wantErr: "ChargePeriodStart"},
		{name: "a truncated gzip is refused whole, saying where it ends", data: truncatedGzip(header + strings.Repeat(good, 2000)),
			wantErr: "bad.csv: after line 765: the gzip stream ends early: the file is truncated"},
		{name: "unknown columns of a FOCUS 1.3 file are kept and reported",
			data: strings.TrimSuffix(strings.Replace(header, "ProviderName", "ServiceProviderName", 1), "\n") + ",HostProviderName,MyCostCentre,x_Discount\n" +
				strings.TrimSuffix(good, "\n") + ",AWS,CC-1,0.5\n",
			check: func(t *testing.T, imp cost.Import) {
				if imp.FOCUSVersion != "1.3" || imp.RowsImported != 1 {
					t.Fatalf("import = %+v", imp)
				}
				if len(imp.Warnings) != 2 || !strings.Contains(strings.Join(imp.Warnings, "\n"), "columns FOCUS does not define, kept for allocation rules: [MyCostCentre]") {
					t.Errorf("warnings = %q", imp.Warnings)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := svc.Imports(ctx)
			if tt.opts.Now.IsZero() {
				tt.opts.Now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
			}
			imp, err := svc.Import(ctx, "bad.csv", strings.NewReader(tt.data), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				after, _ := svc.Imports(ctx)
				if len(after) != len(before) {
					t.Errorf("a failed import wrote a record")
				}
				if tt.name == "header only" && !errors.Is(err, cost.ErrNoRows) {
					t.Errorf("err = %v, want ErrNoRows", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, imp)
		})
	}
}
