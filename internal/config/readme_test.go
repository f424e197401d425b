package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEConfiguration holds the configuration reference in the README
// to the schema: the example must load, every key in it known.
func TestREADMEConfiguration(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "## Configuration")
	if i < 0 {
		t.Fatal("the README has no Configuration section")
	}
	start := strings.Index(s[i:], "```yaml\n")
	if start < 0 {
		t.Fatal("the Configuration section has no yaml block")
	}
	body := s[i+start+len("```yaml\n"):]
	body = body[:strings.Index(body, "```")]
	path := filepath.Join(t.TempDir(), "paved.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err != nil {
		t.Fatalf("the README's paved.yaml does not load:\n%v", err)
	}
}
