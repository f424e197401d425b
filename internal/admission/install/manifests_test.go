package install

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testCA is the fixed CA bundle of the golden file and the Helm test.
func testCA(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/ca.crt")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// splitDocs splits a YAML stream at its --- lines, requiring each document
// to start with one.
func splitDocs(t *testing.T, stream []byte) [][]byte {
	t.Helper()
	if !bytes.HasPrefix(stream, []byte("---\n")) {
		t.Fatalf("stream does not start with ---:\n%.200s", stream)
	}
	return bytes.Split(stream[len("---\n"):], []byte("\n---\n"))
}

// decodeStrict decodes one document as the API server would (the
// client-go scheme picks the type by apiVersion and kind), then again
// strictly into that type, so an unknown or misspelled field fails.
func decodeStrict(t *testing.T, doc []byte) runtime.Object {
	t.Helper()
	obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(doc, nil, nil)
	if err != nil {
		t.Fatalf("not a Kubernetes object: %v\n%s", err, doc)
	}
	typed := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(runtime.Object)
	if err := yaml.UnmarshalStrict(doc, typed); err != nil {
		t.Fatalf("%s does not decode strictly: %v\n%s", gvk.Kind, err, doc)
	}
	return typed
}

// TestYAMLDecodesToObjects renders the stream, decodes every document
// strictly with the Kubernetes types and checks it is what Objects built,
// in the same order, without the noise fields.
func TestYAMLDecodesToObjects(t *testing.T) {
	for _, opts := range []Options{
		{CABundle: testCA(t)},
		{Namespace: "guard", FailurePolicy: "Fail", WebhookURL: "https://paved.example.com:8443", ExemptNamespaces: []string{"monitoring"}, Replicas: 3},
	} {
		out, err := YAML(opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, noise := range []string{"status:", "creationTimestamp"} {
			if bytes.Contains(out, []byte(noise)) {
				t.Errorf("output contains %q", noise)
			}
		}
		want, _ := Objects(opts)
		docs := splitDocs(t, out)
		if len(docs) != len(want) {
			t.Fatalf("%d documents, want %d", len(docs), len(want))
		}
		for i, doc := range docs {
			got := decodeStrict(t, doc)
			if !apiequality.Semantic.DeepEqual(got, want[i]) {
				t.Errorf("document %d decodes to\n%+v\nwant\n%+v", i+1, got, want[i])
			}
		}
	}
}

// TestObjectsKeyFields pins the settings a reviewer of an admission
// webhook install looks for first.
func TestObjectsKeyFields(t *testing.T) {
	ca := testCA(t)
	out, err := YAML(Options{CABundle: ca, FailurePolicy: "Fail"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, doc := range splitDocs(t, out) {
		switch o := decodeStrict(t, doc).(type) {
		case *corev1.Namespace:
			kinds = append(kinds, "Namespace/"+o.Name)
		case *corev1.ServiceAccount:
			kinds = append(kinds, "ServiceAccount/"+o.Namespace+"/"+o.Name)
		case *appsv1.Deployment:
			kinds = append(kinds, "Deployment/"+o.Namespace+"/"+o.Name)
			checkDeployment(t, o)
		case *corev1.Service:
			kinds = append(kinds, "Service/"+o.Namespace+"/"+o.Name)
			p := o.Spec.Ports[0]
			if o.Spec.Type != corev1.ServiceTypeClusterIP || p.Port != 443 || p.TargetPort.String() != "https" {
				t.Errorf("service: %+v", o.Spec)
			}
		case *policyv1.PodDisruptionBudget:
			kinds = append(kinds, "PodDisruptionBudget/"+o.Namespace+"/"+o.Name)
			if o.Spec.MinAvailable.IntValue() != 1 {
				t.Errorf("minAvailable = %v", o.Spec.MinAvailable)
			}
		case *admissionregistrationv1.ValidatingWebhookConfiguration:
			kinds = append(kinds, "ValidatingWebhookConfiguration/"+o.Name)
			w := o.Webhooks[0]
			checkWebhook(t, "validate.paved.dev", w.Name, w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector.MatchExpressions[0].Values, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, ca)
			if len(w.MatchConditions) > 0 || w.ObjectSelector != nil {
				t.Error("validating webhook has matchConditions or an objectSelector")
			}
		case *admissionregistrationv1.MutatingWebhookConfiguration:
			kinds = append(kinds, "MutatingWebhookConfiguration/"+o.Name)
			w := o.Webhooks[0]
			checkWebhook(t, "mutate.paved.dev", w.Name, w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector.MatchExpressions[0].Values, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, ca)
			if *w.ReinvocationPolicy != admissionregistrationv1.NeverReinvocationPolicy {
				t.Errorf("reinvocationPolicy = %s", *w.ReinvocationPolicy)
			}
		default:
			t.Errorf("unexpected %T", o)
		}
	}
	want := "Namespace/paved ServiceAccount/paved/paved Deployment/paved/paved Service/paved/paved PodDisruptionBudget/paved/paved ValidatingWebhookConfiguration/paved MutatingWebhookConfiguration/paved"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("objects:\n%s\nwant\n%s", got, want)
	}
}

func checkDeployment(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	if *d.Spec.Replicas != 2 {
		t.Errorf("replicas = %d", *d.Spec.Replicas)
	}
	for _, l := range []map[string]string{d.Labels, d.Spec.Template.Labels} {
		for k, v := range map[string]string{"team": "platform", "service": "paved", "environment": "prod", "app.kubernetes.io/name": "paved"} {
			if l[k] != v {
				t.Errorf("label %s = %q, want %q", k, l[k], v)
			}
		}
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != "paved" || *pod.AutomountServiceAccountToken {
		t.Error("pod must use the paved ServiceAccount without a token")
	}
	sc := pod.SecurityContext
	if !*sc.RunAsNonRoot || *sc.RunAsUser != 65532 || *sc.RunAsGroup != 65532 || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext: %+v", sc)
	}
	if a := pod.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution; len(a) != 1 || a[0].PodAffinityTerm.TopologyKey != "kubernetes.io/hostname" {
		t.Errorf("replicas are not spread by hostname: %+v", pod.Affinity)
	}
	c := pod.Containers[0]
	if c.Name != "paved" || c.Image != DefaultImage || strings.Join(c.Args, " ") != "serve --addr :8443 --tls-cert /etc/paved/tls/tls.crt --tls-key /etc/paved/tls/tls.key" {
		t.Errorf("container: %s %s %v", c.Name, c.Image, c.Args)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if env["PAVED_DATA_DIR"].Value != "/var/lib/paved" ||
		env["PAVED_ADMISSION_NAMESPACE"].ValueFrom.FieldRef.FieldPath != "metadata.namespace" ||
		env["PAVED_DATABASE_URL"].ValueFrom.SecretKeyRef.Name != "paved-database" || !*env["PAVED_DATABASE_URL"].ValueFrom.SecretKeyRef.Optional {
		t.Errorf("env: %+v", c.Env)
	}
	for name, p := range map[string]*corev1.Probe{"/readyz": c.ReadinessProbe, "/healthz": c.LivenessProbe} {
		if p == nil || p.HTTPGet.Path != name || p.HTTPGet.Port.String() != "https" || p.HTTPGet.Scheme != corev1.URISchemeHTTPS {
			t.Errorf("probe %s: %+v", name, p)
		}
	}
	if c.Ports[0].Name != "https" || c.Ports[0].ContainerPort != 8443 {
		t.Errorf("ports: %+v", c.Ports)
	}
	r := c.Resources
	if r.Requests.Cpu().String() != "100m" || r.Requests.Memory().String() != "128Mi" || r.Limits.Cpu().String() != "1" || r.Limits.Memory().String() != "512Mi" {
		t.Errorf("resources: %+v", r)
	}
	csc := c.SecurityContext
	if *csc.AllowPrivilegeEscalation || !*csc.ReadOnlyRootFilesystem || !slices.Equal(csc.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container securityContext: %+v", csc)
	}
	mounts := fmt.Sprint(c.VolumeMounts)
	if len(pod.Volumes) != 2 || pod.Volumes[0].Secret.SecretName != "paved-tls" || pod.Volumes[1].EmptyDir == nil ||
		!c.VolumeMounts[0].ReadOnly || c.VolumeMounts[0].MountPath != "/etc/paved/tls" || c.VolumeMounts[1].MountPath != "/var/lib/paved" {
		t.Errorf("volumes: %+v mounts: %s", pod.Volumes, mounts)
	}
}

func checkWebhook(t *testing.T, name, got string, cc admissionregistrationv1.WebhookClientConfig, rules []admissionregistrationv1.RuleWithOperations,
	fp *admissionregistrationv1.FailurePolicyType, mp *admissionregistrationv1.MatchPolicyType, exempt []string,
	se *admissionregistrationv1.SideEffectClass, timeout *int32, versions []string, ca []byte) {
	t.Helper()
	if got != name {
		t.Errorf("webhook name %s, want %s", got, name)
	}
	path := "/admission/" + strings.TrimSuffix(name, ".paved.dev")
	if cc.URL != nil || cc.Service.Name != "paved" || cc.Service.Namespace != "paved" || *cc.Service.Path != path || *cc.Service.Port != 443 {
		t.Errorf("%s clientConfig: %+v", name, cc)
	}
	if !bytes.Equal(cc.CABundle, ca) {
		t.Errorf("%s caBundle is not the CA given", name)
	}
	if *fp != "Fail" || *mp != admissionregistrationv1.Equivalent || *se != admissionregistrationv1.SideEffectClassNone || *timeout != 3 || !slices.Equal(versions, []string{"v1"}) {
		t.Errorf("%s: failurePolicy %s matchPolicy %s sideEffects %s timeout %d versions %v", name, *fp, *mp, *se, *timeout, versions)
	}
	if !slices.Equal(exempt, []string{"kube-system", "paved"}) {
		t.Errorf("%s exempts %v", name, exempt)
	}
	var got3 []string
	for _, r := range rules {
		got3 = append(got3, fmt.Sprintf("%s:%v:%v:%v:%s", r.APIGroups, r.Operations, r.APIVersions, r.Resources, *r.Scope))
	}
	want := []string{
		"[]:[CREATE UPDATE]:[*]:[pods services replicationcontrollers]:Namespaced",
		"[apps]:[CREATE UPDATE]:[*]:[deployments statefulsets daemonsets replicasets]:Namespaced",
		"[batch]:[CREATE UPDATE]:[*]:[jobs cronjobs]:Namespaced",
	}
	if !slices.Equal(got3, want) {
		t.Errorf("%s rules:\n%s", name, strings.Join(got3, "\n"))
	}
}

// TestWebhookURL checks that an outside paved replaces the Service in both
// webhooks, with a trailing slash of the base URL ignored.
func TestWebhookURL(t *testing.T) {
	objs, err := Objects(Options{WebhookURL: "https://paved.example.com:8443/"})
	if err != nil {
		t.Fatal(err)
	}
	v := objs[5].(*admissionregistrationv1.ValidatingWebhookConfiguration).Webhooks[0].ClientConfig
	m := objs[6].(*admissionregistrationv1.MutatingWebhookConfiguration).Webhooks[0].ClientConfig
	if v.Service != nil || *v.URL != "https://paved.example.com:8443/admission/validate" || m.Service != nil || *m.URL != "https://paved.example.com:8443/admission/mutate" {
		t.Errorf("validate %+v, mutate %+v", v, m)
	}
	if v.CABundle != nil {
		t.Error("caBundle set though none was given")
	}
}

func TestGolden(t *testing.T) {
	out, err := YAML(Options{CABundle: testCA(t)})
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "install-manifests.golden.yaml")
	if *update {
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("output differs from %s (go test -update rewrites it after review):\n%s", golden, out)
	}
}
