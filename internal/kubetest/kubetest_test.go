package kubetest_test

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/paved-dev/paved/internal/kubetest"
)

// TestCluster starts one cluster and runs every check against it as a
// subtest, the way an admission suite should share its cluster.
func TestCluster(t *testing.T) {
	c := kubetest.Start(t)
	const ns = "kubetest-smoke"
	if _, err := c.Client.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace: %v", err)
	}

	t.Run("version", func(t *testing.T) {
		// Clients that check the server version (helm's kubeVersion, kubectl's
		// skew warning) need a real one; an unstamped build says v0.0.0-master.
		v, err := c.Client.Discovery().ServerVersion()
		if err != nil {
			t.Fatal(err)
		}
		if v.Major != "1" || strings.Contains(v.GitVersion, "master") {
			t.Errorf("server version = %q (major %q): build kube-apiserver with scripts/kube-apiserver.sh, which stamps it", v.GitVersion, v.Major)
		}
	})

	t.Run("pod", func(t *testing.T) {
		pods := c.Client.CoreV1().Pods(ns)
		if _, err := pods.Create(t.Context(), busyboxPod("smoke"), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %v", err)
		}
		got, err := pods.Get(t.Context(), "smoke", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if img := got.Spec.Containers[0].Image; img != "busybox:1.37" {
			t.Errorf("image = %q, want busybox:1.37", img)
		}
		// Nothing schedules it: the API server alone stores and admits.
		if got.Status.Phase != corev1.PodPending {
			t.Errorf("phase = %q, want Pending", got.Status.Phase)
		}
	})

	t.Run("deployment", func(t *testing.T) {
		deployments := c.Client.AppsV1().Deployments(ns)
		if _, err := deployments.Create(t.Context(), busyboxDeployment("smoke", nil), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %v", err)
		}
		got, err := deployments.Get(t.Context(), "smoke", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if got.Spec.Replicas == nil || *got.Spec.Replicas != 2 {
			t.Errorf("replicas = %v, want 2", got.Spec.Replicas)
		}
		// Defaulting ran, so the object went through the real API server.
		if got.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
			t.Errorf("strategy = %q, want the default RollingUpdate", got.Spec.Strategy.Type)
		}
	})

	t.Run("dry-run", func(t *testing.T) {
		pods := c.Client.CoreV1().Pods(ns)
		got, err := pods.Create(t.Context(), busyboxPod("dry"), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatalf("dry-run create: %v", err)
		}
		if got.UID == "" {
			t.Errorf("dry-run create returned no UID: the object was not admitted")
		}
		if _, err := pods.Get(t.Context(), "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after dry run: err = %v, want NotFound", err)
		}
	})

	t.Run("kubeconfig", func(t *testing.T) {
		cfg, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath)
		if err != nil {
			t.Fatalf("load %s: %v", c.KubeconfigPath, err)
		}
		if cfg.Insecure || len(cfg.CAData) == 0 {
			t.Errorf("kubeconfig does not verify the server (insecure %v, %d bytes of CA)", cfg.Insecure, len(cfg.CAData))
		}
		client, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err != nil {
			t.Errorf("get namespace through the kubeconfig: %v", err)
		}
	})

	t.Run("warnings", func(t *testing.T) {
		client, warnings := c.ClientWithWarnings()
		// The alpha seccomp annotation has done nothing since v1.27; the API
		// server accepts it and warns (pkg/api/pod/warnings.go), for pod
		// templates as for pods.
		annotations := map[string]string{corev1.SeccompPodAnnotationKey: corev1.SeccompProfileRuntimeDefault}
		if _, err := client.AppsV1().Deployments(ns).Create(t.Context(), busyboxDeployment("deprecated", annotations), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create: %v", err)
		}
		want := "spec.template.metadata.annotations[" + corev1.SeccompPodAnnotationKey + "]"
		got := warnings.Messages()
		if !slices.ContainsFunc(got, func(m string) bool { return strings.Contains(m, want) }) {
			t.Errorf("warnings = %q, want one about %s", got, want)
		}

		// A request that draws no warning records none.
		warnings.Reset()
		if _, err := client.AppsV1().Deployments(ns).Get(t.Context(), "deprecated", metav1.GetOptions{}); err != nil {
			t.Fatalf("get: %v", err)
		}
		if got := warnings.Messages(); len(got) != 0 {
			t.Errorf("warnings after a plain get = %q, want none", got)
		}
	})
}

// TestClustersAreSeparate checks that two clusters started at once (as
// parallel tests would) both come up and share nothing: each creates the
// same namespace, which fails with AlreadyExists if they share an etcd.
func TestClustersAreSeparate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two clusters")
	}
	clusters := make([]*kubetest.Cluster, 2)
	t.Run("start", func(t *testing.T) {
		for i := range clusters {
			t.Run("", func(t *testing.T) {
				t.Parallel()
				clusters[i] = kubetest.Start(t)
				_, err := clusters[i].Client.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "only-here"}}, metav1.CreateOptions{})
				if err != nil {
					t.Fatalf("create namespace: %v", err)
				}
				if clusters[i].URL == "" {
					t.Fatal("no URL")
				}
			})
		}
	})
	// The subtests above have ended and stopped their clusters; what is
	// left to compare is what they were given.
	if clusters[0] == nil || clusters[1] == nil {
		return // a start failed and said why
	}
	if clusters[0].URL == clusters[1].URL {
		t.Errorf("both clusters at %s", clusters[0].URL)
	}
	if clusters[0].Token == clusters[1].Token {
		t.Errorf("both clusters share a token")
	}
}

func busyboxPod(name string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{busyboxContainer()}},
	}
}

func busyboxDeployment(name string, podAnnotations map[string]string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	replicas := int32(2)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: podAnnotations},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{busyboxContainer()}},
			},
		},
	}
}

func busyboxContainer() corev1.Container {
	return corev1.Container{Name: "main", Image: "busybox:1.37", Command: []string{"sleep", "3600"}}
}
