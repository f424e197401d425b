package slug

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"payments", "payments"},
		{"Payments Team", "payments-team"},
		{" PAYMENTS_team ", "payments-team"},
		{"--a--b--", "a-b"},
		{"team/Checkout.API", "team-checkout-api"},
		{"", ""},
		{"___", ""},
		{"Ünïcode", "n-code"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(tt.in); got != "" && !Valid(got) {
			t.Errorf("Normalize(%q) = %q is not Valid", tt.in, got)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"a", true},
		{"team-1", true},
		{"-a", false},
		{"a-", false},
		{"A", false},
		{"a_b", false},
		{"", false},
		{string(make([]byte, 64)), false},
	}
	for _, tt := range tests {
		if got := Valid(tt.in); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Payments Team", "a--b", "ÄÖÜ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if got != "" && !Valid(got) {
			t.Fatalf("Normalize(%q) = %q, not a valid slug", s, got)
		}
		if Normalize(got) != got {
			t.Fatalf("Normalize not idempotent on %q", s)
		}
	})
}
