package cost_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/paved-dev/paved/internal/api"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/cost"
	"github.com/paved-dev/paved/internal/server"
	"github.com/paved-dev/paved/internal/server/servertest"
	"github.com/paved-dev/paved/internal/store"
	"github.com/paved-dev/paved/internal/store/storetest"
)

// charge is one billing row of a test export.
type charge struct {
	day      string // YYYY-MM-DD
	cost     string // BilledCost and EffectiveCost as written
	currency string
	account  string // SubAccountId
	resource string
	tags     string // a JSON object, or "" for none
}

const focusHeader = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass," +
	"ChargeDescription,ChargePeriodEnd,ChargePeriodStart,EffectiveCost,ListCost,ProviderName,PublisherName,InvoiceIssuerName," +
	"ServiceCategory,ServiceName,SubAccountId,SubAccountName,ResourceId,ResourceName,Tags\n"

// focusCSV writes charges as a FOCUS 1.0 CSV export of one billing
// account; each charge's billing period is its month.
func focusCSV(billing string, charges ...charge) []byte {
	var b strings.Builder
	b.WriteString(focusHeader)
	for _, c := range charges {
		start, _ := time.Parse(time.DateOnly, c.day)
		period := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		tags := ""
		if c.tags != "" {
			tags = `"` + strings.ReplaceAll(c.tags, `"`, `""`) + `"`
		}
		fmt.Fprintf(&b, "%s,%s,%s account,%s,%s,%s,Usage,,compute,%s,%s,%s,%s,AWS,AWS,AWS,Compute,Amazon EC2,%s,%s name,%s,%s name,%s\n",
			c.cost, billing, billing, c.currency, period.AddDate(0, 1, 0).Format(time.DateOnly), period.Format(time.DateOnly),
			start.AddDate(0, 0, 1).Format(time.DateOnly), c.day, c.cost, c.cost, c.account, c.account, c.resource, c.resource, tags)
	}
	return []byte(b.String())
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pqCharge is a charge as a Parquet export lays it out.
type pqCharge struct {
	BilledCost         float64           `parquet:"BilledCost"`
	EffectiveCost      float64           `parquet:"EffectiveCost"`
	BillingCurrency    string            `parquet:"BillingCurrency,dict"`
	ProviderName       string            `parquet:"ProviderName,dict"`
	BillingAccountID   string            `parquet:"BillingAccountId,dict"`
	SubAccountID       string            `parquet:"SubAccountId,dict"`
	ServiceName        string            `parquet:"ServiceName,dict"`
	ChargePeriodStart  time.Time         `parquet:"ChargePeriodStart,timestamp(microsecond)"`
	BillingPeriodStart time.Time         `parquet:"BillingPeriodStart,timestamp(microsecond)"`
	Tags               map[string]string `parquet:"Tags"`
}

func peoria(app string) string {
	return `{"business_unit": "PeoriaData", "application": "` + app + `"}`
}

const tempe = `{"business_unit": "TempeAI", "application": "zoommapmax"}`

// The test bill: August and September 2024 in USD, in three files and
// three formats, plus some September spend in EUR. Team totals, USD:
// August peoriadata 150 (100 of it by the 20th), tempeai 200,
// unallocated 30; September peoriadata 180, tempeai 160, platform 40 (by
// its account), unallocated 50. EUR, September: peoriadata 70.
var (
	augustCSV = focusCSV("acct-usd",
		charge{"2024-08-03", "100", "USD", "222", "i-p1", peoria("brightpathmatrix")},
		charge{"2024-08-25", "50", "USD", "222", "i-p1", peoria("brightpathmatrix")},
		charge{"2024-08-05", "200", "USD", "222", "i-t1", tempe},
		charge{"2024-08-10", "30", "USD", "111", "i-orphan", ""},
	)
	septemberCSV = focusCSV("acct-usd",
		charge{"2024-09-02", "120", "USD", "222", "i-p1", peoria("brightpathmatrix")},
		charge{"2024-09-14", "60", "USD", "222", "i-p1", peoria("brightpathmatrix")},
		charge{"2024-09-03", "150", "USD", "222", "i-t1", tempe},
		charge{"2024-09-04", "40", "USD", "18938484842", "db-1", ""},
		charge{"2024-09-05", "50", "USD", "111", "i-orphan", `{"project": "mystery"}`},
	)
	// One good row and one whose cost is not a number (line 3).
	halfBadCSV = append(focusCSV("acct-skip", charge{"2024-09-20", "10", "USD", "222", "i-t2", tempe}),
		focusCSV("acct-skip", charge{"2024-09-20", "ten", "USD", "222", "i-t2", tempe})[len(focusHeader):]...)
)

func septemberEURParquet(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	rows := []pqCharge{{
		BilledCost: 70, EffectiveCost: 70, BillingCurrency: "EUR", ProviderName: "AWS", BillingAccountID: "acct-eur",
		SubAccountID: "333", ServiceName: "Amazon EC2",
		ChargePeriodStart:  time.Date(2024, 9, 10, 0, 0, 0, 0, time.UTC),
		BillingPeriodStart: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC),
		Tags:               map[string]string{"business_unit": "PeoriaData", "application": "brightpathmatrix"},
	}}
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// costAPI is the cost routes behind the real server's authentication, on
// a real socket, with a token per role.
type costAPI struct {
	srv    *httptest.Server
	tokens map[auth.Role]string
}

func serveCosts(t *testing.T, db *store.DB, svc *cost.Service) *costAPI {
	t.Helper()
	api := servertest.Serve(t, db, server.Options{Routes: svc.Routes()})
	return &costAPI{srv: api.Srv, tokens: api.Tokens}
}

func (c *costAPI) do(t *testing.T, method, path string, role auth.Role, body []byte) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+c.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// get fetches path as a viewer into v, failing unless it answers 200.
func (c *costAPI) get(t *testing.T, path string, v any) {
	t.Helper()
	status, body := c.do(t, "GET", path, auth.RoleViewer, nil)
	if status != 200 {
		t.Fatalf("GET %s = %d %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}

func TestCostAPI(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := serveCosts(t, db, newService(t, db))

		// Before the first import every read answers, empty.
		var tr cost.Trend
		c.get(t, "/api/v1/costs/trend", &tr)
		if len(tr.Months) != 0 || len(tr.Rows) != 0 || tr.Movers == nil {
			t.Fatalf("empty trend = %+v", tr)
		}
		var empty cost.Report
		c.get(t, "/api/v1/costs/report", &empty)
		if empty.Month != time.Now().UTC().Format("2006-01") || len(empty.Rows) != 0 {
			t.Fatalf("empty report = %+v", empty)
		}

		uploads := []struct {
			name   string
			query  string
			role   auth.Role
			body   []byte
			status int
			want   string
		}{
			{"viewers cannot import", "?name=aug.csv", auth.RoleViewer, augustCSV, 403, `"code": "forbidden"`},
			{"no token", "?name=aug.csv", "", augustCSV, 401, "needs an API token"},
			{"csv by an ingest token", "?name=aug.csv", auth.RoleIngest, augustCSV, 201, `"imported_by": "test-ingest"`},
			{"gzip by an editor", "?name=sep.csv.gz", auth.RoleEditor, gzipped(t, septemberCSV), 201, `"rows_imported": 5`},
			{"parquet", "?name=sep-eur.parquet", auth.RoleIngest, septemberEURParquet(t), 201, `"EUR"`},
			{"a bad row fails with file:line:column", "?name=bad.csv", auth.RoleIngest, halfBadCSV, 422, `bad.csv:3: column BilledCost`},
			{"skip_invalid imports the rest", "?name=half.csv&skip_invalid=true", auth.RoleIngest, halfBadCSV, 201, `"rows_rejected": 1`},
			{"no name", "", auth.RoleIngest, augustCSV, 422, `"field": "name"`},
			{"bad skip_invalid", "?name=x.csv&skip_invalid=maybe", auth.RoleIngest, augustCSV, 422, `"field": "skip_invalid"`},
			{"empty body", "?name=empty.csv", auth.RoleIngest, nil, 400, "the file is empty"},
			{"not FOCUS", "?name=people.csv", auth.RoleIngest, []byte("name,email\nana,ana@example.com\n"), 400, "people.csv: missing required columns"},
			{"header only", "?name=header.csv", auth.RoleIngest, []byte(focusHeader), 422, "no billing rows"},
		}
		for _, u := range uploads {
			status, body := c.do(t, "POST", "/api/v1/costs/imports"+u.query, u.role, u.body)
			if status != u.status || !strings.Contains(string(body), u.want) {
				t.Fatalf("%s: POST %s = %d %s\nwant %d containing %q", u.name, u.query, status, body, u.status, u.want)
			}
		}
		var imps cost.ImportList
		c.get(t, "/api/v1/costs/imports", &imps)
		if len(imps.Imports) != 4 {
			t.Fatalf("%d imports recorded, want 4 (the failed uploads write nothing): %+v", len(imps.Imports), imps)
		}

		// Reports read what was imported, per currency, never mixed.
		var rep cost.Report
		c.get(t, "/api/v1/costs/report?month=2024-09&by=team", &rep)
		wantTeams := map[string]float64{"peoriadata/USD": 180, "tempeai/USD": 160, "platform/USD": 40, "unallocated/USD": 50, "peoriadata/EUR": 70}
		if len(rep.Rows) != len(wantTeams) {
			t.Errorf("report rows = %+v", rep.Rows)
		}
		for _, r := range rep.Rows {
			if w := wantTeams[r.Key+"/"+r.Currency]; r.EffectiveCost != w {
				t.Errorf("%s %s = %v, want %v", r.Key, r.Currency, r.EffectiveCost, w)
			}
		}
		if rep.Totals["USD"].Effective != 430 || rep.Totals["EUR"].Effective != 70 {
			t.Errorf("totals = %+v", rep.Totals)
		}
		// The latest month is the default.
		var latest cost.Report
		c.get(t, "/api/v1/costs/report?team=peoriadata", &latest)
		if latest.Month != "2024-09" || latest.Totals["USD"].Effective != 180 {
			t.Errorf("default report = %+v", latest)
		}
		for _, by := range []string{"service", "environment", "provider", "account", "service-name"} {
			var r cost.Report
			c.get(t, "/api/v1/costs/report?month=2024-08&by="+by, &r)
			if r.By != by || r.Totals["USD"].Effective != 380 {
				t.Errorf("by %s: %+v", by, r)
			}
		}

		var cov cost.Coverage
		c.get(t, "/api/v1/costs/coverage?month=2024-09", &cov)
		if len(cov.Overall) != 2 || cov.Overall[0].Currency != "USD" && cov.Overall[1].Currency != "USD" {
			t.Fatalf("coverage = %+v", cov)
		}
		for _, o := range cov.Overall {
			if o.Currency == "USD" && !near(o.Share, 380.0/430) {
				t.Errorf("USD coverage %v, want %v", o.Share, 380.0/430)
			}
		}

		var un cost.UnallocatedList
		c.get(t, "/api/v1/costs/unallocated?month=2024-09&limit=1", &un)
		if len(un.Resources) != 1 || un.Resources[0].ResourceID != "i-orphan" || !strings.Contains(un.Resources[0].Tags, "mystery") ||
			len(un.Accounts) != 1 || un.Accounts[0].AccountName != "111 name" {
			t.Errorf("unallocated = %+v", un)
		}

		c.get(t, "/api/v1/costs/trend", &tr)
		if strings.Join(tr.Months, ",") != "2024-08,2024-09" || tr.MoversMonth != "2024-09" || tr.MoversPrevious != "2024-08" {
			t.Fatalf("trend months = %v, movers %s vs %s", tr.Months, tr.MoversMonth, tr.MoversPrevious)
		}
		var movers []string
		for _, m := range tr.Movers {
			pct := "new"
			if m.ChangePct != nil {
				pct = fmt.Sprintf("%+.0f%%", *m.ChangePct*100)
			}
			movers = append(movers, fmt.Sprintf("%s %s %+.0f %s", m.Team, m.Currency, m.Change, pct))
		}
		// September is billed through the 20th, so August counts through
		// the 20th too: peoriadata's August 25 charge is not compared.
		if tr.MoversThrough != "2024-09-20" {
			t.Errorf("movers through %q, want 2024-09-20", tr.MoversThrough)
		}
		// What the month to date compares with: August through the 20th,
		// unowned spend included (100 + 200 + 30; not the 50 of the 25th).
		if len(tr.PreviousToDate) != 1 || tr.PreviousToDate["USD"] != 330 {
			t.Errorf("previous to date = %v, want USD 330", tr.PreviousToDate)
		}
		if got, want := strings.Join(movers, "; "), "peoriadata USD +80 +80%; peoriadata EUR +70 new; platform USD +40 new; tempeai USD -40 -20%"; got != want {
			t.Errorf("movers:\n got %s\nwant %s", got, want)
		}
		shares := map[string]float64{}
		for _, cv := range tr.Coverage {
			shares[cv.Month+"/"+cv.Currency] = cv.Share
		}
		if !near(shares["2024-08/USD"], 350.0/380) || !near(shares["2024-09/USD"], 380.0/430) || shares["2024-09/EUR"] != 1 {
			t.Errorf("coverage trend = %v", shares)
		}
		var one cost.Trend
		c.get(t, "/api/v1/costs/trend?months=1&team=tempeai", &one)
		if strings.Join(one.Months, ",") != "2024-09" || len(one.Rows) != 1 || one.Rows[0].EffectiveCost != 160 || len(one.Movers) != 0 {
			t.Errorf("one month of tempeai = %+v", one)
		}
		if len(one.PreviousToDate) != 1 || one.PreviousToDate["USD"] != 200 {
			t.Errorf("tempeai's previous to date = %v, want USD 200", one.PreviousToDate)
		}
		if len(one.Coverage) != 2 {
			t.Errorf("a team's trend still has the organisation's coverage: %+v", one.Coverage)
		}

		var tm cost.TeamMonth
		c.get(t, "/api/v1/teams/peoriadata/costs", &tm)
		if tm.Month != "2024-09" || tm.Previous != "2024-08" || tm.Through != "2024-09-20" {
			t.Fatalf("team month = %+v", tm)
		}
		want := []cost.TeamCurrency{
			{Currency: "USD", MonthToDate: 180, PreviousMonth: 150, PreviousToDate: 100},
			{Currency: "EUR", MonthToDate: 70},
		}
		if fmt.Sprint(tm.Currencies) != fmt.Sprint(want) {
			t.Errorf("currencies = %+v, want %+v", tm.Currencies, want)
		}
		if len(tm.Services) != 2 || tm.Services[0].Key != "brightpathmatrix" {
			t.Errorf("services = %+v", tm.Services)
		}
		if got := fmt.Sprint(tm.Days); got != "[{2024-09-02 USD 120} {2024-09-10 EUR 70} {2024-09-14 USD 60}]" {
			t.Errorf("days = %s", got)
		}
		c.get(t, "/api/v1/teams/peoriadata/costs?month=2024-08", &tm)
		if tm.Month != "2024-08" || len(tm.Currencies) != 1 || tm.Currencies[0].MonthToDate != 150 || tm.Through != "2024-08-25" {
			t.Errorf("august = %+v", tm)
		}
		// Spend nobody owns has a month too.
		c.get(t, "/api/v1/teams/unallocated/costs", &tm)
		if len(tm.Currencies) != 1 || tm.Currencies[0].MonthToDate != 50 {
			t.Errorf("unallocated month = %+v", tm)
		}

		errs := []struct {
			path   string
			role   auth.Role
			status int
			want   string
		}{
			{"/api/v1/costs/report?month=2024-13", auth.RoleViewer, 422, `"field": "month"`},
			{"/api/v1/costs/report?month=september", auth.RoleViewer, 422, "use YYYY-MM"},
			{"/api/v1/costs/report?month=2024-09&by=colour", auth.RoleViewer, 422, `"field": "by"`},
			{"/api/v1/costs/coverage?month=24-9", auth.RoleViewer, 422, `"field": "month"`},
			{"/api/v1/costs/unallocated?limit=lots", auth.RoleViewer, 422, `"field": "limit"`},
			{"/api/v1/costs/unallocated?limit=0", auth.RoleViewer, 422, `"field": "limit"`},
			{"/api/v1/costs/trend?months=0", auth.RoleViewer, 422, `"field": "months"`},
			{"/api/v1/costs/trend?months=twelve", auth.RoleViewer, 422, `"field": "months"`},
			{"/api/v1/teams/peoriadata/costs?month=2024", auth.RoleViewer, 422, `"field": "month"`},
			{"/api/v1/teams/ghosts/costs", auth.RoleViewer, 404, `team \"ghosts\" is not in the catalog`},
			{"/api/v1/costs/report", auth.RoleIngest, 403, "may not read"},
			{"/api/v1/costs/imports", "", 401, "needs an API token"},
		}
		for _, e := range errs {
			status, body := c.do(t, "GET", e.path, e.role, nil)
			if status != e.status || !strings.Contains(string(body), e.want) {
				t.Errorf("GET %s as %q = %d %s\nwant %d containing %q", e.path, e.role, status, body, e.status, e.want)
			}
			if status >= 400 {
				var eb api.ErrorBody
				if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Message == "" {
					t.Errorf("GET %s: not a JSON error: %s", e.path, body)
				}
			}
		}
	})
}

// TestCostRoutes checks what the route table promises: uploads of a
// month's export fit, and only the upload takes an ingest token.
func TestCostRoutes(t *testing.T) {
	for _, r := range newService(t, storetest.SQLite(t)).Routes() {
		upload := r.Method == "POST"
		if upload && (r.MaxBodyBytes != 4<<30 || r.Perm != api.Ingest || r.Status != http.StatusCreated) {
			t.Errorf("%s %s: limit %d, perm %s, status %d", r.Method, r.Pattern, r.MaxBodyBytes, r.Perm, r.Status)
		}
		if !upload && (r.Perm != api.Read || r.MaxBodyBytes != 0) {
			t.Errorf("%s %s: perm %s, limit %d", r.Method, r.Pattern, r.Perm, r.MaxBodyBytes)
		}
		if r.Summary == "" || r.Response == nil {
			t.Errorf("%s %s is undocumented", r.Method, r.Pattern)
		}
	}
}
