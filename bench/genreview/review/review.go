// Package review builds the AdmissionReview bench/admission.sh sends and
// internal/admission's BenchmarkValidate judges: a CREATE of a
// production-shaped Deployment (ownership labels team/service/environment,
// one container with resources, probes, a restricted securityContext, env
// vars and volume mounts, and the fields the API server defaults before
// admission), 3,474 bytes of JSON. The bytes are the same on every call.
//
// Deployment(false) passes the whole built-in pack (allowed, no warnings,
// with policy_settings.allowed_registries: [ghcr.io/example-shop/]).
// Deployment(true)'s container drops no capabilities, may escalate
// privileges and uses a :latest image, so pod-security-restricted denies
// it (two violations) and image-tag-pinned warns.
package review

import (
	"encoding/json"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Deployment returns the AdmissionReview JSON of the compliant Deployment,
// or of the one with violations.
func Deployment(violations bool) ([]byte, error) {
	return review(deployment(violations))
}

func ptr[T any](v T) *T { return &v }

// deployment is checkout-api in checkout-prod as the API server hands it
// to admission on CREATE: with the defaulted fields (strategy, dnsPolicy,
// imagePullPolicy, terminationMessagePath...), without managedFields.
func deployment(bad bool) *appsv1.Deployment {
	labels := map[string]string{
		"app.kubernetes.io/name":       "checkout-api",
		"app.kubernetes.io/managed-by": "argocd",
		"team":                         "payments",
		"service":                      "checkout-api",
		"environment":                  "prod",
	}
	podLabels := map[string]string{
		"app.kubernetes.io/name": "checkout-api",
		"team":                   "payments",
		"service":                "checkout-api",
		"environment":            "prod",
	}
	image := "ghcr.io/example-shop/checkout-api:2.14.3"
	sc := &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		RunAsUser:                ptr(int64(10001)),
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	if bad {
		image = "ghcr.io/example-shop/checkout-api:latest"
		sc = &corev1.SecurityContext{ReadOnlyRootFilesystem: ptr(true), RunAsUser: ptr(int64(10001))}
	}
	probe := func(path string, delay, period int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
				Path: path, Port: intstr.FromString("http"), Scheme: corev1.URISchemeHTTP}},
			InitialDelaySeconds: delay, TimeoutSeconds: 2, PeriodSeconds: period,
			SuccessThreshold: 1, FailureThreshold: 3,
		}
	}
	env := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	return &appsv1.Deployment{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      "checkout-api",
			Namespace: "checkout-prod",
			Labels:    labels,
			Annotations: map[string]string{
				"paved.dev/runbook": "https://runbooks.example-shop.com/payments/checkout-api",
			},
		},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(6)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "checkout-api"}},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr(intstr.FromString("25%")), MaxSurge: ptr(intstr.FromString("25%"))},
			},
			RevisionHistoryLimit:    ptr(int32(10)),
			ProgressDeadlineSeconds: ptr(int32(600)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: podLabels,
					Annotations: map[string]string{
						"prometheus.io/scrape": "true",
						"prometheus.io/port":   "9090",
					},
				},
				Spec: corev1.PodSpec{
					ServiceAccountName:            "checkout-api",
					DeprecatedServiceAccount:      "checkout-api",
					RestartPolicy:                 corev1.RestartPolicyAlways,
					TerminationGracePeriodSeconds: ptr(int64(30)),
					DNSPolicy:                     corev1.DNSClusterFirst,
					SchedulerName:                 "default-scheduler",
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   ptr(true),
						FSGroup:        ptr(int64(10001)),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:            "checkout-api",
						Image:           image,
						ImagePullPolicy: corev1.PullIfNotPresent,
						Ports: []corev1.ContainerPort{
							{Name: "http", ContainerPort: 8080, Protocol: corev1.ProtocolTCP},
							{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
						},
						Env: []corev1.EnvVar{
							env("LOG_LEVEL", "info"),
							env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4317"),
							env("PAYMENTS_URL", "http://payments-api.payments-prod:8080"),
							{Name: "DATABASE_URL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: "checkout-api-db"}, Key: "url"}}},
						},
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{
								corev1.ResourceCPU:    resource.MustParse("250m"),
								corev1.ResourceMemory: resource.MustParse("256Mi"),
							},
							Limits: corev1.ResourceList{
								corev1.ResourceCPU:    resource.MustParse("1"),
								corev1.ResourceMemory: resource.MustParse("512Mi"),
							},
						},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "config", MountPath: "/etc/checkout", ReadOnly: true},
							{Name: "tmp", MountPath: "/tmp"},
						},
						LivenessProbe:            probe("/healthz", 10, 10),
						ReadinessProbe:           probe("/readyz", 5, 5),
						TerminationMessagePath:   corev1.TerminationMessagePathDefault,
						TerminationMessagePolicy: corev1.TerminationMessageReadFile,
						SecurityContext:          sc,
					}},
					Volumes: []corev1.Volume{
						{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: "checkout-api-config"},
							DefaultMode:          ptr(int32(420)),
						}}},
						{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{
							SizeLimit: ptr(resource.MustParse("64Mi"))}}},
					},
				},
			},
		},
	}
}

// review wraps d in the AdmissionReview the API server sends for a CREATE
// by a CI deployer.
func review(d *appsv1.Deployment) ([]byte, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	opts, err := json.Marshal(metav1.CreateOptions{
		TypeMeta:     metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "CreateOptions"},
		FieldManager: "argocd-controller",
	})
	if err != nil {
		return nil, err
	}
	gvk := metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	gvr := metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	return json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:             "3c5f7b1e-9a4d-4f0e-8b2a-6d1c0e9f4a27",
			Kind:            gvk,
			Resource:        gvr,
			RequestKind:     &gvk,
			RequestResource: &gvr,
			Name:            d.Name,
			Namespace:       d.Namespace,
			Operation:       admissionv1.Create,
			UserInfo: authnv1.UserInfo{
				Username: "system:serviceaccount:argocd:argocd-application-controller",
				UID:      "b1f6e2a4-07c3-4d59-9e1a-2c8d4f6a0b13",
				Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:argocd", "system:authenticated"},
			},
			Object:  runtime.RawExtension{Raw: raw},
			DryRun:  ptr(false),
			Options: runtime.RawExtension{Raw: opts},
		},
	})
}
