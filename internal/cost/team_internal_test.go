package cost

import "testing"

func TestPreviousCutoff(t *testing.T) {
	for _, tc := range []struct{ previous, through, want string }{
		{"2024-08", "2024-09-20", "2024-08-20"}, // a running month: the same days
		{"2024-08", "2024-09-30", "2024-08-99"}, // a complete month: the whole month before
		{"2024-09", "2024-10-30", "2024-09-99"}, // a month longer than the one before
		{"2024-01", "2024-02-29", "2024-01-99"}, // leap February, complete
		{"2024-01", "2024-02-28", "2024-01-28"},
		{"2023-12", "2024-01-01", "2023-12-01"}, // across a year
		{"2024-08", "", "2024-08-99"},           // no data in the month
	} {
		if got := previousCutoff(tc.previous, tc.through); got != tc.want {
			t.Errorf("previousCutoff(%s, %q) = %s, want %s", tc.previous, tc.through, got, tc.want)
		}
	}
}

func TestPreviousMonth(t *testing.T) {
	for in, want := range map[string]string{"2024-09": "2024-08", "2024-01": "2023-12", "2024-03": "2024-02", "nope": ""} {
		if got := PreviousMonth(in); got != want {
			t.Errorf("PreviousMonth(%q) = %q, want %q", in, got, want)
		}
	}
}
