package dora

import (
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

func TestParseWindow(t *testing.T) {
	now := time.Date(2025, 3, 30, 15, 4, 5, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name, from, to string
		want           string // Window.String(), or the error
		weeks          int
	}{
		// "Today" is 30 March in UTC: the default window ends with it.
		{"defaults", "", "", "2024-12-31 to 2025-03-30 (90 days)", 13},
		{"from only", "2025-03-01", "", "2025-03-01 to 2025-03-30 (30 days)", 5},
		{"to only", "", "2025-01-01", "2024-10-03 to 2024-12-31 (90 days)", 14},
		{"one day", "2025-03-05", "2025-03-06", "2025-03-05 to 2025-03-05 (1 day)", 1},
		{"year", "2025-01-01", "2026-01-01", "2025-01-01 to 2025-12-31 (365 days)", 53},
		{"bad from", "March", "", "from: \"March\" is not a date; use YYYY-MM-DD, e.g. 2025-01-31", 0},
		{"bad to", "", "2025-02-30", "to: \"2025-02-30\" is not a date", 0},
		{"empty window", "2025-03-05", "2025-03-05", "to: 2025-03-05 is not after from (2025-03-05)", 0},
		{"backwards", "2025-03-06", "2025-03-05", "is not after from", 0},
		{"too long", "2000-01-01", "2025-01-01", "from: the window from 2000-01-01 to 2025-01-01 is longer than 3660 days", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWindow(tt.from, tt.to, now)
			if err != nil {
				if !strings.Contains(err.Error(), tt.want) || !api.IsInputError(err) {
					t.Fatalf("error %v, want %q", err, tt.want)
				}
				return
			}
			if w.String() != tt.want || w.weeks() != tt.weeks {
				t.Errorf("window %s over %d weeks, want %s over %d", w, w.weeks(), tt.want, tt.weeks)
			}
		})
	}
}

func TestNewWindowWantsMidnights(t *testing.T) {
	if _, err := NewWindow(march(3, 12), march(10, 0)); err == nil || !strings.Contains(err.Error(), "from: 2025-03-03T12:00:00Z is not the start of a UTC day") {
		t.Errorf("error %v", err)
	}
	if _, err := NewWindow(march(3, 0), march(10, 1)); err == nil || !strings.Contains(err.Error(), "to: ") {
		t.Errorf("error %v", err)
	}
}

// FuzzParseWindow feeds the window parser what the API and the CLI pass
// on from people: it must answer a valid window or an input error, never
// panic.
func FuzzParseWindow(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"2025-01-01", "2025-04-01"}, {"2025-13-01", ""}, {"0001-01-01", "9999-12-31"}, {"2025-03-05", "2025-03-05"}, {"-1", "+2025-01-01"}} {
		f.Add(s[0], s[1])
	}
	now := time.Date(2025, 3, 30, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, from, to string) {
		w, err := ParseWindow(from, to, now)
		if err != nil {
			if !api.IsInputError(err) {
				t.Fatalf("ParseWindow(%q, %q): %v is not an input error", from, to, err)
			}
			return
		}
		if !w.From.Before(w.To) || !isMidnight(w.From) || !isMidnight(w.To) || w.Days() > MaxDays || w.weeks() < 1 {
			t.Fatalf("ParseWindow(%q, %q) = %s", from, to, w)
		}
		// Every window reports without dividing by zero.
		r := FromEvents(w, nil, nil, nil).Organisation
		if len(r.Weeks) != w.weeks() || r.Metrics.DeploymentFrequency.Band != NoData {
			t.Fatalf("empty report over %s: %+v", w, r.Metrics.DeploymentFrequency)
		}
	})
}
