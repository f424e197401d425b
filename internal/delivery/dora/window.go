package dora

import (
	"fmt"
	"time"

	"github.com/paved-dev/paved/internal/api"
)

// DefaultDays is the window length when no start is given.
const DefaultDays = 90

// MaxDays bounds a window, so that a typo in a year cannot ask for a
// weekly series of centuries.
const MaxDays = 3660

// DateLayout is how windows are written: YYYY-MM-DD, UTC.
const DateLayout = time.DateOnly

// Window is the half-open interval [From, To) of whole UTC days a report
// covers.
type Window struct {
	From time.Time
	To   time.Time
}

// NewWindow checks that from and to are UTC midnights with from before to
// and at most MaxDays apart.
func NewWindow(from, to time.Time) (Window, error) {
	from, to = from.UTC(), to.UTC()
	switch {
	case !isMidnight(from):
		return Window{}, api.Invalid("from", "%s is not the start of a UTC day", from.Format(time.RFC3339))
	case !isMidnight(to):
		return Window{}, api.Invalid("to", "%s is not the start of a UTC day", to.Format(time.RFC3339))
	case !from.Before(to):
		return Window{}, api.Invalid("to", "%s is not after from (%s); the window is [from, to), so to is the day after the last day counted",
			to.Format(DateLayout), from.Format(DateLayout))
	case to.Sub(from) > MaxDays*day:
		return Window{}, api.Invalid("from", "the window from %s to %s is longer than %d days", from.Format(DateLayout), to.Format(DateLayout), MaxDays)
	}
	return Window{From: from, To: to}, nil
}

// ParseWindow reads a window from YYYY-MM-DD strings, either of which may
// be empty: to defaults to tomorrow (so that today counts) and from to
// DefaultDays before to. now is the clock.
func ParseWindow(from, to string, now time.Time) (Window, error) {
	end := now.UTC().Truncate(day).Add(day)
	if to != "" {
		t, err := parseDate("to", to)
		if err != nil {
			return Window{}, err
		}
		end = t
	}
	start := end.AddDate(0, 0, -DefaultDays)
	if from != "" {
		t, err := parseDate("from", from)
		if err != nil {
			return Window{}, err
		}
		start = t
	}
	return NewWindow(start, end)
}

func parseDate(field, s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, api.Invalid(field, "%q is not a date; use YYYY-MM-DD, e.g. 2025-01-31", s)
	}
	return t, nil
}

func isMidnight(t time.Time) bool { return t.Equal(t.Truncate(day)) }

// Days is the window's length in days.
func (w Window) Days() int { return int(w.To.Sub(w.From) / day) }

// String renders the window for people, with its last day inclusive.
func (w Window) String() string {
	days := "1 day"
	if w.Days() != 1 {
		days = fmt.Sprintf("%d days", w.Days())
	}
	return fmt.Sprintf("%s to %s (%s)", w.From.Format(DateLayout), w.To.Add(-day).Format(DateLayout), days)
}

// firstMonday is the Monday on or before the window's first day: the
// start of the first week of its series.
func (w Window) firstMonday() time.Time {
	back := (int(w.From.Weekday()) + 6) % 7 // days since Monday
	return w.From.AddDate(0, 0, -back)
}

// weeks is how many ISO weeks the window touches.
func (w Window) weeks() int {
	return int((w.To.Sub(w.firstMonday()) + week - 1) / week)
}

// contains reports whether the Unix-millisecond time at is in the window.
func (w Window) contains(at int64) bool {
	return at >= w.From.UnixMilli() && at < w.To.UnixMilli()
}

// WindowInfo is a window as reports show it.
type WindowInfo struct {
	From string `json:"from" doc:"first day counted, YYYY-MM-DD (UTC)"`
	To   string `json:"to" doc:"the day after the last day counted: the window is [from, to)"`
	Days int    `json:"days"`
}

func (w Window) info() WindowInfo {
	return WindowInfo{From: w.From.Format(DateLayout), To: w.To.Format(DateLayout), Days: w.Days()}
}
