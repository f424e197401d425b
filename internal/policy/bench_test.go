package policy

import (
	"context"
	"testing"

	"github.com/paved-dev/paved/internal/config"
)

// typicalDeployment is a production-shaped Deployment with one violation
// or two, the document admission and CI see most.
func typicalDeployment() Document {
	container := map[string]any{
		"name": "app", "image": "ghcr.io/example-shop/checkout:1.4.2",
		"ports":           []any{map[string]any{"containerPort": 8080}},
		"securityContext": map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": map[string]any{"drop": []any{"ALL"}}},
		"resources":       map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}, "limits": map[string]any{"memory": "256Mi"}},
		"readinessProbe":  map[string]any{"httpGet": map[string]any{"path": "/ready", "port": 8080}},
		"env":             []any{map[string]any{"name": "LOG_LEVEL", "value": "info"}},
	}
	labels := map[string]any{"team": "payments", "service": "checkout", "environment": "prod"}
	return Document{
		Kind: KindKubernetes, File: "deploy.yaml", Line: 1,
		Resource: Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "checkout-prod", Name: "checkout"},
		Input: map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "checkout", "namespace": "checkout-prod", "labels": labels},
			"spec": map[string]any{"replicas": 3, "template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{
					"securityContext": map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}},
					"containers":      []any{container},
				},
			}},
		},
	}
}

// BenchmarkEvaluate is one document through the whole built-in pack:
// the per-document cost behind both paved check and admission.
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.PolicySettings.AllowedRegistries = []string{"ghcr.io/example-shop/"}
	e, err := NewEngine(ctx, Options{Data: Data(cfg, nil)})
	if err != nil {
		b.Fatal(err)
	}
	doc := typicalDeployment()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.evalOne(ctx, 0, &doc); err != nil {
			b.Fatal(err)
		}
	}
}
