package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paved-dev/paved/internal/admission/install"
	"github.com/paved-dev/paved/internal/app"
	"github.com/paved-dev/paved/internal/auth"
	"github.com/paved-dev/paved/internal/catalog"
	"github.com/paved-dev/paved/internal/cli"
	"github.com/paved-dev/paved/internal/config"
	"github.com/paved-dev/paved/internal/kubetest"
	"github.com/paved-dev/paved/internal/policy"
	"github.com/paved-dev/paved/internal/server"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

const pavedYAML = `
policy_settings:
  default_mode: "off"
policies:
  pod-security-restricted:
    mode: enforce
  image-tag-pinned:
    mode: warn
    enforce_from: "2099-01-01"
exceptions:
  - policy: pss-restricted-run-as-non-root
    namespace: legacy
    reason: the indexer image runs as root until its rebuild
    approver: security@example.com
    expires: "2099-12-31"
admission:
  mutate:
    namespaces: [shop]
`

const catalogYAML = `
teams:
  - name: storefront
    display_name: Storefront
  - name: search
    display_name: Search
services:
  - name: shopfront
    team: storefront
    namespaces:
      - {name: shop, environment: prod}
  - name: indexer
    team: search
    namespaces:
      - {name: legacy, environment: prod}
`

// paved is a paved server on a loopback TLS socket.
type paved struct {
	app    *app.App
	url    string
	ca     []byte
	admin  string
	stop   context.CancelFunc
	done   chan error
	listen string
}

