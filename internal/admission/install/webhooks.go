package install

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Paths paved serves AdmissionReviews on.
const (
	ValidatePath = "/admission/validate"
	MutatePath   = "/admission/mutate"
)

// rules are the objects paved's policies read: pods and everything that
// makes pods, plus Services. UPDATE too, or a policy could be bypassed by
// creating a harmless object and then changing it.
func rules() []admissionregistrationv1.RuleWithOperations {
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	rule := func(group string, resources ...string) admissionregistrationv1.RuleWithOperations {
		return admissionregistrationv1.RuleWithOperations{
			Operations: ops,
			Rule: admissionregistrationv1.Rule{
				APIGroups:   []string{group},
				APIVersions: []string{"*"},
				Resources:   resources,
				Scope:       new(admissionregistrationv1.NamespacedScope),
			},
		}
	}
	return []admissionregistrationv1.RuleWithOperations{
		rule("", "pods", "services", "replicationcontrollers"),
		rule("apps", "deployments", "statefulsets", "daemonsets", "replicasets"),
		rule("batch", "jobs", "cronjobs"),
	}
}

// clientConfig points a webhook at paved's Service, or at WebhookURL when
// paved runs outside the cluster.
func clientConfig(o Options, path string) admissionregistrationv1.WebhookClientConfig {
	cc := admissionregistrationv1.WebhookClientConfig{CABundle: o.CABundle}
	if o.WebhookURL != "" {
		cc.URL = new(o.WebhookURL + path)
		return cc
	}
	cc.Service = &admissionregistrationv1.ServiceReference{
		Namespace: o.Namespace,
		Name:      Name,
		Path:      new(path),
		Port:      new(int32(443)),
	}
	return cc
}

// namespaceSelector keeps the webhooks away from the exempt namespaces,
// paved's own above all: otherwise, with failurePolicy Fail, paved's pods
// could not be recreated while paved is down.
func namespaceSelector(o Options) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key:      "kubernetes.io/metadata.name",
		Operator: metav1.LabelSelectorOpNotIn,
		Values:   exemptNamespaces(o),
	}}}
}

// The settings both webhooks share. Three seconds keeps a slow paved from
// holding up kubectl for the API server's default of ten; Equivalent
// catches the same objects through other API versions.
var (
	timeoutSeconds = int32(3)
	sideEffects    = admissionregistrationv1.SideEffectClassNone
	matchPolicy    = admissionregistrationv1.Equivalent
)

func validatingWebhook(o Options) *admissionregistrationv1.ValidatingWebhookConfiguration {
	return &admissionregistrationv1.ValidatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: Name, Labels: labels()},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "validate.paved.dev",
			ClientConfig:            clientConfig(o, ValidatePath),
			Rules:                   rules(),
			FailurePolicy:           new(admissionregistrationv1.FailurePolicyType(o.FailurePolicy)),
			MatchPolicy:             new(matchPolicy),
			NamespaceSelector:       namespaceSelector(o),
			SideEffects:             new(sideEffects),
			TimeoutSeconds:          new(timeoutSeconds),
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
}

func mutatingWebhook(o Options) *admissionregistrationv1.MutatingWebhookConfiguration {
	return &admissionregistrationv1.MutatingWebhookConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingWebhookConfiguration"},
		ObjectMeta: metav1.ObjectMeta{Name: Name, Labels: labels()},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:                    "mutate.paved.dev",
			ClientConfig:            clientConfig(o, MutatePath),
			Rules:                   rules(),
			FailurePolicy:           new(admissionregistrationv1.FailurePolicyType(o.FailurePolicy)),
			MatchPolicy:             new(matchPolicy),
			NamespaceSelector:       namespaceSelector(o),
			SideEffects:             new(sideEffects),
			TimeoutSeconds:          new(timeoutSeconds),
			AdmissionReviewVersions: []string{"v1"},
			// paved's mutations (defaults) do not depend on other
			// webhooks' changes, so one call is enough.
			ReinvocationPolicy: new(admissionregistrationv1.NeverReinvocationPolicy),
		}},
	}
}
