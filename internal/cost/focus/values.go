package focus

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// isNullLiteral reports a cell that spells NULL out: NULL, null, Null
// (any case). Such cells are read as absent, like empty ones.
func isNullLiteral(s string) bool {
	return len(s) == 4 && (s[0]|0x20) == 'n' && (s[1]|0x20) == 'u' && (s[2]|0x20) == 'l' && (s[3]|0x20) == 'l'
}

// parseNumber reads a FOCUS decimal: an optional sign, digits, an
// optional fraction and an optional exponent ("0.00000080000", "1e-05",
// "-12.5"), with surrounding spaces allowed. NaN, infinities, hex floats,
// digit separators and out-of-range values are refused. The result is
// the correctly rounded float64, as strconv.ParseFloat gives: numbers of
// up to 19 significant digits whose mantissa and power of ten are exact
// in a float64 are computed directly (one multiplication or division,
// which rounds correctly), the rest by strconv.
func parseNumber(s string) (float64, bool) {
	if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '\t' || s[len(s)-1] == '\t') {
		s = trimSpaces(s)
	}
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	// Up to 19 digits in all cannot overflow the mantissa; longer numbers
	// go to strconv.
	var mant uint64
	digits, exp := 0, 0
	for ; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			break
		}
		mant = mant*10 + uint64(c)
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			mant = mant*10 + uint64(c)
			digits++
			exp--
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return 0, false
		}
		e := 0
		for ; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				break
			}
			if e < 100000 {
				e = e*10 + int(c)
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != len(s) {
		return 0, false
	}
	if digits <= 19 && mant < 1<<53 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func trimSpaces(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// timeForm says how a datetime was written, for the import report.
type timeForm uint8

const (
	formRFC3339  timeForm = iota // 2024-09-18T22:00:00Z, with or without fraction or offset
	formSpace                    // 2024-09-18 22:00:00, no zone: taken as UTC
	formZoneless                 // 2024-09-18T22:00:00, no zone: taken as UTC
	formDateOnly                 // 2024-09-18: midnight UTC
)

// parseTime reads the datetimes FOCUS exports contain: RFC 3339 with Z
// or a numeric offset, with or without fractional seconds; the same with
// a space for the T, or without a zone (taken as UTC); a trailing " UTC";
// and a bare date (midnight UTC). The result is in UTC.
func parseTime(s string) (time.Time, timeForm, bool) {
	s = trimSpaces(s)
	if len(s) < 10 {
		return time.Time{}, 0, false
	}
	year, ok1 := digitsN(s[0:4])
	month, ok2 := digitsN(s[5:7])
	day, ok3 := digitsN(s[8:10])
	if !ok1 || !ok2 || !ok3 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, 0, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) {
		return time.Time{}, 0, false
	}
	if len(s) == 10 {
		return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), formDateOnly, true
	}
	if len(s) < 19 {
		return time.Time{}, 0, false
	}
	form := formRFC3339
	switch s[10] {
	case 'T', 't':
	case ' ':
		form = formSpace
	default:
		return time.Time{}, 0, false
	}
	hour, ok1 := digitsN(s[11:13])
	min, ok2 := digitsN(s[14:16])
	sec, ok3 := digitsN(s[17:19])
	if !ok1 || !ok2 || !ok3 || s[13] != ':' || s[16] != ':' || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, 0, false
	}
	rest := s[19:]
	nsec := 0
	if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
		i := 1
		scale := 100000000
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 {
			return time.Time{}, 0, false
		}
		rest = rest[i:]
	}
	offset := 0
	switch {
	case rest == "":
		if form == formRFC3339 {
			form = formZoneless
		}
	case rest == "Z" || rest == "z" || rest == " UTC" || rest == "UTC":
	case rest[0] == '+' || rest[0] == '-':
		// +HH:MM, +HHMM or +HH
		var hh, mm int
		var ok bool
		switch len(rest) {
		case 6:
			if rest[3] != ':' {
				return time.Time{}, 0, false
			}
			var okm bool
			hh, ok = digitsN(rest[1:3])
			mm, okm = digitsN(rest[4:6])
			ok = ok && okm
		case 5:
			var okm bool
			hh, ok = digitsN(rest[1:3])
			mm, okm = digitsN(rest[3:5])
			ok = ok && okm
		case 3:
			hh, ok = digitsN(rest[1:3])
		}
		if !ok || hh > 23 || mm > 59 {
			return time.Time{}, 0, false
		}
		offset = (hh*60 + mm) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, 0, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, form, true
}

func digitsN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// interner hands out one copy of each repeated value of a column (a
// currency, a service name, an account id), so rows kept by the caller
// do not each pin the record their value was cut from. A small
// direct-mapped table in front of the map answers most lookups with one
// string comparison. The map stops growing at maxInterned distinct
// values: past that a column is not repetitive enough to be worth it.
type interner struct {
	slots [internSlots]string
	m     map[string]string
	esc   map[string]string // escaped CSV text → value
}

const (
	maxInterned = 4096
	internSlots = 512
)

// slot picks a table entry from the length and a few bytes: cheap, and
// distinct enough for ids and names.
func slot(s string) int {
	n := len(s)
	return int(uint(n)*31+uint(s[0])*7+uint(s[n-1])*131+uint(s[n/2])*17+uint(s[n/3])*3+uint(s[(n*3)/4])) % internSlots
}

func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	h := slot(s)
	if v := in.slots[h]; v == s {
		return v
	}
	v, ok := in.m[s]
	if !ok {
		if in.m == nil {
			in.m = make(map[string]string)
		}
		if len(in.m) >= maxInterned {
			return s
		}
		v = strings.Clone(s)
		in.m[v] = v
	}
	in.slots[h] = v
	return v
}

// getEscaped is get for a CSV field still holding "" escapes: interned
// columns remember the unescaped value by the escaped text.
func (in *interner) getEscaped(raw string, intern bool) string {
	if !intern {
		return unescape(raw)
	}
	if v, ok := in.esc[raw]; ok {
		return v
	}
	v := in.get(unescape(raw))
	if in.esc == nil {
		in.esc = make(map[string]string)
	}
	if len(in.esc) < maxInterned {
		in.esc[strings.Clone(raw)] = v
	}
	return v
}

// getBytes is get for a value still in a byte buffer: it allocates only
// for a value not yet seen (or past the cap).
func (in *interner) getBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	return in.get(string(b))
}
