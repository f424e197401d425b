package web

import (
	"time"

	"github.com/paved-dev/paved/internal/cost/costfmt"
)

// The cost figures print as everywhere else in paved (costfmt).
var (
	money       = costfmt.Money
	amount      = costfmt.Amount
	signedMoney = costfmt.SignedMoney
	sharePct    = costfmt.Share
	changePct   = costfmt.Change
)

// monthName prints a YYYY-MM month as "Sep 2024".
func monthName(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.Format("Jan 2006")
}

// dayName prints a YYYY-MM-DD day as "Sep 20".
func dayName(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("Jan 2")
}
