package server

import "testing"

// TestRedactPath: secrets in a URL path never reach the logs.
func TestRedactPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/answer/pvs_Zm9vYmFyYmF6cXV4", "/answer/{redacted}"},
		{"/answer/thanks", "/answer/thanks"},
		{"/api/v1/teams/payments", "/api/v1/teams/payments"},
		{"/x/pvd_abc/y/pvs_def", "/x/{redacted}/y/{redacted}"},
		{"/teams/apvs_x", "/teams/apvs_x"},
		{"", ""},
	} {
		if got := redactPath(tc.in); got != tc.want {
			t.Errorf("redactPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
