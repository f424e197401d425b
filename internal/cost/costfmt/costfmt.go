// Package costfmt prints amounts, shares and changes the way every cost
// view does (the web pages, the monthly review documents), so that a
// figure reads the same wherever it appears.
package costfmt

import (
	"math"
	"strconv"
	"strings"
)

// Money prints an amount to the cent with thousands grouped and its
// currency, "12,345.67 USD": amounts in different currencies are never
// added, so every amount says which it is.
func Money(v float64, currency string) string {
	return Amount(v) + " " + currency
}

// Amount is Money without the currency.
func Amount(v float64) string {
	return GroupThousands(strconv.FormatFloat(RoundCents(v), 'f', 2, 64))
}

// SignedMoney is Money with its sign always shown, for changes.
func SignedMoney(v float64, currency string) string {
	s := Money(v, currency)
	if RoundCents(v) > 0 {
		s = "+" + s
	}
	return s
}

// RoundCents rounds to the cent, and keeps float noise from printing
// -0.00.
func RoundCents(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0
	}
	return r
}

// GroupThousands puts commas between the thousands of a formatted
// number ("-1234567.89" → "-1,234,567.89").
func GroupThousands(s string) string {
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

// Share prints a share (0.884) as a percentage to one decimal, "88.4%".
func Share(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', 1, 64) + "%"
}

// Change prints a relative change (0.2) signed, "+20.0%"; nil, a change
// from nothing, is "new".
func Change(p *float64) string {
	if p == nil {
		return "new"
	}
	s := Share(*p)
	if math.Round(*p*1000) > 0 {
		s = "+" + s
	}
	return s
}
