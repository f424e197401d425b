package focus

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openFile opens a testdata file through OSFile, as the importer does.
func openFile(t testing.TB, path string) *Reader {
	t.Helper()
	r, err := openPath(t, path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return r
}

func openPath(t testing.TB, path string) (*Reader, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	ff, err := OSFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return Open(filepath.Base(path), ff)
}

// readAll reads every row, keeping copies, and the errors by line.
func readAll(t testing.TB, r *Reader) ([]Row, []error) {
	t.Helper()
	var rows []Row
	var errs []error
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, errs
		}
		if err != nil {
			var re *RowError
			if !errors.As(err, &re) {
				return rows, append(errs, err)
			}
			errs = append(errs, err)
			continue
		}
		rows = append(rows, *row)
	}
}

type totals struct{ billed, effective, list float64 }

func sumRows(rows []Row) map[string]totals {
	out := map[string]totals{}
	for _, r := range rows {
		t := out[r.BillingCurrency]
		t.billed += r.BilledCost
		t.effective += r.EffectiveCost
		t.list += r.ListCost
		out[r.BillingCurrency] = t
	}
	return out
}

// independentTotals sums BilledCost and EffectiveCost per currency with
// nothing but encoding/csv and strconv, skipping NULL.
func independentTotals(t *testing.T, path string) map[string]totals {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %s", name)
		}
		return i
	}
	bi, ei, ci := col("BilledCost"), col("EffectiveCost"), col("BillingCurrency")
	out := map[string]totals{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		tt := out[rec[ci]]
		if rec[bi] != "NULL" {
			v, err := strconv.ParseFloat(rec[bi], 64)
			if err != nil {
				t.Fatal(err)
			}
			tt.billed += v
		}
		if rec[ei] != "NULL" {
			v, err := strconv.ParseFloat(rec[ei], 64)
			if err != nil {
				t.Fatal(err)
			}
			tt.effective += v
		}
		out[rec[ci]] = tt
	}
}

const samplePath = "testdata/focus_sample.csv"

func TestSample(t *testing.T) {
	r := openFile(t, samplePath)
	if v := r.Version(); v != "1.0" {
		t.Errorf("Version = %s, want 1.0", v)
	}
	rows, errs := readAll(t, r)
	if len(errs) > 0 {
		t.Fatalf("errors reading the sample: %v", errs)
	}
	if len(rows) != 1000 {
		t.Fatalf("%d rows, want 1000", len(rows))
	}
	st := r.Stats()
	if st.Rows != 1000 || st.RowErrors != 0 || st.Format != "csv" {
		t.Errorf("Rows %d RowErrors %d Format %s", st.Rows, st.RowErrors, st.Format)
	}
	if st.NullStrings == 0 || st.SpaceDatetimes != 4000 || st.TagKeysTrimmed == 0 {
		t.Errorf("normalisations not counted: %+v", st)
	}
	if !slices.Equal(st.UnknownColumns, []string{"Id"}) {
		t.Errorf("UnknownColumns = %v, want [Id]", st.UnknownColumns)
	}
	if len(st.MissingMandatory) != 0 || len(st.ExtensionColumns) != 0 || st.ListCostAbsent {
		t.Errorf("MissingMandatory %v ExtensionColumns %v ListCostAbsent %v", st.MissingMandatory, st.ExtensionColumns, st.ListCostAbsent)
	}
	for _, k := range []string{KindNullStrings, KindSpaceDatetimes, KindTagKeysTrimmed} {
		if lines := st.Examples[k]; len(lines) == 0 || len(lines) > maxExamples || lines[0] < 2 {
			t.Errorf("Examples[%s] = %v", k, lines)
		}
	}
	if st.Examples[KindNullStrings][0] != 2 || st.Examples[KindSpaceDatetimes][0] != 2 {
		t.Errorf("first examples should be line 2: %v", st.Examples)
	}
	if st.TagsUnparseable != 0 || st.TagKeyCollisions != 0 {
		t.Errorf("TagsUnparseable %d TagKeyCollisions %d", st.TagsUnparseable, st.TagKeyCollisions)
	}

	// The first data row, as the file writes it.
	first := rows[0]
	if first.Line != 2 || first.BilledCost != 0.0000008 || first.EffectiveCost != 0 || first.ListCost != 0.0000008 ||
		first.BillingCurrency != "USD" || first.ProviderName != "AWS" || first.ServiceName != "Amazon Simple Queue Service" ||
		first.SubAccountID != "51738928782" || first.ChargeClass != "" || first.Tags != nil ||
		!first.ChargePeriodStart.Equal(time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC)) ||
		!first.BillingPeriodEnd.Equal(time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)) ||
		first.ChargePeriodStart.Location() != time.UTC {
		t.Errorf("first row = %+v", first)
	}
	if rows[len(rows)-1].Line != 1001 {
		t.Errorf("last row on line %d, want 1001", rows[len(rows)-1].Line)
	}

	providers := map[string]int{}
	trimmed := 0
	for _, row := range rows {
		providers[row.ProviderName]++
		for k := range row.Tags {
			if k != strings.TrimSpace(k) {
				t.Fatalf("line %d: tag key %q not trimmed", row.Line, k)
			}
		}
		if _, ok := row.Tags["org"]; ok && row.Tags["Project"] == "Foo" {
			trimmed++
		}
	}
	if !reflect.DeepEqual(providers, map[string]int{"AWS": 942, "Microsoft": 51, "Oracle": 7}) {
		t.Errorf("providers = %v", providers)
	}
	if trimmed == 0 {
		t.Error("no row has the org tag")
	}

	got, want := sumRows(rows), independentTotals(t, samplePath)
	if len(got) != len(want) {
		t.Fatalf("currencies %v, want %v", got, want)
	}
	for cur, w := range want {
		g := got[cur]
		if math.Abs(g.billed-w.billed) > 1e-9 || math.Abs(g.effective-w.effective) > 1e-9 {
			t.Errorf("%s: billed %.12f effective %.12f, want %.12f %.12f", cur, g.billed, g.effective, w.billed, w.effective)
		}
	}
}

