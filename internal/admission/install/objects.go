package install

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Name is the name of every object paved installs: one installation per
// cluster, because the webhook configurations are cluster-scoped.
const Name = "paved"

// labels go on every object and on the pods. The ownership labels are the
// ones paved's own ownership-labels policy requires, so paved's install
// passes paved check and its pods land on the platform team's page.
func labels() map[string]string {
	return map[string]string{
		"app.kubernetes.io/name": Name,
		"team":                   "platform",
		"service":                Name,
		"environment":            "prod",
	}
}

// selector picks paved's pods; it stays minimal because a Deployment's
// selector cannot change after creation.
func selector() map[string]string {
	return map[string]string{"app.kubernetes.io/name": Name}
}

// Objects returns the objects that install paved, in the order they can
// be applied: the namespace before what lives in it, the Deployment and
// Service before the webhooks that call them.
func Objects(opts Options) ([]runtime.Object, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	return []runtime.Object{
		namespace(o),
		serviceAccount(o),
		deployment(o),
		service(o),
		podDisruptionBudget(o),
		validatingWebhook(o),
		mutatingWebhook(o),
	}, nil
}

func meta(o Options) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: Name, Namespace: o.Namespace, Labels: labels()}
}

func namespace(o Options) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Namespace, Labels: labels()},
	}
}

func serviceAccount(o Options) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta(o),
		// paved reads no Kubernetes API to answer an AdmissionReview.
		AutomountServiceAccountToken: new(false),
	}
}

func service(o Options) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(o),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selector(),
			Ports: []corev1.ServicePort{{
				Name:       "https",
				Port:       443,
				TargetPort: intstr.FromString("https"),
			}},
		},
	}
}

// podDisruptionBudget keeps one replica serving through node drains, so
// admission does not fall back to the failure policy during maintenance.
func podDisruptionBudget(o Options) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: meta(o),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: new(intstr.FromInt32(1)),
			Selector:     &metav1.LabelSelector{MatchLabels: selector()},
		},
	}
}

// exemptNamespaces is the sorted, duplicate-free list of namespaces no
// webhook sees: the configured ones plus paved's own.
func exemptNamespaces(o Options) []string {
	ns := append(slices.Clone(o.ExemptNamespaces), o.Namespace)
	slices.Sort(ns)
	return slices.Compact(ns)
}
