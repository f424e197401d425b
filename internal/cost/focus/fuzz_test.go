package focus

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// fuzzHeader is a valid header: every row after it must read as a row,
// a *RowError or the end, never a panic or any other error.
const fuzzHeader = "BilledCost,EffectiveCost,ListCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,BillingPeriodStart,BillingPeriodEnd,ProviderName,BillingAccountId,SubAccountId,ServiceName,Tags,x_Extra\n"

func FuzzCSV(f *testing.F) {
	f.Add([]byte("1.5,1.25,2,USD,2024-09-01T00:00:00Z,2024-09-01T01:00:00Z,2024-09-01,2024-10-01,AWS,1,2,EC2,\"{\"\"team\"\":\"\"a\"\"}\",x\n"))
	f.Add([]byte("NULL,null,,EUR,2024-09-18 22:00:00,,2024-09-01 00:00:00,,AWS,1,2,S3,NULL,\n"))
	f.Add([]byte("1e-05,-12.5,0.00000080000,USD,2024-09-18T22:00:00.5+02:00,2024-09-18,2024-09-01,2024-10-01,AWS,1,,,\"{\"\" org\"\":1}\",\n"))
	f.Add([]byte("abc,1,1,USD,x,x,x,x,,,,,[,\n1,2\n\"unterminated\n"))
	f.Add([]byte("\n\n,,,,,,,,,,,,,\r\n"))
	if sample, err := os.ReadFile(samplePath); err == nil {
		lines := bytes.SplitN(sample, []byte("\n"), 4)
		f.Add(bytes.Join(lines[1:3], []byte("\n")))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := append([]byte(fuzzHeader), data...)
		r, err := Open("fuzz.csv", bytes.NewReader(in))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatal("more rows than bytes")
			}
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var re *RowError
				if !errors.As(err, &re) {
					t.Fatalf("error %T %v is not a *RowError", err, err)
				}
				if re.File != "fuzz.csv" || re.Line < 2 || !strings.HasPrefix(re.Error(), "fuzz.csv:") {
					t.Fatalf("row error %+v", re)
				}
				continue
			}
			checkRow(t, row)
		}
		st := r.Stats()
		if st.Rows < 0 || st.RowErrors < 0 {
			t.Fatal(st)
		}
	})
}

func checkRow(t *testing.T, row *Row) {
	t.Helper()
	if row.Line < 2 {
		t.Fatalf("line %d", row.Line)
	}
	for _, v := range []float64{row.BilledCost, row.EffectiveCost, row.ListCost} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("cost %v", v)
		}
	}
	if row.BillingCurrency == "" || row.ChargePeriodStart.IsZero() || row.BillingPeriodStart.IsZero() {
		t.Fatalf("required value missing: %+v", row)
	}
	for _, tm := range []time.Time{row.ChargePeriodStart, row.ChargePeriodEnd, row.BillingPeriodStart, row.BillingPeriodEnd} {
		if tm.Location() != time.UTC {
			t.Fatalf("time %v not UTC", tm)
		}
	}
	for k := range row.Tags {
		if k == "" || k != strings.TrimSpace(k) {
			t.Fatalf("tag key %q", k)
		}
	}
	if row.Column("x_Extra") != row.Column("x_Extra") || row.Column("nope") != "" {
		t.Fatal("Column")
	}
}

func FuzzTags(f *testing.F) {
	for _, s := range []string{
		`{"application": "BrightPathMatrix", "environment": "dev", "business_unit": "PeoriaData"}`,
		`{"env": "prod", "org": "trey", " org": "trey", "Project": "Foo", "CostCenter": "1234", "CostAllocationTest": "Sameer"}`,
		`{" a ":"1","a":"2","a ":3}`, `{"n":1.50,"b":false,"o":{"x":[1,2]},"z":null}`,
		`[]`, `null`, `"x"`, `{`, `{"a":"\u00e9\n"}`, `{"":"v","  ":"w"}`, `team=payments`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ts := parseTags(s)
		if ts.key != s {
			t.Fatal("key")
		}
		var want map[string]any
		valid := json.Unmarshal([]byte(s), &want) == nil && want != nil
		if ts.bad != !valid {
			t.Fatalf("bad = %v for %q", ts.bad, s)
		}
		if ts.bad {
			if ts.tags != nil {
				t.Fatal("tags of a bad set")
			}
			return
		}
		if len(ts.tags) > len(want) || ts.collisions > ts.trimmed {
			t.Fatalf("%d tags from %d keys, %d collisions of %d trimmed", len(ts.tags), len(want), ts.collisions, ts.trimmed)
		}
		for k, v := range ts.tags {
			if k == "" || k != strings.TrimSpace(k) {
				t.Fatalf("key %q", k)
			}
			// A key that needed no trimming keeps its own value.
			if orig, ok := want[k]; ok {
				if str, isStr := orig.(string); isStr && str != v {
					t.Fatalf("%q: %q, want %q", k, v, str)
				}
			}
		}
		// Every key of the object is there, trimmed (unless it is blank).
		for k := range want {
			if tk := strings.TrimSpace(k); tk != "" {
				if _, ok := ts.tags[tk]; !ok {
					t.Fatalf("key %q lost", k)
				}
			}
		}
	})
}
