package reviewdoc

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// money prints an amount to the cent with thousands grouped and its
// currency, "12,345.67 USD": a review spans currencies that are never
// added together, so every amount says which it is.
func money(v float64, currency string) string {
	return amount(v) + " " + currency
}

// signedMoney is money with its sign always shown, for changes.
func signedMoney(v float64, currency string) string {
	s := money(v, currency)
	if roundCents(v) > 0 {
		s = "+" + s
	}
	return s
}

func amount(v float64) string {
	s := strconv.FormatFloat(roundCents(v), 'f', 2, 64)
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
	return sign + b.String() + "." + frac
}

// roundCents keeps float noise from printing -0.00.
func roundCents(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0
	}
	return r
}

// share prints a share (0.884) as a percentage to one decimal, "88.4%".
func share(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', 1, 64) + "%"
}

// percent prints a percentage (88.4) to one decimal, "88.4%".
func percent(v float64) string { return share(v / 100) }

// change prints a relative change (0.2) signed, "+20.0%"; nil, a change
// from nothing, is "new".
func change(p *float64) string {
	if p == nil {
		return "new"
	}
	s := share(*p)
	if math.Round(*p*1000) > 0 {
		s = "+" + s
	}
	return s
}

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
