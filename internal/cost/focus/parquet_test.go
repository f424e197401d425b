package focus

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// pqRow is a FOCUS export as a Parquet writer would lay it out: doubles,
// a DECIMAL, timestamps at two precisions, dictionary strings, optional
// columns with real nulls, an integer column, tags as a MAP.
type pqRow struct {
	BilledCost         float64           `parquet:"BilledCost"`
	EffectiveCost      float64           `parquet:"EffectiveCost"`
	ListCost           *float64          `parquet:"ListCost,optional"`
	ContractedCost     int64             `parquet:"ContractedCost,decimal(11:18)"`
	BillingCurrency    string            `parquet:"BillingCurrency,dict"`
	ProviderName       string            `parquet:"ProviderName,dict"`
	BillingAccountID   string            `parquet:"BillingAccountId,dict"`
	SubAccountID       *string           `parquet:"SubAccountId,optional,dict"`
	ServiceName        string            `parquet:"ServiceName,dict"`
	ChargeClass        *string           `parquet:"ChargeClass,optional"`
	ResourceID         *string           `parquet:"ResourceId,optional"`
	ChargePeriodStart  time.Time         `parquet:"ChargePeriodStart,timestamp(microsecond)"`
	ChargePeriodEnd    time.Time         `parquet:"ChargePeriodEnd,timestamp(millisecond)"`
	BillingPeriodStart time.Time         `parquet:"BillingPeriodStart,timestamp(microsecond)"`
	BillingPeriodEnd   *time.Time        `parquet:"BillingPeriodEnd,optional,timestamp(nanosecond)"`
	ID                 int64             `parquet:"Id"`
	Tags               map[string]string `parquet:"Tags"`
	XOperation         string            `parquet:"x_Operation"`
}

func ptr[T any](v T) *T { return &v }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// sampleAsParquet writes the sample's rows as Parquet, with the tags as
// the file has them (untrimmed keys).
func sampleAsParquet(t testing.TB) ([]byte, []Row) {
	r := openFile(t, samplePath)
	var rows []pqRow
	var csvRows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		csvRows = append(csvRows, *row)
		var tags map[string]string
		if s := row.Column("Tags"); s != "" {
			if err := json.Unmarshal([]byte(s), &tags); err != nil {
				t.Fatal(err)
			}
		}
		var id int64
		json.Unmarshal([]byte(row.Column("Id")), &id)
		contracted, _ := parseNumber(row.Column("ContractedCost"))
		rows = append(rows, pqRow{
			BilledCost: row.BilledCost, EffectiveCost: row.EffectiveCost, ListCost: ptr(row.ListCost),
			ContractedCost:  int64(math.Round(contracted * 1e11)),
			BillingCurrency: row.BillingCurrency, ProviderName: row.ProviderName, BillingAccountID: row.BillingAccountID,
			SubAccountID: optional(row.SubAccountID), ServiceName: row.ServiceName, ChargeClass: optional(row.ChargeClass),
			ResourceID:        optional(row.ResourceID),
			ChargePeriodStart: row.ChargePeriodStart, ChargePeriodEnd: row.ChargePeriodEnd,
			BillingPeriodStart: row.BillingPeriodStart, BillingPeriodEnd: ptr(row.BillingPeriodEnd),
			ID: id, Tags: tags, XOperation: "op-" + row.Column("Id"),
		})
	}
	var buf bytes.Buffer
	// Small pages and row groups, so reading crosses both.
	if err := parquet.Write(&buf, rows, parquet.PageBufferSize(4096), parquet.MaxRowsPerRowGroup(137)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), csvRows
}

