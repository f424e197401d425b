package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"testing"
)

func tlsTrusting(t *testing.T, caPEM []byte) *tls.Config {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("bad CA PEM")
	}
	return &tls.Config{RootCAs: pool}
}
