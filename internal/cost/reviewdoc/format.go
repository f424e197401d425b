package reviewdoc

import (
	"strconv"
	"time"

	"github.com/paved-dev/paved/internal/cost/costfmt"
)

// The figures print as on the web pages (costfmt).
var (
	money       = costfmt.Money
	signedMoney = costfmt.SignedMoney
	roundCents  = costfmt.RoundCents
	share       = costfmt.Share
)

// percent prints a percentage (88.4) to one decimal, "88.4%".
func percent(v float64) string { return share(v / 100) }

// change prints a relative change (0.2) signed, "+20.0%"; nil is "new".
var change = costfmt.Change

// monthName prints a YYYY-MM month as "September 2024".
func monthName(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.Format("January 2006")
}

// shortMonth prints a YYYY-MM month as "Sep 2024".
func shortMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.Format("Jan 2006")
}

// shortDay prints a YYYY-MM-DD day as "Sep 18".
func shortDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("Jan 2")
}

// plural picks the word for n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
