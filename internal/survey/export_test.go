package survey

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestWriteCSV checks the export against testdata/export.golden: payments
// (5 answers) is named, identity (2) and data (3) fold into "other" (5),
// rows keep the store's order within their group, and free text that a
// spreadsheet would run as a formula is defused.
func TestWriteCSV(t *testing.T) {
	sv := pulseSurvey()
	rs := []Response{
		answer("identity", 0, 1, 2, "=HYPERLINK(\"http://evil.example\")"),
		answer("payments", 10, 5, 5, "Builds, \"mostly\" fast\nbut flaky"),
		answer("data", 7, 3, 3, ""),
		answer("payments", 9, 4, 4, "-2 points for docs"),
		answer("payments", 8, 3, 3, ""),
		answer("identity", 6, 2, 2, "@here more runners"),
		answer("payments", 6, 2, 2, ""),
		answer("data", 9, 4, 4, "+1"),
		answer("payments", 0, 1, 1, ""),
		answer("data", 10, 5, 5, ""),
	}
	var b strings.Builder
	if err := WriteCSV(&b, sv, StatusClosed, rs, 5); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if b.String() != string(want) {
		t.Errorf("export differs from %s (run with -update to accept):\n got:\n%s\nwant:\n%s", golden, b.String(), want)
	}

	if err := WriteCSV(&b, sv, StatusOpen, rs, 5); err == nil || !strings.Contains(err.Error(), "no published answers") {
		t.Errorf("export of an open survey: %v", err)
	}
	if err := WriteCSV(&b, sv, StatusClosed, rs[:4], 5); err == nil || !strings.Contains(err.Error(), "4 people answered") {
		t.Errorf("export of 4 answers: %v", err)
	}
}
