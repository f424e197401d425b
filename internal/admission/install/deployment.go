package install

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Paths inside paved's container. The TLS files come from the paved-tls
// Secret (kubectl create secret tls, or cert-manager), whose keys are
// tls.crt and tls.key.
const (
	tlsDir  = "/etc/paved/tls"
	dataDir = "/var/lib/paved"
)

// deployment runs paved serve over TLS. Everything a restricted Pod
// Security profile and paved's own policies ask for is set, so the webhook
// that enforces them passes them itself.
func deployment(o Options) *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: meta(o),
		Spec: appsv1.DeploymentSpec{
			Replicas: new(o.Replicas),
			Selector: &metav1.LabelSelector{MatchLabels: selector()},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels()},
				Spec:       podSpec(o),
			},
		},
	}
}

func podSpec(o Options) corev1.PodSpec {
	return corev1.PodSpec{
		ServiceAccountName: Name,
		// Answering an AdmissionReview needs no Kubernetes API access.
		AutomountServiceAccountToken: new(false),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   new(true),
			RunAsUser:      new(int64(65532)),
			RunAsGroup:     new(int64(65532)),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		// Replicas on different nodes, so one node going away does not
		// take admission with it. Preferred, so a one-node cluster still
		// runs them all.
		Affinity: &corev1.Affinity{
			PodAntiAffinity: &corev1.PodAntiAffinity{
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
					Weight: 100,
					PodAffinityTerm: corev1.PodAffinityTerm{
						LabelSelector: &metav1.LabelSelector{MatchLabels: selector()},
						TopologyKey:   "kubernetes.io/hostname",
					},
				}},
			},
		},
		Containers: []corev1.Container{container(o)},
		Volumes: []corev1.Volume{
			{Name: "tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "paved-tls"}}},
			{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
	}
}

func container(o Options) corev1.Container {
	return corev1.Container{
		Name:  Name,
		Image: o.Image,
		Args:  []string{"serve", "--addr", ":8443", "--tls-cert", tlsDir + "/tls.crt", "--tls-key", tlsDir + "/tls.key"},
		Env: []corev1.EnvVar{
			{Name: "PAVED_DATA_DIR", Value: dataDir},
			{Name: "PAVED_ADMISSION_NAMESPACE", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"},
			}},
			// PostgreSQL shared by the replicas. Optional: without the
			// Secret each replica keeps its own SQLite in the emptyDir,
			// which is fine for a quick start and loses decisions on
			// restart.
			{Name: "PAVED_DATABASE_URL", ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "paved-database"},
					Key:                  "url",
					Optional:             new(true),
				},
			}},
		},
		Ports: []corev1.ContainerPort{{Name: "https", ContainerPort: 8443}},
		ReadinessProbe: &corev1.Probe{
			ProbeHandler: httpsGet("/readyz"),
		},
		// More tolerant than readiness, so a slow dependency takes a
		// replica out of the Service before it gets it restarted.
		LivenessProbe: &corev1.Probe{
			ProbeHandler:     httpsGet("/healthz"),
			FailureThreshold: 6,
		},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("100m"),
				corev1.ResourceMemory: resource.MustParse("128Mi"),
			},
			Limits: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("1"),
				corev1.ResourceMemory: resource.MustParse("512Mi"),
			},
		},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: new(false),
			ReadOnlyRootFilesystem:   new(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
		VolumeMounts: []corev1.VolumeMount{
			{Name: "tls", MountPath: tlsDir, ReadOnly: true},
			{Name: "data", MountPath: dataDir},
		},
	}
}

func httpsGet(path string) corev1.ProbeHandler {
	return corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
		Path:   path,
		Port:   intstr.FromString("https"),
		Scheme: corev1.URISchemeHTTPS,
	}}
}
