package install

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGenerateCerts checks that the serving certificate verifies against
// the CA for every name the API server or a user might dial, that the
// files pair up as a TLS server expects, and that keys are private.
func TestGenerateCerts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	files, err := GenerateCerts(dir, "guard", []string{"paved.example.com", " 10.0.0.7 ", "", "PAVED.example.com", "::1"}, 48*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want := Files{
		CACert: filepath.Join(dir, "ca.crt"), CAKey: filepath.Join(dir, "ca.key"),
		Cert: filepath.Join(dir, "tls.crt"), Key: filepath.Join(dir, "tls.key"),
	}
	if files != want {
		t.Fatalf("files = %+v, want %+v", files, want)
	}
	for path, mode := range map[string]os.FileMode{files.CACert: 0o644, files.CAKey: 0o600, files.Cert: 0o644, files.Key: 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s mode %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}

	pair, err := tls.LoadX509KeyPair(files.Cert, files.Key)
	if err != nil {
		t.Fatalf("tls.crt and tls.key do not pair: %v", err)
	}
	leaf := pair.Leaf
	caPEM, _ := os.ReadFile(files.CACert)
	if err := ValidateCABundle(caPEM); err != nil {
		t.Fatalf("ca.crt is not a valid caBundle: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	for _, name := range []string{"paved.guard.svc", "paved.guard.svc.cluster.local", "paved.example.com", "10.0.0.7", "::1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			t.Errorf("certificate does not verify for %s: %v", name, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "paved.other.svc", Roots: roots}); err == nil {
		t.Error("certificate verifies for another namespace's Service")
	}
	if got := strings.Join(leaf.DNSNames, ","); got != "paved.guard.svc,paved.guard.svc.cluster.local,paved.example.com" {
		t.Errorf("DNS SANs = %s (duplicates, blanks or IPs leaked in?)", got)
	}
	if len(leaf.IPAddresses) != 2 || !leaf.IPAddresses[0].Equal(net.ParseIP("10.0.0.7")) {
		t.Errorf("IP SANs = %v", leaf.IPAddresses)
	}
	if leaf.IsCA || slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		t.Error("the serving certificate must be a server certificate only")
	}
	if d := time.Until(leaf.NotAfter); d < 47*time.Hour || d > 48*time.Hour {
		t.Errorf("valid for another %s, want 48h", d)
	}
}

func TestGenerateCertsOverwrite(t *testing.T) {
	dir := t.TempDir()
	first, err := GenerateCerts(dir, "paved", nil, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(first.CACert)

	_, err = GenerateCerts(dir, "paved", nil, time.Hour)
	if err == nil || !strings.Contains(err.Error(), "ca.crt already exists") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("second run without Overwrite: err = %v", err)
	}
	if after, _ := os.ReadFile(first.CACert); string(after) != string(before) {
		t.Fatal("a refused run changed ca.crt")
	}

	os.Chmod(first.Key, 0o644)
	if _, err := GenerateCerts(dir, "paved", nil, time.Hour, CertOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(first.CACert); string(after) == string(before) {
		t.Error("Overwrite kept the old CA")
	}
	if fi, _ := os.Stat(first.Key); fi.Mode().Perm() != 0o600 {
		t.Errorf("overwritten key has mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestGenerateCertsInvalid(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		validFor  time.Duration
		want      string
	}{
		{"bad namespace", "Paved_NS", time.Hour, `"Paved_NS" is not a valid namespace name`},
		{"no validity", "paved", 0, "use a positive duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := GenerateCerts(dir, tt.namespace, nil, tt.validFor)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("a refused run wrote %d files", len(entries))
			}
		})
	}
}
