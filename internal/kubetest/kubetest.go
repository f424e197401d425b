// Package kubetest runs a real kube-apiserver, backed by its own etcd, on
// loopback for tests. paved's admission webhooks are judged by what the API
// server does with their answers (rejections, warnings, dry runs), which a
// fake clientset cannot show, so the end-to-end suites talk to the real
// thing.
//
// No controller-manager, scheduler or kubelet runs: objects are stored and
// admitted but never reconciled, so a Deployment gets no ReplicaSet and a
// Pod stays Pending. That is all an admission test needs, and it keeps a
// cluster's start-up to a few seconds.
//
// The suite needs two binaries:
//
//	PAVED_TEST_KUBE_APISERVER  kube-apiserver (built by scripts/kube-apiserver.sh)
//	PAVED_TEST_ETCD            etcd (default /usr/bin/etcd)
//
// Without them Start skips the test, or fails it under
// PAVED_TEST_REQUIRE_ALL=1 (see internal/testenv).
package kubetest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/paved-dev/paved/internal/testenv"
)

// startTimeout bounds the whole start-up: etcd healthy, kube-apiserver
// ready and the "default" namespace created. A cluster normally needs a few
// seconds; the margin is for a loaded CI machine, not for a hung binary.
const startTimeout = 60 * time.Second

// logTailLines is how much of each log a failing test prints: enough to
// show why the API server refused to start or rejected a request, short
// enough not to bury the test's own output.
const logTailLines = 50

// Cluster is a running kube-apiserver and its etcd, owned by one test and
// stopped when that test ends.
type Cluster struct {
	// Config authenticates as an admin (group system:masters) and verifies
	// the API server's self-signed serving certificate.
	Config *rest.Config
	// Client is a clientset built from Config. Warnings it receives are
	// logged, not recorded; see ClientWithWarnings.
	Client kubernetes.Interface
	// URL is the API server's base URL, https://127.0.0.1:<port>.
	URL string
	// Token is the admin bearer token.
	Token string
	// KubeconfigPath is a kubeconfig file with the same credentials, for
	// code under test that takes --kubeconfig (kubectl, clientcmd).
	KubeconfigPath string
}