// The " org" key of the sample sits next to "org" with the same value:
// trimmed, counted, not a collision.
func TestSampleOrgKey(t *testing.T) {
	r := openFile(t, samplePath)
	for {
		row, err := r.Next()
		if err == io.EOF {
			t.Fatal("no row with both org keys")
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(row.Column("Tags"), `" org"`) {
			if row.Tags["org"] != "trey" || len(row.Tags) != 5 {
				t.Fatalf("line %d: tags %v", row.Line, row.Tags)
			}
			if row.Column("Id") == "" || row.Column("ProviderName") != row.ProviderName || row.Column("ChargeClass") != "" || row.Column("NoSuchColumn") != "" {
				t.Fatalf("Column: Id %q ProviderName %q ChargeClass %q", row.Column("Id"), row.Column("ProviderName"), row.Column("ChargeClass"))
			}
			return
		}
	}
}

func TestVersionsAndLayouts(t *testing.T) {
	for _, tc := range []struct {
		file       string
		version    string
		format     string
		provider   string // of the first row
		missing    []string
		extensions []string
		unknown    []string
	}{
		{"v1_0.csv", "1.0", "csv", "AWS", nil, []string{"x_Operation"}, nil},
		{"v1_1.csv", "1.1", "csv", "AWS", nil, nil, nil},
		{"v1_2.csv", "1.2", "csv", "AWS", nil, nil, nil},
		{"v1_3.csv", "1.3", "csv", "Datadog", nil, nil, nil},
		{"v1_3_deprecated.csv", "1.3", "csv", "Datadog", nil, nil, nil},
		{"semicolon.csv", "1.0", "csv", "AWS", nil, nil, nil},
		{"tab.tsv", "1.0", "csv", "AWS", nil, nil, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r := openFile(t, filepath.Join("testdata", tc.file))
			if r.Version() != tc.version {
				t.Errorf("Version = %s, want %s", r.Version(), tc.version)
			}
			rows, errs := readAll(t, r)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			st := r.Stats()
			if st.Format != tc.format || !slices.Equal(st.MissingMandatory, tc.missing) ||
				!slices.Equal(st.ExtensionColumns, tc.extensions) || !slices.Equal(st.UnknownColumns, tc.unknown) {
				t.Errorf("stats = %+v", st)
			}
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			if rows[0].ProviderName != tc.provider {
				t.Errorf("ProviderName = %q, want %q", rows[0].ProviderName, tc.provider)
			}
			if !reflect.DeepEqual(rows[0].Tags, map[string]string{"team": "payments", "env": "prod"}) {
				t.Errorf("Tags = %v", rows[0].Tags)
			}
			if s := sumRows(rows)["USD"]; s.billed != 8 || s.effective != 6.75 || s.list != 9.5 {
				t.Errorf("totals %+v", s)
			}
			if rows[1].BilledCost != -2.5 || rows[1].ChargeCategory != "Credit" {
				t.Errorf("credit row %+v", rows[1])
			}
		})
	}
}

