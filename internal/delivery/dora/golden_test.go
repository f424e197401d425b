package dora

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestReportGolden pins the JSON of a report, the shape the API and
// `paved dora --format json` answer with, on history's March.
func TestReportGolden(t *testing.T) {
	deps, changes, incidents := history()
	b := FromEvents(window(t, 3, 31), deps, changes, incidents)
	for _, tc := range []struct {
		file string
		v    any
	}{
		{"testdata/organisation.golden.json", b.Organisation},
		{"testdata/service-svc-b.golden.json", b.Services[1]},
	} {
		got, err := json.MarshalIndent(tc.v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		if *update {
			if err := os.WriteFile(tc.file, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatalf("%v (run go test -update to write it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs; got:\n%s", tc.file, got)
		}
	}
}
