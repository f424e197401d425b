package install

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/testenv"
	"sigs.k8s.io/yaml"
)

// chartDir is the Helm chart, relative to this package's directory, where
// go test runs.
const chartDir = "../../../deploy/helm/paved"

// helmOnlyLabels are labels a chart may add for Helm's bookkeeping; they
// are not part of what paved installs.
var helmOnlyLabels = []string{"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/version"}

// helmTemplate renders the chart as release paved with args and returns
// its objects by kind/namespace/name.
func helmTemplate(t *testing.T, helm string, args ...string) map[string]map[string]any {
	t.Helper()
	cmd := exec.Command(helm, append([]string{"template", "paved", chartDir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm template %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	objs := map[string]map[string]any{}
	for _, doc := range strings.Split(string(out), "\n---") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("helm output is not YAML: %v\n%s", err, doc)
		}
		if m == nil {
			continue // a comment-only or empty document
		}
		if md, ok := m["metadata"].(map[string]any); ok {
			if labels, ok := md["labels"].(map[string]any); ok {
				for _, l := range helmOnlyLabels {
					delete(labels, l)
				}
			}
		}
		objs[key(m)] = m
	}
	return objs
}

func key(m map[string]any) string {
	md, _ := m["metadata"].(map[string]any)
	return m["kind"].(string) + "/" + str(md["namespace"]) + "/" + str(md["name"])
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// wantObjects is Objects(opts) in the same generic form, by key.
func wantObjects(t *testing.T, opts Options) map[string]map[string]any {
	t.Helper()
	objs, err := Objects(opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{}
	for _, o := range objs {
		m, err := ToMap(o)
		if err != nil {
			t.Fatal(err)
		}
		want[key(m)] = m
	}
	return want
}

// TestHelmChartMatchesObjects renders the chart with helm template and
// holds every object to what Objects builds for the same options, so
// `helm install` and `paved admission install-manifests | kubectl apply`
// install the same thing.
func TestHelmChartMatchesObjects(t *testing.T) {
	helm := testenv.Lookup(t, "PAVED_TEST_HELM", "the Helm chart rendering test")
	ca, _ := filepath.Abs("testdata/ca.crt")
	tests := []struct {
		name string
		args []string
		opts Options
		drop string // a kind/namespace/name Objects has and the chart must not render
	}{
		{"defaults", []string{"--namespace", "paved", "--set-file", "caBundle=" + ca}, Options{CABundle: testCA(t)}, ""},
		{"no CA bundle", []string{"--namespace", "paved"}, Options{}, ""},
		{"options", []string{
			"--namespace", "guard", "--set", "failurePolicy=Fail", "--set", "image=registry.local/paved:1.2.3",
			"--set", "replicas=3", "--set", "webhookURL=https://paved.example.com:8443/",
			"--set", "exemptNamespaces={monitoring,kube-system,guard}", "--set-file", "caBundle=" + ca,
		}, Options{
			Namespace: "guard", FailurePolicy: "Fail", Image: "registry.local/paved:1.2.3", Replicas: 3,
			WebhookURL: "https://paved.example.com:8443/", ExemptNamespaces: []string{"monitoring", "kube-system", "guard"}, CABundle: testCA(t),
		}, ""},
		{"existing namespace", []string{"--namespace", "paved", "--set", "createNamespace=false"}, Options{}, "Namespace//paved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := helmTemplate(t, helm, tt.args...)
			want := wantObjects(t, tt.opts)
			if tt.drop != "" {
				if _, ok := want[tt.drop]; !ok {
					t.Fatalf("Objects has no %s", tt.drop)
				}
				delete(want, tt.drop)
			}
			for k, w := range want {
				g, ok := got[k]
				if !ok {
					t.Errorf("chart does not render %s", k)
					continue
				}
				if !reflect.DeepEqual(g, w) {
					gy, _ := yaml.Marshal(g)
					wy, _ := yaml.Marshal(w)
					t.Errorf("%s differs.\nchart:\n%s\nObjects:\n%s", k, gy, wy)
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("chart renders %s, which Objects does not", k)
				}
			}
		})
	}
}

// TestHelmCertManager checks the cert-manager option: an Issuer and a
// Certificate for paved-tls, and cainjector's annotation instead of a
// caBundle on both webhook configurations.
func TestHelmCertManager(t *testing.T) {
	helm := testenv.Lookup(t, "PAVED_TEST_HELM", "the Helm chart rendering test")
	ca, _ := filepath.Abs("testdata/ca.crt")
	got := helmTemplate(t, helm, "--namespace", "guard", "--set", "certManager.enabled=true", "--set-file", "caBundle="+ca)
	cert, ok := got["Certificate/guard/paved-tls"]
	if !ok {
		t.Fatal("no Certificate paved-tls")
	}
	spec := cert["spec"].(map[string]any)
	if spec["secretName"] != "paved-tls" || !reflect.DeepEqual(spec["dnsNames"], []any{"paved.guard.svc", "paved.guard.svc.cluster.local"}) {
		t.Errorf("certificate spec: %v", spec)
	}
	if _, ok := got["Issuer/guard/paved-selfsigned"]; !ok {
		t.Error("no Issuer")
	}
	for _, k := range []string{"ValidatingWebhookConfiguration//paved", "MutatingWebhookConfiguration//paved"} {
		w := got[k]
		ann, _ := w["metadata"].(map[string]any)["annotations"].(map[string]any)
		if ann["cert-manager.io/inject-ca-from"] != "guard/paved-tls" {
			t.Errorf("%s annotations: %v", k, ann)
		}
		cc := w["webhooks"].([]any)[0].(map[string]any)["clientConfig"].(map[string]any)
		if _, ok := cc["caBundle"]; ok {
			t.Errorf("%s has a caBundle as well as the cainjector annotation", k)
		}
	}
}

// TestHelmRejectsBadValues checks that the chart refuses what Validate
// refuses, saying what is valid.
func TestHelmRejectsBadValues(t *testing.T) {
	helm := testenv.Lookup(t, "PAVED_TEST_HELM", "the Helm chart rendering test")
	tests := []struct {
		set, want string
	}{
		{"failurePolicy=Sometimes", `failurePolicy "Sometimes" is not valid; use Fail or Ignore`},
		{"webhookURL=http://paved.example.com", "use an https URL"},
	}
	for _, tt := range tests {
		out, err := exec.Command(helm, "template", "paved", chartDir, "--namespace", "paved", "--set", tt.set).CombinedOutput()
		if err == nil || !strings.Contains(string(out), tt.want) {
			t.Errorf("--set %s: err %v, output:\n%s\nwant it to contain %q", tt.set, err, out, tt.want)
		}
	}
}
