package server

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// CertReloader serves a certificate from files that may be replaced while
// paved runs (cert-manager rotates the Secret, the kubelet swaps the
// mounted files). On a handshake it looks at the files at most once per
// interval and loads them again when they changed; a broken pair is
// logged and the previous certificate kept, so a half-written rotation
// never takes the webhooks down.
type CertReloader struct {
	certFile, keyFile string
	interval          time.Duration
	log               *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string
	checked time.Time
}

// NewCertReloader loads the pair once; an unreadable pair at start is an
// error.
func NewCertReloader(certFile, keyFile string, log *slog.Logger) (*CertReloader, error) {
	if log == nil {
		log = slog.Default()
	}
	r := &CertReloader{certFile: certFile, keyFile: keyFile, interval: time.Second, log: log}
	stamp, err := r.fileStamp()
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	r.cert, r.stamp, r.checked = &cert, stamp, time.Now()
	return r, nil
}

// fileStamp identifies the files' current contents cheaply: size and
// modification time of both (the kubelet replaces them through a symlink
// swap, which changes both).
func (r *CertReloader) fileStamp() (string, error) {
	c, err := os.Stat(r.certFile)
	if err != nil {
		return "", err
	}
	k, err := os.Stat(r.keyFile)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(c.Size(), c.ModTime().UnixNano(), k.Size(), k.ModTime().UnixNano()), nil
}

// GetCertificate is tls.Config.GetCertificate.
func (r *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < r.interval {
		return r.cert, nil
	}
	r.checked = time.Now()
	stamp, err := r.fileStamp()
	if err != nil || stamp == r.stamp {
		return r.cert, nil
	}
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		// Often the certificate is replaced before its key: try again on
		// a later handshake.
		r.log.Warn("TLS certificate changed but does not load yet; serving the previous one", "cert", r.certFile, "err", err)
		return r.cert, nil
	}
	r.cert, r.stamp = &cert, stamp
	r.log.Info("TLS certificate reloaded", "cert", r.certFile)
	return r.cert, nil
}

// TLSConfig returns a server configuration that serves the reloaded
// certificate.
func (r *CertReloader) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: r.GetCertificate, MinVersion: tls.VersionTLS12}
}
