// Package install builds what a cluster needs to run paved as its
// validating and mutating admission webhook: the Namespace, ServiceAccount,
// Deployment, Service, PodDisruptionBudget and the two webhook
// configurations, as typed Kubernetes objects or as one YAML stream for
// kubectl apply, plus the certificates that let the API server trust paved.
//
// The Helm chart in deploy/helm/paved renders the same objects; a test holds
// the two to each other, so a change here needs the same change there.
package install