func TestParquet(t *testing.T) {
	data, want := sampleAsParquet(t)
	r, err := Open("focus_sample.parquet", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, errs := readAll(t, r)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	if g, w := sumRows(got), sumRows(want); !reflect.DeepEqual(g, w) {
		t.Errorf("totals %v, want %v", g, w)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Line != i+1 || g.BilledCost != w.BilledCost || g.EffectiveCost != w.EffectiveCost || g.ListCost != w.ListCost ||
			g.ProviderName != w.ProviderName || g.SubAccountID != w.SubAccountID || g.ServiceName != w.ServiceName ||
			g.ResourceID != w.ResourceID || g.ChargeClass != w.ChargeClass || g.BillingCurrency != w.BillingCurrency ||
			!g.ChargePeriodStart.Equal(w.ChargePeriodStart) || !g.ChargePeriodEnd.Equal(w.ChargePeriodEnd) ||
			!g.BillingPeriodStart.Equal(w.BillingPeriodStart) || !g.BillingPeriodEnd.Equal(w.BillingPeriodEnd) ||
			!reflect.DeepEqual(g.Tags, w.Tags) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	st := r.Stats()
	if st.Format != "parquet" || r.Version() != "1.0" || st.Rows != 1000 || st.NullStrings != 0 || st.TagKeysTrimmed == 0 {
		t.Errorf("stats %+v", st)
	}
	if !reflect.DeepEqual(st.UnknownColumns, []string{"Id"}) || !reflect.DeepEqual(st.ExtensionColumns, []string{"x_Operation"}) {
		t.Errorf("columns: unknown %v extension %v", st.UnknownColumns, st.ExtensionColumns)
	}
}

func TestParquetColumn(t *testing.T) {
	data, _ := sampleAsParquet(t)
	r, err := Open("focus_sample.parquet", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{
		"Id": "11472", "x_Operation": "op-11472", "BilledCost": "8e-07", "ContractedCost": "0",
		"ChargePeriodStart": "2024-09-18T22:00:00Z", "ChargeClass": "", "Tags": "", "ServiceName": "Amazon Simple Queue Service",
	} {
		if got := row.Column(col); got != want {
			t.Errorf("Column(%s) = %q, want %q", col, got, want)
		}
	}
	for {
		row, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if row.Tags != nil {
			var m map[string]string
			if err := json.Unmarshal([]byte(row.Column("Tags")), &m); err != nil || len(m) == 0 {
				t.Errorf("Column(Tags) = %q: %v", row.Column("Tags"), err)
			}
			return
		}
	}
}

func TestParquetRequiredColumns(t *testing.T) {
	type thin struct {
		BilledCost float64 `parquet:"BilledCost"`
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []thin{{1}}); err != nil {
		t.Fatal(err)
	}
	_, err := Open("thin.parquet", bytes.NewReader(buf.Bytes()))
	var he *HeaderError
	if !errors.As(err, &he) || len(he.Missing) != 6 {
		t.Fatalf("err = %v", err)
	}
}

func TestParquetCorrupt(t *testing.T) {
	data, _ := sampleAsParquet(t)
	// A footer that does not parse.
	bad := append([]byte(nil), data...)
	for i := len(bad) - 200; i < len(bad)-8; i++ {
		bad[i] ^= 0x5a
	}
	_, err := Open("bad.parquet", bytes.NewReader(bad))
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Errorf("corrupt footer: err = %v, want *FileError", err)
	}
	// Pages cut short: the footer survives, the data does not.
	cut := append([]byte("PAR1"), make([]byte, 64)...)
	_, err = Open("cut.parquet", bytes.NewReader(cut))
	if !errors.As(err, &fe) {
		t.Errorf("cut: err = %v, want *FileError", err)
	}
}

// Damaged pages give typed errors, never a panic.
func TestParquetDamagedPages(t *testing.T) {
	data, _ := sampleAsParquet(t)
	for off := 64; off < len(data)-2048; off += len(data) / 23 {
		bad := append([]byte(nil), data...)
		for i := off; i < off+64; i++ {
			bad[i] ^= 0xa5
		}
		r, err := Open("damaged.parquet", bytes.NewReader(bad))
		if err != nil {
			var fe *FileError
			var he *HeaderError
			if !errors.As(err, &fe) && !errors.As(err, &he) {
				t.Fatalf("offset %d: Open: %T %v", off, err, err)
			}
			continue
		}
		for i := 0; i < 2000; i++ {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			var re *RowError
			var fe *FileError
			if err != nil && !errors.As(err, &re) && !errors.As(err, &fe) {
				t.Fatalf("offset %d: Next: %T %v", off, err, err)
			}
			if fe != nil {
				break
			}
		}
	}
}

// Nested columns other than maps read as "", and maps of numbers render
// as JSON.
func TestParquetNested(t *testing.T) {
	type nested struct {
		BilledCost         float64           `parquet:"BilledCost"`
		EffectiveCost      float64           `parquet:"EffectiveCost"`
		BillingCurrency    string            `parquet:"BillingCurrency"`
		ChargePeriodStart  time.Time         `parquet:"ChargePeriodStart,timestamp"`
		BillingPeriodStart int32             `parquet:"BillingPeriodStart,date"`
		ProviderName       string            `parquet:"ProviderName"`
		BillingAccountID   string            `parquet:"BillingAccountId"`
		XList              []string          `parquet:"x_List,list"`
		XCounts            map[string]int64  `parquet:"x_Counts"`
		Tags               map[string]string `parquet:"Tags"`
	}
	start := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	days := int32(start.Unix() / 86400)
	var buf bytes.Buffer
	if err := parquet.Write(&buf, []nested{
		{1.5, 1.25, "EUR", start, days, "AWS", "1", []string{"a", "b"}, map[string]int64{"n": 3}, map[string]string{"team": "x", "q\"uote": "v\n"}},
		{2, 2, "EUR", start, days, "AWS", "1", nil, nil, map[string]string{}},
	}); err != nil {
		t.Fatal(err)
	}
	r, err := Open("nested.parquet", bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	first, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := first.Column("x_Counts"); got != `{"n":3}` {
		t.Errorf("x_Counts = %q", got)
	}
	if got := first.Column("x_List"); got != "" {
		t.Errorf("x_List = %q", got)
	}
	if got := first.Column("BillingPeriodStart"); got != "2024-09-01T00:00:00Z" {
		t.Errorf("BillingPeriodStart = %q", got)
	}
	firstRow := *first
	rest, errs := readAll(t, r)
	rows := append([]Row{firstRow}, rest...)
	if len(errs) > 0 || len(rows) != 2 {
		t.Fatalf("rows %d errs %v", len(rows), errs)
	}
	if !reflect.DeepEqual(rows[0].Tags, map[string]string{"team": "x", "q\"uote": "v\n"}) || rows[1].Tags != nil {
		t.Errorf("Tags %v %v", rows[0].Tags, rows[1].Tags)
	}
	if !rows[0].BillingPeriodStart.Equal(start) || rows[0].BillingCurrency != "EUR" {
		t.Errorf("row %+v", rows[0])
	}
}