func startPaved(t testing.TB, dir string) *paved {
	t.Helper()
	ctx := context.Background()
	cfgPath := filepath.Join(dir, "paved.yaml")
	if err := os.WriteFile(cfgPath, []byte(pavedYAML+"data_dir: "+filepath.Join(dir, "data")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	files, err := install.GenerateCerts(filepath.Join(dir, "certs"), "paved", []string{"127.0.0.1"}, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, app.Options{Version: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := catalog.Parse("catalog.yaml", []byte(catalogYAML))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Catalog.Apply(ctx, doc, catalog.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	_, admin, err := a.Auth.Create(ctx, "e2e-admin", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := server.NewCertReloader(files.Cert, files.Key, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(files.CACert)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	p := &paved{app: a, url: "https://" + ln.Addr().String(), ca: ca, admin: admin, stop: stop, done: make(chan error, 1), listen: ln.Addr().String()}
	go func() { p.done <- a.Server.Run(runCtx, ln, certs.TLSConfig()) }()
	t.Cleanup(func() {
		p.shutdown()
		a.Close()
	})
	return p
}

// shutdown stops serving (idempotent): the API server then cannot reach
// the webhooks.
func (p *paved) shutdown() {
	if p.stop == nil {
		return
	}
	p.stop()
	<-p.done
	p.stop = nil
}

// registerWebhooks installs paved's webhook configurations as
// install-manifests renders them, pointed at the test server.
func registerWebhooks(t testing.TB, client kubernetes.Interface, p *paved, failurePolicy string) {
	t.Helper()
	objs, err := install.Objects(install.Options{WebhookURL: p.url, CABundle: p.ca, FailurePolicy: failurePolicy})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, o := range objs {
		switch o := o.(type) {
		case *admissionregistrationv1.ValidatingWebhookConfiguration:
			api := client.AdmissionregistrationV1().ValidatingWebhookConfigurations()
			api.Delete(ctx, o.Name, metav1.DeleteOptions{})
			if _, err := api.Create(ctx, o, metav1.CreateOptions{}); err != nil {
				t.Fatalf("registering the validating webhook: %v", err)
			}
		case *admissionregistrationv1.MutatingWebhookConfiguration:
			api := client.AdmissionregistrationV1().MutatingWebhookConfigurations()
			api.Delete(ctx, o.Name, metav1.DeleteOptions{})
			if _, err := api.Create(ctx, o, metav1.CreateOptions{}); err != nil {
				t.Fatalf("registering the mutating webhook: %v", err)
			}
		}
	}
}

func restrictedContainer(image string) corev1.Container {
	no, yes := false, true
	return corev1.Container{Name: "app", Image: image, SecurityContext: &corev1.SecurityContext{
		RunAsNonRoot: &yes, AllowPrivilegeEscalation: &no,
		Capabilities:   &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}}
}

func podOf(name string, c corev1.Container) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Containers: []corev1.Container{c}}}
}

// waitDenied retries a dry-run create until the webhooks are live: the API
// server picks up a new webhook configuration a moment after it is stored.
func waitDenied(t testing.TB, client kubernetes.Interface, ns string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := client.CoreV1().Pods(ns).Create(context.Background(), podOf("probe", corev1.Container{Name: "app", Image: "ghcr.io/shop/app:1.0"}),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil && strings.Contains(err.Error(), "paved denied") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhooks not live after 30 s; last answer: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestAdmissionAgainstKubeAPIServer(t *testing.T) {
	c := kubetest.Start(t)
	p := startPaved(t, t.TempDir())
	ctx := context.Background()
	for _, ns := range []string{"shop", "legacy"} {
		if _, err := c.Client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	registerWebhooks(t, c.Client, p, "Fail")
	waitDenied(t, c.Client, "shop")
	client, warnings := c.ClientWithWarnings()

	t.Run("restricted pod is denied with paved's message", func(t *testing.T) {
		_, err := client.CoreV1().Pods("shop").Create(ctx, podOf("root", corev1.Container{Name: "app", Image: "ghcr.io/shop/app:1.0"}), metav1.CreateOptions{})
		if !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) && err == nil {
			t.Fatalf("created a pod that breaks the restricted profile")
		}
		for _, want := range []string{"paved denied Pod/shop/root (team storefront)", "[pss-restricted-run-as-non-root]", "Fix:", "paved policy exception create"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("denial lacks %q:\n%v", want, err)
			}
		}
	})

	t.Run("restricted deployment is denied", func(t *testing.T) {
		replicas := int32(1)
		d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "ghcr.io/shop/web:2.0"}}},
			},
		}}
		_, err := client.AppsV1().Deployments("shop").Create(ctx, d, metav1.CreateOptions{})
		if err == nil || !strings.Contains(err.Error(), "paved denied Deployment/shop/web") || !strings.Contains(err.Error(), "[pss-restricted-") {
			t.Fatalf("want paved's denial, got %v", err)
		}
	})

	t.Run("warn mode admits and the client sees Warning lines", func(t *testing.T) {
		warnings.Reset()
		if _, err := client.CoreV1().Pods("shop").Create(ctx, podOf("latest", restrictedContainer("ghcr.io/shop/app:latest")), metav1.CreateOptions{}); err != nil {
			t.Fatalf("warn-mode violation was refused: %v", err)
		}
		found := false
		for _, w := range warnings.Messages() {
			found = found || strings.HasPrefix(w, "[image-tag-pinned]")
		}
		if !found {
			t.Errorf("no [image-tag-pinned] warning; got %q", warnings.Messages())
		}
	})

	t.Run("excepted object is admitted", func(t *testing.T) {
		ctr := restrictedContainer("ghcr.io/search/indexer:3.1")
		ctr.SecurityContext.RunAsNonRoot = nil
		if _, err := client.CoreV1().Pods("legacy").Create(ctx, podOf("indexer", ctr), metav1.CreateOptions{}); err != nil {
			t.Fatalf("excepted pod refused: %v", err)
		}
	})

	t.Run("missing team label is added by the mutating webhook", func(t *testing.T) {
		pod := podOf("labelled", restrictedContainer("ghcr.io/shop/app:1.0"))
		pod.Labels = map[string]string{"app": "shopfront", "environment": "prod"}
		got, err := client.CoreV1().Pods("shop").Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"app": "shopfront", "environment": "prod", "team": "storefront"}
		if fmt.Sprint(got.Labels) != fmt.Sprint(want) {
			t.Errorf("labels = %v, want %v (the existing service key app and environment kept)", got.Labels, want)
		}
	})

	t.Run("decisions reach the store and the team's page", func(t *testing.T) {
		deadline := time.Now().Add(15 * time.Second)
		var findings []policy.Finding
		for {
			var err error
			findings, err = p.app.Policy.Store.Findings(ctx, "storefront", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) >= 2 || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		seen := map[string]bool{}
		for _, f := range findings {
			if f.Source == "admission" {
				seen[f.Resource+" "+f.Action] = true
			}
		}
		if !seen["Pod/shop/root deny"] || !seen["Pod/shop/latest warn"] {
			t.Fatalf("admission findings for storefront = %v", seen)
		}
		page := teamPage(t, p, "storefront")
		for _, want := range []string{"Pod/shop/root", "pss-restricted-run-as-non-root"} {
			if !strings.Contains(page, want) {
				t.Errorf("team page lacks %q", want)
			}
		}
	})

	t.Run("audit judges what already runs and records it", func(t *testing.T) {
		// Running now: the warned pod, the excepted pod and the labelled
		// pod. The audit judges them as admission would today.
		var out, errOut bytes.Buffer
		code := cli.ExecuteContext(ctx, []string{"audit", "--kubeconfig", c.KubeconfigPath, "--config", p.app.Config.File, "--format", "json"}, &out, &errOut)
		if code != 0 {
			t.Fatalf("audit exit %d: %s", code, errOut.String())
		}
		for _, want := range []string{`"name": "latest"`, `"image-tag-pinned"`, `"name": "indexer"`, `"excepted"`} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("audit output lacks %s:\n%.2000s", want, out.String())
			}
		}
		findings, err := p.app.Policy.Store.Findings(ctx, "search", "")
		if err != nil {
			t.Fatal(err)
		}
		recorded := false
		for _, f := range findings {
			recorded = recorded || f.Source == "audit" && f.Resource == "Pod/legacy/indexer" && f.Action == "excepted"
		}
		if !recorded {
			t.Errorf("the audit was not recorded: %+v", findings)
		}
	})

	t.Run("failurePolicy Fail denies and Ignore admits with paved stopped", func(t *testing.T) {
		p.shutdown()
		_, err := client.CoreV1().Pods("shop").Create(ctx, podOf("while-down", restrictedContainer("ghcr.io/shop/app:1.0")), metav1.CreateOptions{})
		if err == nil || !strings.Contains(err.Error(), "failed calling webhook") {
			t.Fatalf("with failurePolicy Fail and paved down: got %v, want a webhook call failure", err)
		}
		registerWebhooks(t, c.Client, p, "Ignore")
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err = client.CoreV1().Pods("shop").Create(ctx, podOf("while-down", restrictedContainer("ghcr.io/shop/app:1.0")), metav1.CreateOptions{})
			if err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("with failurePolicy Ignore and paved down: %v", err)
		}
	})
}

// teamPage signs in to the UI with the admin token and returns the team's
// page.
func teamPage(t *testing.T, p *paved, team string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: tlsTrusting(t, p.ca)}}
	resp, err := client.PostForm(p.url+"/login", url.Values{"token": {p.admin}, "next": {"/teams/" + team}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("team page: %d %.500s", resp.StatusCode, body)
	}
	return string(body)
}
