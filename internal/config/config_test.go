package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestLoadValid(t *testing.T) {
	cfg, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != "0.0.0.0:9090" || cfg.DataDir != "/var/lib/paved" {
		t.Errorf("server/data dir not read: %+v", cfg)
	}
	if got := strings.Join(envNames(cfg.Environments), ","); got != "dev,qa,prod" {
		t.Errorf("environments replace the defaults, got %s", got)
	}
	if got := cfg.ProductionEnvironments(); len(got) != 1 || got[0] != "prod" {
		t.Errorf("production environments = %v", got)
	}
	if cfg.Server.MaxBodyBytes != 1<<20 {
		t.Errorf("unset keys keep their defaults, got max_body_bytes %d", cfg.Server.MaxBodyBytes)
	}
	if cfg.Ownership.Aliases.Team["Payments Squad"] != "payments" {
		t.Errorf("aliases not read: %+v", cfg.Ownership.Aliases)
	}
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(envNames(cfg.Environments), ","); got != "dev,staging,prod" {
		t.Errorf("default environments = %s", got)
	}
}

// TestLoadInvalid checks that every problem in the file is reported at
// once, each with its line and what would be valid.
func TestLoadInvalid(t *testing.T) {
	_, err := Load("testdata/invalid.yaml")
	if err == nil {
		t.Fatal("invalid configuration was accepted")
	}
	got := err.Error() + "\n"
	if strings.Contains(got, "secret") {
		t.Fatalf("error leaks the database password:\n%s", got)
	}
	golden := filepath.Join("testdata", "invalid.golden")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, _ := os.ReadFile(golden)
	if got != string(want) {
		t.Errorf("errors differ from %s (run with -update to accept):\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestEnvOverrides(t *testing.T) {
	t.Setenv("PAVED_ADDR", ":7000")
	t.Setenv("PAVED_DATABASE_URL", "postgres://db/paved")
	t.Setenv("PAVED_LOG_FORMAT", "json")
	cfg, err := Load("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.Addr != ":7000" || cfg.DatabaseURL != "postgres://db/paved" || cfg.Log.Format != "json" {
		t.Errorf("environment did not override the file: %+v", cfg)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "server: [\n", "paved.yaml:1: invalid YAML"},
		{"two documents", "a: 1\n---\nb: 2\n", "must hold one YAML document"},
		{"wrong type", "environments: dev\n", "paved.yaml:1: expected a different type, got the string `dev`; a list is required"},
		{"tls half set", "server:\n  tls_cert: c.pem\n", "paved.yaml:2: server.tls_cert: tls_cert and tls_key must be set together"},
		{"empty file", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "paved.yaml")
			os.WriteFile(path, []byte(tt.src), 0o644)
			_, err := Load(path)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
