package web

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// money prints an amount to the cent with thousands grouped and its
// currency, "12,345.67 USD": amounts in different currencies are never
// added, so every amount says which it is.
func money(v float64, currency string) string {
	return amount(v) + " " + currency
}

// amount is money without the currency, for figures that print the
// currency smaller beside it.
func amount(v float64) string {
	return groupThousands(strconv.FormatFloat(roundCents(v), 'f', 2, 64))
}

// signedMoney is money with its sign always shown, for changes.
func signedMoney(v float64, currency string) string {
	s := money(v, currency)
	if roundCents(v) > 0 {
		s = "+" + s
	}
	return s
}

// roundCents avoids printing -0.00 for a sum that is zero but for float
// noise.
func roundCents(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0
	}
	return r
}

func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return sign + b.String()
}

// sharePct prints a share (0.884) as a percentage to one decimal ("88.4%").
func sharePct(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', 1, 64) + "%"
}

// changePct prints a relative change (0.2) signed ("+20.0%"); nil, a
// change from nothing, is "new".
func changePct(p *float64) string {
	if p == nil {
		return "new"
	}
	s := sharePct(*p)
	if math.Round(*p*1000) > 0 {
		s = "+" + s
	}
	return s
}

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