// A row dated in the future is read like any other: the importer decides.
func TestFutureRow(t *testing.T) {
	r := openFile(t, "testdata/future.csv")
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if row.ChargePeriodStart.Year() != 2099 {
		t.Errorf("ChargePeriodStart = %v", row.ChargePeriodStart)
	}
}

func TestExtensionColumnKept(t *testing.T) {
	r := openFile(t, "testdata/v1_0.csv")
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := row.Column("x_Operation"); got != "RunInstances" {
		t.Errorf("x_Operation = %q", got)
	}
	if got := row.Column("x_UsageType"); got != "" {
		t.Errorf("absent column = %q", got)
	}
}

func TestHeaderOnly(t *testing.T) {
	r := openFile(t, "testdata/header_only.csv")
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next = %v, want io.EOF", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("second Next = %v, want io.EOF", err)
	}
	if st := r.Stats(); st.Rows != 0 {
		t.Errorf("Rows = %d", st.Rows)
	}
}

func TestMissingRequired(t *testing.T) {
	_, err := openPath(t, "testdata/missing_required.csv")
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want *HeaderError", err)
	}
	if !slices.Equal(he.Missing, []string{"BilledCost", "BillingCurrency", "ChargePeriodStart"}) {
		t.Errorf("Missing = %v", he.Missing)
	}
	if !slices.Equal(he.MissingMandatory, []string{"InvoiceIssuerName"}) {
		t.Errorf("MissingMandatory = %v", he.MissingMandatory)
	}
	msg := err.Error()
	for _, want := range []string{"missing_required.csv", "BilledCost, BillingCurrency, ChargePeriodStart", "FOCUS 1.0, whose mandatory set was applied", "InvoiceIssuerName"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
}

// Only the truly required columns are needed; the rest of the Mandatory
// set is reported, and formats of datetimes are counted.
func TestMinimalFile(t *testing.T) {
	r := openFile(t, "testdata/minimal_no_listcost.csv")
	rows, errs := readAll(t, r)
	if len(errs) > 0 || len(rows) != 2 {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	st := r.Stats()
	if !st.ListCostAbsent || rows[0].ListCost != 0 {
		t.Errorf("ListCostAbsent %v ListCost %v", st.ListCostAbsent, rows[0].ListCost)
	}
	if !slices.Contains(st.MissingMandatory, "ListCost") || !slices.Contains(st.MissingMandatory, "ServiceName") || len(st.MissingMandatory) != 14 {
		t.Errorf("MissingMandatory = %v", st.MissingMandatory)
	}
	if !slices.Equal(st.UnknownColumns, []string{"Id"}) {
		t.Errorf("UnknownColumns = %v", st.UnknownColumns)
	}
	if st.SpaceDatetimes != 1 || st.DateOnlyDatetimes != 1 || st.ZonelessDatetimes != 1 {
		t.Errorf("datetimes: space %d date-only %d zoneless %d", st.SpaceDatetimes, st.DateOnlyDatetimes, st.ZonelessDatetimes)
	}
	want := time.Date(2024, 9, 18, 20, 0, 0, 123e6, time.UTC)
	if !rows[1].ChargePeriodStart.Equal(want) || rows[1].ChargePeriodStart.Location() != time.UTC {
		t.Errorf("offset datetime = %v, want %v", rows[1].ChargePeriodStart, want)
	}
}

func TestDuplicateColumns(t *testing.T) {
	_, err := openPath(t, "testdata/duplicate_columns.csv")
	var he *HeaderError
	if !errors.As(err, &he) || !slices.Equal(he.Duplicates, []string{"BilledCost", "Tags"}) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "duplicate columns BilledCost, Tags") {
		t.Errorf("error = %q", err)
	}
}

func TestBadValues(t *testing.T) {
	r := openFile(t, "testdata/bad_number.csv")
	type result struct {
		line          int
		column, value string
	}
	var got []result
	var good []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			got = append(got, result{re.Line, re.Column, re.Value})
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		good = append(good, *row)
	}
	want := []result{{3, "BilledCost", "abc"}, {4, "EffectiveCost", ""}, {6, "ChargePeriodStart", "18/09/2024"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row errors = %v, want %v", got, want)
	}
	if len(good) != 3 || good[1].Line != 5 || good[1].ListCost != 0 || good[2].BilledCost != 1e-05 || good[2].EffectiveCost != 0.0000008 {
		t.Errorf("good rows = %+v", good)
	}
	st := r.Stats()
	if st.Rows != 3 || st.RowErrors != 3 || st.NullListCosts != 1 || st.NullStrings != 2 {
		t.Errorf("stats %+v", st)
	}
	// The message names file, line, column and value.
	r = openFile(t, "testdata/bad_number.csv")
	r.Next()
	_, err := r.Next()
	if err == nil || err.Error() != `bad_number.csv:3: column BilledCost: "abc" is not a number` {
		t.Errorf("error = %v", err)
	}
	_, err = r.Next()
	if err == nil || err.Error() != "bad_number.csv:4: column EffectiveCost: is empty (NULL): a charge without a cost cannot be allocated" {
		t.Errorf("error = %v", err)
	}
}

