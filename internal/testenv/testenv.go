// Package testenv decides whether an integration suite (PostgreSQL, a
// browser, a real kube-apiserver) runs. Each suite needs an environment
// variable; without it the suite skips with a one-line reason, except under
// PAVED_TEST_REQUIRE_ALL=1 (set by .ci/run), where a skip is a failure.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireAll is the variable .ci/run sets so that no integration suite can
// pass by skipping.
const RequireAll = "PAVED_TEST_REQUIRE_ALL"

// Lookup returns the value of name, or skips (fails under RequireAll) with
// a reason naming the variable and what it enables.
func Lookup(t testing.TB, name, what string) string {
	t.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	Skip(t, "%s not set: skipping %s", name, what)
	return ""
}

// Skip skips the test, or fails it under RequireAll.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireAll) != "" {
		t.Fatalf("integration suite would skip but "+RequireAll+" is set: "+format, args...)
	}
	t.Skipf(format, args...)
}

// Chromium returns a browser binary for the browser suites: the path in
// PAVED_TEST_CHROMIUM, else chromium or google-chrome from PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if v := os.Getenv("PAVED_TEST_CHROMIUM"); v != "" {
		return v
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Skip(t, "no chromium: set PAVED_TEST_CHROMIUM or install chromium to run the browser suite")
	return ""
}
