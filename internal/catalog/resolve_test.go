package catalog

import (
	"testing"

	"github.com/paved-dev/paved/internal/config"
)

func testIndex() *Index {
	own := config.Default().Ownership
	own.Aliases.Team = map[string]string{"Payments Squad": "payments"}
	own.Aliases.Service = map[string]string{"checkout-svc": "checkout"}
	snap := Snapshot{
		Teams:        []Team{{Name: "payments"}, {Name: "search"}},
		Environments: []Environment{{Name: "dev"}, {Name: "staging"}, {Name: "prod", Production: true}},
		Services: []Service{
			{Name: "checkout", Team: "payments", Repository: "https://github.com/example-shop/checkout",
				Namespaces:    []Namespace{{Name: "checkout-prod", Environment: "prod"}, {Name: "shared"}},
				CloudAccounts: []CloudAccount{{ID: "111111111111", Environment: "prod"}, {ID: "222222222222"}}},
			{Name: "ledger", Team: "payments", Namespaces: []Namespace{{Name: "payments-prod", Environment: "prod"}},
				CloudAccounts: []CloudAccount{{ID: "222222222222"}}},
			{Name: "refunds", Team: "payments", Namespaces: []Namespace{{Name: "payments-prod", Environment: "prod"}}},
			{Name: "indexer", Team: "search", Namespaces: []Namespace{{Name: "shared"}}},
		},
	}
	return NewIndex(snap, own)
}