// Start runs etcd and kube-apiserver on free loopback ports and returns once
// the API server is ready and the "default" namespace exists. Both
// processes are stopped, and their logs printed if the test failed, when t
// ends. Each call starts a separate cluster, so tests may call it in
// parallel; a package with many tests should still prefer sharing one
// cluster (start it in a parent test and run the cases as subtests), since
// every cluster costs a few seconds and a few hundred MB.
func Start(t testing.TB) *Cluster {
	t.Helper()
	apiserverBin := testenv.Lookup(t, "PAVED_TEST_KUBE_APISERVER", "the real kube-apiserver admission suite")
	etcdBin := etcdPath(t)
	for _, bin := range []string{apiserverBin, etcdBin} {
		// A variable that is set but wrong is a broken environment, not a
		// reason to skip.
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("kubetest: %v", err)
		}
	}

	begin := time.Now()
	deadline := begin.Add(startTimeout)
	// t.TempDir registers its removal before the clean-ups below, so it runs
	// after them: the logs are still there to print.
	dir := t.TempDir()

	etcdURL := "http://" + freeAddr(t)
	peerURL := "http://" + freeAddr(t)
	etcdArgs := []string{
		"--name=kubetest",
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdURL,
		"--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=kubetest=" + peerURL,
		"--logger=zap",
	}
	if supportsNoFsync(etcdBin) {
		// The data dir is thrown away with the test; skipping fsync saves
		// most of etcd's write latency.
		etcdArgs = append(etcdArgs, "--unsafe-no-fsync")
	}
	// Clean-ups run last-registered first: kube-apiserver is killed, etcd
	// stopped, and only then, with both logs complete, are they printed.
	var started []*process
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range started {
				p.printTail(t)
			}
		}
	})
	etcd := startProcess(t, "etcd", etcdBin, etcdArgs, filepath.Join(dir, "etcd.log"))
	started = append(started, etcd)
	t.Cleanup(func() { etcd.stop(t, syscall.SIGTERM) })

	// Generate credentials while etcd starts.
	token := rand.Text()
	tokenFile := filepath.Join(dir, "tokens.csv")
	writeFile(t, tokenFile, token+`,kubetest-admin,kubetest-admin,"system:masters"`+"\n")
	saPub, saKey := writeServiceAccountKeys(t, dir)

	waitFor(t, deadline, etcd, "etcd health", func() error { return etcdHealthy(etcdURL) })

	certDir := filepath.Join(dir, "certs")
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	apiserverArgs := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		// Without it the API server advertises the host's first non-loopback
		// address, and fails to start where there is none (a sandbox
		// without a default route). It also puts 127.0.0.1 in the
		// self-signed certificate's SANs.
		"--advertise-address=127.0.0.1",
		"--secure-port=" + port,
		// No --tls-cert-file: the API server writes a self-signed pair here.
		"--cert-dir=" + certDir,
		"--token-auth-file=" + tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-key-file=" + saPub,
		"--service-account-signing-key-file=" + saKey,
		"--service-account-issuer=https://kubernetes.default.svc",
		// The ServiceAccount plugin rejects pods until a controller-manager
		// (which does not run here) creates each namespace's "default"
		// service account.
		"--disable-admission-plugins=ServiceAccount",
		"--service-cluster-ip-range=10.0.0.0/24",
		// Privileged pods must reach the webhooks and be judged there, not
		// be refused by the API server first.
		"--allow-privileged=true",
		// Priority and fairness adds a start-up hook and a config
		// controller, and nothing here tests it.
		"--enable-priority-and-fairness=false",
		// The endpoint reconciler would publish the advertise address as the
		// endpoint of the "kubernetes" service, and endpoints may not be
		// loopback: with it, kube-apiserver refuses to start ("cannot use
		// public IP 127.0.0.1 with endpoint reconciler"). Nothing here needs
		// that service to have endpoints.
		"--endpoint-reconciler-type=none",
	}
	apiserver := startProcess(t, "kube-apiserver", apiserverBin, apiserverArgs, filepath.Join(dir, "kube-apiserver.log"))
	started = append(started, apiserver)
	t.Cleanup(func() {
		// It drains requests for a long time on SIGTERM, and its state dies
		// with etcd's data dir anyway.
		apiserver.stop(t, syscall.SIGKILL)
	})

	url := "https://" + addr
	waitFor(t, deadline, apiserver, "kube-apiserver /readyz", func() error { return apiserverReady(url, token) })

	cfg := &rest.Config{
		Host:        url,
		BearerToken: token,
		// client-go's default of 5 requests a second (burst 10) would make
		// a table of admission cases wait on the client, not the server.
		QPS:   100,
		Burst: 200,
	}
	cfg.TLSClientConfig = serverTLS(t, filepath.Join(certDir, "apiserver.crt"))
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubetest: clientset: %v", err)
	}

	// /readyz turns ok before the bootstrap controller has created the
	// system namespaces; tests create objects in "default".
	waitFor(t, deadline, apiserver, `namespace "default"`, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		_, err := client.CoreV1().Namespaces().Get(ctx, metav1.NamespaceDefault, metav1.GetOptions{})
		return err
	})

	c := &Cluster{Config: cfg, Client: client, URL: url, Token: token}
	c.KubeconfigPath = writeKubeconfig(t, dir, c)
	t.Logf("kubetest: kube-apiserver at %s ready in %s (logs in %s)", url, time.Since(begin).Round(10*time.Millisecond), dir)
	return c
}

// ClientWithWarnings returns a clientset with the cluster's credentials that
// records every warning the API server sends (the "Warning:" lines kubectl
// prints, e.g. from an admission webhook's response.warnings), and the
// recorder it writes to. A test makes its request with the returned client,
// then inspects Warnings.Messages; one recorder per request (or Reset
// between requests) keeps the assertion about that request alone.
func (c *Cluster) ClientWithWarnings() (kubernetes.Interface, *Warnings) {
	w := &Warnings{}
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandlerWithContext = w
	// Only an invalid config fails, and c.Config already built c.Client.
	return kubernetes.NewForConfigOrDie(cfg), w
}

// etcdPath returns PAVED_TEST_ETCD, else /usr/bin/etcd (Debian's
// etcd-server package), else skips like testenv.Lookup.
func etcdPath(t testing.TB) string {
	t.Helper()
	if v := os.Getenv("PAVED_TEST_ETCD"); v != "" {
		return v
	}
	const debian = "/usr/bin/etcd"
	if _, err := os.Stat(debian); err == nil {
		return debian
	}
	testenv.Skip(t, "PAVED_TEST_ETCD not set and no %s: skipping the real kube-apiserver admission suite", debian)
	return ""
}

// supportsNoFsync reports whether etcd accepts --unsafe-no-fsync. etcd 3.4
// accepts it without listing it in --help, so ask the flag parser: an
// unknown flag fails before --version is handled.
func supportsNoFsync(etcdBin string) bool {
	return exec.Command(etcdBin, "--unsafe-no-fsync", "--version").Run() == nil
}

// freeAddr returns a loopback address whose port was free a moment ago. Two
// clusters starting at once could in principle be handed the same port
// between the close here and the bind in etcd or kube-apiserver; the kernel
// does not reuse a just-closed ephemeral port so soon in practice.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("kubetest: free port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatalf("kubetest: %v", err)
	}
}

