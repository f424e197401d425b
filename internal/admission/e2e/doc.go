// Package e2e proves paved's admission webhooks against a real
// kube-apiserver and etcd (internal/kubetest): the API server calls paved
// over TLS exactly as it would in a cluster. The suite runs when
// PAVED_TEST_KUBE_APISERVER is set (.ci/run builds the binary) and skips
// with a one-line reason otherwise.
package e2e
