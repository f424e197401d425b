package install

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Files are the paths GenerateCerts wrote. Cert and Key go into the
// paved-tls Secret; CACert is the webhooks' caBundle; CAKey signs renewed
// serving certificates and belongs nowhere near the cluster.
type Files struct {
	CACert, CAKey, Cert, Key string
}

// CertOptions change how GenerateCerts writes its files.
type CertOptions struct {
	// Overwrite replaces existing files; without it GenerateCerts refuses,
	// so a second run cannot silently invalidate the caBundle in a cluster.
	Overwrite bool
}

// GenerateCerts creates a private CA and a serving certificate signed by it
// for paved's Service in namespace (paved.<namespace>.svc and
// paved.<namespace>.svc.cluster.local) and for each of hosts (IP addresses
// become IP SANs, anything else a DNS name), valid for validFor, and writes
// ca.crt, ca.key, tls.crt and tls.key into dir. Keys are ECDSA P-256 in
// PKCS #8 and written 0600. It is the no-dependency alternative to
// cert-manager for clusters and for paved running outside them.
func GenerateCerts(dir, namespace string, hosts []string, validFor time.Duration, opts ...CertOptions) (Files, error) {
	var opt CertOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	if err := ValidateNamespace(namespace); err != nil {
		return Files{}, err
	}
	if validFor <= 0 {
		return Files{}, fmt.Errorf("validity %s is not valid; use a positive duration", validFor)
	}
	files := Files{
		CACert: filepath.Join(dir, "ca.crt"),
		CAKey:  filepath.Join(dir, "ca.key"),
		Cert:   filepath.Join(dir, "tls.crt"),
		Key:    filepath.Join(dir, "tls.key"),
	}
	if !opt.Overwrite {
		for _, p := range []string{files.CACert, files.CAKey, files.Cert, files.Key} {
			if _, err := os.Lstat(p); err == nil {
				return Files{}, fmt.Errorf("%s already exists; remove it or overwrite it (paved admission certs --force), then update the caBundle of the webhooks", p)
			}
		}
	}

	now := time.Now()
	notBefore, notAfter := now.Add(-time.Hour), now.Add(validFor) // an hour back for clock skew
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Files{}, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "paved admission CA"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return Files{}, fmt.Errorf("creating the CA certificate: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return Files{}, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Files{}, err
	}
	dnsNames, ips := sans(namespace, hosts)
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: dnsNames[0]},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return Files{}, fmt.Errorf("creating the serving certificate: %w", err)
	}

	caKeyDER, err := x509.MarshalPKCS8PrivateKey(caKey)
	if err != nil {
		return Files{}, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return Files{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Files{}, err
	}
	writes := []struct {
		path, typ string
		der       []byte
		mode      fs.FileMode
	}{
		{files.CACert, "CERTIFICATE", caDER, 0o644},
		{files.CAKey, "PRIVATE KEY", caKeyDER, 0o600},
		{files.Cert, "CERTIFICATE", der, 0o644},
		{files.Key, "PRIVATE KEY", keyDER, 0o600},
	}
	for _, w := range writes {
		if err := writePEM(w.path, w.typ, w.der, w.mode, opt.Overwrite); err != nil {
			return Files{}, err
		}
	}
	return files, nil
}

// sans are the serving certificate's names: the Service's first (the API
// server calls paved.<ns>.svc), then hosts, without duplicates.
func sans(namespace string, hosts []string) ([]string, []net.IP) {
	dnsNames := []string{"paved." + namespace + ".svc", "paved." + namespace + ".svc.cluster.local"}
	var ips []net.IP
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
			continue
		}
		if h = strings.ToLower(h); !slices.Contains(dnsNames, h) {
			dnsNames = append(dnsNames, h)
		}
	}
	return dnsNames, ips
}

// serial is a random 128-bit serial number, as RFC 5280 recommends.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n
}

// writePEM writes one PEM block. Without overwrite the file is created
// exclusively, so a file appearing since the check is not replaced; with
// it, the mode is set again in case an old file was more open.
func writePEM(path, typ string, der []byte, mode fs.FileMode, overwrite bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if overwrite {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, mode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; remove it or overwrite it (paved admission certs --force)", path)
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := pem.Encode(f, &pem.Block{Type: typ, Bytes: der}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
