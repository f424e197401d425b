// Package demo generates a deterministic, realistic organisation for
// `paved serve --demo`: teams, their services across dev, staging and prod,
// with namespaces, cloud accounts and repositories. It writes through the
// same catalog.Apply path an import uses, so the demo exercises real code.
// Later capabilities extend it with their own data (costs, deployments...).
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/paved-dev/paved/internal/catalog"
)

// Seed fixes the generator so every demo start shows the same organisation.
const Seed = 20261125

type teamSpec struct {
	name, display, chat string
	services            []string
}

// teams is the demo organisation: a mid-size company whose platform has
// grown past its first handful of teams.
var teams = []teamSpec{
	{"payments", "Payments", "#team-payments", []string{"checkout", "payment-gateway", "invoicing", "refunds", "fraud-scoring", "ledger"}},
	{"identity", "Identity & Access", "#team-identity", []string{"auth-service", "user-profile", "session-store", "sso-bridge", "mfa"}},
	{"search", "Search & Discovery", "#team-search", []string{"search-api", "indexer", "recommendations", "autocomplete", "ranking"}},
	{"catalog", "Product Catalog", "#team-catalog", []string{"product-api", "pricing", "inventory", "media-service", "reviews"}},
	{"fulfilment", "Fulfilment", "#team-fulfilment", []string{"orders", "shipping", "warehouse-sync", "returns", "tracking"}},
	{"growth", "Growth", "#team-growth", []string{"experiments", "referrals", "campaigns", "email-sender", "landing-pages"}},
	{"data-platform", "Data Platform", "#team-data", []string{"event-pipeline", "warehouse-loader", "feature-store", "reporting-api", "data-quality"}},
	{"mobile", "Mobile", "#team-mobile", []string{"mobile-bff", "push-notifications", "app-config", "deep-links"}},
	{"web-platform", "Web Platform", "#team-web", []string{"storefront", "cms", "image-resizer", "edge-router", "seo-renderer"}},
	{"platform", "Platform Engineering", "#platform", []string{"paved", "ci-runners", "artifact-registry", "secrets-broker", "ingress-gateway"}},
	{"sre", "Site Reliability", "#sre", []string{"observability", "alert-router", "status-page", "chaos-runner"}},
	{"security", "Security Engineering", "#security", []string{"vuln-scanner", "policy-bot", "audit-log"}},
}

var (
	lifecycles  = []string{"production", "production", "production", "production", "experimental", "deprecated"}
	tiers       = []string{"tier-1", "tier-2", "tier-2", "tier-3"}
	goldenPaths = []string{"go-service", "go-service", "node-service", "python-job", "java-service", ""}
	firstNames  = []string{"ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jo", "kofi", "lena", "mo", "nia", "omar", "pia", "raj", "sara", "tom", "uma", "vik", "wen", "yara", "zoe"}
)

// Environments are the demo's environments, matching paved's defaults.
var Environments = []catalog.Environment{{Name: "dev"}, {Name: "staging"}, {Name: "prod", Production: true}}

// Catalog returns the demo organisation. The same seed always yields the
// same document.
func Catalog() catalog.Document {
	r := rand.New(rand.NewPCG(Seed, Seed))
	var doc catalog.Document
	for _, e := range Environments {
		doc.AddEnvironment(e, catalog.Origin{File: "demo"})
	}
	for ti, t := range teams {
		var members []string
		for i := 0; i < 3+r.IntN(5); i++ {
			members = append(members, fmt.Sprintf("%s.%s", firstNames[r.IntN(len(firstNames))], t.name))
		}
		doc.AddTeam(catalog.Team{
			Name:        t.name,
			DisplayName: t.display,
			Description: fmt.Sprintf("Owns %d services of the %s domain.", len(t.services), t.display),
			Contact:     catalog.Contact{Chat: t.chat, Email: t.name + "@example.com"},
			Members:     members,
		}, catalog.Origin{File: "demo"})
		for si, s := range t.services {
			svc := catalog.Service{
				Name:        s,
				Team:        t.name,
				Description: fmt.Sprintf("%s, run by %s.", s, t.display),
				Lifecycle:   lifecycles[r.IntN(len(lifecycles))],
				Tier:        tiers[r.IntN(len(tiers))],
				Type:        "service",
				Repository:  "https://github.com/example-shop/" + s,
				GoldenPath:  goldenPaths[r.IntN(len(goldenPaths))],
			}
			if si == 0 {
				svc.Tier, svc.Lifecycle = "tier-1", "production"
			}
			for ei, e := range Environments {
				svc.Namespaces = append(svc.Namespaces, catalog.Namespace{Name: s + "-" + e.Name, Environment: e.Name})
				// One AWS account per team and environment, the common
				// landing-zone layout; data and search also spend in GCP.
				svc.CloudAccounts = append(svc.CloudAccounts, catalog.CloudAccount{
					ID: fmt.Sprintf("%012d", 100000000000+int64(ti)*1000+int64(ei)), Provider: "aws", Environment: e.Name,
				})
				if t.name == "data-platform" || t.name == "search" {
					svc.CloudAccounts = append(svc.CloudAccounts, catalog.CloudAccount{
						ID: fmt.Sprintf("shop-%s-%s", t.name, e.Name), Provider: "gcp", Environment: e.Name,
					})
				}
			}
			doc.AddService(svc, catalog.Origin{File: "demo"})
		}
	}
	return doc
}

// Load writes the demo organisation into the catalog. It is idempotent:
// loading it into a database that already has it changes nothing.
func Load(ctx context.Context, c *catalog.Catalog) (catalog.Report, error) {
	return c.Apply(ctx, Catalog(), catalog.ApplyOptions{Source: "demo"})
}