func TestBrokenRows(t *testing.T) {
	r := openFile(t, "testdata/wrong_field_count.csv")
	rows, errs := readAll(t, r)
	if len(rows) != 1 || len(errs) != 2 {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	var re *RowError
	if !errors.As(errs[0], &re) || re.Line != 3 || !strings.Contains(re.Error(), "has 3 fields, the header has 26") {
		t.Errorf("err = %v", errs[0])
	}
	if !errors.As(errs[1], &re) || re.Line != 4 {
		t.Errorf("err = %v", errs[1])
	}
}

func TestTags(t *testing.T) {
	r := openFile(t, "testdata/tags.csv")
	rows, errs := readAll(t, r)
	if len(errs) > 0 || len(rows) != 5 {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	if rows[0].Tags != nil || rows[1].Tags != nil || rows[4].Tags != nil {
		t.Errorf("unparseable or NULL tags kept: %v %v %v", rows[0].Tags, rows[1].Tags, rows[4].Tags)
	}
	want := map[string]string{"team": "search", "Env": "prod", "count": "3", "on": "true", "nested": `{"a":1}`, "none": ""}
	if !reflect.DeepEqual(rows[2].Tags, want) {
		t.Errorf("Tags = %v, want %v", rows[2].Tags, want)
	}
	if !reflect.DeepEqual(rows[3].Tags, map[string]string{"org": "a"}) {
		t.Errorf("collision: %v", rows[3].Tags)
	}
	st := r.Stats()
	if st.TagsUnparseable != 2 || !slices.Equal(st.Examples[KindTagsUnparseable], []int{2, 3}) {
		t.Errorf("unparseable %d %v", st.TagsUnparseable, st.Examples[KindTagsUnparseable])
	}
	if st.TagKeysTrimmed != 2 || st.TagKeyCollisions != 1 || !slices.Equal(st.Examples[KindTagKeyCollisions], []int{5}) {
		t.Errorf("trimmed %d collisions %d %v", st.TagKeysTrimmed, st.TagKeyCollisions, st.Examples)
	}
}

// Rows with the same Tags text share one map (the importer caches owners
// by it).
func TestTagsShared(t *testing.T) {
	r := openFile(t, samplePath)
	seen := map[string]uintptr{}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if row.Tags == nil {
			continue
		}
		p := reflect.ValueOf(row.Tags).Pointer()
		text := row.Column("Tags")
		if q, ok := seen[text]; ok && q != p {
			t.Fatalf("line %d: same Tags, another map", row.Line)
		}
		seen[text] = p
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	raw, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open("focus_sample.csv.gz", bytes.NewReader(gzipBytes(t, raw)))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := readAll(t, r)
	if len(errs) > 0 || len(rows) != 1000 || r.Stats().Format != "csv+gzip" || r.Version() != "1.0" {
		t.Fatalf("rows %d errs %v stats %+v", len(rows), errs, r.Stats())
	}
	want := sumRows(readSample(t))
	if got := sumRows(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("totals %v, want %v", got, want)
	}
}

func readSample(t testing.TB) []Row {
	rows, errs := readAll(t, openFile(t, samplePath))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return rows
}

func TestTruncatedGzip(t *testing.T) {
	raw, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipBytes(t, raw)
	r, err := Open("bill.csv.gz", bytes.NewReader(gz[:len(gz)/2]))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs := readAll(t, r)
	if len(errs) != 1 {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	var fe *FileError
	if !errors.As(errs[0], &fe) || !errors.Is(errs[0], io.ErrUnexpectedEOF) {
		t.Fatalf("err = %#v, want a *FileError wrapping io.ErrUnexpectedEOF", errs[0])
	}
	var re *RowError
	if errors.As(errs[0], &re) {
		t.Fatal("a truncated file is not a row error")
	}
	msg := errs[0].Error()
	if !strings.Contains(msg, "bill.csv.gz") || !strings.Contains(msg, "truncated") {
		t.Errorf("error = %q", msg)
	}
	if _, err := r.Next(); err != errs[0] {
		t.Errorf("error is not sticky: %v", err)
	}

	// Cut inside the gzip header: Open fails, naming the file.
	_, err = Open("bill.csv.gz", bytes.NewReader(gz[:5]))
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "bill.csv.gz") {
		t.Errorf("err = %v", err)
	}
}

func TestNotFOCUS(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"empty.csv", "", "empty"},
		{"cur.csv", "identity/LineItemId,lineItem/UnblendedCost\nabc,1\n", "none of its 2 columns is a FOCUS column"},
		{"old.csv", "AmortizedCost,BilledCost,ChargeType,Provider\n1,1,Usage,AWS\n", "FOCUS 0.5 or 1.0-preview"},
		{"case.csv", "billedcost,EffectiveCost,BillingCurrency,ChargePeriodStart,BillingPeriodStart,ProviderName,BillingAccountId\n", `column "billedcost" should be spelled "BilledCost"`},
	} {
		_, err := Open(tc.name, strings.NewReader(tc.content))
		var he *HeaderError
		if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a HeaderError saying %q", tc.name, err, tc.want)
		}
	}
}