func TestResolveObject(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		name      string
		labels    map[string]string
		namespace string
		want      Owner
	}{
		{"team label", map[string]string{"team": "payments"}, "", Owner{Team: "payments", Via: "label:team"}},
		{"key case and value normalisation", map[string]string{"Team": " Payments "}, "", Owner{Team: "payments", Via: "label:team"}},
		{"team alias", map[string]string{"owner": "payments_squad"}, "", Owner{Team: "payments", Via: "label:owner"}},
		{"first configured key wins", map[string]string{"owner": "search", "team": "payments"}, "", Owner{Team: "payments", Via: "label:team"}},
		{"service label decides team", map[string]string{"app.kubernetes.io/name": "checkout", "team": "search"}, "", Owner{Team: "payments", Service: "checkout", Via: "label:app.kubernetes.io/name"}},
		{"service alias", map[string]string{"app": "checkout-svc"}, "", Owner{Team: "payments", Service: "checkout", Via: "label:app"}},
		{"env label with alias", map[string]string{"team": "search", "env": "Production"}, "", Owner{Team: "search", Environment: "prod", Via: "label:team"}},
		{"namespace", nil, "checkout-prod", Owner{Team: "payments", Service: "checkout", Environment: "prod", Via: "namespace:checkout-prod"}},
		{"namespace shared by two services of one team", nil, "payments-prod", Owner{Team: "payments", Environment: "prod", Via: "namespace:payments-prod"}},
		{"namespace shared by two teams", nil, "shared", Owner{Team: Unowned}},
		{"label beats namespace, env from namespace", map[string]string{"team": "payments"}, "checkout-prod", Owner{Team: "payments", Environment: "prod", Via: "label:team"}},
		{"unknown team label falls back to namespace", map[string]string{"team": "ghosts"}, "checkout-prod", Owner{Team: "payments", Service: "checkout", Environment: "prod", Via: "namespace:checkout-prod"}},
		{"nothing", map[string]string{"team": "ghosts"}, "default", Owner{Team: Unowned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.ResolveObject(tt.labels, tt.namespace); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveCloud(t *testing.T) {
	ix := testIndex()
	tests := []struct {
		name    string
		tags    map[string]string
		account string
		want    Owner
	}{
		{"tag with stray spaces and case", map[string]string{" Team ": "search"}, "", Owner{Team: "search", Via: "tag:team"}},
		{"account", nil, "111111111111", Owner{Team: "payments", Service: "checkout", Environment: "prod", Via: "account:111111111111"}},
		{"account shared by services of one team", nil, "222222222222", Owner{Team: "payments", Via: "account:222222222222"}},
		{"tag beats account", map[string]string{"team": "search"}, "111111111111", Owner{Team: "search", Via: "tag:team"}},
		{"empty tag value ignored", map[string]string{"team": " "}, "111111111111", Owner{Team: "payments", Service: "checkout", Environment: "prod", Via: "account:111111111111"}},
		{"unknown account", nil, "999", Owner{Team: Unowned}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.ResolveCloud(tt.tags, tt.account); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveRepository(t *testing.T) {
	ix := testIndex()
	for _, url := range []string{
		"https://github.com/example-shop/checkout",
		"https://github.com/Example-Shop/Checkout.git",
		"git@github.com:example-shop/checkout.git",
		"ssh://git@github.com/example-shop/checkout",
		"https://github.com/example-shop/checkout/tree/main/cmd",
	} {
		if got := ix.ResolveRepository(url); got.Service != "checkout" || got.Team != "payments" {
			t.Errorf("ResolveRepository(%q) = %+v", url, got)
		}
	}
	if got := ix.ResolveRepository("https://github.com/example-shop/other"); got.Owned() {
		t.Errorf("unknown repository resolved to %+v", got)
	}
}

func TestNormalizeRepository(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://github.com/org/repo", "https://github.com/org/repo"},
		{"git@gitlab.com:group/sub/repo.git", "https://gitlab.com/group/sub/repo"},
		{"url:https://github.com/org/repo/blob/main/catalog-info.yaml", "https://github.com/org/repo"},
		{"https://gitlab.com/group/repo/-/tree/main", "https://gitlab.com/group/repo"},
		{"https://user:pw@github.com/org/repo?x=1#y", "https://github.com/org/repo"},
		{"git+ssh://git@github.com/org/repo.git", "https://github.com/org/repo"},
	}
	for _, tt := range tests {
		if got := NormalizeRepository(tt.in); got != tt.want {
			t.Errorf("NormalizeRepository(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkResolveObject measures the admission and audit hot path: a pod's
// labels resolved against a 5,000-service catalog.
func BenchmarkResolveObject(b *testing.B) {
	ix := bigIndex(5000)
	labels := map[string]string{
		"app.kubernetes.io/name":       "svc-4242",
		"app.kubernetes.io/managed-by": "helm",
		"pod-template-hash":            "7d9f8b6c5",
		"env":                          "prod",
	}
	b.ReportAllocs()
	for b.Loop() {
		if o := ix.ResolveObject(labels, "svc-4242-prod"); o.Service != "svc-4242" {
			b.Fatal(o)
		}
	}
}

// BenchmarkResolveObjectByNamespace is the fallback path: no ownership
// labels, owner found through the namespace.
func BenchmarkResolveObjectByNamespace(b *testing.B) {
	ix := bigIndex(5000)
	labels := map[string]string{"pod-template-hash": "7d9f8b6c5", "component": "worker"}
	b.ReportAllocs()
	for b.Loop() {
		if o := ix.ResolveObject(labels, "svc-4242-prod"); o.Service != "svc-4242" {
			b.Fatal(o)
		}
	}
}

func bigIndex(n int) *Index {
	snap := Snapshot{Environments: []Environment{{Name: "dev"}, {Name: "prod", Production: true}}}
	for i := 0; i < n/10; i++ {
		snap.Teams = append(snap.Teams, Team{Name: "team-" + itoa(i)})
	}
	for i := 0; i < n; i++ {
		name := "svc-" + itoa(i)
		snap.Services = append(snap.Services, Service{Name: name, Team: "team-" + itoa(i/10),
			Namespaces: []Namespace{{Name: name + "-dev", Environment: "dev"}, {Name: name + "-prod", Environment: "prod"}}})
	}
	return NewIndex(snap, config.Default().Ownership)
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
