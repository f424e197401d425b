package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testServerName = "paved.test"

// testCert is a self-signed serving certificate for paved.test.
type testCert struct {
	leaf            *x509.Certificate
	certPEM, keyPEM []byte
}

func newTestCert(t *testing.T, cn string, serial int64) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn},
		DNSNames:              []string{testServerName},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{
		leaf:    leaf,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
}

// writeFile writes data and gives it mtime, so that each generation of
// the files differs in modification time even on file systems with
// coarse timestamps.
func writeFile(t *testing.T, path string, data []byte, mtime time.Time) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// servedCert makes a new TLS connection (and an HTTPS request on it) and
// returns the certificate the server presented. The client trusts only
// the test certificates, so a handshake that succeeds was made with one
// of them.
func servedCert(t *testing.T, addr string, roots *x509.CertPool) (*x509.Certificate, error) {
	t.Helper()
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: testServerName},
		DisableKeepAlives: true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := client.Get("https://" + addr + "/")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		return nil, fmt.Errorf("status %d, body %q", resp.StatusCode, body)
	}
	return resp.TLS.PeerCertificates[0], nil
}

func TestCertReloaderRotation(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	a := newTestCert(t, "paved-a", 1)
	b := newTestCert(t, "paved-b", 2)
	c := newTestCert(t, "paved-c", 3)
	roots := x509.NewCertPool()
	for _, tc := range []testCert{a, b, c} {
		roots.AddCert(tc.leaf)
	}
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	writeFile(t, keyFile, a.keyPEM, base)
	writeFile(t, certFile, a.certPEM, base)

	r, err := NewCertReloader(certFile, keyFile, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	const interval = 50 * time.Millisecond
	r.interval = interval

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, "ok")
	}))
	// As paved serve does (ServeTLS with a config holding no certificate
	// of its own): every handshake gets its certificate from the
	// reloader. httptest's StartTLS would add a fallback certificate.
	srv.TLS = r.TLSConfig()
	srv.Listener = tls.NewListener(srv.Listener, srv.TLS)
	srv.Start()
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()

	steps := []struct {
		name   string
		change func()
		want   testCert
	}{
		{name: "initial certificate", change: func() {}, want: a},
		{name: "key replaced, certificate not yet: the old pair is kept",
			change: func() { writeFile(t, keyFile, b.keyPEM, base.Add(1*time.Minute)) }, want: a},
		{name: "certificate replaced too: the new pair is served",
			change: func() { writeFile(t, certFile, b.certPEM, base.Add(2*time.Minute)) }, want: b},
		{name: "broken certificate: the previous one is kept",
			change: func() {
				writeFile(t, certFile, []byte("-----BEGIN CERTIFICATE-----\nbroken\n"), base.Add(3*time.Minute))
			}, want: b},
		{name: "empty certificate: the previous one is kept",
			change: func() { writeFile(t, certFile, nil, base.Add(4*time.Minute)) }, want: b},
		{name: "a good pair after a broken one is served",
			change: func() {
				writeFile(t, keyFile, c.keyPEM, base.Add(5*time.Minute))
				writeFile(t, certFile, c.certPEM, base.Add(6*time.Minute))
			}, want: c},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.change()
			// The files are looked at on a handshake at most once per
			// interval; after it, the next handshake sees them.
			time.Sleep(interval + 20*time.Millisecond)
			for i := range 3 {
				got, err := servedCert(t, addr, roots)
				if err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				if got.SerialNumber.Cmp(step.want.leaf.SerialNumber) != 0 {
					t.Fatalf("connection %d got %s (serial %v), want %s (serial %v)", i,
						got.Subject.CommonName, got.SerialNumber, step.want.leaf.Subject.CommonName, step.want.leaf.SerialNumber)
				}
			}
		})
	}
}

// Within the interval the files are not looked at: a busy webhook does
// not stat two files per handshake.
func TestCertReloaderChecksAtMostOncePerInterval(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	a, b := newTestCert(t, "paved-a", 1), newTestCert(t, "paved-b", 2)
	base := time.Now().Add(-time.Hour).Truncate(time.Second)
	writeFile(t, keyFile, a.keyPEM, base)
	writeFile(t, certFile, a.certPEM, base)
	r, err := NewCertReloader(certFile, keyFile, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r.interval = time.Hour
	writeFile(t, keyFile, b.keyPEM, base.Add(time.Minute))
	writeFile(t, certFile, b.certPEM, base.Add(time.Minute))
	got, err := r.GetCertificate(&tls.ClientHelloInfo{ServerName: testServerName})
	if err != nil {
		t.Fatal(err)
	}
	if leaf, _ := x509.ParseCertificate(got.Certificate[0]); leaf.SerialNumber.Cmp(a.leaf.SerialNumber) != 0 {
		t.Errorf("served %s within the interval, want the cached %s", leaf.Subject.CommonName, a.leaf.Subject.CommonName)
	}
}

func TestNewCertReloaderErrors(t *testing.T) {
	dir := t.TempDir()
	a := newTestCert(t, "paved-a", 1)
	b := newTestCert(t, "paved-b", 2)
	goodCert, goodKey := filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key")
	otherKey := filepath.Join(dir, "b.key")
	garbage := filepath.Join(dir, "garbage.crt")
	now := time.Now()
	writeFile(t, goodCert, a.certPEM, now)
	writeFile(t, goodKey, a.keyPEM, now)
	writeFile(t, otherKey, b.keyPEM, now)
	writeFile(t, garbage, []byte("not a certificate"), now)
	missing := filepath.Join(dir, "missing", "tls.crt")
	tests := []struct {
		name      string
		cert, key string
		want      []string // in the error
	}{
		{"missing certificate", missing, goodKey, []string{missing}},
		{"missing key", goodCert, filepath.Join(dir, "nokey"), []string{filepath.Join(dir, "nokey")}},
		{"key of another certificate", goodCert, otherKey, []string{goodCert, otherKey}},
		{"not a certificate", garbage, goodKey, []string{garbage, goodKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCertReloader(tt.cert, tt.key, slog.New(slog.DiscardHandler))
			if err == nil {
				t.Fatalf("NewCertReloader(%s, %s) = %v, want an error", tt.cert, tt.key, r)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %s", err, want)
				}
			}
		})
	}
}