// writeServiceAccountKeys writes the RSA pair kube-apiserver signs and
// verifies service-account tokens with; it refuses to start without one.
func writeServiceAccountKeys(t testing.TB, dir string) (pubPath, keyPath string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("kubetest: service-account key: %v", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("kubetest: service-account key: %v", err)
	}
	keyPath = filepath.Join(dir, "sa.key")
	pubPath = filepath.Join(dir, "sa.pub")
	writeFile(t, keyPath, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	writeFile(t, pubPath, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
	return pubPath, keyPath
}

// waitFor polls check until it returns nil, failing the test at deadline or
// as soon as p exits (a bad flag makes kube-apiserver exit at once, and
// waiting out the deadline would only hide that).
func waitFor(t testing.TB, deadline time.Time, p *process, what string, check func() error) {
	t.Helper()
	for {
		err := check()
		if err == nil {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("kubetest: %s exited (%v) while waiting for %s; log: %s", p.name, p.err, what, p.logPath)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("kubetest: no %s after %s: %v", what, startTimeout, err)
		}
	}
}

// probeClient is for the readiness probes only. It skips certificate
// verification because the API server's serving certificate does not exist
// until the API server has generated it; the clients a test gets verify it.
var probeClient = &http.Client{
	Timeout:   2 * time.Second,
	Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
}

func etcdHealthy(url string) error {
	resp, err := probeClient.Get(url + "/health")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"health":"true"`) {
		return fmt.Errorf("%s: %s", resp.Status, body)
	}
	return nil
}

func apiserverReady(url, token string) error {
	// ?verbose lists the failing checks, which is what a timeout should
	// report.
	req, err := http.NewRequest(http.MethodGet, url+"/readyz?verbose", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := probeClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, failedChecks(string(body)))
	}
	return nil
}

// failedChecks keeps the "[-]" lines of a verbose /readyz answer.
func failedChecks(body string) string {
	var failed []string
	for line := range strings.Lines(body) {
		if strings.HasPrefix(line, "[-]") {
			failed = append(failed, strings.TrimSpace(line))
		}
	}
	if len(failed) == 0 {
		return strings.TrimSpace(body)
	}
	return strings.Join(failed, "; ")
}

// serverTLS trusts the self-signed certificate kube-apiserver wrote to its
// cert dir (the serving certificate followed by the CA that signed it). If
// that certificate did not cover 127.0.0.1 verification could not succeed,
// so the client falls back to skipping it, and says so.
func serverTLS(t testing.TB, certPath string) rest.TLSClientConfig {
	t.Helper()
	pemData, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatalf("kubetest: serving certificate: %v", err)
	}
	block, _ := pem.Decode(pemData)
	if block == nil {
		t.Fatalf("kubetest: serving certificate %s: no PEM block", certPath)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("kubetest: serving certificate %s: %v", certPath, err)
	}
	if err := cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Logf("kubetest: not verifying the API server's certificate: %v", err)
		return rest.TLSClientConfig{Insecure: true}
	}
	return rest.TLSClientConfig{CAData: pemData}
}

// writeKubeconfig writes c's credentials as a kubeconfig with a single
// context, "kubetest", which is current.
func writeKubeconfig(t testing.TB, dir string, c *Cluster) string {
	t.Helper()
	const name = "kubetest"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{
		Server:                   c.URL,
		CertificateAuthorityData: c.Config.CAData,
		InsecureSkipTLSVerify:    c.Config.Insecure,
	}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: c.Token}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: metav1.NamespaceDefault}
	kc.CurrentContext = name
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatalf("kubetest: kubeconfig: %v", err)
	}
	return path
}

// process is a child binary whose output goes to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed once the process has exited
	err     error         // from Wait; read only after done is closed
}

func startProcess(t testing.TB, name, bin string, args []string, logPath string) *process {
	t.Helper()
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("kubetest: start %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p
}

// stop sends sig and waits for the process to exit, killing it if it has
// not after a few seconds.
func (p *process) stop(t testing.TB, sig syscall.Signal) {
	select {
	case <-p.done:
		return // already exited; waitFor has reported it
	default:
	}
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("kubetest: signal %s: %v", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Errorf("kubetest: %s still running 10s after %s; killing it", p.name, sig)
		p.cmd.Process.Kill()
		<-p.done
	}
}

// printTail logs the last logTailLines lines of the process's log.
func (p *process) printTail(t testing.TB) {
	f, err := os.Open(p.logPath)
	if err != nil {
		t.Logf("kubetest: %s log: %v", p.name, err)
		return
	}
	defer f.Close()
	var lines []string
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20) // kube-apiserver logs whole objects on one line
	for s.Scan() {
		lines = append(lines, s.Text())
		if len(lines) > logTailLines {
			lines = lines[1:]
		}
	}
	t.Logf("kubetest: last %d lines of %s (%s):\n%s", len(lines), p.name, p.logPath, strings.Join(lines, "\n"))
}