func TestBOM(t *testing.T) {
	raw, err := os.ReadFile("testdata/v1_0.csv")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open("bom.csv", bytes.NewReader(append([]byte("\xef\xbb\xbf"), raw...)))
	if err != nil {
		t.Fatal(err)
	}
	if row, err := r.Next(); err != nil || row.BilledCost != 10.5 {
		t.Fatalf("row %+v err %v", row, err)
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		form timeForm
	}{
		{"2024-09-18T22:00:00Z", time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC), formRFC3339},
		{"2024-09-18T22:00:00.5Z", time.Date(2024, 9, 18, 22, 0, 0, 5e8, time.UTC), formRFC3339},
		{"2024-09-18T22:00:00.123456789123Z", time.Date(2024, 9, 18, 22, 0, 0, 123456789, time.UTC), formRFC3339},
		{"2024-09-18T22:00:00+02:00", time.Date(2024, 9, 18, 20, 0, 0, 0, time.UTC), formRFC3339},
		{"2024-09-18T22:00:00-0530", time.Date(2024, 9, 19, 3, 30, 0, 0, time.UTC), formRFC3339},
		{"2024-09-18 22:00:00", time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC), formSpace},
		{"2024-09-18 22:00:00 UTC", time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC), formSpace},
		{"2024-09-18T22:00:00", time.Date(2024, 9, 18, 22, 0, 0, 0, time.UTC), formZoneless},
		{"2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), formDateOnly},
	} {
		got, form, ok := parseTime(tc.in)
		if !ok || !got.Equal(tc.want) || form != tc.form || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v %v %v, want %v %v", tc.in, got, form, ok, tc.want, tc.form)
		}
	}
	for _, bad := range []string{"", "2024-09-18T", "18/09/2024", "2023-02-29", "2024-13-01", "2024-09-18T24:00:00Z",
		"2024-09-18T22:00:00Q", "2024-09-18T22:00:00.Z", "2024-09-18T22:60:00Z", "2024-09-18x22:00:00", "2024-09-18T22:00:00+2"} {
		if got, _, ok := parseTime(bad); ok {
			t.Errorf("parseTime(%q) = %v, want an error", bad, got)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"0.00000080000": 8e-7, "1e-05": 1e-5, "-12.5": -12.5, " 3 ": 3, "+4": 4, "1E3": 1000} {
		if got, ok := parseNumber(in); !ok || got != want {
			t.Errorf("parseNumber(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "NaN", "Inf", "-Infinity", "0x1p3", "1_000", "1,5", "$3", "1e400", ".", "-", "e5", "1e", "1e+", "--1", "1.2.3", "1 2"} {
		if got, ok := parseNumber(bad); ok {
			t.Errorf("parseNumber(%q) = %v, want an error", bad, got)
		}
	}
	// The fast path rounds as strconv does, bit for bit.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		var s string
		switch i % 4 {
		case 0:
			s = strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(12)-4)), 'f', rng.IntN(14), 64)
		case 1:
			s = strconv.FormatFloat(rng.ExpFloat64()*1e-3, 'e', rng.IntN(17), 64)
		case 2:
			s = strconv.FormatUint(rng.Uint64()>>uint(rng.IntN(64)), 10) + "." + strconv.FormatUint(rng.Uint64()>>uint(rng.IntN(64)), 10)
		default:
			s = "-0.000" + strconv.FormatUint(rng.Uint64()>>uint(rng.IntN(64)), 10) + "e" + strconv.Itoa(rng.IntN(40)-20)
		}
		want, err := strconv.ParseFloat(s, 64)
		got, ok := parseNumber(s)
		if err != nil || !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseNumber(%q) = %v %v, strconv gives %v %v", s, got, ok, want, err)
		}
	}
}
