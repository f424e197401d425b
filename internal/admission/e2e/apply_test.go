package e2e

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paved-dev/paved/internal/cli"
	"github.com/paved-dev/paved/internal/kubetest"
	"github.com/paved-dev/paved/internal/testenv"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
)

// TestInstallManifestsApply applies what `paved admission
// install-manifests` prints to a real API server, and validates the Helm
// chart's rendering there with a server-side dry run: the objects are not
// only well-typed but accepted by the API server's own validation.
func TestInstallManifestsApply(t *testing.T) {
	c := kubetest.Start(t)
	caFile := filepath.Join("..", "install", "testdata", "ca.crt")

	var out, errOut bytes.Buffer
	if code := cli.ExecuteContext(context.Background(), []string{"admission", "install-manifests", "--ca-bundle", caFile, "--failure-policy", "Fail"}, &out, &errOut); code != 0 {
		t.Fatalf("install-manifests exit %d: %s", code, errOut.String())
	}
	kinds := apply(t, c.Client, out.Bytes(), false)
	want := "Namespace ServiceAccount Deployment Service PodDisruptionBudget ValidatingWebhookConfiguration MutatingWebhookConfiguration"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("applied %s, want %s", got, want)
	}
	// paved's own namespace is exempt from its webhooks (which fail closed
	// here and cannot be reached): its Deployment was admitted above, and
	// an update there still is.
	d, err := c.Client.AppsV1().Deployments("paved").Get(context.Background(), "paved", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Client.AppsV1().Deployments("paved").Update(context.Background(), d, metav1.UpdateOptions{}); err != nil {
		t.Errorf("updating paved in its own namespace with its webhooks down: %v", err)
	}

	helm := testenv.Lookup(t, "PAVED_TEST_HELM", "the Helm chart rendering test")
	rendered, err := exec.Command(helm, "template", "paved", filepath.Join("..", "..", "..", "deploy", "helm", "paved"),
		"--namespace", "paved", "--set-file", "caBundle="+caFile).Output()
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	apply(t, c.Client, rendered, true)
}

// apply creates each object of a YAML stream (dryRun: server-side dry run
// of an update, since the objects exist) and returns their kinds in order.
func apply(t *testing.T, client kubernetes.Interface, stream []byte, dryRun bool) []string {
	t.Helper()
	ctx := context.Background()
	var kinds []string
	decode := scheme.Codecs.UniversalDeserializer().Decode
	for _, doc := range strings.Split(string(stream), "\n---") {
		if strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" {
			continue
		}
		obj, gvk, err := decode([]byte(doc), nil, nil)
		if err != nil {
			t.Fatalf("decoding %.200s: %v", doc, err)
		}
		kinds = append(kinds, gvk.Kind)
		create := metav1.CreateOptions{}
		if dryRun {
			create.DryRun = []string{metav1.DryRunAll}
			obj = renamed(obj)
		}
		switch o := obj.(type) {
		case *corev1.Namespace:
			_, err = client.CoreV1().Namespaces().Create(ctx, o, create)
		case *corev1.ServiceAccount:
			_, err = client.CoreV1().ServiceAccounts(o.Namespace).Create(ctx, o, create)
		case *appsv1.Deployment:
			_, err = client.AppsV1().Deployments(o.Namespace).Create(ctx, o, create)
		case *corev1.Service:
			_, err = client.CoreV1().Services(o.Namespace).Create(ctx, o, create)
		case *policyv1.PodDisruptionBudget:
			_, err = client.PolicyV1().PodDisruptionBudgets(o.Namespace).Create(ctx, o, create)
		case *admissionregistrationv1.ValidatingWebhookConfiguration:
			_, err = client.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, o, create)
		case *admissionregistrationv1.MutatingWebhookConfiguration:
			_, err = client.AdmissionregistrationV1().MutatingWebhookConfigurations().Create(ctx, o, create)
		default:
			t.Fatalf("unexpected object %s", gvk)
		}
		if err != nil {
			t.Errorf("the API server refused %s: %v", gvk.Kind, err)
		}
	}
	return kinds
}

// renamed gives a dry-run object a fresh name so that it is validated as
// a create rather than refused as already existing.
func renamed(obj runtime.Object) runtime.Object {
	if m, ok := obj.(metav1.Object); ok {
		m.SetName(m.GetName() + "-helm")
	}
	return obj
}
