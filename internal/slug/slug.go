// Package slug defines the one naming rule every paved entity follows and
// the normalisation that turns raw labels and tags into such names.
package slug

import (
	"fmt"
	"strings"
)

// MaxLen matches a Kubernetes DNS label, so every paved name can also be
// used as a label value or namespace.
const MaxLen = 63

// Rule is the human explanation printed next to an invalid name.
const Rule = "lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"

// Valid reports whether s is already a canonical name.
func Valid(s string) bool {
	if s == "" || len(s) > MaxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// Check returns an error saying what is wrong when s is not a valid name;
// callers prefix the field.
func Check(s string) error {
	if Valid(s) {
		return nil
	}
	if s == "" {
		return fmt.Errorf("a name is required (%s)", Rule)
	}
	return fmt.Errorf("%q is not a valid name: use %s", s, Rule)
}

// Normalize lower-cases s and folds every run of characters outside
// [a-z0-9] into a single '-', trimming dashes at either end, so that
// "Payments Team", "payments_team" and " PAYMENTS-team " all become
// "payments-team". It returns "" when nothing usable is left.
//
// It does not allocate when s is already canonical, which is the common case
// on the ownership-resolution hot path.
func Normalize(s string) string {
	if Valid(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteByte(c)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > MaxLen {
		out = strings.TrimRight(out[:MaxLen], "-")
	}
	return out
}

// DottedRule is the human explanation of ValidDotted.
const DottedRule = "lower-case letters, digits and . _ - /, starting with a letter or digit"

// ValidDotted reports whether s is a dotted name: what usage events call
// features and actions (ui.costs, idp.scaffolder, golden-path/create).
func ValidDotted(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-' || c == '/'):
		default:
			return false
		}
	}
	return true
}
